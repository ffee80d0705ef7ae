"""What a search takes and gives: filters, hits, results, and the tunable configuration.

``reverie.core.retrieval`` re-exports all of these; import them from there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from reverie.core.errors import InputError
from reverie.core.mdsyntax import plain_text
from reverie.core.ranking import FUSIONS
from reverie.core.records import Memory
from reverie.core.turn_context import DEFAULT_WINDOW
from reverie.core.vectorindex import KINDS

MODES = ("hybrid", "bm25", "vector")
ARCHIVED = ("exclude", "include", "only")


@dataclass(frozen=True)
class SearchFilters:
    kinds: tuple[str, ...] = ()  # empty: every kind
    since: float | None = None  # happened_at >= since
    until: float | None = None  # happened_at < until
    archived: str = "exclude"  # "exclude" | "include" | "only"

    def validate(self) -> SearchFilters:
        bad = [k for k in self.kinds if k not in KINDS]
        if bad:
            raise InputError(f"Unknown kind {bad[0]!r}; choose from {', '.join(KINDS)}.")
        if self.archived not in ARCHIVED:
            raise InputError(f"The archived filter must be one of {', '.join(ARCHIVED)}.")
        if self.since is not None and self.until is not None and self.since >= self.until:
            raise InputError("The date range is empty: its start is not before its end.")
        return self


@dataclass(frozen=True)
class Hit:
    memory: Memory
    score: float
    breakdown: dict[str, float]
    source_title: str
    highlights: tuple[tuple[int, int], ...]  # character spans in memory.text

    def shown(self) -> tuple[str, tuple[tuple[int, int], ...]]:
        """The text a reader is shown (``memory.text`` without its Markdown marks: emphasis, callouts,
        embeds, link syntax, heading marks; see ``core.mdsyntax.plain_text``) and the highlights as
        spans in that text."""
        return plain_text(self.memory.text, self.highlights)


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    query_text: str  # the query without its time phrase
    since: float | None
    until: float | None
    time_phrase: str | None
    # The time phrase's range held nothing that matches, so these hits come from any time (a
    # remark made today about "four years ago" is not dated four years ago).
    widened: bool = False


@dataclass(frozen=True)
class ExtraRanker:
    """A further ranked list to fuse: ``rank(conn, query_text, filters, limit)`` returns memory ids,
    best first (e.g. neighbouring turns of strong hits, a date-aware or speaker-aware list)."""

    name: str
    weight: float
    rank: Callable[[Any, str, SearchFilters, int], Sequence[int]]


@dataclass
class RetrievalConfig:
    """Tunable knobs. BM25 weighs more than vectors by default: on conversational memory
    benchmarks (LoCoMo) equal-weight fusion loses to BM25 alone."""

    # How the ranked lists are fused (core.ranking.fuse). "score": each list's scores min-max
    # normalised over its candidates, then a weighted sum; "rrf": weighted reciprocal rank fusion.
    # Score fusion measured better on LoCoMo (docs/benchmarks.md).
    fusion: str = "score"
    rrf_k: float = 60.0
    bm25_weight: float = 1.0
    vector_weight: float = 0.7
    stem_prefixes: bool = True  # "painting" also matches paint* (the words index does not stem)
    # A bare word's inflections ("guitar": "guitars") are searched as a list of their own with this
    # share of the words' weight: a form of the word is weaker evidence than the word (0: off).
    forms_weight: float = 0.5
    speaker_boost: float = 1.2  # memories said by a person the query names (1.0: off)
    neighbour_alpha: float = 0.1  # a turn borrows this share of its neighbours' best score (0: off)
    conversation_alpha: float = 0.2  # ... and this share of the best score in its conversation (0: off)
    # Chat turns are embedded with this many turns before them (core.turn_context); the vectors
    # searched are those the embedding job made with the same window.
    turn_window: int = DEFAULT_WINDOW
    bm25_candidates: int = 100
    vector_candidates: int = 100
    rerank_beta: float = 0.3  # 0 disables the re-rank; at most 1 (see core.ranking)
    retention_weight: float = 0.5
    importance_weight: float = 0.5
    drop_stopwords: bool = True
    # Words in more than this share of all memories (and in more than common_min_docs of them) are
    # left out of BM25: they rank almost nothing (low IDF) and cost the most time. When every word
    # is that common, only the rarest is kept, ranked among the newest common_window memories.
    common_fraction: float = 0.05  # 0 keeps every word
    common_min_docs: int = 2000
    common_window: int = 50_000
    # FTS5 ranks every memory holding a query's words (some 5 us each on a 2-core machine, mostly
    # reading each one's length): the words, rarest first, are ranked until the memories holding
    # them add up to this; commoner ones are left out like the words above. It bounds the words
    # search at any vault size (about 0.1 s); below this many memories it changes nothing. 0: no bound.
    words_budget: int = 20_000
    parse_time: bool = True
    tz: tzinfo | None = None  # calendar days for time phrases; None: the local time zone
    expansions: Callable[[str], Sequence[str]] | None = None  # extra phrasings, searched by words
    expansion_weight: float = 0.5
    extra_rankers: tuple[ExtraRanker, ...] = field(default_factory=tuple)

    def validate(self) -> RetrievalConfig:
        if self.rrf_k <= 0 or self.bm25_candidates < 1 or self.vector_candidates < 1:
            raise InputError("rrf_k and the candidate counts must be positive.")
        if self.words_budget < 0:
            raise InputError("words_budget must be 0 or more.")
        if self.turn_window < 0:
            raise InputError("turn_window must be 0 or more.")
        if self.fusion not in FUSIONS:
            raise InputError(f"fusion must be one of {', '.join(FUSIONS)}.")
        if not 0 <= self.rerank_beta <= 1:
            raise InputError("rerank_beta must be between 0 and 1.")
        return self


def filter_sql(f: SearchFilters) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if f.archived == "exclude":
        where.append("m.archived = 0")
    elif f.archived == "only":
        where.append("m.archived = 1")
    if f.kinds and set(f.kinds) != set(KINDS):
        where.append(f"m.kind IN ({','.join('?' * len(f.kinds))})")
        params += list(f.kinds)
    if f.since is not None:
        where.append("m.happened_at >= ?")
        params.append(f.since)
    if f.until is not None:
        where.append("m.happened_at < ?")
        params.append(f.until)
    return " AND ".join(where), params
