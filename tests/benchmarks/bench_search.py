"""Search latency and memory at 10k / 100k / 1M memories, and bulk ingest throughput.

    python tests/benchmarks/bench_search.py --sizes 10000,100000,1000000

Every figure is printed beside references measured in the same run, on the same vectors and texts:

(a) the floor: encode the query with MiniLM, then a NumPy brute-force dot product and top-k over a
    float32 matrix of all vectors;
(b) the common approach: encode the query, sqlite-vec ``vec0`` KNN plus an FTS5 query, fused by RRF,
    then the top rows fetched.

The vault is a real encrypted (SQLCipher, passphrase) vault. Memories are synthetic: random unit
vectors and texts drawn from a Zipf-distributed vocabulary, inserted directly (not embedded).
Ingest throughput is measured separately on real sentences: notes recorded and embedded by
``embed_pending`` against ``embedder.embed`` alone on the same texts.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np
import psutil
import sqlite_vec

from reverie.core import embedding, fts, notes, ranking, vectorindex
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.retrieval import Retriever
from reverie.core.textindex import index_text
from reverie.core.textutil import content_hash
from reverie.core.vault import Vault
from reverie.models.embedder import default_embedder

DIM = 384
K = 10
CANDIDATES = 100
NOW = 1_795_000_000.0
SYL = "ka lo mi re su ta ne po vi da an el or un is ba ko li mu se to ri na pe go fu".split()


def rss() -> int:
    return psutil.Process().memory_info().rss


def vocabulary(rng: np.random.Generator, n: int = 30_000) -> np.ndarray:
    words: set[str] = set()
    while len(words) < n:
        k = int(rng.integers(2, 5))
        words.add("".join(rng.choice(SYL, k)))
    return np.array(sorted(words))


class Corpus:
    def __init__(self, seed: int = 7) -> None:
        self.rng = np.random.default_rng(seed)
        self.vocab = vocabulary(self.rng)
        p = 1.0 / np.arange(1, len(self.vocab) + 1) ** 1.07
        self.p = p / p.sum()
        self.texts: list[str] = []

    def make_texts(self, n: int) -> list[str]:
        lengths = self.rng.integers(8, 40, n)
        words = self.vocab[self.rng.choice(len(self.vocab), int(lengths.sum()), p=self.p)]
        out, pos = [], 0
        for ln in lengths:
            out.append(" ".join(words[pos : pos + ln]))
            pos += ln
        self.texts += out
        return out

    def queries(self, n: int) -> list[str]:
        out = []
        for _ in range(n):
            doc = self.texts[int(self.rng.integers(len(self.texts)))].split()
            picks = self.rng.choice(doc, min(3, len(doc)), replace=False)
            out.append("what did I say about " + " ".join(picks))
        return out


def fill(vault: Vault, corpus: Corpus, upto: int, model_id: str, chunk: int = 20_000) -> None:
    with vault.read() as conn:
        have = int(conn.execute("SELECT count(*) FROM memories").fetchone()[0])
    rng = corpus.rng
    while have < upto:
        n = min(chunk, upto - have)
        texts = corpus.make_texts(n)
        vecs = rng.standard_normal((n, DIM), dtype=np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        half = vecs.astype("<f2")
        full32 = half.astype(np.float32)  # vec0 gets exactly the vectors the vault holds
        with vault.tx() as conn:
            start = int(conn.execute("SELECT coalesce(max(id), 0) FROM memories").fetchone()[0]) + 1
            ids = range(start, start + n)
            happened = NOW - rng.uniform(0, 3 * 365 * 86400, n)
            conn.executemany(
                "INSERT INTO memories(id, uid, kind, source_kind, text, recorded_at, happened_at, content_hash, "
                "importance, strength) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    (i, uuid.uuid4().hex, "chat" if i % 3 else "note", "import", t, h, h, content_hash(t), 0.5, 14.0)
                    for i, t, h in zip(ids, texts, happened, strict=True)
                ],
            )
            conn.executemany(
                "INSERT INTO memories_fts(rowid, body) VALUES (?, ?)",
                [(i, index_text(t)) for i, t in zip(ids, texts, strict=True)],
            )
            conn.executemany(
                "INSERT INTO vectors(memory_id, model_id, dim, vec) VALUES (?,?,?,?)",
                [(i, model_id, DIM, half[j].tobytes()) for j, i in enumerate(ids)],
            )
            conn.executemany(
                "INSERT INTO vec_items(rowid, embedding) VALUES (?, ?)",
                [(i, full32[j].tobytes()) for j, i in enumerate(ids)],
            )
        have += n
        print(f"  inserted {have:,}", file=sys.stderr, flush=True)


def stats(samples: list[float]) -> tuple[float, float]:
    s = sorted(samples)
    return statistics.median(s) * 1000, s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))] * 1000


def timed(fn, queries: list[str]) -> list[float]:
    out = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        out.append(time.perf_counter() - t)
    return out


def bench_size(vault: Vault, emb, corpus: Corpus, n: int, n_queries: int, n_vec0: int) -> dict:
    fill(vault, corpus, n, embedding.vector_id(emb.model_id))
    # Our index, loaded fresh: its resident size is the RSS it adds.
    vectorindex._INDEXES.clear()
    gc.collect()
    rss0 = rss()
    retriever = Retriever(vault, emb)
    t = time.perf_counter()
    index = vectorindex.index_for(vault, embedding.vector_id(emb.model_id), DIM)
    index.refresh(vault)
    load_s = time.perf_counter() - t
    gc.collect()
    index_rss = rss() - rss0
    raw = n * DIM * 4
    # (a) the floor's own float32 matrix.
    mat = np.array(index.mat[: index._n], dtype=np.float32)

    def floor(q: str) -> None:
        qv = emb.embed([q])[0]
        s = mat @ qv
        top = np.argpartition(-s, K)[:K]
        top[np.argsort(-s[top])]

    def ours(q: str) -> None:
        retriever.search(q, now=NOW, k=K)

    def common(q: str) -> None:
        qv = emb.embed([q])[0]
        match = fts.build_match(q)
        with vault.read() as conn:
            knn = [
                r[0]
                for r in conn.execute(
                    "SELECT rowid, distance FROM vec_items WHERE embedding MATCH ? AND k = ?",
                    (qv.astype(np.float32).tobytes(), CANDIDATES),
                )
            ]
            words = (
                [
                    r[0]
                    for r in conn.execute(
                        "SELECT rowid FROM memories_fts WHERE memories_fts MATCH ? ORDER BY rank LIMIT ?",
                        (match, CANDIDATES),
                    )
                ]
                if match
                else []
            )
            fused = ranking.rrf([(words, 1.0), (knn, 1.0)], 60.0)
            top = sorted(fused, key=fused.get, reverse=True)[:K]
            conn.execute(
                f"SELECT id, text, happened_at FROM memories WHERE id IN ({','.join('?' * len(top))})", top
            ).fetchall()

    queries = corpus.queries(n_queries)
    for q in queries[:3]:  # warm caches (model, SQLite pages)
        floor(q)
        ours(q)
    common(queries[0])
    # Interleaved, query by query, so that all three see the same load on a shared machine.
    a, o, b = [], [], []
    for i, q in enumerate(queries):
        a += timed(floor, [q])
        o += timed(ours, [q])
        if i < n_vec0:
            b += timed(common, [q])
    total_rss = rss()
    return {
        "n": n,
        "floor": stats(a),
        "ours": stats(o),
        "common": stats(b),
        "load_s": load_s,
        "index_rss": index_rss,
        "raw": raw,
        "total_rss": total_rss,
        "index_bytes": index.nbytes,
    }


SENTENCES = [
    "We decided to take the night train to Vienna instead of flying.",
    "Anna's birthday dinner is at the Italian place on Friday at eight.",
    "The dentist moved my appointment to next Thursday morning.",
    "I finally finished the first draft of the grant proposal.",
    "Remember to water the tomatoes twice a day while it is this hot.",
    "Budget for the kitchen renovation came out at twelve thousand euros.",
    "Tom recommended a book about the history of cartography.",
    "My knee hurts after running more than ten kilometres.",
]


def bench_ingest(emb, n: int, home: Path, rounds: int = 3) -> dict:
    """Best of ``rounds`` for each (the machine is shared; the best run is the least disturbed)."""
    rng = np.random.default_rng(3)
    texts = [" ".join(rng.choice(SENTENCES, int(rng.integers(1, 4)), replace=False)) + f" (#{i})" for i in range(n)]
    emb.embed(texts[:64])  # load and warm the model
    raw_s, ingest_s, pipeline_s = [], [], []
    for r in range(rounds):
        t = time.perf_counter()
        emb.embed(texts)
        raw_s.append(time.perf_counter() - t)
        vault = Vault.create(vault_paths(home / f"ingest{r}"), KeyMode.PASSPHRASE, "benchmark passphrase")
        try:
            # As the app does it: notes are recorded (one transaction each) while the background
            # worker embeds whatever is pending; done when the last vector has landed.
            worker = embedding.EmbeddingWorker(vault, emb)  # default batch: 256
            t = time.perf_counter()
            worker.start()
            for i, text in enumerate(texts):
                notes.create_note(vault, text, "n")
                if i % 64 == 63:
                    worker.notify()
            worker.notify()
            worker.wait_idle()
            while embedding.pending_count(vault, embedding.vector_id(emb.model_id)):
                worker.notify()
                worker.wait_idle()
            ingest_s.append(time.perf_counter() - t)
            worker.stop()
            assert worker.error is None, worker.error
            # The embedding pipeline alone, on the same recorded texts: re-embed under another id.
            t = time.perf_counter()
            embedding.embed_pending(vault, _Renamed(emb, r), batch_size=256)
            pipeline_s.append(time.perf_counter() - t)
        finally:
            vault.close()
    return {"n": n, "raw": n / min(raw_s), "ingest": n / min(ingest_s), "pipeline": n / min(pipeline_s)}


class _Renamed:
    """The same model under another id (so every memory is pending again)."""

    def __init__(self, emb, r: int) -> None:
        self.emb = emb
        self.model_id = f"{emb.model_id}#again{r}"
        self.dim = emb.dim

    def embed(self, texts):
        return self.emb.embed(texts)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--queries", type=int, default=40)
    ap.add_argument("--vec0-queries", type=int, default=15, help="queries for reference (b) (slow at 1M)")
    ap.add_argument("--ingest", type=int, default=1500, help="texts for the ingest benchmark (0: skip)")
    ap.add_argument("--home", help="folder for the benchmark vaults (default: a temporary folder)")
    args = ap.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    home = Path(args.home or tempfile.mkdtemp(prefix="reverie-bench-"))
    emb = default_embedder()
    results = []
    vault = Vault.create(vault_paths(home / "search"), KeyMode.PASSPHRASE, "benchmark passphrase")
    try:
        with vault.read() as conn:
            conn.enable_load_extension(True)
            conn.load_extension(sqlite_vec.loadable_path())
            conn.enable_load_extension(False)
            conn.execute("CREATE VIRTUAL TABLE vec_items USING vec0(embedding float[384])")
        corpus = Corpus()
        for n in sizes:
            r = bench_size(vault, emb, corpus, n, args.queries, args.vec0_queries if n >= 1_000_000 else args.queries)
            results.append(r)
            report(r)
    finally:
        vault.close()
    if args.ingest:
        ing = bench_ingest(emb, args.ingest, home)
        print(
            f"\ningest {ing['n']} texts: raw embedder {ing['raw']:.0f} texts/s; record+embed (worker) "
            f"{ing['ingest']:.0f} texts/s = {ing['ingest'] / ing['raw']:.2f}x; embed_pending alone "
            f"{ing['pipeline']:.0f} texts/s = {ing['pipeline'] / ing['raw']:.2f}x (target >= 0.8x)"
        )
    return 0


def report(r: dict) -> None:
    (om, op), (am, ap), (bm, bp) = r["ours"], r["floor"], r["common"]
    mb = 1024 * 1024
    print(f"\n== {r['n']:,} memories ==")
    print(f"  hybrid search (ours)      median {om:7.1f} ms  p95 {op:7.1f} ms")
    print(
        f"  (a) floor encode+numpy    median {am:7.1f} ms  p95 {ap:7.1f} ms   ours/floor {om / am:.2f}x (p95 {op / ap:.2f}x)"
    )
    print(f"  (b) sqlite-vec+FTS5 fused median {bm:7.1f} ms  p95 {bp:7.1f} ms   (b)/ours {bm / om:.1f}x faster")
    print(
        f"  index: {r['index_bytes'] / mb:.0f} MB arrays, RSS +{r['index_rss'] / mb:.0f} MB = "
        f"{r['index_rss'] / r['raw']:.2f}x the raw float32 matrix ({r['raw'] / mb:.0f} MB); "
        f"process RSS {r['total_rss'] / mb:.0f} MB; cold load {r['load_s']:.1f} s",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
