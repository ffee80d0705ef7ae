"""What a path is, and what there is to read in it, found before anything is read.

``plan(path)`` tells a folder of documents from an Obsidian vault, a Logseq graph, a Google Keep
Takeout, a Day One export, a Notion zip and an Evernote export, and lists the *units* to read: each
file a file reader knows (Markdown, text, PDF, DOCX, HTML) or the one export. It reads nothing but
names, sizes and the readers' cheap ``claims``. Hidden files and folders are not listed; symbolic
links are not followed (a loop cannot trap the walk); a file too big to read is listed as skipped.
"""

from __future__ import annotations

import functools
import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from reverie.core.bring.doc import MAX_DOCUMENT_BYTES
from reverie.core.errors import TransferError
from reverie.core.sources import clip
from reverie.core.textutil import human_size
from reverie.core.transfer.markdown_import import shown_path

# Tried in this order: the first whose ``claims`` says yes reads the path as an export.
EXPORT_READERS = ("logseq", "keep", "dayone", "notion", "enex")
FILE_READERS = ("markdown", "text", "pdf", "docx", "html")
# Exports that are single files and may sit in a folder of documents: each is listed as a unit of its own.
FOLDER_EXPORTS = {".enex": "enex"}
LABELS = {
    "folder": "Folder of documents",
    "obsidian": "Obsidian vault",
    "file": "File",
}
# Files a note may embed or link to, kept as its attachments (see ``pipeline``).
ATTACHMENT_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".heic", ".pdf", ".mp3", ".m4a", ".wav", ".mp4", ".mov"}
)
# Editors' temporary and partial files, never read.
_TEMP_PREFIXES = ("~$", ".#", "#")
_TEMP_SUFFIXES = (".tmp", ".swp", ".swx", ".part", ".crdownload", ".partial", "~")


@dataclass(frozen=True)
class Unit:
    """One thing to read: a file (for a file reader) or a whole export (for an export reader)."""

    abspath: str
    rel: str  # relative to the source's root, "/"-separated
    reader: str  # a module in reverie.core.bring.readers
    size: int
    mtime: float


@dataclass(frozen=True)
class Source:
    """What ``plan`` found: the root the units' paths are relative to, what kind of source it is,
    the label the user reads, the units, and the files left out while listing (with why)."""

    root: Path
    kind: str  # "folder" | "obsidian" | "file" | an export reader's KIND
    label: str
    units: tuple[Unit, ...]
    skipped: tuple[tuple[str, str], ...] = ()
    path: str = ""  # what the user chose (a folder, a file): the key of an unfinished run
    attachments: tuple[tuple[str, str], ...] = ()  # (rel, abspath) of files notes may embed (folders)


def reader(name: str) -> ModuleType | None:
    """The reader module ``name``; None when this install does not have it."""
    try:
        return importlib.import_module(f"reverie.core.bring.readers.{name}")
    except ImportError:
        return None


@functools.cache
def suffix_readers() -> dict[str, str]:
    """File suffix (lower case, with the dot) -> the file reader that reads it (do not change the dict)."""
    out: dict[str, str] = {}
    for name in FILE_READERS:
        mod = reader(name)
        for suffix in getattr(mod, "SUFFIXES", ()):
            out.setdefault(suffix, name)
    return out


def is_temporary(name: str) -> bool:
    """An editor's lock, swap or partial download file, or a hidden file."""
    return name.startswith(".") or name.startswith(_TEMP_PREFIXES) or name.lower().endswith(_TEMP_SUFFIXES)


def _export_reader(path: Path) -> ModuleType | None:
    for name in EXPORT_READERS:
        mod = reader(name)
        if mod is None:
            continue
        try:
            if mod.claims(path):
                return mod
        except OSError:
            continue
    return None


def _unit(path: Path, rel: str, name: str) -> Unit:
    st = path.stat()
    return Unit(os.path.abspath(path), rel, name, st.st_size, st.st_mtime)


