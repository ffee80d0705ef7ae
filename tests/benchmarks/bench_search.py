"""Search latency, recall, memory and cold open at 10k / 100k / 1M memories, and bulk ingest throughput.

    python tests/benchmarks/bench_search.py --sizes 100000,1000000

Every figure is printed beside references measured in the same run, on the same vectors and texts:

(a) the floor: encode the query with MiniLM, then a NumPy brute-force dot product and top-k over a
    float32 matrix of all vectors (the exact float32 search the index must match);
(b) the common approach: encode the query, sqlite-vec ``vec0`` KNN plus an FTS5 query, fused by RRF,
    then the top rows fetched.

The vault is a real encrypted (SQLCipher, passphrase) vault. Vectors are realistic: MiniLM vectors of
real sentences (the LongMemEval turns in ../shared/eval, ``--texts``), tiled to the vault's size with
a little Gaussian noise on each copy (cosine about 0.9 to its sentence) and normalised. Memory texts
for the words index are drawn from a Zipf-distributed vocabulary (not embedded). Recall is the share
of the exact float32 top-10 that the index returns, over the LongMemEval questions' MiniLM vectors
and noisy copies of corpus vectors. Cold open is the time from opening the vault (key derivation
included) to the first search's result, with the index read from its blocks in the vault and, for
comparison, rebuilt from every stored vector as before migration 0010 (the vault file is in the OS
page cache in both). Search times are taken twice: with the vault file dropped from the OS cache first,
and with all of it cached (as the floor's matrix is in memory). Ingest throughput is measured
separately on real sentences: notes recorded one a transaction while the worker embeds, and a folder
of text files brought in (the bring-in pipeline) and then embedded, against ``embedder.embed`` alone
on the same inputs (each passage with its title line, as the vault embeds it; checked).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import statistics
import subprocess
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

from reverie.core import embedding, fts, notes, ranking, turn_context, vectorindex
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.records import embed_text
from reverie.core.retrieval import Retriever
from reverie.core.textindex import index_text
from reverie.core.textutil import content_hash
from reverie.core.vault import Vault
from reverie.models.embedder import default_embedder

DIM = 384
K = 10
CANDIDATES = 100
NOW = 1_795_000_000.0
NOISE = 0.025  # per dimension: a tiled copy has cosine ~0.9 with its sentence
TEXTS = Path(__file__).resolve().parents[3] / "shared" / "eval" / "longmemeval_s_dev.json"
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


def real_sentences(path: Path, limit: int) -> tuple[list[str], list[str]]:
    """Up to ``limit`` distinct sentences of the LongMemEval turns, and its questions."""
    data = json.loads(path.read_text(encoding="utf-8"))
    seen: set[str] = set()
    out: list[str] = []
    for q in data:
        for session in q["haystack_sessions"]:
            for turn in session:
                for part in re.split(r"(?<=[.!?])\s+|\n+", turn["content"]):
                    part = part.strip()
                    if 30 <= len(part) <= 300 and part not in seen:
                        seen.add(part)
                        out.append(part)
    order = np.random.default_rng(1).permutation(len(out))[:limit]
    return [out[i] for i in order], [q["question"] for q in data]


def base_vectors(emb, home: Path, path: Path, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """MiniLM vectors of real sentences and of real questions (kept in ``home`` between runs)."""
    cache = home / f"base{limit}.npz"
    if cache.exists():
        z = np.load(cache)
        return z["base"], z["questions"]
    texts, questions = real_sentences(path, limit)
    t = time.perf_counter()
    base = np.asarray(emb.embed(texts), dtype=np.float32)
    qv = np.asarray(emb.embed(questions), dtype=np.float32)
    print(f"  embedded {len(texts)} sentences in {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
    np.savez(cache, base=base, questions=qv)
    return base, qv


def tiled(base: np.ndarray, ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    v = base[ids % len(base)] + rng.standard_normal((len(ids), base.shape[1]), dtype=np.float32) * NOISE
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def fill(vault: Vault, corpus: Corpus, base: np.ndarray, upto: int, model_id: str, chunk: int = 20_000) -> None:
    with vault.read() as conn:
        have = int(conn.execute("SELECT count(*) FROM memories").fetchone()[0])
    rng = corpus.rng
    while have < upto:
        n = min(chunk, upto - have)
        texts = corpus.make_texts(n)
        half = tiled(base, np.arange(have, have + n), rng).astype("<f2")
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


PAUSE = 0.2  # seconds between timed calls (see bench_size)


def timed(fn, queries: list[str], pause: float = 0.0) -> list[float]:
    out = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        out.append(time.perf_counter() - t)
        time.sleep(pause)
    return out


PASSPHRASE = "benchmark passphrase"


def open_vault(path: Path) -> Vault:
    """Open (or create) the benchmark vault, with sqlite-vec loaded for reference (b)."""
    paths = vault_paths(path)
    fresh = not paths.exists()
    vault = Vault.create(paths, KeyMode.PASSPHRASE, PASSPHRASE) if fresh else Vault.open(paths, PASSPHRASE)
    with vault.read() as conn:
        conn.enable_load_extension(True)
        conn.load_extension(sqlite_vec.loadable_path())
        conn.enable_load_extension(False)
        if fresh:
            conn.execute("CREATE VIRTUAL TABLE vec_items USING vec0(embedding float[384])")
    return vault


def float32_matrix(vault: Vault, model_id: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Every stored vector as float32 (what the floor scans), and their memory ids."""
    mat = np.empty((n, DIM), dtype=np.float32)
    ids = np.empty(n, dtype=np.int64)
    got, last = 0, 0
    while got < n:
        with vault.read() as conn:
            rows = conn.execute(
                "SELECT memory_id, vec FROM vectors WHERE model_id = ? AND memory_id > ? ORDER BY memory_id LIMIT ?",
                (model_id, last, 50_000),
            ).fetchall()
        if not rows:
            break
        m = min(len(rows), n - got)
        ids[got : got + m] = [r[0] for r in rows[:m]]
        mat[got : got + m] = np.frombuffer(b"".join(r[1] for r in rows[:m]), dtype="<f2").reshape(m, DIM)
        got += m
        last = int(rows[-1][0])
    return mat[:got], ids[:got]


