"""Attachments: the files a note carries (an image of an Obsidian vault, an Evernote resource, a Day
One photo, a PDF a note links to), kept as BLOBs in the vault (migration 12), so they are encrypted
with it; no copy is written beside the vault.

An attachment is known by its note and its name as the note refers to it ("photo.jpg",
"assets/scan.pdf"); its id is derived from both (``attachment_id``), so bringing the same note in
again finds it. ``store`` keeps new bytes and replaces changed ones; a file bigger than
``MAX_ATTACHMENT_BYTES`` is refused with one sentence (``AttachmentTooBig``) and nothing is written.
Deleting a note deletes its attachments (``ON DELETE CASCADE``); archiving its memories keeps them.

Every function runs in the caller's transaction (``vault.tx()`` to write, ``vault.read()`` to read)
and takes the time it is given; none reads the clock.
"""

from __future__ import annotations

import hashlib
import json
import math
import mimetypes
import os
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from reverie.core import history
from reverie.core.bring.doc import MAX_ATTACHMENT_BYTES
from reverie.core.errors import FileAccessError, NotFoundError, TransferError
from reverie.core.sqltypes import Connection
from reverie.core.textutil import clean_text
from reverie.core.transfer.bringin import stable_id

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "AttachmentInfo",
    "AttachmentTooBig",
    "attachment_id",
    "export_to",
    "for_note",
    "guess_mime",
    "info",
    "read",
    "remove_missing",
    "size_words",
    "store",
    "store_file",
    "total_size",
]

MAX_NAME_CHARS = 500
DEFAULT_MIME = "application/octet-stream"
_MB = 1024 * 1024
_COLS = "id, note_id, name, mime, size, sha256, created_at, meta"


class AttachmentTooBig(TransferError):  # noqa: N818 - a sentence for the user, not a crash
    """A file over ``MAX_ATTACHMENT_BYTES``: it is left out and the note comes in without it."""


@dataclass(frozen=True)
class AttachmentInfo:
    """An attachment without its bytes (``read`` gives those)."""

    id: str
    note_id: str
    name: str
    mime: str
    size: int
    sha256: str
    created_at: float
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: Any) -> AttachmentInfo:
        try:
            meta = json.loads(row[7] or "{}")
        except (TypeError, ValueError):
            meta = {}
        return cls(
            str(row[0]),
            str(row[1]),
            str(row[2]),
            str(row[3]),
            int(row[4]),
            str(row[5]),
            float(row[6]),
            meta if isinstance(meta, dict) else {},
        )


def attachment_id(note_id: str, name: str) -> str:
    """The id of a note's attachment of this name: the same each time the note is brought in."""
    return stable_id("attachment", note_id, name)


def _mb(size: int) -> str:
    """Whole megabytes, or tenths when whole ones would not show a size over the limit as bigger."""
    whole = round(size / _MB)
    if whole > MAX_ATTACHMENT_BYTES // _MB or size <= MAX_ATTACHMENT_BYTES:
        return f"{whole} MB"
    return f"{math.ceil(size * 10 / _MB) / 10:.1f} MB"


def too_big_sentence(name: str, size: int) -> str:
    return (
        f"{name} is {_mb(size)}, more than the {MAX_ATTACHMENT_BYTES // _MB} MB an attachment may be; it was left out."
    )


def size_words(size: int) -> str:
    """The limit as Settings says it: "25 MB"."""
    return f"{size // _MB} MB" if size % _MB == 0 else f"{size / _MB:.1f} MB"


def guess_mime(name: str) -> str:
    """The media type a file name suggests ("image/png"), or ``application/octet-stream``."""
    guessed, _ = mimetypes.guess_type(PurePosixPath(name.replace("\\", "/")).name, strict=False)
    return guessed or DEFAULT_MIME


def _clean_name(name: str) -> str:
    cleaned = clean_text(str(name)).strip().replace("\\", "/")
    if not cleaned or len(cleaned) > MAX_NAME_CHARS or any(ord(c) < 32 or ord(c) == 0x7F for c in cleaned):
        shown = cleaned[:60] or "An attachment without a name"
        raise TransferError(f"{shown} is not a name an attachment can have; it was left out.")
    return cleaned


def _clean_mime(mime: str | None, name: str) -> str:
    mime = (mime or "").strip().lower()
    if not mime or mime == DEFAULT_MIME or "/" not in mime or len(mime) > 200:
        return guess_mime(name)
    return mime


