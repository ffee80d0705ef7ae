"""Record -> memory units, in the same transaction as the record.

Messages become turn units; notes become passage units along headings and paragraphs. Each
unit keeps its provenance (source kind and id, character span, order) and its times. The
words index (FTS5) is written in the same transaction; vectors come later, in background
batches, for every unit that has none for the current embedder.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reverie.core import history, turn_context
from reverie.core.properties import properties_text
from reverie.core.records import embed_text
from reverie.core.retention import initial_strength
from reverie.core.sqltypes import Connection, inserted_id
from reverie.core.textindex import index_text
from reverie.core.textutil import content_hash

PASSAGE_MAX_CHARS = 1200  # longer paragraphs are split at sentence ends
PASSAGE_TARGET_CHARS = 900
TURN_MAX_CHARS = 2000

IMPORTANCE = {"note": 0.6, "user": 0.5, "assistant": 0.3, "fact": 0.7, "summary": 0.4}

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?\u3002\uff01\uff1f])\s+")


@dataclass(frozen=True)
class Passage:
    start: int
    end: int
    text: str
    context: str  # title and heading path


def _split_long(text: str, start: int, limit: int, target: int) -> list[tuple[int, int]]:
    """Split ``text`` (which begins at offset ``start``) into spans of at most ``limit`` chars,
    preferring sentence ends, then whitespace."""
    spans: list[tuple[int, int]] = []
    pos = 0
    n = len(text)
    while n - pos > limit:
        window = text[pos : pos + limit]
        cut = -1
        for m in _SENTENCE_END.finditer(window):
            if m.start() >= target // 2:
                cut = m.start()
                if m.start() >= target:
                    break
        if cut <= 0:
            ws = window.rfind(" ", target // 2)
            cut = ws if ws > 0 else limit
        spans.append((start + pos, start + pos + cut))
        pos += cut
        while pos < n and text[pos].isspace():
            pos += 1
    if pos < n:
        spans.append((start + pos, start + n))
    return spans


def split_note(title: str, body: str, properties: Mapping[str, str | list[str]] | None = None) -> list[Passage]:
    """Split a note into passages, one per paragraph (long ones split at sentence ends), each
    with its character span in ``body`` and its context (title and heading path). A note with
    properties (front matter such as ``author: Kevin Kelly``) gets one more passage, last, that
    holds them as ``name: value`` lines (span 0-0: it is not part of the body)."""
    passages: list[Passage] = []
    headings: list[tuple[int, str]] = []
    para_start: int | None = None
    para_end = 0
    pending: list[tuple[int, int]] = []  # paragraphs of the current section
    offset = 0

    def context() -> str:
        parts = [title.strip()] if title.strip() else []
        parts += [h for _, h in headings if h.strip().casefold() != title.strip().casefold()]
        return " › ".join(parts)

    def flush_section() -> None:
        ctx = context()
        for s, e in pending:
            for ss, ee in _split_long(body[s:e], s, PASSAGE_MAX_CHARS, PASSAGE_TARGET_CHARS):
                chunk = body[ss:ee]
                if chunk.strip():
                    passages.append(Passage(ss, ee, chunk, ctx))
        pending.clear()

    def close_paragraph() -> None:
        nonlocal para_start
        if para_start is not None:
            pending.append((para_start, para_end))
            para_start = None

    for line in body.splitlines(keepends=True):
        stripped = line.strip()
        line_end = offset + len(line.rstrip("\r\n"))
        m = _HEADING.match(stripped)
        if m:
            close_paragraph()
            flush_section()
            level = len(m.group(1))
            headings[:] = [h for h in headings if h[0] < level]
            headings.append((level, m.group(2)))
        elif not stripped:
            close_paragraph()
        else:
            if para_start is None:
                para_start = offset + (len(line) - len(line.lstrip()))
            para_end = line_end
        offset += len(line)
    close_paragraph()
    flush_section()
    if not passages and title.strip():
        # A note with only a title (or only headings) is still findable by its title.
        passages.append(Passage(0, 0, title.strip(), ""))
    props = properties_text(properties or {})
    if props:
        passages.append(Passage(0, 0, props, title.strip()))
    return passages


def split_turn(content: str) -> list[tuple[int, int]]:
    stripped = content.strip()
    if not stripped:
        return []
    start = content.index(stripped[0])
    return _split_long(stripped, start, TURN_MAX_CHARS, TURN_MAX_CHARS * 3 // 4)


# -- writing units --------------------------------------------------------------------------


def insert_memory(
    conn: Connection,
    now: float,
    *,
    kind: str,
    source_kind: str,
    source_id: str | None,
    text: str,
    context: str = "",
    span: tuple[int, int] | None = None,
    seq: int = 0,
    speaker: str | None = None,
    happened_at: float | None = None,
    recorded_at: float | None = None,
    valid_from: float | None = None,
    valid_to: float | None = None,
    trust: str = "user",
    importance: float | None = None,
    meta: str = "{}",
    uid: str | None = None,
    actor: str = "user",
    log_history: bool = True,
) -> int:
    """Insert one memory unit and its words-index row; return its id."""
    if importance is None:
        importance = IMPORTANCE.get(kind, 0.5)
    happened = now if happened_at is None else happened_at
    recorded = now if recorded_at is None else recorded_at
    uid = uid or uuid.uuid4().hex
    cur = conn.execute(
        "INSERT INTO memories(uid, kind, source_kind, source_id, span_start, span_end, seq, text, "
        "context, speaker, recorded_at, happened_at, valid_from, valid_to, content_hash, trust, "
        "importance, strength, meta) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            uid,
            kind,
            source_kind,
            source_id,
            span[0] if span else None,
            span[1] if span else None,
            seq,
            text,
            context,
            speaker,
            recorded,
            happened,
            happened if valid_from is None else valid_from,
            valid_to,
            content_hash(text),
            trust,
            importance,
            initial_strength(importance),
            meta,
        ),
    )
    mid = inserted_id(cur)
    conn.execute(
        "INSERT INTO memories_fts(rowid, body) VALUES (?, ?)",
        (mid, index_text(embed_text(context, text))),
    )
    if log_history:
        history.log(
            conn,
            now,
            "memory",
            uid,
            "create",
            actor=actor,
            after={"kind": kind, "source": f"{source_kind}:{source_id}", "text": text[:500]},
        )
    return mid


def delete_memories(conn: Connection, ids: list[int], now: float, *, actor: str = "user", reason: str = "") -> int:
    """Delete memory units (vectors cascade) and their index rows, logging each."""
    if not ids:
        return 0
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(f"SELECT id, uid, kind, text FROM memories WHERE id IN ({marks})", chunk).fetchall()
        for r in rows:
            history.log(
                conn,
                now,
                "memory",
                r[1],
                "delete",
                actor=actor,
                before={"kind": r[2], "text": r[3][:500]},
                note=reason or None,
            )
        forget_in_neighbours(conn, chunk)
        conn.execute(f"DELETE FROM memories_fts WHERE rowid IN ({marks})", chunk)
        conn.execute(f"DELETE FROM memories WHERE id IN ({marks})", chunk)
    return len(ids)


def forget_in_neighbours(conn: Connection, ids: list[int]) -> None:
    """Drop the vectors of the turns embedded with any of ``ids`` as context (they are embedded
    again, without it): a deleted or edited turn leaves no trace in its neighbour's vector."""
    after = turn_context.following(conn, ids)
    if after:
        conn.execute(f"DELETE FROM vectors WHERE memory_id IN ({','.join('?' * len(after))})", sorted(after))


