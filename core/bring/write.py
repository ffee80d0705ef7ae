"""Writing one ``Doc`` as a note: its dates checked, its properties checked, its passages indexed, its
attachments stored, its history logged, and the ledger row that makes the next run skip it.

Files keep the ids and ledger rows the Markdown folder import has always given them (the note of
``/x/y.md`` is ``stable_id("file", "/x/y.md")``, its ledger row ``("markdown", "/x/y.md")``), so notes
brought in before are updated, not doubled. The ledger row's record id wins over the derived one: a
watched file that was renamed keeps its note.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reverie.core import attachments, history, ingest
from reverie.core.bring.doc import Attachment, Doc
from reverie.core.clock import MAX_YEAR, MIN_YEAR, in_range
from reverie.core.consolidation.planner import OWN_NOTE_KEY
from reverie.core.errors import TransferError
from reverie.core.properties import PropertyError, check_properties
from reverie.core.records import MAX_TEXT_BYTES
from reverie.core.sources import clip
from reverie.core.sqltypes import Connection
from reverie.core.transfer.bringin import BringInSummary, ledger_record, stable_id
from reverie.core.transfer.markdown_import import READER_VERSION as MARKDOWN_READER_VERSION

# Bumped when a reader learns something new: what an older reader read is read again once.
READER_VERSIONS = {"markdown": MARKDOWN_READER_VERSION, "text": MARKDOWN_READER_VERSION}
DEFAULT_READER_VERSION = "b1"


@dataclass
class BringReport(BringInSummary):
    """What a bring-in did: the summary's counts, plus files read, passages left for the embedder to
    embed, attachments stored, and whether it stopped before the end (cancelled)."""

    files: int = 0
    passages: int = 0
    attachments: int = 0
    stopped: bool = False
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (key, sentence)


@dataclass(frozen=True)
class Target:
    """Where a doc goes: its ledger row (source, path), the value recorded there, the note id and origin."""

    source: str
    path: str
    value: str
    note_id: str
    origin: str


def ledger_value(reader: str, sha: str) -> str:
    return f"{sha}+r{READER_VERSIONS.get(reader, DEFAULT_READER_VERSION)}"


def file_sha(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_target(reader: str, abspath: str, sha: str, ledger: dict[tuple[str, str], tuple[str, str]]) -> Target:
    row = ledger.get((reader, abspath))
    note_id = row[1] if row else stable_id("file", abspath)
    return Target(reader, abspath, ledger_value(reader, sha), note_id, f"file:{abspath}")


def entry_target(kind: str, export: str, doc: Doc, ledger: dict[tuple[str, str], tuple[str, str]]) -> Target:
    path = f"{export}#{doc.key}"
    row = ledger.get((kind, path))
    note_id = row[1] if row else stable_id(kind, export, doc.key)
    return Target(kind, path, ledger_value(kind, doc.fingerprint()), note_id, f"{kind}:{path}")


def _meta(raw: str | None) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _dates(doc: Doc, fallback: float, problems: list[str]) -> tuple[float, float, float]:
    outside = [
        n
        for n, t in (("created", doc.created), ("updated", doc.updated), ("date", doc.happened))
        if t is not None and not in_range(t)
    ]
    if outside:
        problems.append(
            f"{clip(doc.title or doc.key, 120)}: its {' and '.join(outside)} "
            f"{'are dates' if len(outside) > 1 else 'is a date'} outside the years {MIN_YEAR}-{MAX_YEAR}, "
            "so another date was used."
        )
    created = doc.created if doc.created is not None and in_range(doc.created) else fallback
    updated = doc.updated if doc.updated is not None and in_range(doc.updated) else created
    happened = doc.happened if doc.happened is not None and in_range(doc.happened) else created
    return created, max(updated, created), happened


def _properties(doc: Doc, problems: list[str]) -> dict[str, str | list[str]]:
    try:
        return dict(check_properties(doc.properties))
    except PropertyError as exc:
        problems.append(
            f"{clip(doc.title or doc.key, 120)}: its properties were left out ({exc.reason}); the rest came in."
        )
        return {}


def store_attachments(conn: Connection, now: float, note_id: str, items: list[Attachment], report: BringReport) -> None:
    """Store a note's attachments in the vault (encrypted with it); one that is too big or cannot be
    read is a sentence in the report, the note still comes in."""
    for item in items:
        try:
            if item.data is not None:
                attachments.store(conn, now, note_id, item.name, item.mime, item.data)
            elif item.path:
                attachments.store_file(conn, now, note_id, item.name, item.mime, item.path)
            else:
                continue
            report.attachments += 1
        except TransferError as exc:
            report.problems.append(str(exc))


def write_doc(
    conn: Connection, now: float, doc: Doc, target: Target, *, mine: bool, extra: dict[str, Any], report: BringReport
) -> bool:
    """Write ``doc`` as the note ``target`` names (inserted or updated), index it and record it in the
    ledger; False (with the sentence in ``report.skipped``) when it cannot be a note."""
    if len(doc.body.encode("utf-8", "replace")) > MAX_TEXT_BYTES:
        report.skipped.append(
            (doc.key, f"{clip(doc.title or doc.key, 120)} is longer than a note can hold; it was left out.")
        )
        return False
    problems = list(doc.problems)
    created, updated, happened = _dates(doc, extra.pop("fallback_time", now), problems)
    props = _properties(doc, problems)
    old = conn.execute("SELECT meta FROM notes WHERE id = ?", (target.note_id,)).fetchone()
    meta: dict[str, Any] = dict(extra)
    if doc.folder:
        meta["folder"] = doc.folder
    if doc.source_file:
        meta["source_file"] = doc.source_file
    if doc.pages:
        meta["pages"] = [list(p) for p in doc.pages]
    if props:
        meta["properties"] = props
    if doc.links:
        meta["links"] = list(doc.links)
    if mine or (old is not None and _meta(old[0]).get(OWN_NOTE_KEY) is True):
        meta[OWN_NOTE_KEY] = True
    title = clip(doc.title.strip(), 500) or clip(Path(doc.key).stem, 500) or "Untitled"
    tags = list(dict.fromkeys(t.strip().lstrip("#")[:64] for t in doc.tags if t and t.strip()))[:64]
    vals = (
        title,
        doc.body,
        json.dumps(tags, ensure_ascii=False),
        created,
        updated,
        happened,
        target.origin,
        json.dumps(meta, ensure_ascii=False),
        target.note_id,
    )
    if old is not None:
        conn.execute(
            "UPDATE notes SET title=?, body=?, tags=?, created_at=?, updated_at=?, happened_at=?, origin=?, meta=? "
            "WHERE id=?",
            vals,
        )
        action = "update"
        report.updated += 1
    else:
        conn.execute(
            "INSERT INTO notes(title, body, tags, created_at, updated_at, happened_at, origin, meta, id) "
            "VALUES (?,?,?,?,?,?,?,?,?)",
            vals,
        )
        action = "create"
        report.added += 1
    own = meta.get(OWN_NOTE_KEY) is True
    result = ingest.index_note(
        conn,
        now,
        target.note_id,
        title,
        doc.body,
        happened,
        trust="user" if own else "imported",
        actor="import",
        properties=props or None,
    )
    report.passages += result.added
    store_attachments(conn, now, target.note_id, doc.attachments, report)
    after: dict[str, Any] = {"title": title}
    if doc.source_file:
        after["file"] = doc.source_file
    history.log(conn, now, "note", target.note_id, action, actor="import", after=after)
    ledger_record(conn, target.source, target.path, target.value, "note", target.note_id, now=now)
    report.problems.extend(problems)
    return True
