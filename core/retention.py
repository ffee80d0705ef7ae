"""The forgetting curve, as pure functions.

Retention ``R = exp(-t / S)`` with ``t`` the days since the memory was last recalled (or
recorded) and ``S`` its strength in days. Note the parentheses: MemoryBank's published code
computes ``exp(-t / 5 * S)``, i.e. ``exp(-(t / 5) * S)``, which makes *strong* memories fade
*faster*. Strength starts from importance and grows with every recall.
"""

from __future__ import annotations

import math

DAY = 86400.0
BASE_STRENGTH_DAYS = 7.0
RECALL_GROWTH = 1.8
MAX_STRENGTH_DAYS = 3650.0


def initial_strength(importance: float, base_days: float = BASE_STRENGTH_DAYS) -> float:
    """Strength (days) of a new memory: important memories start stronger (1x to 3x base)."""
    importance = min(1.0, max(0.0, importance))
    return base_days * (1.0 + 2.0 * importance)


def retention(elapsed_days: float, strength_days: float, pinned: bool = False) -> float:
    """Ebbinghaus retention in [0, 1]."""
    if pinned:
        return 1.0
    if elapsed_days <= 0:
        return 1.0
    return math.exp(-elapsed_days / max(strength_days, 1e-9))


def retention_at(
    now: float, recorded_at: float, last_recalled_at: float | None, strength_days: float, pinned: bool
) -> float:
    since = last_recalled_at if last_recalled_at is not None else recorded_at
    return retention((now - since) / DAY, strength_days, pinned)


def reinforced_strength(strength_days: float, importance: float, growth: float = RECALL_GROWTH) -> float:
    """Strength after one recall: it grows by ``growth``, more for important memories."""
    factor = growth * (0.75 + 0.5 * min(1.0, max(0.0, importance)))
    return min(MAX_STRENGTH_DAYS, strength_days * max(factor, 1.0))
