"""The built-in MiniLM on ONNX Runtime (``models/onnx_minilm.py``) against PyTorch: the same vectors? faster?

    python tests/benchmarks/bench_embedder_onnx.py [--out FOLDER] [--texts N]

The app's own export (``torch.onnx.export`` of BERT, mean pooling and normalisation as one graph,
checked against PyTorch before it is kept) is made into ``--out`` (a model cache folder; default a
temporary one), then the app's embedder on ONNX Runtime and the app's embedder held on PyTorch
(``backend="torch"``) are compared on real sentences (LongMemEval turns) and questions: the cosine
and largest component difference of each pair of vectors, a one-line query's latency, and bulk
throughput. Both use the app's thread budget (``default_threads()``).
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

from reverie.models import onnx_minilm
from reverie.models.embedder import SentenceTransformerEmbedder, default_threads


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
    ap.add_argument("--out", help="model cache folder for the export (default: a temporary folder)")
    ap.add_argument("--texts", type=int, default=600)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="reverie-onnx-"))
    os.environ[onnx_minilm.ENV_CACHE] = str(out)
    threads = default_threads()
    torch_emb = SentenceTransformerEmbedder(backend="torch")
    onnx_emb = SentenceTransformerEmbedder()
    t = time.perf_counter()
    onnx_emb.embed(["first use"])
    if onnx_emb.backend != "onnx":
        assert onnx_emb.wait_export(1800), onnx_emb.export_problem
        print(f"export (made and checked in the background): {time.perf_counter() - t:.1f} s")
    path = onnx_minilm.export_folder(onnx_emb.onnx_source(), out) / onnx_minilm.ONNX_FILE
    print(f"export: {path} ({path.stat().st_size / 1e6:.0f} MB)")
    t = time.perf_counter()
    fresh = SentenceTransformerEmbedder()
    fresh.embed(["load"])
    print(f"a new process's load on ONNX Runtime: {time.perf_counter() - t:.2f} s ({fresh.backend})")
    sentences, questions = real_sentences(TEXTS, args.texts)
    texts = sentences + questions
    a = torch_emb.embed(texts)
    b = onnx_emb.embed(texts)
    cos = np.sum(a * b, axis=1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    print(
        f"torch vs onnx over {len(texts)} texts: cosine min {cos.min():.6f}, mean {cos.mean():.6f}; "
        f"largest component difference {np.abs(a - b).max():.2g}"
    )
    queries = questions + sentences[:30]
    torch_emb.embed(queries[:5])
    onnx_emb.embed(queries[:5])
    # Interleaved rounds, so that both see the same load on a shared machine; medians of the rounds.
    tl, ol, tb, ob = [], [], [], []
    bulk = sentences
    for _ in range(args.rounds):
        tl.append(latency(torch_emb.embed, queries))
        ol.append(latency(onnx_emb.embed, queries))
        t = time.perf_counter()
        torch_emb.embed(bulk)
        tb.append(time.perf_counter() - t)
        t = time.perf_counter()
        onnx_emb.embed(bulk)
        ob.append(time.perf_counter() - t)
    tm, tp = (statistics.median(x[i] for x in tl) for i in (0, 1))
    om, op = (statistics.median(x[i] for x in ol) for i in (0, 1))
    print(
        f"one query (median of {args.rounds} rounds): torch median {tm:.1f} ms p95 {tp:.1f} ms; "
        f"onnx median {om:.1f} ms p95 {op:.1f} ms ({tm / om:.2f}x)"
    )
    ts, os_ = statistics.median(tb), statistics.median(ob)
    print(
        f"bulk {len(bulk)} texts (median of {args.rounds} rounds): torch {len(bulk) / ts:.0f} texts/s; "
        f"onnx {len(bulk) / os_:.0f} texts/s ({ts / os_:.2f}x); per-round ratios "
        f"{', '.join(f'{x / y:.2f}' for x, y in zip(tb, ob, strict=True))}; threads {threads}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
