"""Benchmark: export and import of a large vault (default 100,000 memories), time and peak memory.

    python tests/benchmarks/bench_transfer.py [--memories 100000] [--embed-sample 512] [--encrypt]

Each phase runs in its own process, so each peak RSS is that phase's own. Import throughput is
compared with the raw throughput of the real embedder (all-MiniLM-L6-v2), which is what an import
from another embedder costs afterwards, in the background. Not collected by pytest (no test_ prefix).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DIM = 384
MODEL = "bench-model"
WORDS = (
    "memory river lisbon anna birthday garden coffee train letter music winter summer island project "
    "meeting doctor recipe bread mountain paper window friend sister laptop market evening morning"
).split()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _sentence(rng: Any, n: int) -> str:
    return " ".join(rng.choice(WORDS, n)).capitalize() + "."


def build(home: str, memories: int) -> dict[str, Any]:
    import numpy as np

    from reverie.core import ingest
    from reverie.core.clock import FixedClock
    from reverie.core.keys import KeyMode
    from reverie.core.paths import vault_paths
    from reverie.core.vault import Vault

    rng = np.random.default_rng(1)
    clock = FixedClock(1_700_000_000.0)
    v = Vault.create(vault_paths(Path(home)), KeyMode.NONE, clock=clock)
    n_notes = memories * 3 // 10  # 2 passages each: 60% of the memories
    n_msgs = memories - 2 * n_notes
    t = time.perf_counter()
    with v.tx() as conn:
        for i in range(n_notes):
            body = _sentence(rng, 30) + "\n\n" + _sentence(rng, 40)
            nid = f"note{i:07d}"
            conn.execute(
                "INSERT INTO notes(id, title, body, tags, created_at, updated_at, happened_at) VALUES (?,?,?,?,?,?,?)",
                (nid, f"Note {i}", body, '["bench"]', clock.now(), clock.now(), clock.now()),
            )
            ingest.index_note(conn, clock.now(), nid, f"Note {i}", body, clock.now())
        for c in range(n_msgs // 20 + 1):
            cid = f"conv{c:06d}"
            conn.execute(
                "INSERT INTO conversations(id, title, created_at, updated_at) VALUES (?,?,?,?)",
                (cid, f"Chat {c}", clock.now(), clock.now()),
            )
            for s in range(min(20, n_msgs - c * 20)):
                mid, role, text = f"{cid}-{s:02d}", ("user", "assistant")[s % 2], _sentence(rng, 25)
                conn.execute(
                    "INSERT INTO messages(id, conversation_id, seq, role, content, created_at, happened_at) "
                    "VALUES (?,?,?,?,?,?,?)",
                    (mid, cid, s + 1, role, text, clock.now(), clock.now()),
                )
                ingest.index_message(conn, clock.now(), mid, text, role, clock.now())
        ids = [r[0] for r in conn.execute("SELECT id FROM memories")]
        for k in range(0, len(ids), 5000):
            chunk = ids[k : k + 5000]
            vecs = rng.standard_normal((len(chunk), DIM)).astype(np.float16)
            conn.executemany(
                "INSERT INTO vectors(memory_id, model_id, dim, vec) VALUES (?,?,?,?)",
                [(m, MODEL, DIM, vecs[j].tobytes()) for j, m in enumerate(chunk)],
            )
    counts = v.counts()
    v.close()
    return {"seconds": time.perf_counter() - t, "counts": counts, "peak_rss_mb": _rss_mb()}


def export(home: str, out: str, passphrase: str | None) -> dict[str, Any]:
    from reverie.core.paths import vault_paths
    from reverie.core.transfer import export_vault
    from reverie.core.vault import Vault

    v = Vault.open(vault_paths(Path(home)))
    t = time.perf_counter()
    s = export_vault(v, out, passphrase=passphrase)
    secs = time.perf_counter() - t
    v.close()
    return {"seconds": secs, "bytes": s.size_bytes, "peak_rss_mb": _rss_mb()}


def do_import(home: str, path: str, passphrase: str | None, embedder_id: str | None, twice: bool) -> dict[str, Any]:
    from reverie.core.keys import KeyMode
    from reverie.core.paths import vault_paths
    from reverie.core.transfer import import_vault
    from reverie.core.vault import Vault

    v = Vault.create(vault_paths(Path(home)), KeyMode.NONE)
    t = time.perf_counter()
    s = import_vault(v, path, passphrase=passphrase, embedder_id=embedder_id)
    out = {
        "seconds": time.perf_counter() - t,
        "memories": s.added["memories"],
        "needs_embedding": s.needs_embedding,
        "vectors_skipped": s.vectors_skipped,
    }
    if twice:
        t = time.perf_counter()
        again = import_vault(v, path, passphrase=passphrase, embedder_id=embedder_id)
        out["again_seconds"] = time.perf_counter() - t
        out["again_changed"] = again.changed
    v.close()
    out["peak_rss_mb"] = _rss_mb()
    return out


def embed_rate(sample: int) -> dict[str, Any]:
    import numpy as np
    from sentence_transformers import SentenceTransformer

    from reverie.models.defaults import default_embedder_location

    loc = default_embedder_location()
    if not loc.found:
        return {"error": f"embedder not found: {loc.problem}"}
    model = SentenceTransformer(str(loc.path), device="cpu")
    rng = np.random.default_rng(2)
    texts = [_sentence(rng, 30) for _ in range(sample)]
    model.encode(texts[:32])  # warm up
    t = time.perf_counter()
    model.encode(texts, batch_size=64)
    secs = time.perf_counter() - t
    return {"texts": sample, "seconds": secs, "per_second": sample / secs}


def _child(fn: Any, args: tuple, q: Any) -> None:
    try:
        q.put(fn(*args))
    except BaseException as exc:  # noqa: BLE001 - reported by the parent
        q.put({"error": repr(exc)})


def phase(fn: Any, *args: Any) -> dict[str, Any]:
    q: Any = mp.get_context("spawn").Queue()
    p = mp.get_context("spawn").Process(target=_child, args=(fn, args, q))
    p.start()
    result = q.get()
    p.join()
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--memories", type=int, default=100_000)
    ap.add_argument("--embed-sample", type=int, default=512)
    ap.add_argument("--encrypt", action="store_true", help="also time an encrypted export and import")
    args = ap.parse_args()
    report: dict[str, Any] = {"memories": args.memories}
    with tempfile.TemporaryDirectory(prefix="reverie-bench-") as tmp:
        src, file = f"{tmp}/src", f"{tmp}/vault.reverie"
        report["build"] = phase(build, src, args.memories)
        report["export"] = phase(export, src, file, None)
        report["import_same_embedder"] = phase(do_import, f"{tmp}/dst1", file, None, MODEL, True)
        report["import_other_embedder"] = phase(do_import, f"{tmp}/dst2", file, None, "another-model", False)
        if args.encrypt:
            report["export_encrypted"] = phase(export, src, f"{tmp}/enc.reverie", "bench passphrase")
            report["import_encrypted"] = phase(
                do_import, f"{tmp}/dst3", f"{tmp}/enc.reverie", "bench passphrase", MODEL, False
            )
    report["embedder"] = phase(embed_rate, args.embed_sample) if args.embed_sample else None
    imp = report["import_other_embedder"]
    if report["embedder"] and "per_second" in report["embedder"] and "seconds" in imp:
        rate = args.memories / imp["seconds"]
        emb = report["embedder"]["per_second"]
        report["comparison"] = {
            "import_memories_per_second": round(rate, 1),
            "embedding_memories_per_second": round(emb, 1),
            "reembed_estimate_seconds": round(imp["needs_embedding"] / emb, 1),
            "import_vs_embedding": round(rate / emb, 1),
        }
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
