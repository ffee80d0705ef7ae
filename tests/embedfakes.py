"""A deterministic stand-in embedder for unit tests of core logic (the real one is tested in tests/models)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np


class FakeEmbedder:
    """Bag of words hashed into ``dim`` buckets, normalised: texts sharing words are similar."""

    def __init__(
        self, model_id: str = "fake/bow-64", dim: int = 64, hook: Callable[[Sequence[str]], None] | None = None
    ) -> None:
        self._model_id = model_id
        self._dim = dim
        self.calls = 0
        self.hook = hook

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        if self.hook:
            self.hook(texts)
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in t.lower().split():
                w = w.strip(".,!?:;\"'")
                if w:
                    out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % self._dim] += 1.0
            n = np.linalg.norm(out[i])
            out[i] = out[i] / n if n else np.eye(self._dim, dtype=np.float32)[0]
        return out
