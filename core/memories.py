"""Memories as the user sees them: browse, a day-by-day timeline, pin, edit, archive, restore,
delete, and each memory's history.

Every change is one transaction that also writes a ``history`` row (entity ``"memory"``,
entity id = the memory's ``uid``). Facts are memories of kind ``"fact"``, summaries of kind
``"summary"``. Reading functions take ``now`` where the answer depends on time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from reverie.core import history, ingest, sources
from reverie.core.errors import InputError, NotFoundError
from reverie.core.records import MAX_TEXT_BYTES, MEMORY_COLS, Memory
from reverie.core.retention import retention_at
from reverie.core.textutil import clean_text
from reverie.core.vault import Vault

KINDS = ("chat", "note", "fact", "summary")
ARCHIVED = ("exclude", "include", "only")
ORDERS = {
    "recent": "happened_at DESC, id DESC",
    "oldest": "happened_at ASC, id ASC",
    "recorded": "recorded_at DESC, id DESC",
    "strength": "strength DESC, id DESC",
    "importance": "importance DESC, happened_at DESC, id DESC",
}
_GONE = "That memory no longer exists (it may have been deleted)."


def _where(
    kinds: Iterable[str], archived: str, since: float | None, until: float | None, source: tuple[str, str] | None = None
) -> tuple[str, list[Any]]:
    kinds = tuple(kinds)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise InputError(f"Unknown memory kind {unknown[0]!r}; use one of {', '.join(KINDS)}.")
    if archived not in ARCHIVED:
        raise InputError("Archived must be exclude, include or only.")
    where: list[str] = []
    params: list[Any] = []
    if kinds:
        where.append(f"kind IN ({','.join('?' * len(kinds))})")
        params += kinds
    if archived == "exclude":
        where.append("archived = 0")
    elif archived == "only":
        where.append("archived = 1")
    if since is not None:
        where.append("happened_at >= ?")
        params.append(since)
    if until is not None:
        where.append("happened_at < ?")
        params.append(until)
    if source is not None:
        where.append("source_kind = ? AND source_id = ?")
        params += list(source)
    return (" WHERE " + " AND ".join(where)) if where else "", params


def get_memory(vault: Vault, memory_id: int) -> Memory:
    with vault.read() as conn:
        row = conn.execute(f"SELECT {MEMORY_COLS} FROM memories WHERE id = ?", (int(memory_id),)).fetchone()
    if row is None:
        raise NotFoundError(_GONE)
    return Memory.from_row(row)


def list_memories(
    vault: Vault,
    *,
    kinds: Iterable[str] = (),
    archived: str = "exclude",
    since: float | None = None,
    until: float | None = None,
    limit: int = 500,
    offset: int = 0,
    order: str = "recent",
    source: tuple[str, str] | None = None,
) -> list[Memory]:
    """Memories matching the filters; ``since``/``until`` bound ``happened_at`` (until excluded)."""
    if order not in ORDERS:
        raise InputError(f"Unknown order {order!r}; use one of {', '.join(ORDERS)}.")
    where, params = _where(kinds, archived, since, until, source)
    sql = f"SELECT {MEMORY_COLS} FROM memories{where} ORDER BY {ORDERS[order]} LIMIT ? OFFSET ?"
    with vault.read() as conn:
        rows = conn.execute(sql, [*params, int(limit), int(offset)]).fetchall()
    return [Memory.from_row(r) for r in rows]


def count_memories(
    vault: Vault,
    *,
    kinds: Iterable[str] = (),
    archived: str = "exclude",
    since: float | None = None,
    until: float | None = None,
) -> int:
    where, params = _where(kinds, archived, since, until)
    with vault.read() as conn:
        return int(conn.execute(f"SELECT count(*) FROM memories{where}", params).fetchone()[0])


def day_bounds(day: str) -> tuple[float, float]:
    """The first and the last-plus-one second of a local calendar day ``YYYY-MM-DD``."""
    try:
        start = datetime.strptime(day, "%Y-%m-%d")
    except ValueError as exc:
        raise InputError(f"{day!r} is not a date like 2026-11-18.") from exc
    return start.timestamp(), (start + timedelta(days=1)).timestamp()


def timeline(
    vault: Vault, now: float, days: int = 30, *, archived: str = "include"
) -> list[tuple[str, dict[str, int]]]:
    """One entry per local day, newest first, for the ``days`` days ending on ``now``'s day:
    ``(YYYY-MM-DD, {kind: count})`` of the memories that happened that day. Days without
    memories are included (with an empty dict) so a chart has no holes."""
    if days < 1:
        return []
    today = datetime.fromtimestamp(now).date()
    first = today - timedelta(days=days - 1)
    since = datetime(first.year, first.month, first.day).timestamp()
    until = datetime(today.year, today.month, today.day).timestamp() + 86400.0 * 1.5  # DST-safe
    where, params = _where((), archived, since, until)
    with vault.read() as conn:
        rows = conn.execute(f"SELECT happened_at, kind FROM memories{where}", params).fetchall()
    out: dict[str, dict[str, int]] = {(today - timedelta(days=i)).isoformat(): {} for i in range(days)}
    for happened, kind in rows:
        day = datetime.fromtimestamp(happened).date().isoformat()
        if day in out:
            out[day][kind] = out[day].get(kind, 0) + 1
    return list(out.items())


def retention_now(memory: Memory, now: float) -> float:
    """The memory's retention in [0, 1] at ``now`` (1.0 when pinned)."""
    return retention_at(now, memory.recorded_at, memory.last_recalled_at, memory.strength, memory.pinned)


