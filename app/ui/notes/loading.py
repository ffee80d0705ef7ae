"""What the Notes screen reads with a note, as plain functions run on the database lane: where it came
from and whether that file is still on disk, its attachments (with a small picture of each image), and
the private copy of an attachment the system's viewer opens."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage

from reverie.core import attachments, notes, notesource
from reverie.core.notesource import NoteOrigin
from reverie.core.records import Note

THUMB_PX = 28  # the side of an image's small picture in the list
THUMB_MAX_BYTES = 4 * 1024 * 1024  # a bigger image shows its icon (reading it to draw 40 px is not worth it)
THUMB_MAX_COUNT = 24  # pictures drawn per note; the rest show their icon
PREVIEW_IMAGE_PX = 480  # the widest an attachment shown in the Preview is drawn (no sideways scrolling)
PREVIEW_MAX_IMAGES = 20  # images of the vault a Preview shows; further ones stay links
_MD_IMAGE = re.compile(r'!\[[^\]\n]*\]\(\s*(?:<([^>\n]+)>|([^)\s]+))(?:\s+"[^"\n]*")?\s*\)')


@dataclass(frozen=True)
class AttachmentRow:
    """An attachment as the note lists it; ``thumb`` a small picture of an image (made on the lane:
    a QImage may be made on any thread, a QPixmap only on the GUI thread)."""

    id: str
    name: str
    mime: str
    size: int
    thumb: QImage | None = None
    sha256: str = ""


@dataclass(frozen=True)
class LoadedNote:
    """A note with what the editor shows around it."""

    note: Note
    origin: NoteOrigin | None = None
    present: bool = True  # the origin's file (or export) is still on disk
    attachments: tuple[AttachmentRow, ...] = field(default_factory=tuple)
    images: dict[str, QImage] = field(default_factory=dict)  # ``![](name)`` in the text -> the attachment's picture


def watched_roots(conn: Any) -> list[str]:
    """The folders Reverie watches (none in a vault without the watched folders' table)."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'watched_folders'").fetchone():
        return []
    return [str(r[0]) for r in conn.execute("SELECT path FROM watched_folders").fetchall()]


def _thumb(data: bytes) -> QImage | None:
    image = QImage.fromData(data)
    if image.isNull():
        return None
    return image.scaled(
        THUMB_PX, THUMB_PX, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )


class _Pictures:
    """Pictures already made from attachments, by id and content hash (new bytes make a new picture):
    a note opened again does not read and decode its photos again. Used on the database lane only."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.found: OrderedDict[tuple[str, str, str], QImage | None] = OrderedDict()

    def get(self, key: tuple[str, str, str], make: Callable[[], QImage | None]) -> QImage | None:
        if key in self.found:
            self.found.move_to_end(key)
            return self.found[key]
        image = make()
        self.found[key] = image
        while len(self.found) > self.limit:
            self.found.popitem(last=False)
        return image


_thumbs = _Pictures(512)  # 28 px each
_shown_images = _Pictures(24)  # up to 480 px wide each


def attachment_rows(conn: Any, note_id: str) -> list[AttachmentRow]:
    out = []
    for i, a in enumerate(attachments.for_note(conn, note_id)):
        thumb = None
        if a.mime.startswith("image/") and a.size <= THUMB_MAX_BYTES and i < THUMB_MAX_COUNT:
            thumb = _thumbs.get(("thumb", a.id, a.sha256), lambda a=a: _thumb(attachments.read(conn, a.id)))
        out.append(AttachmentRow(a.id, a.name, a.mime, a.size, thumb, a.sha256))
    return out


def image_names(body: str) -> list[str]:
    """The targets of the Markdown images in ``body`` (``![](photo.jpg)`` -> "photo.jpg"), as written
    and as decoded (``my%20photo.jpg`` is also "my photo.jpg"), in their order."""
    out: list[str] = []
    for m in _MD_IMAGE.finditer(body):
        raw = m.group(1) or m.group(2)
        for name in (raw, QUrl.fromPercentEncoding(raw.encode("utf-8"))):
            if name not in out:
                out.append(name)
    return out


def _shown(conn: Any, attachment_id: str) -> QImage | None:
    image = QImage.fromData(attachments.read(conn, attachment_id))
    if image.isNull():
        return None
    if image.width() > PREVIEW_IMAGE_PX:
        image = image.scaledToWidth(PREVIEW_IMAGE_PX, Qt.TransformationMode.SmoothTransformation)
    return image


def preview_images(conn: Any, body: str, rows: list[AttachmentRow]) -> dict[str, QImage]:
    """The pictures of the attachments the text shows as Markdown images, at most ``PREVIEW_IMAGE_PX`` wide."""
    wanted = image_names(body)
    if not wanted:
        return {}
    by_name = {r.name: r for r in rows if r.mime.startswith("image/")}
    by_leaf: dict[str, AttachmentRow] = {}
    for r in by_name.values():
        by_leaf.setdefault(r.name.rsplit("/", 1)[-1], r)
    out: dict[str, QImage] = {}
    decoded: dict[str, QImage | None] = {}
    for name in wanted:
        row = by_name.get(name) or by_name.get(name.removeprefix("./")) or by_leaf.get(name.rsplit("/", 1)[-1])
        if row is None:
            continue
        if row.id not in decoded:
            if len(decoded) >= PREVIEW_MAX_IMAGES:
                break
            decoded[row.id] = _shown_images.get(("preview", row.id, row.sha256), lambda r=row: _shown(conn, r.id))
        found = decoded[row.id]
        if found is not None:
            out[name] = found
    return out


def load_note(vault: Any, note_id: str) -> LoadedNote:
    """The note, where it came from and whether that is still on disk, its attachments and the
    pictures its text shows."""
    note = notes.get_note(vault, note_id)
    with vault.read() as conn:
        origin = notesource.describe(note.origin, note.meta, watched_roots=watched_roots(conn))
        rows = attachment_rows(conn, note.id)
        images = preview_images(conn, note.body, rows)
    present = True
    if origin is not None and origin.on_disk:
        present = os.path.exists(origin.on_disk)
    return LoadedNote(note, origin, present, tuple(rows), images)


class OpenedCopies:
    """The private folder that attachments are written to for the system's viewer (made when the
    first one opens, 0700), removed when the window closes: the vault's files do not stay readable
    outside it."""

    def __init__(self) -> None:
        self.folder: Path | None = None

    def export(self, vault: Any, attachment_id: str) -> Path:
        """(Database lane.) Write the attachment's bytes to a private copy; its path."""
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="reverie-open-"))
        with vault.read() as conn:
            return attachments.export_to(conn, attachment_id, self.folder)

    def remove(self, _vault: Any = None) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