def set_memory_text(conn: Connection, mid: int, text: str, context: str) -> None:
    """Replace a memory's text: the words index follows, the old vector is dropped."""
    conn.execute(
        "UPDATE memories SET text = ?, context = ?, content_hash = ? WHERE id = ?",
        (text, context, content_hash(text), mid),
    )
    conn.execute("DELETE FROM memories_fts WHERE rowid = ?", (mid,))
    conn.execute("INSERT INTO memories_fts(rowid, body) VALUES (?, ?)", (mid, index_text(embed_text(context, text))))
    conn.execute("DELETE FROM vectors WHERE memory_id = ?", (mid,))
    forget_in_neighbours(conn, [mid])


@dataclass(frozen=True)
class ReindexResult:
    kept: int
    added: int
    removed: int


def index_note(
    conn: Connection,
    now: float,
    note_id: str,
    title: str,
    body: str,
    happened_at: float,
    *,
    trust: str = "user",
    actor: str = "user",
    properties: Mapping[str, str | list[str]] | None = None,
) -> ReindexResult:
    """(Re-)index a note's passages (and its properties' passage), touching only passages whose
    text changed.

    Unchanged passages keep their memory (and its strength, recalls, pin and vector); their
    span, order and context are updated if they moved. Changed passages are replaced.
    """
    passages = split_note(title, body, properties)
    existing = conn.execute(
        "SELECT id, content_hash, span_start, span_end, seq, context FROM memories "
        "WHERE source_kind = 'note' AND source_id = ? AND +kind = 'note'",  # + keeps the source index
        (note_id,),
    ).fetchall()
    by_hash: dict[str, list[Any]] = {}
    for row in existing:
        by_hash.setdefault(row[1], []).append(row)
    kept_ids: set[int] = set()
    added = 0
    for seq, p in enumerate(passages):
        h = content_hash(p.text)
        candidates = by_hash.get(h)
        if candidates:
            row = candidates.pop(0)
            kept_ids.add(row[0])
            if (row[2], row[3], row[4]) != (p.start, p.end, seq):
                conn.execute(
                    "UPDATE memories SET span_start = ?, span_end = ?, seq = ? WHERE id = ?",
                    (p.start, p.end, seq, row[0]),
                )
            if row[5] != p.context:
                # The heading or title changed: the words index and the vector follow.
                mem_text = conn.execute("SELECT text FROM memories WHERE id = ?", (row[0],)).fetchone()[0]
                set_memory_text(conn, row[0], mem_text, p.context)
            continue
        insert_memory(
            conn,
            now,
            kind="note",
            source_kind="note",
            source_id=note_id,
            text=p.text,
            context=p.context,
            span=(p.start, p.end),
            seq=seq,
            happened_at=happened_at,
            trust=trust,
            actor=actor,
            log_history=False,
        )
        added += 1
    stale = [row[0] for row in existing if row[0] not in kept_ids]
    delete_memories(conn, stale, now, actor=actor, reason="passage changed") if stale else None
    return ReindexResult(kept=len(kept_ids), added=added, removed=len(stale))


