"""Fusion and re-rank, as pure functions over memory ids and NumPy arrays: the one place that
fuses ranked lists.

**Ranked lists.** Each source of candidates (BM25 over the words, the forms of the words, each
extra phrasing, vector similarity, any extra ranker) gives a ``RankedList``: memory ids best
first, their scores when it has them, and its weight.

**Fusion** (``fuse``; ``RetrievalConfig.fusion`` picks the method):

- ``"score"`` (the default; it measured better on LoCoMo): each list's scores are min-max
  normalised to [0, 1] over its candidates (a list without scores uses ``1 / rank``), weighted
  by ``w_l * (1 - FUSION_FLOOR)`` and summed; every list a memory is in also adds
  ``w_l * FUSION_FLOOR``, so being in a list always counts, even at the bottom of it.
- ``"rrf"``: weighted reciprocal rank fusion (Cormack et al. 2009): a memory at 1-based rank
  ``r`` of list ``l`` gets ``w_l / (k + r)``, summed over the lists it is in. Ranks, not raw
  scores, are fused, so BM25 and cosine need no common scale.

**Re-rank.** Relevance ``rel = fused / max(fused)`` is in (0, 1]. A memory's standing
``m = (w_r * retention + w_i * importance) / (w_r + w_i)`` (retention ``exp(-t/S)``; pinned
memories count 1) is in [0, 1]. The final score is

    final = rel + beta * (m - 0.5) * (1 - rel)

The memory term is damped by ``1 - rel``: it vanishes for the best match and is small for strong
matches, so it only reorders near-ties and the weak tail. With ``beta <= 1``:

- the most relevant memory always comes first, however old, unimportant and never recalled
  (``final = 1`` for it; ``final < 1`` for every less relevant one);
- a memory can overtake a more relevant one only when their relevance differs by less than
  ``beta * (1 - rel)``, i.e. never across a clear gap near the top.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

DAY = 86400.0
FUSIONS = ("score", "rrf")
FUSION_FLOOR = 0.05


@dataclass(frozen=True)
class RankedList:
    """One ranked list of candidates: memory ids best first and, when the ranker has them, their
    scores (higher is better; empty: ranks only). ``shown``: a hit's score breakdown gives its
    rank in this list as ``{name}_rank``."""

    name: str
    ids: tuple[int, ...]
    scores: tuple[float, ...] = ()
    weight: float = 1.0
    shown: bool = True


def fuse(lists: Sequence[RankedList], method: str = "score", *, rrf_k: float = 60.0) -> dict[int, float]:
    """Fused score of every memory in ``lists`` by ``method`` (see the module docstring)."""
    if method == "rrf":
        return rrf([(rl.ids, rl.weight) for rl in lists], rrf_k)
    if method != "score":
        raise ValueError(f"unknown fusion {method!r}")
    fused = score_fusion(
        [
            dict(zip(rl.ids, rl.scores, strict=True))
            if rl.scores and any(rl.scores)
            else {m: 1.0 / r for r, m in enumerate(rl.ids, 1)}
            for rl in lists
        ],
        [rl.weight * (1 - FUSION_FLOOR) for rl in lists],
    )
    for rl in lists:
        for m in rl.ids:
            fused[m] = fused.get(m, 0.0) + rl.weight * FUSION_FLOOR
    return fused


def rrf(rankings: Sequence[tuple[Sequence[int], float]], k: float) -> dict[int, float]:
    """Weighted reciprocal rank fusion of ranked id lists ``[(ids best first, weight), ...]``:
    ``sum_l w_l / (k + rank_l(m))``, ranks from 1; lists of weight 0 or less are left out."""
    fused: dict[int, float] = {}
    for ids, weight in rankings:
        if weight <= 0:
            continue
        for rank, mid in enumerate(ids, start=1):
            fused[mid] = fused.get(mid, 0.0) + weight / (k + rank)
    return fused


def score_fusion(score_lists: Sequence[Mapping[int, float]], weights: Sequence[float]) -> dict[int, float]:
    """Each list's scores min-max normalised to [0, 1] over its candidates, then a weighted sum
    (a memory missing from a list gets 0 from it)."""
    out: dict[int, float] = {}
    for scores, w in zip(score_lists, weights, strict=True):
        if not scores:
            continue
        lo, hi = min(scores.values()), max(scores.values())
        span = hi - lo
        for m, s in scores.items():
            out[m] = out.get(m, 0.0) + w * ((s - lo) / span if span > 0 else 1.0)
    return out


def ranked(scores: Mapping[int, float]) -> list[int]:
    """Ids by score, best first (ties by id, so the order is stable)."""
    return sorted(scores, key=lambda m: (-scores[m], m))


def retention_array(
    now: float,
    recorded_at: np.ndarray,
    last_recalled_at: np.ndarray,
    strength_days: np.ndarray,
    pinned: np.ndarray,
) -> np.ndarray:
    """Ebbinghaus retention ``exp(-t / S)`` for many memories (``last_recalled_at`` NaN when never
    recalled); pinned memories keep 1. Mirrors ``core.retention.retention_at``."""
    since = np.where(np.isnan(last_recalled_at), recorded_at, last_recalled_at)
    elapsed = np.maximum(now - since, 0.0) / DAY
    r = np.exp(-elapsed / np.maximum(strength_days, 1e-9))
    return np.where(pinned, 1.0, r)


def rerank(
    fused: np.ndarray,
    retention: np.ndarray,
    importance: np.ndarray,
    *,
    beta: float,
    retention_weight: float,
    importance_weight: float,
    best: float | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(final, rel, standing) for each candidate; see the module docstring. ``best`` is the top
    fused score among all candidates (default: among these)."""
    if len(fused) == 0:
        empty = np.zeros(0)
        return empty, empty, empty
    top = float(np.max(fused)) if best is None else float(best)
    rel = fused / top if top > 0 else np.zeros_like(fused)
    wsum = retention_weight + importance_weight
    standing = (
        (retention_weight * retention + importance_weight * importance) / wsum if wsum > 0 else np.full_like(rel, 0.5)
    )
    beta = min(max(beta, 0.0), 1.0)
    final = rel + beta * (standing - 0.5) * (1.0 - rel)
    return final, rel, standing


def shortlist(fused_desc: np.ndarray, k: int, beta: float) -> int:
    """How many of the candidates (sorted by fused score, best first) can still reach the top
    ``k`` after the re-rank; the rest need not be read. The memory term moves a score by at most
    ``beta/2 * (1 - rel)``, so a candidate whose best case is below the ``k``-th candidate's worst
    case can never overtake it: ``rel (1 - beta/2) + beta/2 < rel_k (1 + beta/2) - beta/2``."""
    n = len(fused_desc)
    if n <= k:
        return n
    beta = min(max(beta, 0.0), 1.0)
    rel = fused_desc / fused_desc[0]
    cut = (rel[k - 1] * (1 + beta / 2) - beta) / (1 - beta / 2)
    return max(k, int(np.count_nonzero(rel >= cut - 1e-12)))


def order(final: np.ndarray, rel: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Indices best first: by final score, then relevance, then newer id (deterministic)."""
    return np.lexsort((-ids, -rel, -final))
