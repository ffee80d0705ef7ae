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
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from reverie.core import history, ingest
from reverie.core.consolidation.planner import OWN_NOTE_KEY
from reverie.core.errors import TransferCancelledError, TransferError
from reverie.core.mdsyntax import inline_tags
from reverie.core.properties import (
    OWN_FIELDS,
    Properties,
    PropertyError,
    PropertyValue,
    check_properties,
    field,
    parse_front_matter,
)
from reverie.core.records import MAX_TEXT_BYTES
from reverie.core.textutil import clean_text, human_size
from reverie.core.transfer.bringin import BringInSummary, ledger_hash, ledger_record, sha256_bytes, stable_id
from reverie.core.vault import Vault
from reverie.core.wikilinks import find_links

__all__ = ["SUFFIXES", "import_markdown_folder", "inline_tags", "parse_front_matter", "wikilinks"]

SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".text": "text"}
# Bumped when the reader learns something new: a file read by an older reader is read again once.
READER_VERSION = "2"
_DATE_KEYS = ("created", "date", "updated", "modified")
_REVERIE_ID = re.compile(r"[0-9a-f]{32}")
Progress = Callable[[str, int, int], None]


def parse_date(value: PropertyValue | None) -> float | None:
    """A front matter date (``2023-05-04``, ``2023-05-04 10:30``, ISO with a zone, ``[[2023-05-04]]``)
    as Unix seconds; None when it is no date."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().removeprefix("[[").removesuffix("]]").strip().replace("Z", "+00:00")
    if re.fullmatch(r"\d{4}/\d{1,2}/\d{1,2}", text):
        text = "-".join(f"{int(x):02d}" for x in text.split("/"))
    try:
        return datetime.fromisoformat(text).timestamp()
    except (ValueError, OverflowError, OSError):
        return None


def wikilinks(body: str) -> list[str]:
    """The notes and files ``body`` links to or embeds (outside code), in order, each once."""
    return list(dict.fromkeys(link.target.strip() for link in find_links(body) if link.target.strip()))


def _tags(fm: Properties, body: str) -> list[str]:
    raw = field(fm, "tags", "tag") or []
    if isinstance(raw, str):
        raw = raw.replace(",", " ").split()
    out: list[str] = []
    for t in [*raw, *inline_tags(body)]:
        t = clean_text(str(t)).strip().lstrip("#")[:64]
        if t and t not in out:
            out.append(t)
    return out[:64]


def _properties(fm: Properties) -> Properties:
    """The front matter fields that are properties: not the title or tags, not a date Reverie
    reads into the note's dates, not the id and origin a Reverie Markdown export writes."""
    own = {k.casefold() for k in OWN_FIELDS}
    reverie_export = isinstance(field(fm, "id"), str) and bool(_REVERIE_ID.fullmatch(str(field(fm, "id"))))
    out: Properties = {}
    for key, value in fm.items():
        folded = key.casefold()
        if folded in own or (folded in _DATE_KEYS and parse_date(value) is not None):
            continue
        if reverie_export and folded in ("id", "origin"):
            continue
        out[key] = value
    return out


def legacy_properties(front_matter: dict[str, Any]) -> Properties:
    """The properties in the ``front_matter`` an older import kept in a note's meta ({} when they
    do not pass ``check_properties``)."""
    fm: Properties = {}
    for key, value in front_matter.items():
        if isinstance(key, str) and isinstance(value, str):
            fm[key] = value
        elif isinstance(key, str) and isinstance(value, list):
            fm[key] = [str(v) for v in value]
    try:
        return check_properties(_properties(fm))
    except PropertyError:
        return {}


@dataclass(frozen=True)
class NoteFile:
    """One file as a note, read and not yet written."""

    rel: str  # its path in the folder, /-separated
    title: str
    body: str
    tags: list[str]
    links: list[str]
    created: float
    updated: float
    happened: float
    meta: dict[str, Any]
    problem: str | None = None  # something left out of an otherwise imported file


def ledger_value(sha: str) -> str:
    return f"{sha}+r{READER_VERSION}"


def parse_note_file(rel: str, text: str, kind: str, flavour: str, birth: float, mtime: float) -> NoteFile:
    """A file's text (``kind``: "markdown" or "text") as a note: title, body, tags, links, dates,
    properties; ``birth``/``mtime`` are the file's times, used when the front matter has no dates."""
    text = text.replace("\r\n", "\n")
    stem = Path(rel).stem
    if kind != "markdown":
        return NoteFile(rel, stem, text, [], [], birth, mtime, birth, {"source": "text", "path": rel})
    fm, body = parse_front_matter(text)
    fm_created, fm_date = parse_date(field(fm, "created")), parse_date(field(fm, "date"))
    fm_updated = parse_date(field(fm, "updated", "modified"))
    written = [t for t in (fm_created, fm_date) if t is not None]
    created = written[0] if written else birth
    happened = fm_date if fm_date is not None else created
    updated = fm_updated if fm_updated is not None else max(written) if written else mtime
    meta: dict[str, Any] = {"source": flavour, "path": rel}
    problem = None
    try:
        props = check_properties(_properties(fm))
    except PropertyError as exc:
        props = {}
        problem = f"{rel}: its properties were left out ({exc.reason}); the rest was imported."
    if props:
        meta["properties"] = props
    links = wikilinks(body)
    if links:
        meta["links"] = links
    return NoteFile(
        rel, _title(fm, body, stem), body, _tags(fm, body), links, created, updated, happened, meta, problem
    )


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


def _title(fm: Properties, body: str, stem: str) -> str:
    title = field(fm, "title")
    if isinstance(title, str) and title.strip():
        return clean_text(title).strip()[:500]
    for line in body.splitlines():
        if line.startswith("# "):
            return clean_text(line[2:]).strip()[:500] or stem
        if line.strip():
            break
    return stem


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


def read_raw(root: Path, path: Path) -> RawFile | str:
    """A file's bytes and where it is, or the sentence saying why it is left out."""
    rel = path.relative_to(root).as_posix()
    try:
        st = path.stat()
        if st.st_size > MAX_TEXT_BYTES:
            return f"{rel} is {human_size(st.st_size)}, more than a note can hold; it was left out."
        data = path.read_bytes()
    except OSError as exc:
        return f"{rel} could not be read ({exc.strerror or exc}); it was left out."
    abspath = str(path.resolve())
    return RawFile(
        rel,
        SUFFIXES[path.suffix.lower()],
        abspath,
        stable_id("file", abspath),
        sha256_bytes(data),
        data,
        float(getattr(st, "st_birthtime", None) or st.st_mtime),
        st.st_mtime,
    )


def decode(raw: RawFile, flavour: str) -> NoteFile | str:
    try:
        text = clean_text(raw.data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return f"{raw.rel} is not UTF-8 text; it was left out."
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
    ingest.index_note(
        conn, now, note_id, nf.title, nf.body, nf.happened, actor="import", properties=meta.get("properties")
    )
    history.log(conn, now, "note", note_id, action, actor="import", after={"title": nf.title, "file": raw.abspath})
    ledger_record(conn, raw.kind, raw.abspath, ledger_value(raw.sha), "note", note_id, now=now)
    return note_id, nf.title, nf.links, meta