def indexable_message(role: str, status: str, origin: str | None, meta: dict | None) -> bool:
    """Whether a message becomes memory units. Reverie's own replies (assistant turns recorded by
    Reverie, not brought in from elsewhere) are not memories unless the user kept one ("Remember
    this"); system turns and failed replies never are."""
    if role == "system" or status == "error":
        return False
    if role == "assistant" and not origin:
        return bool((meta or {}).get("remembered"))
    return True


def index_message(
    conn: Connection,
    now: float,
    message_id: str,
    content: str,
    role: str,
    happened_at: float,
    *,
    speaker: str | None = None,
    conversation_title: str = "",
    trust: str | None = None,
    actor: str = "user",
) -> int:
    """(Re-)index one message as turn units; returns how many units it has now."""
    old = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM memories WHERE source_kind = 'message' AND source_id = ?", (message_id,)
        ).fetchall()
    ]
    if old:
        delete_memories(conn, old, now, actor=actor, reason="message edited")
    who = speaker or ("User" if role == "user" else "Reverie" if role == "assistant" else "System")
    context = f"{who}:"
    trust = trust or ("assistant" if role == "assistant" else "user")
    importance = IMPORTANCE["assistant" if role == "assistant" else "user"]
    n = 0
    for seq, (s, e) in enumerate(split_turn(content)):
        insert_memory(
            conn,
            now,
            kind="chat",
            source_kind="message",
            source_id=message_id,
            text=content[s:e],
            context=context,
            span=(s, e),
            seq=seq,
            speaker=who,
            happened_at=happened_at,
            trust=trust,
            importance=importance,
            actor=actor,
            log_history=False,
        )
        n += 1
    return n