def store(
    conn: Connection, now: float, note_id: str, name: str, mime: str, data: bytes, *, actor: str = "import"
) -> str:
    """Keep ``data`` as the note's attachment ``name``; returns its id. The same note and name with
    other bytes (or another type) replaces the kept one; the same bytes change nothing. A file over
    ``MAX_ATTACHMENT_BYTES`` raises ``AttachmentTooBig`` and nothing is written."""
    name = _clean_name(name)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise AttachmentTooBig(too_big_sentence(name, len(data)))
    mime = _clean_mime(mime, name)
    if conn.execute("SELECT 1 FROM notes WHERE id = ?", (note_id,)).fetchone() is None:
        raise NotFoundError(f"The note {name} belongs to no longer exists; {name} was left out.")
    data = bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    aid = attachment_id(note_id, name)
    after = {"note_id": note_id, "name": name, "mime": mime, "size": len(data), "sha256": sha}
    row = conn.execute("SELECT mime, size, sha256 FROM attachments WHERE id = ?", (aid,)).fetchone()
    if row is not None and (row[0], row[2]) == (mime, sha):
        return aid
    if row is None:
        conn.execute(
            f"INSERT INTO attachments({_COLS}, data) VALUES (?,?,?,?,?,?,?,?,?)",
            (aid, note_id, name, mime, len(data), sha, now, "{}", data),
        )
        history.log(conn, now, "attachment", aid, "create", actor=actor, after=after)
    else:
        conn.execute(
            "UPDATE attachments SET mime = ?, size = ?, sha256 = ?, data = ?, created_at = ? WHERE id = ?",
            (mime, len(data), sha, data, now, aid),
        )
        before = {"mime": row[0], "size": int(row[1]), "sha256": row[2]}
        history.log(conn, now, "attachment", aid, "update", actor=actor, before=before, after=after)
    return aid


def store_file(
    conn: Connection, now: float, note_id: str, name: str, mime: str, path: str | Path, *, actor: str = "import"
) -> str:
    """``store`` with the bytes of the file at ``path``: its size is checked before it is read, so a
    file over the limit is never loaded. A file that cannot be read is one ``TransferError`` sentence."""
    shown = _clean_name(name)
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise TransferError(f"{shown} is not a file Reverie can keep; it was left out.")
        if st.st_size > MAX_ATTACHMENT_BYTES:
            raise AttachmentTooBig(too_big_sentence(shown, st.st_size))
        with open(path, "rb") as fh:
            data = fh.read(MAX_ATTACHMENT_BYTES + 1)
    except OSError as exc:
        raise TransferError(f"{shown} could not be read ({exc.strerror or exc}); it was left out.") from None
    return store(conn, now, note_id, name, mime, data, actor=actor)


def info(conn: Connection, attachment_id: str) -> AttachmentInfo | None:
    row = conn.execute(f"SELECT {_COLS} FROM attachments WHERE id = ?", (attachment_id,)).fetchone()
    return None if row is None else AttachmentInfo.from_row(row)


def for_note(conn: Connection, note_id: str) -> list[AttachmentInfo]:
    """A note's attachments by name, without their bytes."""
    rows = conn.execute(f"SELECT {_COLS} FROM attachments WHERE note_id = ? ORDER BY name", (note_id,)).fetchall()
    return [AttachmentInfo.from_row(r) for r in rows]


def read(conn: Connection, attachment_id: str) -> bytes:
    row = conn.execute("SELECT data FROM attachments WHERE id = ?", (attachment_id,)).fetchone()
    if row is None:
        raise NotFoundError("That attachment no longer exists (its note may have been deleted or brought in again).")
    return bytes(row[0])


def total_size(conn: Connection) -> tuple[int, int]:
    """(how many attachments, their bytes in all)."""
    row = conn.execute("SELECT count(*), coalesce(sum(size), 0) FROM attachments").fetchone()
    return int(row[0]), int(row[1])


def remove_missing(
    conn: Connection,
    note_id: str,
    keep_names: Iterable[str],
    *,
    now: float | None = None,
    actor: str = "import",
) -> int:
    """Drop the note's attachments whose names are not in ``keep_names`` (a note brought in again
    that no longer refers to a file); returns how many. With ``now``, each removal is logged."""
    keep = set()
    for n in keep_names:
        try:
            keep.add(_clean_name(n))
        except TransferError:
            continue
    gone = [a for a in for_note(conn, note_id) if a.name not in keep]
    for a in gone:
        conn.execute("DELETE FROM attachments WHERE id = ?", (a.id,))
        if now is not None:
            before = {"note_id": a.note_id, "name": a.name, "size": a.size, "sha256": a.sha256}
            history.log(conn, now, "attachment", a.id, "delete", actor=actor, before=before)
    return len(gone)


def safe_parts(name: str) -> list[str]:
    """The folders and file name an attachment is written to (relative, each part safe on every
    system, never ``..``); the last part is never empty."""
    from reverie.core.transfer.markdown_export import safe_filename

    raw = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    parts = [safe_filename(p, "") for p in raw]
    folders = [p for p in parts[:-1] if p]
    leaf = parts[-1] if parts and parts[-1] else "attachment"
    return [*folders, leaf]


def export_to(conn: Connection, attachment_id: str, folder: str | Path) -> Path:
    """Write the attachment for the system's viewer: into a new private folder (0700) inside
    ``folder``, under its own file name, readable by the user only (0600). Returns the file's path."""
    row = conn.execute("SELECT name, data FROM attachments WHERE id = ?", (attachment_id,)).fetchone()
    if row is None:
        raise NotFoundError("That attachment no longer exists (its note may have been deleted or brought in again).")
    leaf = safe_parts(str(row[0]))[-1]
    try:
        base = Path(folder)
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
        private = Path(tempfile.mkdtemp(prefix="attachment-", dir=base))
        target = private / leaf
        flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(target, flags, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(bytes(row[1]))
    except OSError as exc:
        raise FileAccessError(f"Reverie could not write {leaf} to open it: {exc.strerror or exc}.") from None
    return target
