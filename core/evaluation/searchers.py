"""Searchers the harness can measure: plain baselines, independent of the product's Retriever.

- ``PlainBM25``: the FTS5 words index, the query's words OR-ed, ranked by FTS5's bm25.
- ``PlainVector``: cosine similarity of the query's vector with every unit's vector (NumPy).
- ``PlainFusion``: the two fused with equal-weight reciprocal rank fusion (``core.ranking.rrf``).

Each returns memory units (anything with ``id`` and ``source_id``), best first. Vectors are
computed with the embedder handed in, through an ``EmbeddingCache`` keyed by the text's hash,
so a text shared by several cases or lines is embedded once per run.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from reverie.core import ranking
from reverie.core.protocols import Embedder
from reverie.core.records import embed_text
from reverie.core.textindex import index_text
from reverie.core.vault import Vault

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Unit:
    id: int
    source_id: str | None


class Searcher(Protocol):
    def search(self, query: str, *, now: float, k: int, mode: str = "hybrid") -> Sequence[Unit]:
        """Memory units (with ``id`` and ``source_id``), best first, at most ``k``."""


class EmbeddingCache:
    """Embeds texts once per run (keyed by a hash of the text), in batches."""

    def __init__(self, embedder: Embedder, batch_size: int = 64) -> None:
        self.embedder = embedder
        self.batch_size = batch_size
        self._vecs: dict[str, np.ndarray] = {}
        self.embedded = 0

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        todo: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in self._vecs:
                todo.setdefault(key, text)
        items = list(todo.items())
        for i in range(0, len(items), self.batch_size):
            chunk = items[i : i + self.batch_size]
            vecs = np.asarray(self.embedder.embed([t for _, t in chunk]), dtype=np.float32)
            for (key, _), v in zip(chunk, vecs, strict=True):
                self._vecs[key] = v
            self.embedded += len(chunk)
        if not keys:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        return np.stack([self._vecs[k] for k in keys])


def fts_or_query(query: str) -> str:
    """The query's words, each quoted, OR-ed (an FTS5 MATCH expression); '' when it has none."""
    words = _WORD.findall(index_text(query).casefold())
    return " OR ".join(f'"{w}"' for w in dict.fromkeys(words))


def _units(vault: Vault) -> list[tuple[int, str | None, str]]:
    rows = vault.query("SELECT id, source_id, context, text FROM memories WHERE archived = 0 ORDER BY id")
    return [(int(r[0]), r[1], embed_text(r[2], r[3])) for r in rows]


class PlainBM25:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self._source = {i: s for i, s, _ in _units(vault)}

    def search(self, query: str, *, now: float, k: int, mode: str = "bm25") -> list[Unit]:
        expr = fts_or_query(query)
        if not expr:
            return []
        rows = self.vault.query(
            "SELECT rowid FROM memories_fts WHERE memories_fts MATCH ? ORDER BY bm25(memories_fts), rowid LIMIT ?",
            (expr, k),
        )
        return [Unit(int(r[0]), self._source.get(int(r[0]))) for r in rows]


class PlainVector:
    def __init__(self, vault: Vault, cache: EmbeddingCache) -> None:
        units = _units(vault)
        self.cache = cache
        self._ids = [u[0] for u in units]
        self._sources = [u[1] for u in units]
        self._matrix = cache.embed([u[2] for u in units])

    def scores(self, query: str) -> np.ndarray:
        if not self._ids:
            return np.zeros(0, dtype=np.float32)
        return self._matrix @ self.cache.embed([query])[0]

    def search(self, query: str, *, now: float, k: int, mode: str = "vector") -> list[Unit]:
        sims = self.scores(query)
        order = np.argsort(-sims, kind="stable")[:k]
        return [Unit(self._ids[i], self._sources[i]) for i in order]


def rrf(rankings: Sequence[Sequence[Unit]], weights: Sequence[float], c: float = 60.0) -> list[Unit]:
    """Weighted reciprocal rank fusion of units (``core.ranking.rrf``), best first."""
    unit = {u.id: u for ranked_units in reversed(rankings) for u in reversed(ranked_units)}
    score = ranking.rrf([([u.id for u in r], w) for r, w in zip(rankings, weights, strict=True)], c)
    return [unit[i] for i in ranking.ranked(score)]


class PlainFusion:
    """Equal-weight RRF of ``PlainBM25`` and ``PlainVector`` over 50 candidates each."""

    def __init__(self, vault: Vault, cache: EmbeddingCache, candidates: int = 50) -> None:
        self.bm25 = PlainBM25(vault)
        self.vector = PlainVector(vault, cache)
        self.candidates = candidates

    def search(self, query: str, *, now: float, k: int, mode: str = "hybrid") -> list[Unit]:
        n = max(k, self.candidates)
        fused = rrf([self.bm25.search(query, now=now, k=n), self.vector.search(query, now=now, k=n)], [1.0, 1.0])
        return fused[:k]
