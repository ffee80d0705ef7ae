"""An export as a tree of files, the same whether it is a folder or a zip: what the Keep, Day One,
Notion and Logseq readers walk.

Reading is defensive. A zip is never extracted: members are read in memory, each bounded by a size.
A member whose name is absolute or climbs out with ``..``, that is encrypted, compressed in a way
Python does not read, larger than a reader accepts, or that unpacks to far more than it is packed
(a zip bomb) is set aside with a sentence (``ExportTree.skipped``). A folder is walked without
following symbolic links (a link loop cannot hang it); hidden files and folders are left out.
"""

from __future__ import annotations

import io
import os
import posixpath
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from reverie.core.bring.doc import MAX_DOCUMENT_BYTES, Skipped, Unreadable
from reverie.core.bring.readers.zipwindow import ZipWindow
from reverie.core.sources import clip

MAX_RATIO = 100  # a member over BOMB_FLOOR bytes that unpacks to more than 100x its packed size
BOMB_FLOOR = 1024 * 1024
MAX_NESTED_ZIP_BYTES = 256 * 1024 * 1024  # a compressed zip inside the zip is read in memory (a stored one in place)
MAX_MEMBERS = 200_000
_CHUNK = 1024 * 1024
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError, NotImplementedError)


def _bounded(fh: IO[bytes], limit: int, size: int) -> bytes:
    """At most ``limit + 1`` bytes of ``fh``, read in chunks (``read(n)`` sets aside ``n`` bytes at once),
    the first as big as the file's declared ``size`` and one more byte."""
    chunks: list[bytes] = []
    total = 0
    step = min(_CHUNK, max(size, 0) + 1)
    while total <= limit:
        chunk = fh.read(min(step, limit + 1 - total))
        step = _CHUNK
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def unsafe_name(name: str) -> bool:
    """A member name that is absolute or climbs out of the export (``/etc/x``, ``../x``, ``C:x``)."""
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":") or "\x00" in name


@dataclass(frozen=True)
class Entry:
    """One file of an export: its ``/``-separated path in the export and its (declared) size."""

    rel: str
    size: int
    disk: Path | None = None  # the file, when the export is a folder
    info: zipfile.ZipInfo | None = None
    zf: zipfile.ZipFile | None = None

    @property
    def name(self) -> str:
        return self.rel.rsplit("/", 1)[-1]


