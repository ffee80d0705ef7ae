"""An embedding server for tests, on 127.0.0.1 with an ephemeral port, that speaks both protocols
Reverie's server embedder uses, with MiniLM's real vectors:

- Ollama: ``POST /api/embed`` ``{model, input: [...]}`` -> ``{embeddings: [[...], ...]}``
- OpenAI-compatible: ``POST /v1/embeddings`` ``{model, input: [...]}`` -> ``{data: [{embedding, index}]}``
  (given in reverse order, so a client must sort by ``index``).

The model name chooses the vectors: ``minilm`` (384 dimensions, MiniLM as is) or ``minilm-768``
(each MiniLM vector written twice: another model, of another dimension, with the same meaning).
``server.fault`` makes the next answers wrong on purpose: ``"nan"``, ``"short"`` (one vector too
few), ``"ragged"`` (rows of two lengths), ``"dim"`` (vectors of another length than before),
``"500"``, ``"text"`` (not JSON). ``server.key`` demands ``Authorization: Bearer <key>``. Every
request is recorded (path, headers, body).

Use it from any test folder (``tests/`` is on the path)::

    from embed_server import embed_server  # noqa: F401  (the fixture)

    def test_x(embed_server): ...  # embed_server.url, e.g. http://127.0.0.1:43117
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
import pytest

HOST = "127.0.0.1"
_MINILM: list[Any] = []
_MINILM_LOCK = threading.Lock()


def minilm() -> Any:
    """The real MiniLM embedder, loaded once per test run."""
    with _MINILM_LOCK:
        if not _MINILM:
            from reverie.models.embedder import default_embedder

            _MINILM.append(default_embedder())
        return _MINILM[0]


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class EmbedServer:
    url: str = ""
    requests: list[Request] = field(default_factory=list)
    fault: str | None = None
    key: str | None = None
    httpd: Any = None

    def vectors(self, model: str, texts: list[str]) -> np.ndarray:
        vecs = np.asarray(minilm().embed(texts), dtype=np.float32)
        if model == "minilm-768":
            vecs = np.concatenate([vecs, vecs], axis=1) / np.sqrt(2.0)
        return vecs

    def answer(self, path: str, body: Any) -> tuple[int, bytes]:
        if self.fault == "500":
            return 500, json.dumps({"error": {"message": "the model crashed"}}).encode()
        if self.fault == "text":
            return 200, b"<html>hello</html>"
        model, texts = body.get("model"), body.get("input")
        if model not in ("minilm", "minilm-768"):
            return 404, json.dumps({"error": f'model "{model}" not found, try pulling it first'}).encode()
        if isinstance(texts, str):
            texts = [texts]
        rows = self.vectors(model, list(texts)).tolist()
        if self.fault == "nan":
            rows[0][0] = float("nan")
        elif self.fault == "short":
            rows = rows[:-1]
        elif self.fault == "ragged" and len(rows) > 1:
            rows[1] = rows[1][:-5]
        elif self.fault == "dim":
            rows = [r[:100] for r in rows]
        if path == "/api/embed":
            out: Any = {"model": model, "embeddings": rows}
        else:
            items = [{"object": "embedding", "embedding": r, "index": i} for i, r in enumerate(rows)]
            out = {"object": "list", "data": list(reversed(items)), "model": model}
        return 200, json.dumps(out, allow_nan=True).encode()


def start_server() -> EmbedServer:
    """A running server; MiniLM is loaded first (on a busy machine loading it can take longer than a
    client's timeout)."""
    minilm().embed(["warm up"])
    server = EmbedServer()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            server.requests.append(Request(self.path, dict(self.headers.items()), body))
            if server.key is not None and self.headers.get("Authorization") != f"Bearer {server.key}":
                status, data = 401, json.dumps({"error": "invalid api key"}).encode()
            elif self.path not in ("/api/embed", "/v1/embeddings") or not isinstance(body, dict):
                status, data = 404, b'{"error": "not found"}'
            else:
                status, data = server.answer(self.path, body)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    httpd = ThreadingHTTPServer((HOST, 0), Handler)
    httpd.daemon_threads = True
    server.httpd = httpd
    server.url = f"http://{HOST}:{httpd.server_address[1]}"
    threading.Thread(target=httpd.serve_forever, name="embed-server", daemon=True).start()
    return server


def stop_server(server: EmbedServer) -> None:
    server.httpd.shutdown()
    server.httpd.server_close()


def closed_port_url() -> str:
    """An address where nothing listens (a port just freed)."""
    import socket

    with socket.socket() as s:
        s.bind((HOST, 0))
        port = s.getsockname()[1]
    return f"http://{HOST}:{port}"


@pytest.fixture
def embed_server():
    server = start_server()
    try:
        yield server
    finally:
        stop_server(server)
