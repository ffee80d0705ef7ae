"""Recall strengthens memory: a memory cited in an answer or opened by the user is reinforced.

Its strength grows (``retention.reinforced_strength``), its last-recalled time becomes ``now``
(so elapsed time resets) and its recall count goes up. Every reinforcement is logged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from reverie.core import history
from reverie.core.retention import RECALL_GROWTH, reinforced_strength


def reinforce_in(
    conn: Any, memory_ids: Iterable[int], now: float, *, reason: str, growth: float = RECALL_GROWTH, actor: str = "user"
) -> int:
    """Reinforce inside an open transaction; returns how many memories were reinforced."""
    n = 0
    for mid in dict.fromkeys(int(i) for i in memory_ids):
        row = conn.execute(
            "SELECT uid, strength, importance, recall_count, last_recalled_at FROM memories WHERE id = ?", (mid,)
        ).fetchone()
        if row is None:
            continue
        uid, strength, importance, count, last = row
        new_strength = reinforced_strength(strength, importance, growth)
        conn.execute(
            "UPDATE memories SET strength = ?, last_recalled_at = ?, recall_count = recall_count + 1 WHERE id = ?",
            (new_strength, now, mid),
        )
        history.log(
            conn,
            now,
            "memory",
            uid,
            "recall",
            actor=actor,
            note=reason,
            before={"strength": strength, "recall_count": count, "last_recalled_at": last},
            after={"strength": new_strength, "recall_count": count + 1, "last_recalled_at": now},
        )
        n += 1
    return n


def reinforce(
    vault: Any,
    memory_ids: Iterable[int],
    now: float,
    *,
    reason: str,
    growth: float = RECALL_GROWTH,
    actor: str = "user",
) -> int:
    with vault.tx() as conn:
        return reinforce_in(conn, memory_ids, now, reason=reason, growth=growth, actor=actor)
