"""Numbers behind the Insights charts, as pure functions of the memories' state and ``now``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reverie.core.retention import DAY, retention_at
from reverie.core.vault import Vault


@dataclass(frozen=True)
class FadeState:
    """What decides how a memory fades: its kind, times, strength and pin."""

    kind: str
    recorded_at: float
    last_recalled_at: float | None
    strength: float
    pinned: bool


def fade_states(vault: Vault, *, include_archived: bool = False) -> list[FadeState]:
    sql = "SELECT kind, recorded_at, last_recalled_at, strength, pinned FROM memories"
    if not include_archived:
        sql += " WHERE archived = 0"
    return [FadeState(r[0], r[1], r[2], r[3], bool(r[4])) for r in vault.query(sql)]


def retention_curves(
    states: Sequence[FadeState], now: float, days: int = 60, step: int = 1
) -> dict[str, list[tuple[int, float]]]:
    """Average retention (0..1) per kind, and for ``"all"``, from today to ``days`` days ahead
    if nothing is recalled meanwhile: ``{kind: [(day, retention), ...]}``. Kinds without
    memories are left out; with no memories at all the result is empty."""
    if not states:
        return {}
    groups: dict[str, list[FadeState]] = {"all": list(states)}
    for s in states:
        groups.setdefault(s.kind, []).append(s)
    out: dict[str, list[tuple[int, float]]] = {}
    for kind, members in groups.items():
        points = []
        for d in range(0, days + 1, max(1, step)):
            t = now + d * DAY
            avg = sum(retention_at(t, m.recorded_at, m.last_recalled_at, m.strength, m.pinned) for m in members) / len(
                members
            )
            points.append((d, avg))
        out[kind] = points
    return out


def retention_histogram(states: Sequence[FadeState], now: float, bins: int = 10) -> list[int]:
    """How many memories hold each band of retention now: ``bins`` equal bands from 0 to 100 %."""
    counts = [0] * bins
    for m in states:
        r = retention_at(now, m.recorded_at, m.last_recalled_at, m.strength, m.pinned)
        counts[min(bins - 1, int(r * bins))] += 1
    return counts
