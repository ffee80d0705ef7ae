"""Fusion and light re-ranking of retrieval candidates: pure functions over memory ids.

- ``weighted_rrf``: reciprocal rank fusion with a weight per ranking (words, meaning, ...).
- ``speaker_boost``: a memory said by a person the query names gets its score raised ("what
  did Anna say about ..." is first about what Anna said).
- ``neighbour_smoothing``: a turn borrows part of the best score of the turns just before and
  after it in the same conversation, since an answer often completes the turn that asked.
- ``recency_boost``: among candidates, a small preference for what happened closer to ``now``.

Every function takes and returns ``{memory_id: score}``; nothing here reads the clock or the
vault, so the Retriever and the evaluation share them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence

from reverie.core.clock import DAY

_WORD = re.compile(r"\w+", re.UNICODE)


def weighted_rrf(rankings: Sequence[Sequence[int]], weights: Sequence[float], c: float = 60.0) -> dict[int, float]:
    """score(m) = sum_i weights[i] / (c + rank_i(m)), ranks from 1."""
    out: dict[int, float] = {}
    for ranking, w in zip(rankings, weights, strict=True):
        for rank, mid in enumerate(ranking, start=1):
            out[mid] = out.get(mid, 0.0) + w / (c + rank)
    return out


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


def named_speakers(query: str, speakers: Iterable[str]) -> set[str]:
    """The known speakers whose (first) name appears as a word of the query, casefolded."""
    words = {w.casefold() for w in _WORD.findall(query)}
    named: set[str] = set()
    for s in speakers:
        parts = [p.casefold() for p in _WORD.findall(s)]
        if parts and (parts[0] in words or " ".join(parts) in query.casefold()):
            named.add(s.casefold())
    return named


def speaker_boost(
    scores: Mapping[int, float], speaker_of: Mapping[int, str | None], named: set[str], factor: float = 1.3,
) -> dict[int, float]:
    """Multiply the score of memories said by a named speaker by ``factor`` (only when the query
    names some, but not all, of the speakers among the candidates)."""
    present = {(speaker_of.get(m) or "").casefold() for m in scores}
    if not named or present <= named:
        return dict(scores)
    return {m: s * (factor if (speaker_of.get(m) or "").casefold() in named else 1.0) for m, s in scores.items()}


def neighbour_smoothing(
    scores: Mapping[int, float], neighbours: Mapping[int, Sequence[int]], alpha: float = 0.3,
) -> dict[int, float]:
    """score'(m) = score(m) + alpha * max(score(n) for n in neighbours(m)); neighbours that were
    not candidates enter with their borrowed score alone."""
    pool = set(scores) | {n for m in scores for n in neighbours.get(m, ())}
    out: dict[int, float] = {}
    for m in pool:
        best = max((scores.get(n, 0.0) for n in neighbours.get(m, ())), default=0.0)
        out[m] = scores.get(m, 0.0) + alpha * best
    return out


def recency_boost(
    scores: Mapping[int, float], happened_at: Mapping[int, float], now: float,
    weight: float = 0.1, half_life_days: float = 180.0,
) -> dict[int, float]:
    """score * (1 + weight * 2^(-age / half_life)); the future counts as now."""
    out: dict[int, float] = {}
    for m, s in scores.items():
        age = max(0.0, now - happened_at.get(m, now)) / DAY
        out[m] = s * (1.0 + weight * math.pow(2.0, -age / half_life_days))
    return out


def ranked(scores: Mapping[int, float]) -> list[int]:
    """Ids by score, best first (ties by id, so the order is stable)."""
    return sorted(scores, key=lambda m: (-scores[m], m))
