"""The built-in search model (all-MiniLM-L6-v2, a 6-layer BERT) in NumPy, for a query or two.

Loading sentence-transformers brings in torch, transformers and scikit-learn: seconds before the
first vector, which a one-shot ``reverie search`` or ``reverie ask`` pays for a single short query.
This runs the same weights (``model.safetensors``) and tokenizer (``tokenizer.json``) with NumPy
alone, with the same mean pooling and normalisation, so its vectors match the stored ones (cosine
> 0.9999, checked by tests/models/test_minilm_numpy.py). It is for short texts; the indexer keeps
using sentence-transformers for batches.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from reverie.core.errors import ModelError

MAX_TOKENS = 256  # the embedder's max_seq_length
WORD_TABLE = "embeddings.word_embeddings.weight"

# Abramowitz & Stegun 7.1.26: erf to within 1.5e-7, below float32's resolution.
_ERF_P = 0.3275911
_ERF_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def _erf(x: np.ndarray) -> np.ndarray:
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + _ERF_P * a)
    poly = t * (_ERF_A[0] + t * (_ERF_A[1] + t * (_ERF_A[2] + t * (_ERF_A[3] + t * _ERF_A[4]))))
    return sign * (1.0 - poly * np.exp(-a * a))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / np.sqrt(2.0)))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


@contextlib.contextmanager
def _one_blas_thread() -> Iterator[None]:
    """One BLAS thread for these small products: on a busy machine OpenBLAS's spinning threads
    made a one-line query take 1 s instead of 0.13 s (measured on the 2-core test machine)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - installed with sentence-transformers
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


class NumpyMiniLM:
    """A BERT encoder with mean pooling, from a sentence-transformers folder, in NumPy (float32)."""

    def __init__(self, folder: str | Path, *, max_tokens: int = MAX_TOKENS) -> None:
        self.folder = Path(folder)
        self.max_tokens = max_tokens
        self._lock = threading.Lock()
        self._loaded: tuple[Any, dict[str, np.ndarray], dict[str, Any]] | None = None
        self._words: Any = None

    def _load(self) -> tuple[Any, dict[str, np.ndarray], dict[str, Any]]:
        with self._lock:
            if self._loaded is None:
                try:
                    from safetensors import safe_open
                    from tokenizers import Tokenizer

                    config = json.loads((self.folder / "config.json").read_text(encoding="utf-8"))
                    if config.get("model_type") != "bert" or config.get("hidden_act") != "gelu":
                        raise ModelError(f"The model at {self.folder} is not a BERT model this encoder knows.")
                    tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
                    tokenizer.no_padding()
                    tokenizer.enable_truncation(max_length=self.max_tokens)
                    # Every tensor but the 47 MB word table, whose rows are read as tokens need them.
                    handle = safe_open(str(self.folder / "model.safetensors"), framework="numpy")
                    weights = {k: handle.get_tensor(k) for k in handle.keys() if k != WORD_TABLE}
                    self._words = handle.get_slice(WORD_TABLE)
                except ModelError:
                    raise
                except Exception as exc:
                    raise ModelError(f"The search model at {self.folder} could not be read ({exc}).") from exc
                self._loaded = (tokenizer, weights, config)
            return self._loaded

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 rows, one per text."""
        tokenizer, w, config = self._load()
        dim = int(config["hidden_size"])
        if not texts:
            return np.zeros((0, dim), dtype=np.float32)
        with _one_blas_thread():
            rows = [self._encode_one(tokenizer.encode(text), w, config) for text in texts]
        return np.ascontiguousarray(np.stack(rows), dtype=np.float32)

    def _encode_one(self, enc: Any, w: dict[str, np.ndarray], config: dict[str, Any]) -> np.ndarray:
        ids = np.asarray(enc.ids, dtype=np.int64)
        types = np.asarray(enc.type_ids, dtype=np.int64)
        eps = float(config.get("layer_norm_eps", 1e-12))
        heads = int(config["num_attention_heads"])
        n = len(ids)
        x = (
            np.concatenate([self._words[int(i) : int(i) + 1] for i in ids])
            + w["embeddings.position_embeddings.weight"][np.arange(n)]
            + w["embeddings.token_type_embeddings.weight"][types]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
        size = x.shape[1] // heads
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."

            def dense(h: np.ndarray, name: str, p: str = p) -> np.ndarray:
                return h @ w[p + name + ".weight"].T + w[p + name + ".bias"]

            q, k, v = (
                dense(x, f"attention.self.{m}").reshape(n, heads, size).transpose(1, 0, 2)
                for m in ("query", "key", "value")
            )
            scores = q @ k.transpose(0, 2, 1) / np.sqrt(size)
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(n, heads * size)
            x = _layer_norm(
                x + dense(context, "attention.output.dense"),
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
                eps,
            )
            inner = _gelu(dense(x, "intermediate.dense"))
            x = _layer_norm(
                x + dense(inner, "output.dense"), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps
            )
        pooled = x.mean(axis=0)  # every token is real (no padding): the mask is all ones
        return pooled / max(float(np.linalg.norm(pooled)), 1e-12)


class QuickFirst:
    """An ``Embedder`` for a one-shot command: a few texts (a query, a handful of new notes) run in
    NumPy; a larger batch, or any call once the full model is loaded, goes to the full model. Both
    make the same vectors, so what is stored and what is searched stay comparable."""

    def __init__(self, full: Any, quick: NumpyMiniLM, *, max_texts: int = 16) -> None:
        self.full = full
        self.quick = quick
        self.max_texts = max_texts
        self.quick_failed: str | None = None

    @property
    def model_id(self) -> str:
        return str(self.full.model_id)

    @property
    def dim(self) -> int:
        return int(self.full.dim)

    @property
    def loaded(self) -> bool:
        return bool(getattr(self.full, "loaded", False))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) <= self.max_texts and not self.loaded and self.quick_failed is None:
            try:
                out = self.quick.embed(texts)
            except ModelError as exc:
                self.quick_failed = str(exc)  # the full model will do, slower
            else:
                if out.shape[1:] == (self.dim,):
                    return out
                self.quick_failed = f"{out.shape[1]} dimensions, not {self.dim}"
        result: np.ndarray = self.full.embed(texts)
        return result


def quick_first(full: Any) -> Any:
    """``full`` wrapped in ``QuickFirst`` when it is the built-in search model from its package
    (a folder or a server the user chose is left as it is)."""
    from reverie.models.defaults import DEFAULT_EMBEDDER_ID, default_embedder_location
    from reverie.models.embedder import SentenceTransformerEmbedder

    if not isinstance(full, SentenceTransformerEmbedder) or full.model_id != DEFAULT_EMBEDDER_ID:
        return full
    where = default_embedder_location()
    if not where.found or where.path is None or full.path not in (None, Path(where.path)):
        return full
    return QuickFirst(full, NumpyMiniLM(where.path, max_tokens=full.max_seq_length or MAX_TOKENS))