# -- changes ---------------------------------------------------------------------------------


def _row(conn: Any, memory_id: int) -> Memory:
    row = conn.execute(f"SELECT {MEMORY_COLS} FROM memories WHERE id = ?", (int(memory_id),)).fetchone()
    if row is None:
        raise NotFoundError(_GONE)
    return Memory.from_row(row)


def pin(vault: Vault, memory_id: int, pinned: bool, *, actor: str = "user") -> Memory:
    """Pin (never fades, never archived by decay) or unpin a memory."""
    now = vault.now()
    with vault.tx() as conn:
        m = _row(conn, memory_id)
        if m.pinned != bool(pinned):
            conn.execute("UPDATE memories SET pinned = ? WHERE id = ?", (int(bool(pinned)), m.id))
            history.log(
                conn,
                now,
                "memory",
                m.uid,
                "pin" if pinned else "unpin",
                actor=actor,
                before={"pinned": m.pinned},
                after={"pinned": bool(pinned)},
            )
        return _row(conn, memory_id)


def archive(vault: Vault, memory_id: int, *, actor: str = "user", note: str | None = None) -> Memory:
    """Archive a memory: it leaves ordinary recall but stays searchable on request."""
    now = vault.now()
    with vault.tx() as conn:
        m = _row(conn, memory_id)
        if not m.archived:
            conn.execute("UPDATE memories SET archived = 1, archived_at = ? WHERE id = ?", (now, m.id))
            history.log(
                conn,
                now,
                "memory",
                m.uid,
                "archive",
                actor=actor,
                note=note,
                before={"archived": False},
                after={"archived": True, "archived_at": now},
            )
        return _row(conn, memory_id)


def restore(vault: Vault, memory_id: int, *, actor: str = "user") -> Memory:
    """Bring an archived memory back; its fading starts afresh from now."""
    now = vault.now()
    with vault.tx() as conn:
        m = _row(conn, memory_id)
        if m.archived:
            conn.execute(
                "UPDATE memories SET archived = 0, archived_at = NULL, last_recalled_at = ? WHERE id = ?",
                (now, m.id),
            )
            history.log(
                conn,
                now,
                "memory",
                m.uid,
                "restore",
                actor=actor,
                before={"archived": True, "archived_at": m.archived_at, "last_recalled_at": m.last_recalled_at},
                after={"archived": False, "last_recalled_at": now},
            )
        return _row(conn, memory_id)


def edit_text(vault: Vault, memory_id: int, text: str, *, actor: str = "user") -> Memory:
    """Replace a memory's text; the words index follows and its vector is re-made later."""
    text = clean_text(text).strip()
    if not text:
        raise InputError("A memory cannot be empty; delete it instead. Nothing was changed.")
    if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
        raise InputError("This text is too large for one memory; nothing was changed.")
    now = vault.now()
    with vault.tx() as conn:
        m = _row(conn, memory_id)
        if m.text != text:
            ingest.set_memory_text(conn, m.id, text, m.context)
            history.log(conn, now, "memory", m.uid, "edit", actor=actor, before={"text": m.text}, after={"text": text})
        return _row(conn, memory_id)


def delete_memory(vault: Vault, memory_id: int, *, actor: str = "user", reason: str = "") -> Memory:
    """Delete one memory (its vector and index row go with it); returns what was deleted."""
    now = vault.now()
    with vault.tx() as conn:
        m = _row(conn, memory_id)
        ingest.delete_memories(conn, [m.id], now, actor=actor, reason=reason or "deleted by the user")
    return m


def memory_history(vault: Vault, memory_id: int | str, limit: int = 200) -> list[dict[str, Any]]:
    """The memory's history, newest first. Accepts the id or, for deleted memories, the uid."""
    with vault.read() as conn:
        if isinstance(memory_id, str) and not memory_id.isdigit():
            uid = memory_id
        else:
            row = conn.execute("SELECT uid FROM memories WHERE id = ?", (int(memory_id),)).fetchone()
            if row is None:
                raise NotFoundError(_GONE)
            uid = row[0]
        return history.entries(conn, "memory", uid, limit)


def source_title(vault: Vault, memory: Memory) -> str:
    """A readable name for where the memory came from (``core.sources.describe_source``)."""
    with vault.read() as conn:
        return sources.describe_source(conn, memory)
