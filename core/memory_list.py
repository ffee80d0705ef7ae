"""Memories a page at a time, for a list that fetches more as it scrolls: filtered by kind, state
(active, archived, pinned), a day range and words, in a stable order, counted once.

Every order ends in the memory id, so it is total: a page that starts right after the last memory
of the page before (keyset paging) neither repeats nor skips a row, and costs the same at the end
of a long list as at its start."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reverie.core import fts
from reverie.core.errors import InputError
from reverie.core.memories import KINDS
from reverie.core.records import MEMORY_COLS, Memory
from reverie.core.vault import Vault

STATES = ("active", "archived", "all", "pinned")
# Each order is its sort keys: (SQL expression, direction, Memory attribute); the last is the id, so
# an order is total and a page can start right after a given memory (keyset paging).
_Key = tuple[str, str, str]
KEYS: dict[str, tuple[_Key, ...]] = {
    "recent": (("m.happened_at", "DESC", "happened_at"), ("m.id", "DESC", "id")),
    "oldest": (("m.happened_at", "ASC", "happened_at"), ("m.id", "ASC", "id")),
    "text": (("m.text COLLATE NOCASE", "ASC", "text"), ("m.id", "ASC", "id")),
    "text_desc": (("m.text COLLATE NOCASE", "DESC", "text"), ("m.id", "DESC", "id")),
    "kind": (("m.kind", "ASC", "kind"), ("m.happened_at", "DESC", "happened_at"), ("m.id", "DESC", "id")),
    "kind_desc": (("m.kind", "DESC", "kind"), ("m.happened_at", "DESC", "happened_at"), ("m.id", "DESC", "id")),
    "strength": (("m.strength", "DESC", "strength"), ("m.id", "DESC", "id")),
    "weakest": (("m.strength", "ASC", "strength"), ("m.id", "ASC", "id")),
}
ORDERS = {name: ", ".join(f"{expr} {d}" for expr, d, _ in keys) for name, keys in KEYS.items()}
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


def _after(order: str, last: Memory) -> tuple[str, list[Any]]:
    """The rows that come after ``last`` in ``order``: (k1 > v1) OR (k1 = v1 AND k2 > v2) OR …"""
    keys = KEYS[order]
    ors: list[str] = []
    params: list[Any] = []
    for i, (expr, direction, attr) in enumerate(keys):
        ands = [f"{e} = ?" for e, _, _ in keys[:i]] + [f"{expr} {'<' if direction == 'DESC' else '>'} ?"]
        params += [getattr(last, a) for _, _, a in keys[:i]] + [getattr(last, attr)]
        ors.append("(" + " AND ".join(ands) + ")")
    return "(" + " OR ".join(ors) + ")", params


def page(vault: Vault, query: MemoryQuery, offset: int, limit: int, after: Memory | None = None) -> list[Memory]:
    """``limit`` memories matching ``query`` from position ``offset`` of its order or, given
    ``after`` (the last memory of the page before), right after it: the next page costs the same
    however far down the list it is."""
    body, params = _sql(query)
    if after is not None:
        cond, more = _after(query.order, after)
        body += (" AND " if " WHERE " in body else " WHERE ") + cond
        params += more
        offset = 0
    sql = f"SELECT {_COLS} {body} ORDER BY {ORDERS[query.order]} LIMIT ? OFFSET ?"
    with vault.read() as conn:
        rows = conn.execute(sql, [*params, max(0, int(limit)), max(0, int(offset))]).fetchall()
    return [Memory.from_row(r) for r in rows]


def count(vault: Vault, query: MemoryQuery) -> int:
    body, params = _sql(query)
    with vault.read() as conn:
        return int(conn.execute(f"SELECT count(*) {body}", params).fetchone()[0])