def recall(vault: Vault, index, mat: np.ndarray, ids: np.ndarray, queries: np.ndarray, k: int) -> float:
    """The share of the exact float32 top-``K`` that the index's top-``K`` holds, when asked for ``k``."""
    hits = 0
    for q in queries:
        s = mat @ q
        top = np.argpartition(-s, K)[:K]
        want = set(ids[top].tolist())
        got = set(index.search(q, k, vault)[0][:K].tolist())
        hits += len(want & got)
    return hits / (K * len(queries))


def os_cache(path: Path, *, keep: bool) -> None:
    """Read the vault's files through once (``keep``), or ask the OS to drop them from its cache."""
    for f in vault_paths(path).folder.glob("reverie.db*"):
        if keep:
            with f.open("rb") as fh:
                while fh.read(16 << 20):
                    pass
        elif hasattr(os, "posix_fadvise"):
            fd = os.open(f, os.O_RDONLY)
            try:
                os.fsync(fd)  # dirty pages cannot be dropped
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def cold_open(path: Path, query: str, *, from_blocks: bool) -> tuple[float, int]:
    """In a new process: seconds from opening the vault to the first search's result, and the RSS
    that opening and the index added (the embedder is loaded and warm before the clock starts)."""
    cmd = [sys.executable, __file__, "--cold-open", str(path), "--query", query] + ([] if from_blocks else ["--rows"])
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    print(
        f"  cold open ({'blocks' if from_blocks else 'every vector'}): vault open {r['open']:.2f} s, index "
        f"{r['index']:.2f} s, first search {r['took'] - r['open'] - r['index']:.2f} s",
        file=sys.stderr,
        flush=True,
    )
    return r["took"], r["rss"]


def cold_open_child(path: Path, query: str, rows: bool) -> None:
    emb = default_embedder()
    emb.embed([query])
    gc.collect()
    rss0 = rss()
    t = time.perf_counter()
    vault = Vault.open(vault_paths(path), PASSPHRASE)
    opened = time.perf_counter()
    model_id = embedding.vector_id(emb.model_id)
    if rows:  # as before migration 0010: every vector decoded from its row
        vectorindex._INDEXES[vault] = {model_id: vectorindex.VectorIndex(model_id, DIM, saved=False)}
    vectorindex.index_for(vault, model_id, DIM).refresh(vault)  # what the first search would do first
    loaded = time.perf_counter()
    Retriever(vault, emb).search(query, now=NOW, k=K)
    took = time.perf_counter() - t
    gc.collect()
    print(json.dumps({"took": took, "rss": rss() - rss0, "open": opened - t, "index": loaded - opened}))
    vault.close()


