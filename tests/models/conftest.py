"""The real MiniLM embedder, loaded once per test session (it takes a few seconds)."""

from __future__ import annotations

import pytest

from reverie.models.embedder import default_embedder


@pytest.fixture(scope="session")
def minilm():
    emb = default_embedder()
    emb.embed(["warm up"])
    return emb
