"""Reading what consolidation wrote: day digests, facts (current and superseded) and their sources."""

from __future__ import annotations

from reverie.core.records import MEMORY_COLS, Memory
from reverie.core.vault import Vault

_COLS = ", ".join(f"m.{c.strip()}" for c in MEMORY_COLS.split(","))


def day_digests(vault: Vault, limit: int = 60) -> list[Memory]:
    """Day digests, latest day first (archived ones included: a faded day is still a day)."""
    rows = vault.query(
        f"SELECT {_COLS} FROM memories m WHERE m.kind = 'summary' AND m.uid LIKE 'summary:day:%' "
        "ORDER BY m.uid DESC LIMIT ?",
        (limit,),
    )
    return [Memory.from_row(r) for r in rows]


def facts(vault: Vault, *, include_superseded: bool = True, include_archived: bool = False) -> list[Memory]:
    """Facts, current ones first, then newest first. A superseded fact has ``valid_to`` and
    ``superseded_by`` set."""
    where = ["m.kind = 'fact'"]
    if not include_superseded:
        where.append("m.superseded_by IS NULL AND m.valid_to IS NULL")
    if not include_archived:
        where.append("m.archived = 0")
    rows = vault.query(
        f"SELECT {_COLS} FROM memories m WHERE {' AND '.join(where)} "
        "ORDER BY (m.valid_to IS NOT NULL), m.valid_from DESC, m.id DESC"
    )
    return [Memory.from_row(r) for r in rows]


def sources(vault: Vault, memory_id: int) -> list[Memory]:
    """The memories a fact or a summary stands on, oldest first."""
    rows = vault.query(
        f"SELECT {_COLS} FROM memory_sources s JOIN memories m ON m.id = s.source_memory_id "
        "WHERE s.memory_id = ? ORDER BY m.happened_at, m.id",
        (memory_id,),
    )
    return [Memory.from_row(r) for r in rows]


def versions(vault: Vault, memory_id: int) -> list[Memory]:
    """A fact and the facts it superseded, newest first (follows ``superseded_by`` backwards)."""
    out: list[Memory] = []
    seen: set[int] = set()
    current: int | None = memory_id
    while current is not None and current not in seen:
        seen.add(current)
        row = vault.query(f"SELECT {_COLS} FROM memories m WHERE m.id = ?", (current,))
        if not row:
            break
        out.append(Memory.from_row(row[0]))
        prev = vault.query("SELECT id FROM memories WHERE superseded_by = ? ORDER BY id DESC LIMIT 1", (current,))
        current = prev[0][0] if prev else None
    return out
