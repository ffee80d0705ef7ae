"""Reverie's line in the table when the app's Retriever is present: the harness measures the
Retriever exactly as the app calls it (``Retriever.search(query, now=..., k=..., mode=...)``),
after the vault's pending memories are embedded by the app's embedding job."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from reverie.core.evaluation.runner import Line
from reverie.core.evaluation.searchers import Unit
from reverie.core.vault import Vault


class RetrieverSearcher:
    def __init__(self, retriever: Any) -> None:
        self.retriever = retriever

    def search(self, query: str, *, now: float, k: int, mode: str = "hybrid") -> list[Unit]:
        result = self.retriever.search(query, now=now, k=k, mode=mode)
        return [Unit(h.memory.id, h.memory.source_id) for h in result.hits]


def retriever_line(retrieval: ModuleType, embedder: Any, mode: str) -> Line:
    """A table line for ``reverie.core.retrieval.Retriever`` in ``mode``."""

    def make(vault: Vault) -> RetrieverSearcher:
        if embedder is not None and mode != "bm25":
            importlib.import_module("reverie.core.embedding").embed_pending(vault, embedder)
        return RetrieverSearcher(retrieval.Retriever(vault, embedder))

    return Line(f"reverie-{mode}", make, mode)
