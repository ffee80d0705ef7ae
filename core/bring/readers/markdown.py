"""Markdown notes (an Obsidian vault's too), as the folder import has always read them
(``core.transfer.notefile``): front matter, inline ``#tags``, ``[[links]]``, dates and properties.

``read_file`` takes the file's own times for the dates its front matter does not give. Embedded
files (``![[photo.png]]``, ``![](scan.pdf)``) are attached by the pipeline, which knows the folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from reverie.core.bring.doc import MAX_DOCUMENT_BYTES, Doc, Unreadable
from reverie.core.clock import clamp
from reverie.core.records import MAX_TEXT_BYTES
from reverie.core.sources import clip
from reverie.core.textutil import clean_text, human_size
from reverie.core.transfer.notefile import NoteFile, parse_note_file

SUFFIXES = frozenset({".md", ".markdown"})
KIND = "markdown"


def file_times(path: Path) -> tuple[float, float, int]:
    """(birth, modified, size) of a file; times outside 1900-2200 are moved to the nearest end."""
    st = path.stat()
    return clamp(float(getattr(st, "st_birthtime", None) or st.st_mtime)), clamp(st.st_mtime), st.st_size


def read_text(path: Path, rel: str) -> tuple[str, float, float]:
    """A text file's text (UTF-8, a BOM allowed) and its times, or ``Unreadable``."""
    try:
        birth, mtime, size = file_times(path)
        if size > min(MAX_TEXT_BYTES, MAX_DOCUMENT_BYTES):
            raise Unreadable(f"{clip(rel, 120)} is {human_size(size)}, more than a note can hold; it was left out.")
        data = path.read_bytes()
    except OSError as exc:
        raise Unreadable(f"{clip(rel, 120)} could not be read ({exc.strerror or exc}); it was left out.") from None
    try:
        return clean_text(data.decode("utf-8-sig")), birth, mtime
    except UnicodeDecodeError:
        raise Unreadable(f"{clip(rel, 120)} is not UTF-8 text; it was left out.") from None


def from_note_file(nf: NoteFile, kind: str, source_file: str) -> Doc:
    meta = nf.meta
    props = meta.get("properties") or {}
    folder = rel_folder(nf.rel)
    return Doc(
        key=nf.rel,
        kind=kind,
        title=nf.title,
        body=nf.body,
        created=nf.created,
        updated=nf.updated,
        happened=nf.happened,
        tags=list(nf.tags),
        properties=dict(props),
        links=list(nf.links),
        folder=folder,
        problems=[nf.problem] if nf.problem else [],
        source_file=source_file,
    )


def rel_folder(rel: str) -> str:
    parent = rel.rsplit("/", 1)[0] if "/" in rel else ""
    return parent


def read_file(path: Path, rel: str, flavour: str = "markdown") -> Doc:
    text, birth, mtime = read_text(path, rel)
    nf = parse_note_file(rel, text, "markdown", flavour, birth, mtime)
    return from_note_file(nf, KIND, os.path.abspath(path))