class ExportTree:
    """The files of an export, by path. ``read`` gives a file's bytes or raises ``Unreadable``."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.entries: dict[str, Entry] = {}
        self.skipped: list[Skipped] = []
        self._zips: list[zipfile.ZipFile] = []
        self._windows: list[ZipWindow] = []
        self._stems: dict[str, list[Entry]] | None = None

    def files(self) -> Iterator[Entry]:
        yield from (self.entries[k] for k in sorted(self.entries))

    def get(self, rel: str) -> Entry | None:
        return self.entries.get(rel)

    def same_stem(self, rel: str, skip: tuple[str, ...] = ()) -> Entry | None:
        """The file at ``rel`` or, failing that, one beside it named the same with another suffix
        (not one ending in ``skip``)."""
        found = self.entries.get(rel)
        if found is not None:
            return found
        if self._stems is None:
            self._stems = {}
            for key in sorted(self.entries):
                self._stems.setdefault(posixpath.splitext(key)[0], []).append(self.entries[key])
        return next((e for e in self._stems.get(posixpath.splitext(rel)[0], []) if not e.rel.endswith(skip)), None)

    def read(self, entry: Entry, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
        """The bytes of ``entry``, at most ``limit`` of them; ``Unreadable`` with one sentence otherwise."""
        shown = clip(entry.rel, 120)
        if entry.size > limit:
            raise Unreadable(
                f"{shown} is larger than Reverie reads ({entry.size // (1024 * 1024)} MB); it was left out."
            )
        try:
            if entry.disk is not None:
                with open(entry.disk, "rb") as fh:
                    data = _bounded(fh, limit, entry.size)
            elif entry.zf is not None and entry.info is not None:
                with entry.zf.open(entry.info) as fh:
                    data = _bounded(fh, limit, entry.size)
            else:  # pragma: no cover - an Entry is made with one or the other
                raise Unreadable(f"{shown} cannot be read; it was left out.")
        except ZIP_ERRORS as exc:
            if isinstance(exc, Unreadable):
                raise
            raise Unreadable(f"{shown} in {self.label} is damaged or cannot be read; it was left out.") from None
        if len(data) > limit:
            raise Unreadable(f"{shown} is larger than Reverie reads; it was left out.")
        return data

    def close(self) -> None:
        for zf in self._zips:
            zf.close()
        for window in self._windows:
            window.close()
        self._zips.clear()
        self._windows.clear()

    def __enter__(self) -> ExportTree:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- filling ------------------------------------------------------------------------------

    def _skip(self, rel: str, reason: str) -> None:
        self.skipped.append(Skipped(rel, f"{clip(rel, 120)} in {self.label} {reason}; it was left out."))

    def add_zip(self, zf: zipfile.ZipFile, *, nested: bool, limit: int) -> None:
        self._zips.append(zf)
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise Unreadable(f"{self.label} holds more than {MAX_MEMBERS:,} files; nothing was brought in.")
        for info in infos:
            name = info.filename
            if info.is_dir():
                continue
            if unsafe_name(name):
                self._skip(name, "has a name that points outside the export")
                continue
            rel = name.replace("\\", "/")
            if info.flag_bits & 0x1:
                self._skip(rel, "is encrypted")
            elif info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2):
                self._skip(rel, "is compressed in a way Reverie does not read")
            elif info.file_size > BOMB_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                self._skip(rel, "unpacks to far more than its size (it looks like a zip bomb)")
            elif nested and rel.lower().endswith(".zip"):
                self._open_nested(zf, info)
            elif info.file_size > limit:
                self._skip(rel, f"is larger than Reverie reads ({info.file_size // (1024 * 1024)} MB)")
            else:
                self.entries.setdefault(rel, Entry(rel, info.file_size, info=info, zf=zf))

    def _open_nested(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        """A zip inside the zip: read in place when it is stored (Notion's parts), else in memory, bounded."""
        try:
            if info.compress_type == zipfile.ZIP_STORED and zf.filename:
                window = ZipWindow.of(zf.filename, info)
                self._windows.append(window)
                inner = zipfile.ZipFile(window)
            elif info.file_size > MAX_NESTED_ZIP_BYTES:
                self.skipped.append(Skipped(info.filename, _too_big_nested(info.filename, self.label)))
                return
            else:
                data = self.read(Entry(info.filename, info.file_size, info=info, zf=zf), MAX_NESTED_ZIP_BYTES)
                inner = zipfile.ZipFile(io.BytesIO(data))
        except Unreadable as exc:
            self.skipped.append(Skipped(info.filename, str(exc)))
            return
        except ZIP_ERRORS:
            self._skip(info.filename, "is not a zip archive or is damaged")
            return
        self.add_zip(inner, nested=False, limit=MAX_DOCUMENT_BYTES)

    def add_folder(self, root: Path, skip_dir: Callable[[str], bool], *, nested_zips: bool = False) -> None:
        """The files under ``root``; with ``nested_zips``, the files of the zips at its top too (an unzipped
        Notion export holds ``…-Part-1.zip`` files)."""
        for folder, dirs, files in os.walk(root, followlinks=False):
            base = Path(folder)
            rel_base = base.relative_to(root).as_posix()
            rel_base = "" if rel_base == "." else rel_base + "/"
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not skip_dir(rel_base + d))
            for name in sorted(files):
                p = base / name
                if name.startswith(".") or p.is_symlink():
                    continue
                try:
                    size = p.stat().st_size
                except OSError:
                    continue
                if nested_zips and not rel_base and name.lower().endswith(".zip"):
                    self._add_zip_file(p)
                    continue
                self.entries[rel_base + name] = Entry(rel_base + name, size, disk=p)
                if len(self.entries) > MAX_MEMBERS:
                    raise Unreadable(f"{self.label} holds more than {MAX_MEMBERS:,} files; nothing was brought in.")

    def _add_zip_file(self, path: Path) -> None:
        try:
            zf = zipfile.ZipFile(path)
        except ZIP_ERRORS:
            self._skip(path.name, "is not a zip archive or is damaged")
            return
        self.add_zip(zf, nested=False, limit=MAX_DOCUMENT_BYTES)


def _too_big_nested(name: str, label: str) -> str:
    return (
        f"{clip(name, 120)} is a zip too big to read inside {label}; it was left out "
        f"(unzip {label} and bring in {clip(name.rsplit('/', 1)[-1], 80)} itself)."
    )


def open_tree(
    path: Path,
    *,
    nested_zips: bool = False,
    skip_dir: Callable[[str], bool] = lambda rel: False,
    limit: int = MAX_DOCUMENT_BYTES,
) -> ExportTree:
    """The files of the folder or zip at ``path``; ``Unreadable`` when it is neither or the zip is damaged.

    ``nested_zips``: a ``.zip`` member's own files join the tree (at the same paths). ``skip_dir``
    leaves out a folder of a folder export by its relative path."""
    tree = ExportTree(path.name)
    if path.is_dir():
        tree.add_folder(path, skip_dir, nested_zips=nested_zips)
        return tree
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise Unreadable(f"There is no file or folder at {path}; nothing was brought in.") from None
    except ZIP_ERRORS:
        raise Unreadable(f"{path.name} is not a zip archive or is damaged; nothing was brought in.") from None
    try:
        tree.add_zip(zf, nested=nested_zips, limit=limit)
    except BaseException:
        tree.close()
        raise
    return tree


def zip_names(path: Path, limit: int = 2000) -> list[str]:
    """The first ``limit`` member names of the zip at ``path`` ([] when it is no zip): for ``claims``."""
    try:
        with zipfile.ZipFile(path) as zf:
            return [i.filename for i in zf.infolist()[:limit]]
    except ZIP_ERRORS:
        return []


def decode_text(data: bytes, rel: str) -> str:
    """UTF-8 text (a BOM dropped, Windows line ends made plain); ``Unreadable`` when it is not UTF-8."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unreadable(f"{clip(rel, 120)} is not UTF-8 text; it was left out.") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")
