"""Turn-aware adjustments of fused retrieval scores: pure functions over memory ids. (Fusion
itself, score fusion and reciprocal rank fusion, is in ``core.ranking``.)

- ``speaker_boost``: a memory said by a person the query names gets its score raised ("what
  did Anna say about ..." is first about what Anna said).
- ``neighbour_smoothing``: a turn borrows part of the best score of the turns just before and
  after it in the same conversation, since an answer often completes the turn that asked (the
  Retriever also uses it to let a turn borrow from the best-scored turn of its conversation).

Every function takes and returns ``{memory_id: score}``; nothing here reads the clock or the
vault (the Retriever reads the speakers and neighbours and hands them in).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

_WORD = re.compile(r"\w+", re.UNICODE)


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
    scores: Mapping[int, float],
    speaker_of: Mapping[int, str | None],
    named: set[str],
    factor: float = 1.3,
) -> dict[int, float]:
    """Multiply the score of memories said by a named speaker by ``factor`` (only when the query
    names some, but not all, of the speakers among the candidates)."""
    present = {(speaker_of.get(m) or "").casefold() for m in scores}
    if not named or present <= named:
        return dict(scores)
    return {m: s * (factor if (speaker_of.get(m) or "").casefold() in named else 1.0) for m, s in scores.items()}


def neighbour_smoothing(
    scores: Mapping[int, float],
    neighbours: Mapping[int, Sequence[int]],
    alpha: float = 0.3,
) -> dict[int, float]:
    """score'(m) = score(m) + alpha * max(score(n) for n in neighbours(m)); neighbours that were
    not candidates enter with their borrowed score alone."""
    pool = set(scores) | {n for m in scores for n in neighbours.get(m, ())}
    out: dict[int, float] = {}
    for m in pool:
        best = max((scores.get(n, 0.0) for n in neighbours.get(m, ())), default=0.0)
        out[m] = scores.get(m, 0.0) + alpha * best
    return out
