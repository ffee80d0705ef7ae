"""Exact and near-duplicate merge.

Exact: memories of the same kind and trust with the same content hash (whitespace and case ignored), across
the vault. Near: units of the same kind and trust on the same day whose similarity reaches ``NEAR``
(content-word overlap, or the embedder's cosine). The kept memory is the pinned one, else the
most recalled, else the oldest; the duplicate is archived with ``meta.merged_into`` (never
deleted), and the kept memory inherits its sources, recalls and strength.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reverie.core.consolidation.planner import Inputs, Merge
from reverie.core.consolidation.text import content_tokens, similarity_matrix

NEAR_OVERLAP = 0.9
NEAR_COSINE = 0.95
MIN_WORDS = 3  # shorter texts ("ok, thanks") are left alone by the near-duplicate pass


def plan_merges(inputs: Inputs, embedder: Any = None, tick: Callable[[int, int], None] | None = None) -> list[Merge]:
    """Exact groups first, then near duplicates day by day (``tick(done, total)`` after each day)."""
    merges: list[Merge] = []
    gone: set[int] = set()
    for group in inputs.exact_groups:
        keep = group[0]
        for dup in group[1:]:
            merges.append(Merge(keep, dup, "exact"))
            gone.add(dup)
    threshold = NEAR_COSINE if embedder is not None else NEAR_OVERLAP
    for n, units in enumerate(inputs.days.values()):
        if tick is not None and n:
            tick(n, len(inputs.days))
        for kind, trust in sorted({(u.kind, u.trust) for u in units}):
            us = [
                u
                for u in units
                if (u.kind, u.trust) == (kind, trust) and u.id not in gone and len(content_tokens(u.text)) >= MIN_WORDS
            ]
            if len(us) < 2 or not any(u.new for u in us):
                continue
            sims = similarity_matrix([u.text for u in us], [u.text for u in us], embedder)
            for j in range(1, len(us)):
                if not us[j].new or us[j].id in gone:
                    continue
                for i in range(j):
                    if us[i].id not in gone and sims[i, j] >= threshold:
                        merges.append(Merge(us[i].id, us[j].id, f"near {sims[i, j]:.2f}"))
                        gone.add(us[j].id)
                        break
    return merges
