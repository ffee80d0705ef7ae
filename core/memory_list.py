"""Memories a page at a time, for a list that fetches more as it scrolls: filtered by kind, state
(active, archived, pinned), a day range and words, in a stable order, counted once.

A page is ``LIMIT/OFFSET`` over an order that ends in the memory id, so consecutive pages neither
repeat nor skip a row while nothing changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reverie.core import fts
from reverie.core.errors import InputError
from reverie.core.memories import KINDS
from reverie.core.records import MEMORY_COLS, Memory
from reverie.core.vault import Vault

STATES = ("active", "archived", "all", "pinned")
ORDERS = {
    "recent": "m.happened_at DESC, m.id DESC",
    "oldest": "m.happened_at ASC, m.id ASC",
    "text": "m.text COLLATE NOCASE ASC, m.id ASC",
    "text_desc": "m.text COLLATE NOCASE DESC, m.id DESC",
    "kind": "m.kind ASC, m.happened_at DESC, m.id DESC",
    "kind_desc": "m.kind DESC, m.happened_at DESC, m.id DESC",
    "strength": "m.strength DESC, m.id DESC",
    "weakest": "m.strength ASC, m.id ASC",
}
_COLS = ", ".join(f"m.{c.strip()}" for c in MEMORY_COLS.split(","))


@dataclass(frozen=True)
class MemoryQuery:
    words: str = ""  # every word must occur; the last may be unfinished ("tomat" finds tomatoes)
    kinds: tuple[str, ...] = ()
    state: str = "active"
    since: float | None = None  # bounds on happened_at, until excluded
    until: float | None = None
    order: str = "recent"


def match_all(words: str) -> str | None:
    """An FTS5 expression that needs every word of ``words`` (the last as a prefix), or None."""
    terms = fts.as_prefix(fts.query_terms(words)[: fts.MAX_TERMS])
    parts = [fts.match_terms([t]) for t in terms]
    return " AND ".join(p for p in parts if p) or None


def _sql(q: MemoryQuery) -> tuple[str, list[Any]]:
    unknown = [k for k in q.kinds if k not in KINDS]
    if unknown:
        raise InputError(f"Unknown memory kind {unknown[0]!r}; use one of {', '.join(KINDS)}.")
    if q.state not in STATES:
        raise InputError(f"The state must be one of {', '.join(STATES)}.")
    if q.order not in ORDERS:
        raise InputError(f"Unknown order {q.order!r}; use one of {', '.join(ORDERS)}.")
    where: list[str] = []
    params: list[Any] = []
    source = "memories m"
    match = match_all(q.words) if q.words.strip() else None
    if q.words.strip() and match is None:
        where.append("0")  # words with nothing searchable in them match nothing
    if match:
        source = "memories_fts f JOIN memories m ON m.id = f.rowid"
        where.append("memories_fts MATCH ?")
        params.append(match)
    if q.kinds:
        where.append(f"m.kind IN ({','.join('?' * len(q.kinds))})")
        params += list(q.kinds)
    if q.state == "active":
        where.append("m.archived = 0")
    elif q.state == "archived":
        where.append("m.archived = 1")
    elif q.state == "pinned":
        where.append("m.pinned = 1")
    if q.since is not None:
        where.append("m.happened_at >= ?")
        params.append(q.since)
    if q.until is not None:
        where.append("m.happened_at < ?")
        params.append(q.until)
    return f"FROM {source}" + (" WHERE " + " AND ".join(where) if where else ""), params


def page(vault: Vault, query: MemoryQuery, offset: int, limit: int) -> list[Memory]:
    """``limit`` memories matching ``query`` from position ``offset`` of its order."""
    body, params = _sql(query)
    sql = f"SELECT {_COLS} {body} ORDER BY {ORDERS[query.order]} LIMIT ? OFFSET ?"  # noqa: S608
    with vault.read() as conn:
        rows = conn.execute(sql, [*params, max(0, int(limit)), max(0, int(offset))]).fetchall()
    return [Memory.from_row(r) for r in rows]


def count(vault: Vault, query: MemoryQuery) -> int:
    body, params = _sql(query)
    with vault.read() as conn:
        return int(conn.execute(f"SELECT count(*) {body}", params).fetchone()[0])  # noqa: S608