def bench_size(
    path: Path, emb, corpus: Corpus, base: np.ndarray, questions: np.ndarray, n: int, n_queries: int, n_vec0: int
) -> dict:
    model_id = embedding.vector_id(emb.model_id)
    vault = open_vault(path)
    try:
        fill(vault, corpus, base, n, model_id)
        if not corpus.texts:  # a vault filled by an earlier run
            corpus.texts = [r[0] for r in vault.query("SELECT text FROM memories LIMIT 20000")]
        # Our index, loaded fresh: its resident size is the RSS it adds.
        vectorindex._INDEXES.clear()
        gc.collect()
        rss0 = rss()
        retriever = Retriever(vault, emb)
        t = time.perf_counter()
        index = vectorindex.index_for(vault, model_id, DIM)
        index.refresh(vault)
        load_s = time.perf_counter() - t
        gc.collect()
        index_rss = rss() - rss0
        raw = n * DIM * 4
        # (a) the floor's own float32 matrix, of the vectors the vault holds.
        mat, mat_ids = float32_matrix(vault, model_id, n)
        rng = np.random.default_rng(11)
        probes = np.vstack([questions, tiled(base, rng.integers(0, len(base), 30), rng)]).astype(np.float32)
        recall10 = recall(vault, index, mat, mat_ids, probes, K)
        recall100 = recall(vault, index, mat, mat_ids, probes, 100)

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
        # First with the vault file dropped from the OS cache (what the words, the re-score and the
        # rows read comes from the disk, as after a reboot), then with all of it cached (as the
        # floor's matrix is all in memory). Query by query, interleaved with the floor, so that both
        # see the same load on a shared machine.
        cold_queries = corpus.queries(n_queries)
        # A pause after each: OpenBLAS's threads spin for a while after the floor's product, and
        # timed right after it the hybrid search lost a quarter of its speed to them (136 against
        # 97 ms median at 1M on an idle machine).
        os_cache(path, keep=False)
        a_cold, o_cold = [], []
        for q in cold_queries:
            a_cold += timed(floor, [q], PAUSE)
            o_cold += timed(ours, [q], PAUSE)
        os_cache(path, keep=True)
        a, o, b = [], [], []
        for i, q in enumerate(queries):
            a += timed(floor, [q], PAUSE)
            o += timed(ours, [q], PAUSE)
            if i < n_vec0:
                b += timed(common, [q], PAUSE)
        total_rss = rss()
        index_bytes = index.nbytes
        del index
    finally:
        vectorindex._INDEXES.clear()
        vault.close()
    gc.collect()
    cold_rows, _ = cold_open(path, queries[0], from_blocks=False)
    cold_blocks, blocks_rss = cold_open(path, queries[1], from_blocks=True)
    return {
        "n": n,
        "floor": stats(a),
        "ours": stats(o),
        "floor_cold": stats(a_cold),
        "ours_cold": stats(o_cold),
        "common": stats(b),
        "load_s": load_s,
        "index_rss": index_rss,
        "blocks_rss": blocks_rss,
        "raw": raw,
        "total_rss": total_rss,
        "index_bytes": index_bytes,
        "recall10": recall10,
        "recall100": recall100,
        "cold_rows": cold_rows,
        "cold_blocks": cold_blocks,
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
    """Best of ``rounds`` for each (the machine is shared; the best run is the least disturbed), and the
    median of each round's own ratios."""
    rng = np.random.default_rng(3)
    texts = [" ".join(rng.choice(SENTENCES, int(rng.integers(1, 4)), replace=False)) + f" (#{i})" for i in range(n)]
    # The raw reference embeds exactly what the pipeline embeds: a note's passage is embedded with its
    # title line ("n\n..."); checked against the vault after the first recording.
    inputs = [embed_text("n", t) for t in texts]
    emb.embed(inputs[:64])  # load and warm the model
    # Bulk: the same texts as files of a folder, brought in as the app brings a folder in (64 notes a
    # transaction), while the worker embeds; each passage is embedded with its file's name as title.
    folder = home / f"ingest-files-{n}"
    if not folder.exists():
        part = folder.with_name(folder.name + ".part")
        part.mkdir(parents=True, exist_ok=True)
        for i, text in enumerate(texts):
            (part / f"n{i}.txt").write_text(text + "\n", encoding="utf-8")
        part.rename(folder)
    bulk_inputs = [embed_text(f"n{i}", t) for i, t in enumerate(texts)]
    raw_s, ingest_s, pipeline_s, bulk_s, raw_bulk_s, bring_s = [], [], [], [], [], []
    raw_c, ingest_c, pipeline_c = [], [], []  # CPU seconds of the process (all threads): less sensitive to load
    for r in range(rounds):
        t, c = time.perf_counter(), time.process_time()
        emb.embed(inputs)
        raw_s.append(time.perf_counter() - t)
        raw_c.append(time.process_time() - c)
        t = time.perf_counter()
        emb.embed(bulk_inputs)
        raw_bulk_s.append(time.perf_counter() - t)
        took, brought = bring_in_and_embed(emb, folder, home / f"bulk{r}", bulk_inputs)
        bulk_s.append(took)
        bring_s.append(brought)
        vault = Vault.create(vault_paths(home / f"ingest{r}"), KeyMode.PASSPHRASE, "benchmark passphrase")
        try:
            # As the app does it: notes are recorded (one transaction each) while the background
            # worker embeds whatever is pending; done when the last vector has landed.
            worker = embedding.EmbeddingWorker(vault, emb)  # default batch: 256
            t, c = time.perf_counter(), time.process_time()
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
            ingest_c.append(time.process_time() - c)
            worker.stop()
            assert worker.error is None, worker.error
            with vault.read() as conn:
                ids = [row[0] for row in conn.execute("SELECT id FROM memories")]
                assert sorted(turn_context.inputs_for(conn, ids, embedding.WINDOW).values()) == sorted(inputs)
            # The embedding pipeline alone, on the same recorded texts: re-embed under another id.
            t, c = time.perf_counter(), time.process_time()
            embedding.embed_pending(vault, _Renamed(emb, r), batch_size=256)
            pipeline_s.append(time.perf_counter() - t)
            pipeline_c.append(time.process_time() - c)
        finally:
            vault.close()
    return {
        "n": n,
        "raw_bulk": n / min(raw_bulk_s),
        "bulk": n / min(bulk_s),
        "paired_bulk": statistics.median(r / b for r, b in zip(raw_bulk_s, bulk_s, strict=True)),
        "bring_share": statistics.median(b / t for b, t in zip(bring_s, bulk_s, strict=True)),
        "raw": n / min(raw_s),
        "ingest": n / min(ingest_s),
        "pipeline": n / min(pipeline_s),
        # Each round's three runs follow each other: their ratios see the most similar load.
        "paired": statistics.median(r / i for r, i in zip(raw_s, ingest_s, strict=True)),
        "paired_pipeline": statistics.median(r / p for r, p in zip(raw_s, pipeline_s, strict=True)),
        "cpu_raw": statistics.median(raw_c),
        "cpu_ingest": statistics.median(ingest_c),
        "cpu_pipeline": statistics.median(pipeline_c),
        "rounds": [(a, b, c) for a, b, c in zip(raw_s, ingest_s, pipeline_s, strict=True)],
    }


def bring_in_and_embed(emb, folder: Path, where: Path, inputs: list[str]) -> tuple[float, float]:
    """Seconds to bring ``folder`` in as File > Bring in does (64 notes a transaction), then to embed
    what came in with the background worker, until the last vector has landed (the app too embeds
    once the files are in); checks what was embedded."""
    from reverie.core.bring.pipeline import bring_in
    from reverie.core.bring.plan import plan

    vault = Vault.create(vault_paths(where), KeyMode.PASSPHRASE, "benchmark passphrase")
    try:
        worker = embedding.EmbeddingWorker(vault, emb)
        t = time.perf_counter()
        report = bring_in(vault, plan(folder))
        brought = time.perf_counter() - t
        worker.start()
        worker.wait_idle()
        while embedding.pending_count(vault, embedding.vector_id(emb.model_id)):
            worker.notify()
            worker.wait_idle()
        took = time.perf_counter() - t
        worker.stop()
        assert worker.error is None, worker.error
        assert report.added == len(inputs), report
        with vault.read() as conn:
            ids = [row[0] for row in conn.execute("SELECT id FROM memories")]
            assert sorted(turn_context.inputs_for(conn, ids, embedding.WINDOW).values()) == sorted(inputs)
        return took, brought
    finally:
        vault.close()


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
    ap.add_argument("--ingest-rounds", type=int, default=3)
    ap.add_argument(
        "--home",
        help="folder for the benchmark vaults (default: a temporary folder; a vault already there is reused and grown)",
    )
    ap.add_argument("--texts", default=str(TEXTS), help="LongMemEval-S JSON whose sentences give the vectors")
    ap.add_argument("--sentences", type=int, default=5000, help="real sentences embedded, then tiled")
    ap.add_argument("--cold-open", help=argparse.SUPPRESS)
    ap.add_argument("--query", help=argparse.SUPPRESS)
    ap.add_argument("--rows", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.cold_open:
        cold_open_child(Path(args.cold_open), args.query, args.rows)
        return 0
    sizes = sorted(int(s) for s in args.sizes.split(",") if s)
    home = Path(args.home or tempfile.mkdtemp(prefix="reverie-bench-"))
    home.mkdir(parents=True, exist_ok=True)
    emb = default_embedder()
    results = []
    if sizes:
        base, questions = base_vectors(emb, home, Path(args.texts), args.sentences)
        corpus = Corpus()
        for n in sizes:
            nq = args.vec0_queries if n >= 1_000_000 else args.queries
            r = bench_size(home / "search", emb, corpus, base, questions, n, args.queries, nq)
            results.append(r)
            report(r)
    if args.ingest:
        ing = bench_ingest(emb, args.ingest, home, args.ingest_rounds)
        print(
            f"\ningest {ing['n']} texts: raw embedder {ing['raw']:.0f} texts/s; record+embed (worker) "
            f"{ing['ingest']:.0f} texts/s = {ing['ingest'] / ing['raw']:.2f}x (target >= 0.9x); embed_pending alone "
            f"{ing['pipeline']:.0f} texts/s = {ing['pipeline'] / ing['raw']:.2f}x; median of the rounds' own ratios: "
            f"record+embed {ing['paired']:.2f}x, embed_pending {ing['paired_pipeline']:.2f}x"
        )
        print(
            f"  bulk (a folder of {ing['n']} text files brought in, 64 notes a transaction, then embedded by the worker): "
            f"{ing['bulk']:.0f} texts/s against the raw embedder's {ing['raw_bulk']:.0f} on the same inputs = "
            f"{ing['bulk'] / ing['raw_bulk']:.2f}x (target >= 0.9x); median of the rounds' own ratios "
            f"{ing['paired_bulk']:.2f}x; bringing the files in took {ing['bring_share']:.0%} of it"
        )
        print(
            f"  CPU seconds (median of rounds, all threads): raw {ing['cpu_raw']:.1f}, record+embed "
            f"{ing['cpu_ingest']:.1f} ({ing['cpu_raw'] / ing['cpu_ingest']:.2f}x), embed_pending "
            f"{ing['cpu_pipeline']:.1f} ({ing['cpu_raw'] / ing['cpu_pipeline']:.2f}x); rounds (raw, record+embed, "
            f"embed_pending s): {', '.join('/'.join(f'{x:.1f}' for x in rd) for rd in ing['rounds'])}; "
            f"backend {getattr(emb, 'backend', None)}"
        )
    return 0


def report(r: dict) -> None:
    (om, op), (am, ap), (bm, bp) = r["ours"], r["floor"], r["common"]
    mb = 1024 * 1024
    print(f"\n== {r['n']:,} memories ==")
    print("  (the vault file in the OS cache, as the floor's matrix is in memory)")
    print(f"  hybrid search (ours)      median {om:7.1f} ms  p95 {op:7.1f} ms")
    print(
        f"  (a) floor encode+numpy    median {am:7.1f} ms  p95 {ap:7.1f} ms   ours/floor {om / am:.2f}x (p95 {op / ap:.2f}x)"
    )
    (cm, cp), (fm, fp) = r["ours_cold"], r["floor_cold"]
    print(
        f"  vault file dropped from the OS cache first: ours median {cm:7.1f} ms  p95 {cp:7.1f} ms, floor "
        f"{fm:7.1f} / {fp:7.1f} ms   ours/floor {cm / fm:.2f}x (p95 {cp / fp:.2f}x)"
    )
    print(f"  (b) sqlite-vec+FTS5 fused median {bm:7.1f} ms  p95 {bp:7.1f} ms   (b)/ours {bm / om:.1f}x faster")
    print(
        f"  recall of the exact float32 top-{K}: {r['recall10']:.3f} asked for {K}, {r['recall100']:.3f} asked for 100"
    )
    print(
        f"  index: {r['index_bytes'] / mb:.0f} MB arrays, RSS +{r['index_rss'] / mb:.0f} MB = "
        f"{r['index_rss'] / r['raw']:.2f}x the raw float32 matrix ({r['raw'] / mb:.0f} MB) (a new process that "
        f"opens the vault and searches: +{r['blocks_rss'] / mb:.0f} MB = {r['blocks_rss'] / r['raw']:.2f}x); process RSS {r['total_rss'] / mb:.0f} MB"
    )
    print(
        f"  cold open to first result: {r['cold_blocks']:.2f} s from the vault's blocks, {r['cold_rows']:.2f} s "
        f"rebuilt from every vector as before ({r['cold_rows'] / r['cold_blocks']:.1f}x); first load in this run "
        f"{r['load_s']:.2f} s",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
