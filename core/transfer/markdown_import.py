"""Bring in a folder of Markdown notes (an Obsidian vault too) or plain text files.

Front matter, inline ``#tags`` and ``[[wikilinks]]`` are kept: the text is stored as written;
``title`` and ``tags`` become the note's title and tags; ``created``, ``date`` and ``updated``
(or ``modified``) become its dates (file dates only when the front matter has none); every other
field is kept as one of the note's properties, as it came in (``core.properties``), and is
searchable. Tags come only from tag syntax in prose (``core.mdsyntax.inline_tags``). Links are
listed in the note's meta (and resolved to note ids when the target was imported too). Every note
records the file it came from (``origin = file:<path>``) and its path in the folder (``meta["path"]``,
``/``-separated), which the Markdown export writes it back to. A re-import skips files whose SHA-256
did not change (and which this version of the reader has read) and updates the note of a file
that did. ``preview_markdown_folder`` (core/transfer/markdown_preview.py) says all this beforehand
without writing anything.

Imported files are documents, not the user's own words, unless the import says they are
(``mine=True``: ``reverie import PATH --mine``, "These are my own notes" in the window). The mark
is kept in the note's meta (``own_words``, see ``consolidation.planner.own_words_sql``); only
notes so marked (and notes written in Reverie) are read for facts about the user. A later import
with the mark adds it to notes already imported; one without it leaves an earlier mark alone.
The memories of an imported note have trust ``imported``, ``user`` once it is marked.

A file whose name is not valid UTF-8 is left out with a sentence; file times and front matter dates
outside the years 1900-2200 are not stored (see ``notefile``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reverie.core import history, ingest
from reverie.core.clock import clamp
from reverie.core.consolidation.planner import OWN_NOTE_KEY
from reverie.core.errors import TransferCancelledError, TransferError
from reverie.core.mdsyntax import inline_tags
from reverie.core.properties import parse_front_matter
from reverie.core.records import MAX_TEXT_BYTES
from reverie.core.sources import clip
from reverie.core.textutil import clean_text, human_size
from reverie.core.transfer.bringin import BringInSummary, ledger_hash, ledger_record, sha256_bytes, stable_id
from reverie.core.transfer.notefile import (
    NoteFile,
    legacy_properties,
    parse_date,
    parse_note_file,
    wikilinks,
)
from reverie.core.vault import Vault

__all__ = [
    "SUFFIXES",
    "NoteFile",
    "import_markdown_folder",
    "inline_tags",
    "legacy_properties",
    "parse_date",
    "parse_front_matter",
    "parse_note_file",
    "wikilinks",
]

SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".text": "text"}
# Bumped when the reader learns something new: a file read by an older reader is read again once.
READER_VERSION = "2"
Progress = Callable[[str, int, int], None]


def ledger_value(sha: str) -> str:
    return f"{sha}+r{READER_VERSION}"


def _files(root: Path) -> Iterator[Path]:
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).parts
        if any(part.startswith(".") for part in rel) or not p.is_file() or p.is_symlink():
            continue
        if p.suffix.lower() in SUFFIXES:
            yield p


def note_files(folder: str | Path) -> tuple[Path, list[Path], str]:
    """(the root the paths are relative to, the note files, "obsidian" or "markdown") of a folder
    or of one file; a TransferError when there is nothing to import."""
    root = Path(folder).expanduser()
    if root.is_file():
        if root.suffix.lower() not in SUFFIXES:
            raise TransferError(
                f"{root.name} is not a Markdown or text file (.md, .markdown, .txt); nothing was imported."
            )
        files, root = [root], root.parent
    elif root.is_dir():
        files = list(_files(root))
    else:
        raise TransferError(f"There is no folder or file at {root}; nothing was imported.")
    if not files:
        raise TransferError(f"{root} holds no Markdown or text files (.md, .markdown, .txt); nothing was imported.")
    return root, files, "obsidian" if (root / ".obsidian").is_dir() else "markdown"


def cancelled(cancel: Any) -> bool:
    return cancel is not None and bool(cancel.is_set() if hasattr(cancel, "is_set") else cancel())


def import_markdown_folder(
    vault: Vault, folder: str | Path, progress: Progress | None = None, cancel: Any = None, *, mine: bool = False
) -> BringInSummary:
    """Import every ``.md``/``.markdown``/``.txt`` file under ``folder`` (or one such file) as notes,
    in one transaction. Files that cannot be read are left out, each with a sentence in ``problems``.
    ``mine``: the files are the user's own writing (facts about them may be drawn from them)."""
    root, files, flavour = note_files(folder)
    summary = BringInSummary()
    now = vault.now()
    imported: dict[str, str] = {}  # stem / title (casefolded) -> note id, for resolving links
    linked: list[tuple[str, list[str], dict[str, Any]]] = []
    with vault.tx() as conn:
        for i, path in enumerate(files, 1):
            if cancelled(cancel):
                raise TransferCancelledError("The import was cancelled; the vault was not changed.")
            if progress:
                progress("importing files", i - 1, len(files))
            result = _import_file(conn, now, root, path, flavour, summary, mine=mine)
            if result:
                note_id, title, links, meta = result
                imported[path.stem.casefold()] = imported[title.casefold()] = note_id
                if links:
                    linked.append((note_id, links, meta))
        for note_id, links, meta in linked:
            meta["link_ids"] = {t: imported[t.casefold()] for t in links if t.casefold() in imported}
            conn.execute("UPDATE notes SET meta = ? WHERE id = ?", (json.dumps(meta, ensure_ascii=False), note_id))
    if progress:
        progress("importing files", len(files), len(files))
    return summary


