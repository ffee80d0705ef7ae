"""The built-in search model (all-MiniLM-L6-v2) on ONNX Runtime: the same weights, exported once.

sentence-transformers' own ONNX backend needs ``optimum-onnx``, which cannot be installed beside
sentence-transformers 6 (``docs/decisions.md``, "Searching a million memories"). So the model is
exported here with ``torch.onnx.export`` as one graph: BERT, mean pooling over the attention mask
(``sum(h * mask) / max(sum(mask), 1e-9)``, as sentence-transformers' Pooling), and L2
normalisation. It is run with ``onnxruntime`` and the model's own fast tokenizer (``tokenizer.json``,
truncation at 256 word pieces, padding to the longest text of a batch, texts sorted by length as
``SentenceTransformer.encode`` sorts them).

The export is made offline, from the package's files, the first time the full model loads (on a
background thread; PyTorch embeds meanwhile), and kept in the model cache folder
(``cache_root()``, private: 0700, files 0600), in a folder named by the SHA-256 of the model's
files and the export's version: other files, another export. An export is adopted only when its
vectors match PyTorch's on a fixed set of texts to within ``MATCH_TOLERANCE`` per component, so the
vault's stored vectors (tagged with the same model id) stay comparable: nothing is embedded again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reverie.core.errors import ModelError

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

ENV_CACHE = "REVERIE_MODEL_CACHE"
EXPORT_VERSION = 1  # bump when the exported graph changes
ONNX_FILE = "model.onnx"
MAX_TOKENS = 256
MATCH_TOLERANCE = 1e-5  # largest difference allowed between ONNX and PyTorch components
STALE_SECONDS = 3600  # an unfinished export older than this was cut short (its process ended)
CHECK_TEXTS = (
    "What did I say about the tomatoes?",
    "Remember to water the tomatoes twice a day while it is this hot.",
    "Budget for the kitchen renovation came out at twelve thousand euros, more than we hoped, "
    "and the plumber cannot start before March because his van broke down on the motorway.",
    "Tom recommended a book about the history of cartography.",
    "ok",
    "Mel:\nDid you go to the support group? Caro:\nYes, yesterday. It was moving. " * 12,
    "Ünïcödé, emoji 🙂 and 漢字 in one line",
)


def cache_root(env: dict[str, str] | None = None) -> Path:
    """Where exported models are kept: ``REVERIE_MODEL_CACHE``, else the platform's user cache
    folder for Reverie, ``models`` inside it."""
    env = dict(os.environ) if env is None else env
    override = env.get(ENV_CACHE)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("Reverie", appauthor=False)) / "models"


def _private_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o700)
    return path


def _model_files(model_dir: Path) -> list[Path]:
    return sorted(p for p in model_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def model_digest(model_dir: Path, root: Path | None = None) -> str:
    """The SHA-256 of the model folder's files (names and contents). Remembered in the cache folder
    against the files' sizes and modification times, so it is read once, not at every start."""
    model_dir = Path(model_dir).resolve()
    files = _model_files(model_dir)
    stamp = [[p.relative_to(model_dir).as_posix(), p.stat().st_size, p.stat().st_mtime_ns] for p in files]
    memo = (root or cache_root()) / "digests.json"
    known: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        loaded = json.loads(memo.read_text(encoding="utf-8"))
        known = loaded if isinstance(loaded, dict) else {}
    entry = known.get(str(model_dir))
    if isinstance(entry, dict) and entry.get("stamp") == stamp and isinstance(entry.get("sha256"), str):
        return str(entry["sha256"])
    h = hashlib.sha256()
    for p in files:
        h.update(p.relative_to(model_dir).as_posix().encode() + b"\0")
        with p.open("rb") as f:
            while block := f.read(1 << 20):
                h.update(block)
        h.update(b"\0")
    digest = h.hexdigest()
    known[str(model_dir)] = {"stamp": stamp, "sha256": digest}
    with contextlib.suppress(OSError):
        _private_dir(memo.parent)
        tmp = memo.with_name(f"{memo.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(known), encoding="utf-8")
        os.chmod(tmp, 0o600)
        os.replace(tmp, memo)
    return digest


def export_folder(model_dir: Path, root: Path | None = None) -> Path:
    """The folder that holds (or will hold) the export of the model in ``model_dir``."""
    root = root or cache_root()
    return root / f"minilm-onnx-{model_digest(model_dir, root)[:20]}-v{EXPORT_VERSION}"


def onnxruntime_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("onnxruntime") is not None


def exporter_available() -> bool:
    """Whether an export can be made here: ``torch.onnx.export`` writes through the ``onnx`` package."""
    import importlib.util

    return onnxruntime_available() and importlib.util.find_spec("onnx") is not None


def write_graph(model_dir: Path, path: Path) -> None:
    """Trace the model in ``model_dir`` (BERT, mean pooling, normalisation) into the ONNX file ``path``."""
    import torch
    from transformers import AutoModel

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = AutoModel.from_pretrained(str(model_dir), local_files_only=True)

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            h = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)[0]
            m = attention_mask.unsqueeze(-1).to(h.dtype)
            v = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(v, p=2.0, dim=1)

    model = Pooled().eval()
    ids = torch.ones((2, 8), dtype=torch.int64)
    dyn = {0: "batch", 1: "tokens"}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on constant branches (the export is checked)
        torch.onnx.export(
            model,
            (ids, ids, torch.zeros_like(ids)),
            str(path),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["embedding"],
            dynamic_axes={"input_ids": dyn, "attention_mask": dyn, "token_type_ids": dyn, "embedding": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )


def export(model_dir: Path, dest: Path, accept: Callable[[Path], None]) -> Path:
    """Export the model in ``model_dir`` to a temporary file in ``dest``, let ``accept`` check it
    (it raises to refuse it), then name it ``dest/model.onnx``; returns that path. ``ModelError``
    when it cannot be exported or is refused: no file is left."""
    _private_dir(dest)
    for old in dest.glob(f"{ONNX_FILE}.*.tmp"):  # an export cut short long ago (its process ended)
        with contextlib.suppress(OSError):
            if time.time() - old.stat().st_mtime > STALE_SECONDS:
                old.unlink()
    final = dest / ONNX_FILE
    tmp = dest / f"{ONNX_FILE}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        write_graph(model_dir, tmp)
        os.chmod(tmp, 0o600)
        accept(tmp)
        os.replace(tmp, final)
    except ModelError:
        tmp.unlink(missing_ok=True)
        raise
    except Exception as exc:
        tmp.unlink(missing_ok=True)
        raise ModelError(f"The search model could not be exported for ONNX Runtime ({exc}).") from exc
    return final


class OnnxMiniLM:
    """The exported MiniLM as an embedding function: texts in, unit float32 rows out."""

    def __init__(self, onnx_path: Path, model_dir: Path, *, threads: int = 1, max_tokens: int = MAX_TOKENS) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer

            opts = ort.SessionOptions()
            opts.intra_op_num_threads = max(1, threads)
            opts.inter_op_num_threads = 1
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")  # busy machines
            self.session = ort.InferenceSession(str(onnx_path), opts, providers=["CPUExecutionProvider"])
            self.tokenizer = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
        except Exception as exc:
            raise ModelError(f"The ONNX search model at {onnx_path} could not be loaded ({exc}).") from exc
        self.tokenizer.enable_truncation(max_tokens)
        self.tokenizer.enable_padding()  # to the longest text of each batch
        self.path = Path(onnx_path)

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        import numpy as np

        n = len(texts)
        if n == 0:
            return np.zeros((0, 0), dtype=np.float32)
        order = np.argsort([-len(t) for t in texts], kind="stable")  # as SentenceTransformer.encode
        out: np.ndarray | None = None
        for start in range(0, n, max(1, batch_size)):
            picked = order[start : start + batch_size]
            enc = self.tokenizer.encode_batch([texts[int(i)] for i in picked])
            feed = {
                "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64),
            }
            vecs = np.asarray(self.session.run(None, feed)[0], dtype=np.float32)
            if out is None:
                out = np.empty((n, vecs.shape[1]), dtype=np.float32)
            out[picked] = vecs
        assert out is not None
        return out


def matches(onnx: OnnxMiniLM, reference: np.ndarray, texts: Sequence[str] = CHECK_TEXTS) -> float:
    """The largest component difference between the ONNX vectors of ``texts`` and ``reference``
    (PyTorch's vectors of the same texts)."""
    import numpy as np

    got = onnx.embed(list(texts))
    if got.shape != reference.shape:
        return float("inf")
    return float(np.max(np.abs(got - reference)))


def load_cached(model_dir: Path, *, threads: int, max_tokens: int, root: Path | None = None) -> OnnxMiniLM | None:
    """The export of ``model_dir`` when one is cached and onnxruntime is installed, else None."""
    if not onnxruntime_available():
        return None
    path = export_folder(model_dir, root) / ONNX_FILE
    if not path.is_file():
        return None
    try:
        return OnnxMiniLM(path, model_dir, threads=threads, max_tokens=max_tokens)
    except ModelError as exc:
        log.warning("%s", exc)
        return None


def describe_backend(model_dir: Path | None, root: Path | None = None) -> tuple[str, str]:
    """What runs the built-in model in ``model_dir``, without loading it: ("onnx" | "torch", a phrase)."""
    if model_dir is None:
        return "torch", "PyTorch"
    if not onnxruntime_available():
        return "torch", "PyTorch (onnxruntime is not installed)"
    try:
        path = export_folder(model_dir, root) / ONNX_FILE
    except OSError as exc:
        return "torch", f"PyTorch (the model cache cannot be read: {exc})"
    if path.is_file():
        return "onnx", f"ONNX Runtime, exported at {path}"
    return "torch", "PyTorch until its ONNX export is made (the first time the model loads)"
