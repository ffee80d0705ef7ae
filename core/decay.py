"""Decay: memories whose retention fell below a threshold are archived, never deleted.

Retention is ``R = exp(-t / S)`` (``core.retention``). ``R < threshold`` is the same as
``t > -ln(threshold) * S``, a linear condition SQLite evaluates set-based over the whole table
(no ``exp`` needed, no Python loop per row). ``plan_decay`` reads which memories fade (nothing is
written); ``apply_decay`` archives them in one transaction, re-checking the condition (a memory
recalled or pinned in between stays) and logging one history row per archived memory with a
set-based ``INSERT ... SELECT``. Pinned memories and important ones (above
``max_importance``) are never archived. ``restore`` brings memories back from the archive.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from reverie.core import history
from reverie.core.recall import reinforce_in
from reverie.core.records import MEMORY_COLS, Memory
from reverie.core.retention import DAY, retention_at
from reverie.core.settings import Settings
from reverie.core.textindex import index_text
from reverie.core.vault import Vault


@dataclass(frozen=True)
class DecayParams:
    threshold: float = 0.05  # archive when retention falls below this
    max_importance: float = 0.5  # memories more important than this are never archived

    @classmethod
    def from_settings(cls, settings: Settings) -> DecayParams:
        return cls(float(settings.archive_threshold), float(settings.archive_max_importance))

    @property
    def cutoff_factor(self) -> float:
        """Archive when ``t / S`` exceeds this (``-ln threshold``)."""
        return -math.log(self.threshold)


def should_archive(
    now: float,
    recorded_at: float,
    last_recalled_at: float | None,
    strength: float,
    importance: float,
    *,
    pinned: bool,
    params: DecayParams,
) -> bool:
    """The rule, one memory at a time (the SQL in ``plan_decay`` computes the same thing)."""
    if pinned or importance > params.max_importance:
        return False
    return retention_at(now, recorded_at, last_recalled_at, strength, pinned) < params.threshold


def retention_array(now: float, since: np.ndarray, strength: np.ndarray, pinned: np.ndarray) -> np.ndarray:
    """Vectorised retention for many memories (``since`` = last recall, or recording time)."""
    t = np.maximum(now - since, 0.0) / DAY
    r = np.exp(-t / np.maximum(strength, 1e-9))
    return np.where(pinned.astype(bool), 1.0, r)


_FADED = (
    "archived = 0 AND pinned = 0 AND importance <= :max_imp "
    "AND (:now - coalesce(last_recalled_at, recorded_at)) > :factor * strength"
)


@dataclass(frozen=True)
class DecayPlan:
    now: float
    params: DecayParams
    ids: tuple[int, ...]
    active: int  # memories not archived when planned

    @property
    def count(self) -> int:
        return len(self.ids)


def _bind(now: float, params: DecayParams) -> dict[str, float]:
    return {"now": now, "max_imp": params.max_importance, "factor": params.cutoff_factor * DAY}


def plan_decay(conn: Any, now: float, params: DecayParams) -> DecayPlan:
    """Which memories fade below the threshold at ``now``. Reads only."""
    rows = conn.execute(f"SELECT id FROM memories WHERE {_FADED}", _bind(now, params)).fetchall()
    active = conn.execute("SELECT count(*) FROM memories WHERE archived = 0").fetchone()[0]
    return DecayPlan(now, params, tuple(r[0] for r in rows), int(active))


def apply_decay(vault: Vault, plan: DecayPlan, *, actor: str = "decay") -> int:
    """Archive the planned memories in one transaction, logging each; returns how many."""
    if not plan.ids:
        return 0
    bind = _bind(plan.now, plan.params)
    with vault.tx() as conn:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS decay_ids(id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM decay_ids")
        conn.executemany("INSERT OR IGNORE INTO decay_ids(id) VALUES (?)", ((i,) for i in plan.ids))
        conn.execute(
            "INSERT INTO history(at, entity, entity_id, action, actor, before, after, note) "
            "SELECT :now, 'memory', uid, 'archive', :actor, "
            "json_object('archived', 0, 'strength', strength, 'last_recalled_at', last_recalled_at), "
            "json_object('archived', 1, 'archived_at', :now), "
            "printf('faded: %.1f days since last recall, strength %.1f days, threshold %g', "
            "(:now - coalesce(last_recalled_at, recorded_at)) / 86400.0, strength, :threshold) "
            f"FROM memories WHERE id IN (SELECT id FROM decay_ids) AND {_FADED}",
            {**bind, "actor": actor, "threshold": plan.params.threshold},
        )
        cur = conn.execute(
            f"UPDATE memories SET archived = 1, archived_at = :now WHERE id IN (SELECT id FROM decay_ids) AND {_FADED}",
            bind,
        )
        conn.execute("DELETE FROM decay_ids")
        return int(cur.rowcount)


def decay_pass(vault: Vault, now: float, params: DecayParams) -> tuple[DecayPlan, int]:
    with vault.read() as conn:
        plan = plan_decay(conn, now, params)
    return plan, apply_decay(vault, plan)


# -- the archive ---------------------------------------------------------------------------------


def _fts_query(text: str) -> str:
    terms = [t for t in index_text(text).split() if t.strip('"')]
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def list_archived(vault: Vault, text: str = "", limit: int = 100) -> list[Memory]:
    """Archived memories, latest archived first; ``text`` filters by words."""
    cols = ", ".join(f"m.{c.strip()}" for c in MEMORY_COLS.split(","))
    query = _fts_query(text) if text.strip() else ""
    with vault.read() as conn:
        if query:
            rows = conn.execute(
                f"SELECT {cols} FROM memories_fts f JOIN memories m ON m.id = f.rowid "
                "WHERE memories_fts MATCH ? AND m.archived = 1 ORDER BY m.archived_at DESC, m.id LIMIT ?",
                (query, limit),
            ).fetchall()
        else:
            rows = conn.execute(
                f"SELECT {cols} FROM memories m WHERE m.archived = 1 ORDER BY m.archived_at DESC, m.id LIMIT ?",
                (limit,),
            ).fetchall()
    return [Memory.from_row(r) for r in rows]


def restore(vault: Vault, memory_ids: Iterable[int], now: float, *, actor: str = "user") -> int:
    """Bring memories back from the archive. Restoring is a recall: strength grows and the
    clock restarts, so a restored memory does not fade again the next night."""
    ids: Sequence[int] = list(dict.fromkeys(int(i) for i in memory_ids))
    restored: list[int] = []
    with vault.tx() as conn:
        for mid in ids:
            row = conn.execute("SELECT uid, archived_at FROM memories WHERE id = ? AND archived = 1", (mid,)).fetchone()
            if row is None:
                continue
            conn.execute("UPDATE memories SET archived = 0, archived_at = NULL WHERE id = ?", (mid,))
            history.log(
                conn,
                now,
                "memory",
                row[0],
                "restore",
                actor=actor,
                before={"archived": 1, "archived_at": row[1]},
                after={"archived": 0},
            )
            restored.append(mid)
        reinforce_in(conn, restored, now, reason="restored from the archive", actor=actor)
    return len(restored)
