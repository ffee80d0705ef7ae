"""Reverie's retrieval as the evaluation measures it until the app's Retriever takes it over:
words (with query expansion) and meaning, fused with weights, then re-ranked by who said it,
the neighbouring turns and recency. Every step is a product module (``query_expansion``,
``rerank``); this file only composes them over one vault, so each step can be switched off and
its gain measured.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reverie.core import query_expansion, rerank, turn_context
from reverie.core.evaluation.searchers import EmbeddingCache, Unit, fts_or_query
from reverie.core.vault import Vault


@dataclass(frozen=True)
class PipelineConfig:
    expand_query: bool = True  # stop words out, stems as prefixes
    bm25_weight: float = 1.0
    vector_weight: float = 0.5
    rrf_c: float = 60.0
    candidates: int = 100
    speaker_factor: float = 1.2  # 1.0 = off
    neighbour_alpha: float = 0.1  # 0.0 = off
    recency_weight: float = 0.0  # 0.0 = off
    fusion: str = "score"  # "score" (min-max normalised scores, weighted sum) or "rrf"
    window: int = 1  # embed each turn with this many turns before it


class ReverieSearcher:
    def __init__(self, vault: Vault, cache: EmbeddingCache | None, config: PipelineConfig | None = None) -> None:
        self.vault = vault
        self.cache = cache
        self.config = config or PipelineConfig()
        with vault.read() as conn:
            rows = conn.execute(
                "SELECT m.id, m.context, m.text, g.conversation_id, g.seq, m.seq, m.source_id, m.speaker, "
                "m.happened_at FROM memories m LEFT JOIN messages g "
                "ON m.source_kind = 'message' AND g.id = m.source_id WHERE m.archived = 0 ORDER BY m.id"
            ).fetchall()
        self._ids = [int(r[0]) for r in rows]
        self._source = {int(r[0]): r[6] for r in rows}
        self._speaker = {int(r[0]): r[7] for r in rows}
        self._happened = {int(r[0]): float(r[8]) for r in rows}
        self._speakers = sorted({r[7] for r in rows if r[7]})
        self._neighbours: dict[int, list[int]] = {}
        for b, a in turn_context.previous_turns(rows).items():
            self._neighbours.setdefault(a, []).append(b)
            self._neighbours.setdefault(b, []).append(a)
        self._matrix: np.ndarray | None = None  # embedded on the first search by meaning

    def bm25_scores(self, query: str, n: int) -> dict[int, float]:
        expr = query_expansion.expand(query).fts if self.config.expand_query else fts_or_query(query)
        if not expr:
            return {}
        rows = self.vault.query(
            "SELECT rowid, -bm25(memories_fts) FROM memories_fts WHERE memories_fts MATCH ? "
            "ORDER BY bm25(memories_fts), rowid LIMIT ?", (expr, n))
        return {int(r[0]): float(r[1]) for r in rows}

    def vector_scores(self, query: str, n: int) -> dict[int, float]:
        if self.cache is None or not self._ids:
            return {}
        if self._matrix is None:
            with self.vault.read() as conn:
                inputs = turn_context.inputs_for(conn, self._ids, self.config.window)
            self._matrix = self.cache.embed([inputs[i] for i in self._ids])
        sims = self._matrix @ self.cache.embed([query])[0]
        return {self._ids[i]: float(sims[i]) for i in np.argsort(-sims, kind="stable")[:n]}

    def search(self, query: str, *, now: float, k: int, mode: str = "hybrid") -> list[Unit]:
        cfg = self.config
        n = max(k, cfg.candidates)
        lists: list[dict[int, float]] = []
        weights: list[float] = []
        if mode in ("bm25", "hybrid"):
            lists.append(self.bm25_scores(query, n))
            weights.append(cfg.bm25_weight)
        if mode in ("vector", "hybrid"):
            lists.append(self.vector_scores(query, n))
            weights.append(cfg.vector_weight)
        if cfg.fusion == "score":
            scores = rerank.score_fusion(lists, weights)
        else:
            scores = rerank.weighted_rrf([rerank.ranked(x) for x in lists], weights, cfg.rrf_c)
        if cfg.speaker_factor != 1.0:
            named = rerank.named_speakers(query, self._speakers)
            scores = rerank.speaker_boost(scores, self._speaker, named, cfg.speaker_factor)
        if cfg.neighbour_alpha > 0:
            scores = rerank.neighbour_smoothing(scores, self._neighbours, cfg.neighbour_alpha)
        if cfg.recency_weight > 0:
            scores = rerank.recency_boost(scores, self._happened, now, cfg.recency_weight)
        return [Unit(m, self._source.get(m)) for m in rerank.ranked(scores)[:k]]