def is_own(conn: Any, note_id: str) -> bool:
    row = conn.execute("SELECT meta FROM notes WHERE id = ?", (note_id,)).fetchone()
    return row is not None and _meta(row[0]).get(OWN_NOTE_KEY) is True


def _mark_own(conn: Any, now: float, note_id: str) -> bool:
    """Mark an imported note as the user's own writing; False when it already was (or is gone)."""
    row = conn.execute("SELECT meta FROM notes WHERE id = ?", (note_id,)).fetchone()
    if row is None:
        return False
    meta = _meta(row[0])
    if meta.get(OWN_NOTE_KEY) is True:
        return False
    meta[OWN_NOTE_KEY] = True
    conn.execute("UPDATE notes SET meta = ? WHERE id = ?", (json.dumps(meta, ensure_ascii=False), note_id))
    conn.execute(
        "UPDATE memories SET trust = 'user' WHERE source_kind = 'note' AND source_id = ? AND trust = 'imported'",
        (note_id,),
    )
    history.log(
        conn,
        now,
        "note",
        note_id,
        "update",
        actor="import",
        after={OWN_NOTE_KEY: True},
        note="marked as your own writing",
    )
    return True


def _meta(raw: str | None) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class RawFile:
    rel: str
    kind: str  # "markdown" | "text"
    abspath: str
    note_id: str
    sha: str
    data: bytes
    birth: float
    mtime: float


def shown_path(rel: str) -> str:
    """A path as it can be shown and stored: a name that is not valid UTF-8 gets U+FFFD for its bad bytes."""
    return os.fsencode(rel).decode("utf-8", "replace")


def read_raw(root: Path, path: Path) -> RawFile | str:
    """A file's bytes and where it is, or the sentence saying why it is left out. File times
    outside 1900-2200 are moved to the nearest end of that range."""
    rel = path.relative_to(root).as_posix()
    abspath = str(path.resolve())
    if shown_path(abspath) != abspath:
        return f"{clip(shown_path(rel), 120)} has a name that is not valid UTF-8 text; it was left out."
    try:
        st = path.stat()
        if st.st_size > MAX_TEXT_BYTES:
            return f"{clip(rel, 120)} is {human_size(st.st_size)}, more than a note can hold; it was left out."
        data = path.read_bytes()
    except OSError as exc:
        return f"{clip(rel, 120)} could not be read ({exc.strerror or exc}); it was left out."
    return RawFile(
        rel,
        SUFFIXES[path.suffix.lower()],
        abspath,
        stable_id("file", abspath),
        sha256_bytes(data),
        data,
        clamp(float(getattr(st, "st_birthtime", None) or st.st_mtime)),
        clamp(st.st_mtime),
    )


def decode(raw: RawFile, flavour: str) -> NoteFile | str:
    try:
        text = clean_text(raw.data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return f"{clip(raw.rel, 120)} is not UTF-8 text; it was left out."
    return parse_note_file(raw.rel, text, raw.kind, flavour, raw.birth, raw.mtime)


def _import_file(
    conn: Any, now: float, root: Path, path: Path, flavour: str, summary: BringInSummary, *, mine: bool = False
) -> tuple[str, str, list[str], dict[str, Any]] | None:
    raw = read_raw(root, path)
    if isinstance(raw, str):
        summary.problems.append(raw)
        return None
    note_id = raw.note_id
    if ledger_hash(conn, raw.kind, raw.abspath) == ledger_value(raw.sha):
        if mine and _mark_own(conn, now, note_id):
            summary.updated += 1
        else:
            summary.unchanged += 1
        return None
    nf = decode(raw, flavour)
    if isinstance(nf, str):
        summary.problems.append(nf)
        return None
    if nf.problem:
        summary.problems.append(nf.problem)
    meta = dict(nf.meta)
    old = conn.execute("SELECT meta FROM notes WHERE id = ?", (note_id,)).fetchone()
    if mine or (old is not None and _meta(old[0]).get(OWN_NOTE_KEY) is True):
        meta[OWN_NOTE_KEY] = True
    vals = (
        nf.title,
        nf.body,
        json.dumps(nf.tags, ensure_ascii=False),
        nf.created,
        nf.updated,
        nf.happened,
        f"file:{raw.abspath}",
        json.dumps(meta, ensure_ascii=False),
        note_id,
    )
    if old is not None:
        conn.execute(
            "UPDATE notes SET title=?, body=?, tags=?, created_at=?, updated_at=?, happened_at=?, origin=?, "
            "meta=? WHERE id=?",
            vals,
        )
        action = "update"
        summary.updated += 1
    else:
        conn.execute(
            "INSERT INTO notes(title, body, tags, created_at, updated_at, happened_at, origin, meta, id) "
            "VALUES (?,?,?,?,?,?,?,?,?)",
            vals,
        )
        action = "create"
        summary.added += 1
    own = meta.get(OWN_NOTE_KEY) is True
    ingest.index_note(
        conn,
        now,
        note_id,
        nf.title,
        nf.body,
        nf.happened,
        trust="user" if own else "imported",
        actor="import",
        properties=meta.get("properties"),
    )
    history.log(conn, now, "note", note_id, action, actor="import", after={"title": nf.title, "file": raw.abspath})
    ledger_record(conn, raw.kind, raw.abspath, ledger_value(raw.sha), "note", note_id, now=now)
    return note_id, nf.title, nf.links, meta
