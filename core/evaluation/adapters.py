"""Reverie's line in the table: the harness measures the app's Retriever exactly as the app calls
it (``Retriever.search(query, now=..., k=..., mode=...)``), after the vault's pending memories are
embedded by the app's embedding job."""

from __future__ import annotations

from typing import Any

from reverie.core import embedding, retrieval
from reverie.core.evaluation.runner import Line
from reverie.core.evaluation.searchers import Unit
from reverie.core.vault import Vault


class RetrieverSearcher:
    def __init__(self, retriever: Any) -> None:
        self.retriever = retriever

    def search(self, query: str, *, now: float, k: int, mode: str = "hybrid") -> list[Unit]:
        result = self.retriever.search(query, now=now, k=k, mode=mode)
        return [Unit(h.memory.id, h.memory.source_id) for h in result.hits]


def retriever_line(
    embedder: Any, mode: str, config: retrieval.RetrievalConfig | None = None, name: str | None = None
) -> Line:
    """A table line for the Retriever in ``mode``, with ``config`` (default: the app's)."""
    cfg = config or retrieval.RetrievalConfig()

    def make(vault: Vault) -> RetrieverSearcher:
        if embedder is not None and mode != "bm25":
            embedding.embed_pending(vault, embedder, batch_size=256, window=cfg.turn_window)
        return RetrieverSearcher(retrieval.Retriever(vault, embedder, cfg))

    return Line(name or f"reverie-{mode}", make, mode)
