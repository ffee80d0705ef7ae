"""Each chat adapter says its tier without loading the model: a GGUF from its header, a server from
its model's name or the metadata the server gives (llama-server's n_params, Ollama's /api/show).

The real llama-cpp-python server is exercised in test_openai_chat.py; here a loopback server answers
the metadata shapes of the two servers that are not installed here (llama.cpp's llama-server, Ollama)."""

from __future__ import annotations

import json
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from ggufmake import write_gguf, write_sparse_gguf

from reverie.models.defaults import default_gguf_location
from reverie.models.llama_chat import LlamaChatModel
from reverie.models.openai_chat import OpenAIChatModel


def test_the_default_gguf_is_tiny_and_stays_unloaded():
    m = LlamaChatModel(default_gguf_location().path)
    assert m.tier == "tiny" and not m.loaded
    assert m.tier == "tiny"  # kept


def test_a_gguf_of_1_2b_parameters_is_capable(tmp_path):
    m = LlamaChatModel(write_sparse_gguf(tmp_path / "big.gguf", 1_200_000_000))
    assert m.tier == "capable" and not m.loaded


def test_a_small_test_gguf_is_tiny(tmp_path):
    assert LlamaChatModel(write_gguf(tmp_path / "t.gguf")).tier == "tiny"


def test_an_unreadable_gguf_falls_back_to_its_size_and_never_raises(tmp_path, caplog):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a gguf at all")
    with caplog.at_level(logging.WARNING):
        assert LlamaChatModel(bad).tier == "tiny"
    assert "from its file size" in caplog.text
    assert LlamaChatModel(tmp_path / "missing.gguf").tier == "capable"  # nothing known: the gate still checks


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_server_model_named_with_its_size_needs_no_request():
    port = _closed_port()  # nothing listens: a request would fail
    assert OpenAIChatModel(f"http://127.0.0.1:{port}", model="qwen2.5:0.5b").tier == "tiny"
    assert OpenAIChatModel(f"http://127.0.0.1:{port}", model="llama3.1:8b").tier == "capable"
    assert OpenAIChatModel(f"http://127.0.0.1:{port}", model="SmolLM2-135M-Instruct").parameters == 135_000_000


def test_an_unreachable_server_of_unknown_size_is_capable_without_raising(caplog):
    m = OpenAIChatModel(f"http://127.0.0.1:{_closed_port()}", model="mystery")
    with caplog.at_level(logging.INFO):
        assert m.tier == "capable" and m.parameters is None
    assert "taken as capable" in caplog.text


class MetaServer:
    """Answers /v1/models and /api/show like llama-server or Ollama; counts the requests."""

    def __init__(self, models: list[dict], show: dict | None = None) -> None:
        self.models, self.show, self.requests = models, show, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, data):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                outer.requests.append(("GET", self.path, None))
                if self.path == "/v1/models":
                    self._send(200, {"object": "list", "data": outer.models})
                else:
                    self._send(404, {"error": "not found"})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append(("POST", self.path, body))
                if self.path == "/api/show" and outer.show is not None:
                    self._send(200, outer.show)
                else:
                    self._send(404, {"error": {"message": "not found"}})

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def meta():
    servers = []

    def make(models, show=None):
        s = MetaServer(models, show)
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.close()


def test_llama_server_n_params(meta):
    s = meta([{"id": "model.gguf", "object": "model", "meta": {"n_params": 494_032_768, "n_ctx_train": 32768}}])
    m = OpenAIChatModel(s.url + "/v1")
    assert m.tier == "tiny" and m.parameters == 494_032_768
    assert m.tier == "tiny" and len(s.requests) == 1  # found once, kept


def test_a_size_in_the_listed_model_id(meta):
    s = meta([{"id": "/srv/models/Qwen2.5-7B-Instruct-Q4_K_M.gguf"}])
    assert OpenAIChatModel(s.url).tier == "capable"
    assert OpenAIChatModel(s.url).parameters == 7_000_000_000


def test_ollama_parameter_size_from_api_show(meta):
    s = meta(
        [{"id": "mymodel:latest"}, {"id": "other:latest"}],
        show={"details": {"family": "qwen2", "parameter_size": "494.03M", "quantization_level": "Q4_K_M"}},
    )
    m = OpenAIChatModel(s.url, model="mymodel:latest")
    assert m.parameters == 494_030_000 and m.tier == "tiny"
    assert s.requests[-1] == ("POST", "/api/show", {"model": "mymodel:latest"})


def test_ollama_parameter_count_in_model_info(meta):
    s = meta(
        [{"id": "mymodel:latest"}],
        show={"model_info": {"general.parameter_count": 3_212_749_888}, "details": {"parameter_size": "3.2B"}},
    )
    assert OpenAIChatModel(s.url, model="mymodel:latest").parameters == 3_212_749_888


def test_a_server_that_says_nothing_of_size_is_capable(meta):
    s = meta([{"id": "mystery"}])
    m = OpenAIChatModel(s.url)
    assert m.tier == "capable" and m.parameters is None
    assert [r[1] for r in s.requests] == ["/v1/models", "/api/show"]


def test_available_models_and_a_server_that_is_not_openai_compatible(meta):
    s = meta([{"id": "a"}, {"id": "b"}, {"no id": 1}])
    assert [m["id"] for m in OpenAIChatModel(s.url).available_models()] == ["a", "b"]
    from reverie.core.errors import ModelError

    with pytest.raises(ModelError, match=r"answered /v1/models with HTTP 404"):
        OpenAIChatModel(s.url + "/nothing-here").available_models()
