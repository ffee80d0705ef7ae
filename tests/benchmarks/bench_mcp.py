"""``search_memories`` through ``reverie mcp`` (the SDK's stdio client, a real server process) against a
direct ``Retriever.search`` (the same searcher) on the same vault: what the MCP round trip adds.

    python tests/benchmarks/bench_mcp.py --size 100000 --queries 60

The vault is a real encrypted (SQLCipher, passphrase) vault in a temporary folder, filled with synthetic
memories (texts from a Zipf-distributed vocabulary and random unit vectors tagged with the real embedder's
id, inserted directly: no embedding), as in ``bench_search.py``. Both sides use the searcher ``reverie
search`` uses (``quick_retriever``: the real MiniLM weights, the query encoded in NumPy), ask for 10 hits
with the same queries, taking turns at going first; each is warmed up first. The server's side also checks
the app's permission, logs the call, names each hit's source and sends JSON over a pipe. A second series
times ``get_memory`` both ways: the fixed cost of a call, without a search's noise.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import anyio
import numpy as np
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.types import Implementation

from reverie.app.cli.common import quick_retriever
from reverie.core import embedding, memories
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.retrieval import Retriever
from reverie.core.textindex import index_text
from reverie.core.textutil import content_hash
from reverie.core.vault import Vault
from reverie.models.embedder import default_embedder

DIM = 384
K = 10
PASS = "bench passphrase 1234"
SYL = "ka lo mi re su ta ne po vi da an el or un is ba ko li mu se to ri na pe go fu".split()


def corpus(rng: np.random.Generator, n: int) -> list[str]:
    words: set[str] = set()
    while len(words) < 30_000:
        words.add("".join(rng.choice(SYL, int(rng.integers(2, 5)))))
    vocab = np.array(sorted(words))
    p = 1.0 / np.arange(1, len(vocab) + 1) ** 1.07
    lengths = rng.integers(8, 40, n)
    drawn = vocab[rng.choice(len(vocab), int(lengths.sum()), p=p / p.sum())]
    out, pos = [], 0
    for ln in lengths:
        out.append(" ".join(drawn[pos : pos + ln]))
        pos += ln
    return out


def fill(vault: Vault, texts: list[str], model_id: str, rng: np.random.Generator, chunk: int = 20_000) -> None:
    now = time.time()
    for start in range(0, len(texts), chunk):
        part = texts[start : start + chunk]
        vecs = rng.standard_normal((len(part), DIM), dtype=np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        half = vecs.astype("<f2")
        ids = range(start + 1, start + 1 + len(part))
        happened = now - rng.uniform(0, 3 * 365 * 86400, len(part))
        with vault.tx() as conn:
            conn.executemany(
                "INSERT INTO memories(id, uid, kind, source_kind, text, recorded_at, happened_at, content_hash, "
                "importance, strength) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    (i, uuid.uuid4().hex, "chat" if i % 3 else "note", "import", t, h, h, content_hash(t), 0.5, 14.0)
                    for i, t, h in zip(ids, part, happened, strict=True)
                ],
            )
            conn.executemany(
                "INSERT INTO memories_fts(rowid, body) VALUES (?, ?)",
                [(i, index_text(t)) for i, t in zip(ids, part, strict=True)],
            )
            conn.executemany(
                "INSERT INTO vectors(memory_id, model_id, dim, vec) VALUES (?,?,?,?)",
                [(i, model_id, DIM, half[j].tobytes()) for j, i in enumerate(ids)],
            )
        print(f"  inserted {start + len(part):,}", file=sys.stderr, flush=True)


def queries(texts: list[str], rng: np.random.Generator, n: int) -> list[str]:
    out = []
    for _ in range(n):
        doc = texts[int(rng.integers(len(texts)))].split()
        out.append("what did I say about " + " ".join(rng.choice(doc, min(3, len(doc)), replace=False)))
    return out


def stats(samples: list[float]) -> tuple[float, float]:
    s = sorted(samples)
    return statistics.median(s) * 1000, s[min(len(s) - 1, round(0.95 * (len(s) - 1)))] * 1000


async def paired(home: Path, retriever: Retriever, vault: Vault, qs: list[str], warm: list[str]) -> dict[str, list]:
    """Each query twice, back to back, directly and through the server, taking turns at going first (so
    both meet the same load and neither always finds the pages warm)."""
    env = dict(os.environ, REVERIE_PASSPHRASE=PASS, HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    params = StdioServerParameters(command=sys.executable, args=["-m", "reverie", "--home", str(home), "mcp"], env=env)
    out: dict[str, list] = {k: [] for k in ("direct", "mcp", "direct_hits", "mcp_hits", "get_direct", "get_mcp")}
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write, client_info=Implementation(name="bench", version="1")) as session:
            await session.initialize()
            for q in warm:
                retriever.search(q, now=vault.now(), k=K)
                r = await session.call_tool("search_memories", {"query": q, "limit": K})
                assert not r.is_error, r.content
            for i, q in enumerate(qs):
                for side in ("direct", "mcp") if i % 2 == 0 else ("mcp", "direct"):  # neither always goes first
                    t = time.perf_counter()
                    if side == "direct":
                        n = len(retriever.search(q, now=vault.now(), k=K).hits)
                    else:
                        r = await session.call_tool("search_memories", {"query": q, "limit": K})
                        assert not r.is_error, r.content
                        n = len(r.structured_content["hits"])
                    out[side].append(time.perf_counter() - t)
                    out[side + "_hits"].append(n)
            # The fixed cost of a call, without a search's noise: get_memory, direct and over MCP.
            size = vault.counts().get("memories", 1)
            for i in range(len(qs)):
                mid = 1 + (i * 7919) % size
                t = time.perf_counter()
                memories.get_memory(vault, mid)
                out["get_direct"].append(time.perf_counter() - t)
                t = time.perf_counter()
                r = await session.call_tool("get_memory", {"id": mid})
                out["get_mcp"].append(time.perf_counter() - t)
                assert not r.is_error, r.content
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=60)
    args = ap.parse_args()
    rng = np.random.default_rng(11)
    emb = default_embedder()
    with tempfile.TemporaryDirectory(prefix="reverie-bench-mcp-") as tmp:
        home = Path(tmp) / "home"
        vault = Vault.create(vault_paths(home), KeyMode.PASSPHRASE, PASS)
        texts = corpus(rng, args.size)
        t = time.perf_counter()
        fill(vault, texts, embedding.vector_id(emb.model_id), rng)
        print(f"filled {args.size:,} memories in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        qs, warm = queries(texts, rng, args.queries), queries(texts, rng, 5)
        retriever = quick_retriever(vault)  # the searcher of reverie search and reverie mcp
        res = anyio.run(paired, home, retriever, vault, qs, warm)
        vault.close()

    d_med, d_p95 = stats(res["direct"])
    m_med, m_p95 = stats(res["mcp"])
    diff = statistics.median(m - d for m, d in zip(res["mcp"], res["direct"], strict=True)) * 1000
    print(f"\nsearch_memories over MCP stdio vs Retriever.search, {args.size:,} memories, {len(qs)} queries, k={K}")
    print(f"  direct Retriever.search   median {d_med:7.2f} ms   p95 {d_p95:7.2f} ms")
    print(f"  MCP round trip            median {m_med:7.2f} ms   p95 {m_p95:7.2f} ms")
    print(
        f"  overhead: medians {m_med - d_med:+.2f} ms, median of per-query differences {diff:+.2f} ms "
        f"(ratio {m_med / d_med:.2f}x; target <= 5 ms)"
    )
    g_d, _ = stats(res["get_direct"])
    g_m, g_p95 = stats(res["get_mcp"])
    print(
        f"  get_memory: direct median {g_d:.2f} ms, over MCP median {g_m:.2f} ms (p95 {g_p95:.2f} ms): "
        f"the fixed cost of a call {g_m - g_d:+.2f} ms"
    )
    print(
        f"  hits per query: direct {statistics.mean(res['direct_hits']):.1f}, MCP {statistics.mean(res['mcp_hits']):.1f}"
    )


if __name__ == "__main__":
    main()
