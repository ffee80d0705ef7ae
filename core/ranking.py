"""Fusion and re-rank, as pure functions over NumPy arrays.

**Fusion.** Each ranked list ``l`` (BM25, vector similarity, any extra ranker) gives a memory at
1-based rank ``r`` the score ``w_l / (k + r)``; a memory's fused score is the sum over the lists
it appears in (weighted reciprocal rank fusion, Cormack et al. 2009). Ranks, not raw scores, are
fused, so BM25 and cosine need no common scale.

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

from collections.abc import Sequence

import numpy as np

DAY = 86400.0


def rrf(rankings: Sequence[tuple[Sequence[int], float]], k: float) -> dict[int, float]:
    """Weighted reciprocal rank fusion of ranked id lists ``[(ids best first, weight), ...]``."""
    fused: dict[int, float] = {}
    for ids, weight in rankings:
        if weight <= 0:
            continue
        for rank, mid in enumerate(ids, start=1):
            fused[mid] = fused.get(mid, 0.0) + weight / (k + rank)
    return fused


def retention_array(
    now: float, recorded_at: np.ndarray, last_recalled_at: np.ndarray, strength_days: np.ndarray,
    pinned: np.ndarray,
) -> np.ndarray:
    """Ebbinghaus retention ``exp(-t / S)`` for many memories (``last_recalled_at`` NaN when never
    recalled); pinned memories keep 1. Mirrors ``core.retention.retention_at``."""
    since = np.where(np.isnan(last_recalled_at), recorded_at, last_recalled_at)
    elapsed = np.maximum(now - since, 0.0) / DAY
    r = np.exp(-elapsed / np.maximum(strength_days, 1e-9))
    return np.where(pinned, 1.0, r)


def rerank(
    fused: np.ndarray, retention: np.ndarray, importance: np.ndarray, *, beta: float,
    retention_weight: float, importance_weight: float, best: float | None = None,
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