def known_kinds() -> str:
    return (
        "Markdown, text, PDF, DOCX and HTML files, a folder of them (an Obsidian vault too), a Logseq graph, "
        "a Google Keep Takeout, a Day One export, a Notion export zip or an Evernote .enex"
    )


def plan(path: str | Path) -> Source:
    """What ``path`` is and what to read in it; a TransferError (one sentence) when there is nothing."""
    p = Path(path).expanduser()
    if not p.exists():
        raise TransferError(f"There is no folder or file at {p}; nothing was brought in.")
    chosen = os.path.abspath(p)
    mod = _export_reader(p)
    if mod is not None:
        st = p.stat()
        root = p if p.is_dir() else p.parent
        unit = Unit(chosen, p.name, str(mod.KIND), st.st_size, st.st_mtime)
        return Source(root.resolve(), str(mod.KIND), str(mod.LABEL), (unit,), path=chosen)
    by_suffix = suffix_readers()
    if p.is_file():
        name = by_suffix.get(p.suffix.lower())
        if name is None:
            raise TransferError(f"{p.name} is not something Reverie can bring in ({known_kinds()}).")
        unit = _unit(p, p.name, name)
        skipped: tuple[tuple[str, str], ...] = ()
        units: tuple[Unit, ...]
        if unit.size > MAX_DOCUMENT_BYTES:
            skipped, units = ((p.name, _too_big(p.name, unit.size)),), ()
        else:
            units = (unit,)
        return Source(p.parent.resolve(), "file", LABELS["file"], units, skipped, path=chosen)
    return _folder(p, chosen, by_suffix)


def _too_big(rel: str, size: int) -> str:
    return (
        f"{clip(rel, 120)} is {human_size(size)}, more than the {human_size(MAX_DOCUMENT_BYTES)} Reverie reads "
        "from one file; it was left out."
    )


def _folder(p: Path, chosen: str, by_suffix: dict[str, str]) -> Source:
    root = p.resolve()
    units: list[Unit] = []
    skipped: list[tuple[str, str]] = []
    attachments: list[tuple[str, str]] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        pages = {Path(f).stem for f in filenames if f.lower().endswith((".html", ".htm"))}
        # A saved web page's "<page>_files" folder holds its images and frames: they come in with
        # the page (as its attachments), not as documents of their own.
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and not (d.endswith("_files") and d[:-6] in pages)
        )
        for fname in sorted(filenames):
            if is_temporary(fname):
                continue
            full = Path(dirpath) / fname
            rel = full.relative_to(root).as_posix()
            suffix = full.suffix.lower()
            name = by_suffix.get(suffix) or FOLDER_EXPORTS.get(suffix)
            if name is None and suffix not in ATTACHMENT_SUFFIXES:
                continue
            if full.is_symlink():
                continue
            if shown_path(rel) != rel:  # it could be neither shown nor stored as text
                shown = clip(shown_path(rel), 120)
                skipped.append((shown_path(rel), f"{shown} has a name that is not valid UTF-8 text; it was left out."))
                continue
            try:
                unit = _unit(full, rel, name or "")
            except OSError as exc:
                skipped.append((rel, f"{clip(rel, 120)} could not be read ({exc.strerror or exc}); it was left out."))
                continue
            if suffix in ATTACHMENT_SUFFIXES:
                attachments.append((rel, unit.abspath))
            if name is None:
                continue
            if unit.size > MAX_DOCUMENT_BYTES and name not in FOLDER_EXPORTS.values():  # an export is streamed
                skipped.append((rel, _too_big(rel, unit.size)))
                continue
            units.append(unit)
    if not units and not skipped:
        raise TransferError(f"{p} holds nothing Reverie can bring in ({known_kinds()}).")
    kind = "obsidian" if (root / ".obsidian").is_dir() else "folder"
    label = LABELS[kind]
    if units and all(u.reader == "enex" for u in units):
        kind, label = "enex", "Evernote export"  # a folder of notebooks
    return Source(root, kind, label, tuple(units), tuple(skipped), path=chosen, attachments=tuple(attachments))
