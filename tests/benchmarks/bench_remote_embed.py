"""Re-embedding through a server: what the HTTP + JSON path adds to the model's own time.

    python tests/benchmarks/bench_remote_embed.py --notes 1000

A real vault with ``--notes`` notes (one sentence each) is embedded three ways, each from scratch:
(a) the built-in MiniLM in process (``embed_pending`` with the default embedder), (b) the same MiniLM
behind tests/embed_server.py on 127.0.0.1 through Ollama's ``/api/embed`` and (c) through the
OpenAI-compatible ``/v1/embeddings`` (``RemoteEmbedder``, 32 texts a request). The server computes
with the same MiniLM in the same process, so (b) - (a) is the protocol's cost: the requests, JSON
encoding of 384 floats a text and the answer's checks.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from embed_server import minilm, start_server, stop_server

from reverie.core import notes
from reverie.core.embedding import embed_pending
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.vault import Vault
from reverie.models.remote_embedder import RemoteEmbedder

WORDS = "garden bicycle soup river dentist birthday tulips tax bridge chain lentils carrots walk booked".split()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notes", type=int, default=1000)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="reverie-bench-embed-"))
    vault = Vault.create(vault_paths(folder), KeyMode.NONE)
    for i in range(args.notes):
        w = [WORDS[(i * k + 3) % len(WORDS)] for k in (1, 3, 5, 7)]
        notes.create_note(vault, f"Note {i}: the {w[0]} and the {w[1]}, then {w[2]} near the {w[3]}.")
    n = vault.counts()["memories"]
    server = start_server()
    try:
        rows = []
        for label, emb in [
            ("in process (MiniLM)", minilm()),
            ("Ollama /api/embed", RemoteEmbedder(server.url, "minilm", api="ollama")),
            ("OpenAI /v1/embeddings", RemoteEmbedder(server.url, "minilm", api="openai")),
        ]:
            with vault.tx() as conn:
                conn.execute("DELETE FROM vectors")
            start = time.perf_counter()
            done = embed_pending(vault, emb, batch_size=256)
            seconds = time.perf_counter() - start
            rows.append((label, done, seconds))
        print(f"{n} memories, 384 dimensions")
        for label, done, seconds in rows:
            print(f"  {label:24} {done:6} embedded  {seconds:7.2f} s  {done / seconds:8.1f} memories/s")
    finally:
        stop_server(server)
        vault.close()


if __name__ == "__main__":
    main()
