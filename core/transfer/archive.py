"""Reading and writing the vault file's container: a zip, optionally inside an age envelope.

Reading is defensive: member names and sizes (against the manifest's declared sizes and absolute
caps) are checked before a byte of a member is inflated, every member is streamed line by line with a bound on the line length, and its SHA-256
and record count are checked against the manifest. An attachment's member (``attachments/<id>``) must
declare its size, at most ``MAX_ATTACHMENT_BYTES``, and is read whole and checked against its SHA-256.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from reverie.core.attachments import MAX_ATTACHMENT_BYTES
from reverie.core.errors import TransferError
from reverie.core.transfer.format import (
    AGE_MAGIC,
    DEFAULT_LIMITS,
    MANIFEST,
    MEMBERS,
    OPTIONAL_TABLES,
    TABLES,
    Limits,
    attachment_member,
    attachment_member_id,
    check_record,
    decode_line,
    echo,
)
from reverie.core.transfer.manifest import Manifest

_UNCHANGED = "the vault was not changed"


def _damaged(label: str) -> TransferError:
    return TransferError(f"{label} is truncated or damaged; {_UNCHANGED}.")


def age_encrypt(data: bytes, passphrase: str) -> bytes:
    import pyrage

    return pyrage.passphrase.encrypt(data, passphrase)


def _age_decrypt(data: bytes, passphrase: str | None, label: str) -> bytes:
    import pyrage

    if not passphrase:
        raise TransferError(f"{label} is protected by a passphrase; give the passphrase to import it.")
    try:
        return pyrage.passphrase.decrypt(data, passphrase)
    except pyrage.DecryptError:
        raise TransferError(
            f"{label} could not be decrypted: the passphrase is wrong or the file is damaged; {_UNCHANGED}."
        ) from None


def _unsafe_name(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return (
        name.startswith(("/", "\\"))
        or ".." in parts
        or "\\" in name
        or (len(name) > 1 and name[1] == ":")
        or "\x00" in name
    )


class Archive:
    """An opened, structurally checked vault file. Records are read by ``records(table)``."""

    def __init__(self, zf: zipfile.ZipFile, manifest: Manifest, limits: Limits, label: str, encrypted: bool) -> None:
        self.zf = zf
        self.manifest = manifest
        self.limits = limits
        self.label = label
        self.encrypted = encrypted

    @property
    def tables(self) -> list[str]:
        present = set(self.manifest.counts)
        return [t for t in TABLES if t in present]

    def records(self, table: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Yield (where, record) for each line of a table's member, each checked and cleaned.

        The member's checksum and record count are verified when its end is reached."""
        name = f"{table}.jsonl"
        digest = hashlib.sha256()
        n = 0
        limit = self.limits.max_line_bytes
        try:
            with self.zf.open(name) as fh:
                while True:
                    line = fh.readline(limit + 1)
                    if not line:
                        break
                    digest.update(line)
                    n += 1
                    where = f"line {n} of {name}"
                    if len(line) > limit:
                        raise TransferError(f"{where} is longer than Reverie accepts; {_UNCHANGED}.")
                    yield where, check_record(table, decode_line(line.rstrip(b"\r\n"), where), where)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError) as exc:
            if isinstance(exc, TransferError):
                raise
            raise _damaged(f"{self.label} (member {name})") from None
        if digest.hexdigest() != self.manifest.sha256.get(name):
            raise TransferError(
                f"The member {name} of {self.label} does not match its checksum (it was altered "
                f"or damaged); {_UNCHANGED}."
            )
        if n != self.manifest.counts.get(table):
            raise TransferError(
                f"The member {name} of {self.label} holds {n} records but its manifest says "
                f"{self.manifest.counts.get(table)}; {_UNCHANGED}."
            )

    @property
    def attachment_ids(self) -> set[str]:
        """The ids of the attachments whose bytes the file holds."""
        return {aid for aid in map(attachment_member_id, self.manifest.sha256) if aid is not None}

    def attachment_data(self, aid: str) -> bytes:
        """The bytes of one attachment, checked against the manifest's size and SHA-256."""
        name = attachment_member(aid)
        size = self.manifest.sizes.get(name)
        if size is None:
            raise TransferError(f"{self.label} lacks the member {name}; {_UNCHANGED}.")
        try:
            with self.zf.open(name) as fh:
                data = fh.read(size + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError, KeyError):
            raise _damaged(f"{self.label} (member {name})") from None
        if len(data) != size or hashlib.sha256(data).hexdigest() != self.manifest.sha256.get(name):
            raise TransferError(
                f"The member {name} of {self.label} does not match its checksum (it was altered "
                f"or damaged); {_UNCHANGED}."
            )
        return data

    def close(self) -> None:
        self.zf.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_archive(path: str | Path, passphrase: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Archive:
    path = Path(path)
    label = f"The vault file {path.name}"
    try:
        fh: IO[bytes] = open(path, "rb")
    except OSError as exc:
        raise TransferError(f"Reverie cannot read {path}: {exc.strerror or exc}.") from None
    encrypted = False
    try:
        head = fh.read(len(AGE_MAGIC))
        fh.seek(0)
        if head == AGE_MAGIC:
            encrypted = True
            data = fh.read(limits.max_encrypted_bytes + 1)
            fh.close()
            if len(data) > limits.max_encrypted_bytes:
                raise TransferError(f"{label} is larger than Reverie accepts; {_UNCHANGED}.")
            fh = io.BytesIO(_age_decrypt(data, passphrase, label))
            del data
            head = fh.read(4)
            fh.seek(0)
        try:
            zf = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
            if head.startswith(b"PK"):
                raise _damaged(label) from None
            raise TransferError(
                f"{label} is not a Reverie vault file (it is not a zip archive); {_UNCHANGED}."
            ) from None
        try:
            manifest = _check_structure(zf, limits, label)
        except BaseException:
            zf.close()
            raise
    except BaseException:
        fh.close()
        raise
    return Archive(zf, manifest, limits, label, encrypted)


def _check_structure(zf: zipfile.ZipFile, limits: Limits, label: str) -> Manifest:
    """Check member names, sizes and the manifest before a byte of a member is inflated.

    A member may unpack to no more than the size the manifest declares for it (zipfile never
    inflates past a member's recorded size, and that must equal the declared one) and never past
    the absolute caps in ``limits``; an older file that declares no sizes has only the caps."""
    infos = zf.infolist()
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        if _unsafe_name(name):
            raise TransferError(f"{label} contains a member with an unsafe name ({echo(name)}); {_UNCHANGED}.")
        if name in seen:
            raise TransferError(f"{label} contains the member {echo(name)} twice; {_UNCHANGED}.")
        seen.add(name)
        if name != MANIFEST and name not in MEMBERS and attachment_member_id(name) is None:
            raise TransferError(f"{label} contains an unexpected member {echo(name)}; {_UNCHANGED}.")
        if info.flag_bits & 0x1:
            raise TransferError(f"{label} uses zip encryption, which Reverie does not read; {_UNCHANGED}.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise TransferError(f"{label} uses an unsupported compression method; {_UNCHANGED}.")
    if MANIFEST not in seen:
        raise TransferError(f"{label} has no manifest, so it is not a Reverie vault file; {_UNCHANGED}.")
    for table in TABLES:
        if table not in OPTIONAL_TABLES and f"{table}.jsonl" not in seen:
            raise TransferError(f"{label} lacks the member {table}.jsonl; {_UNCHANGED}.")
    info = zf.getinfo(MANIFEST)
    if info.file_size > limits.max_manifest_bytes:
        raise TransferError(f"The manifest of {label} is larger than Reverie accepts; {_UNCHANGED}.")
    try:
        with zf.open(info) as mf:
            data = mf.read(limits.max_manifest_bytes + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError):
        raise _damaged(label) from None
    manifest = Manifest.parse(data, seen - {MANIFEST})
    total = 0
    for info in infos:
        if info.filename == MANIFEST:
            continue
        name = info.filename
        declared = manifest.sizes.get(name)
        if declared is not None and info.file_size != declared:
            raise TransferError(
                f"The member {name} of {label} does not have the size its manifest declares (it was altered "
                f"or damaged); {_UNCHANGED}."
            )
        if attachment_member_id(name) is not None and (declared is None or declared > MAX_ATTACHMENT_BYTES):
            raise TransferError(
                f"The member {name} of {label} is larger than an attachment may be, or does not declare "
                f"its size; {_UNCHANGED}."
            )
        if info.file_size > limits.max_member_bytes:
            raise TransferError(f"The member {name} of {label} is larger than Reverie accepts; {_UNCHANGED}.")
        total += info.file_size
        if total > limits.max_total_bytes:
            raise TransferError(f"{label} is larger than Reverie accepts when unpacked; {_UNCHANGED}.")
    return manifest


class ArchiveWriter:
    """Writes members line by line, keeping each member's SHA-256 and record count."""

    def __init__(self, target: IO[bytes]) -> None:
        self.zf = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        self.sha256: dict[str, str] = {}
        self.counts: dict[str, int] = {}
        self.sizes: dict[str, int] = {}

    def write_member(self, table: str, lines: Iterator[bytes]) -> int:
        name = f"{table}.jsonl"
        digest = hashlib.sha256()
        n = total = 0
        with self.zf.open(name, "w", force_zip64=True) as out:
            buf: list[bytes] = []
            size = 0
            for line in lines:
                digest.update(line)
                buf.append(line)
                size += len(line)
                total += len(line)
                n += 1
                if size > 1 << 20:
                    out.write(b"".join(buf))
                    buf, size = [], 0
            out.write(b"".join(buf))
        self.sha256[name] = digest.hexdigest()
        self.counts[table] = n
        self.sizes[name] = total
        return n

    def write_bytes(self, name: str, data: bytes) -> None:
        """One binary member (an attachment's bytes), with its SHA-256 and size in the manifest. Stored, not
        deflated: images, PDFs and sound are compressed already, and deflating them took most of an export."""
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_STORED
        with self.zf.open(info, "w", force_zip64=True) as out:
            out.write(data)
        self.sha256[name] = hashlib.sha256(data).hexdigest()
        self.sizes[name] = len(data)

    def abort(self) -> None:
        """Close the zip after a failure (what it wrote is thrown away with the job folder)."""
        with contextlib.suppress(Exception):
            self.zf.close()

    def finish(self, manifest: Manifest, secret: bytes | None = None) -> None:
        """Write the manifest (checksums, counts, sizes; signed with ``secret`` when given) and close."""
        manifest.sha256 = dict(self.sha256)
        manifest.counts = dict(self.counts)
        manifest.sizes = dict(self.sizes)
        if secret is not None:
            manifest.sign(secret)
        self.zf.writestr(MANIFEST, manifest.to_json().encode("utf-8"))
        self.zf.close()
