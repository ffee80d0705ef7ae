"""The OpenAI-compatible adapter against a small server on loopback (each failure mode on demand),
and against a real one: llama-cpp-python's server on the default GGUF (``tests/llama_server.py``)."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from llama_server import llama_server  # noqa: F401 - the fixture

from reverie.core.errors import ModelError
from reverie.core.protocols import ChatMessage, ChatModel
from reverie.models.openai_chat import OpenAIChatModel

MSGS = [ChatMessage("system", "Be brief."), ChatMessage("user", "When is Anna's birthday?")]


class Server:
    def __init__(self):
        self.requests: list[dict] = []
        self.mode = "ok"
        self.release = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
                if outer.mode == "error":
                    data = json.dumps({"error": {"message": "model 'x' not found"}}).encode()
                    self.send_response(404)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                if outer.mode == "slow":
                    outer.release.wait(10)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                pieces = ["March", " 3", " [1]."]
                for i, p in enumerate(pieces):
                    event = {"choices": [{"index": 0, "delta": {"content": p}}]}
                    self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                    self.wfile.flush()
                    if outer.mode == "stall" and i == 0:
                        outer.release.wait(10)
                        return
                if outer.mode == "garbage":
                    self.wfile.write(b"data: {not json\n\n")
                if outer.mode == "cut":
                    return  # the connection closes without [DONE]
                self.wfile.write(b": keep-alive\n\ndata: [DONE]\n\n")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


def test_streams_pieces_and_sends_the_request(server, monkeypatch):
    m = OpenAIChatModel(server.url, model="llama3", api_key="k")
    assert isinstance(m, ChatModel)
    schema = {"type": "object"}
    out = list(m.stream(MSGS, max_tokens=20, temperature=0, stop=["a", "b", "c", "d", "e"], json_schema=schema))
    assert out == ["March", " 3", " [1]."]
    req = server.requests[0]
    assert req["path"] == "/v1/chat/completions" and req["auth"] == "Bearer k"
    body = req["body"]
    assert body["model"] == "llama3" and body["stream"] is True and body["max_tokens"] == 20
    assert body["messages"][1] == {"role": "user", "content": "When is Anna's birthday?"}
    assert body["stop"] == ["a", "b", "c", "d"]
    assert body["response_format"]["json_schema"]["schema"] == schema


def test_base_url_with_v1_is_not_doubled(server):
    m = OpenAIChatModel(server.url + "/v1/")
    list(m.stream(MSGS))
    assert server.requests[0]["path"] == "/v1/chat/completions"


def test_http_error_is_one_sentence_with_the_server_message(server):
    server.mode = "error"
    with pytest.raises(ModelError, match=r"refused the request \(HTTP 404: model 'x' not found\)"):
        list(OpenAIChatModel(server.url).stream(MSGS))


def test_malformed_stream(server):
    server.mode = "garbage"
    with pytest.raises(ModelError, match="malformed"):
        list(OpenAIChatModel(server.url).stream(MSGS))


def test_a_stream_cut_before_done_is_an_error_not_a_short_answer(server):
    server.mode = "cut"
    got = []
    with pytest.raises(ModelError, match="closed the stream before the answer was finished"):
        for p in OpenAIChatModel(server.url).stream(MSGS):
            got.append(p)
    assert got == ["March", " 3", " [1]."]


def test_slow_server_times_out(server):
    server.mode = "slow"
    with pytest.raises(ModelError, match="did not answer within 0.3 seconds"):
        list(OpenAIChatModel(server.url, timeout=0.3).stream(MSGS))


def test_server_stalling_mid_stream_times_out(server):
    server.mode = "stall"
    got = []
    with pytest.raises(ModelError, match="stopped answering"):
        for p in OpenAIChatModel(server.url, timeout=0.3).stream(MSGS):
            got.append(p)
    assert got == ["March"]


def test_cancel_while_the_server_stalls_returns_at_once(server):
    server.mode = "stall"
    cancel = threading.Event()
    got = []
    for p in OpenAIChatModel(server.url, timeout=30).stream(MSGS, cancel=cancel):
        got.append(p)
        cancel.set()  # the next read blocks on the stalled server; cancelling must unblock it
    assert got == ["March"]


def test_unreachable_server():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with pytest.raises(ModelError, match="cannot reach the model server"):
        list(OpenAIChatModel(f"http://127.0.0.1:{port}").stream(MSGS))


def test_bad_address():
    with pytest.raises(ModelError, match="not a server address"):
        OpenAIChatModel("ftp://x")
    with pytest.raises(ModelError, match="not a server address"):
        OpenAIChatModel("")


def test_token_estimate_is_conservative():
    m = OpenAIChatModel("http://127.0.0.1:1", context_size=8192)
    assert m.context_size == 8192 and m.count_tokens("a" * 30) == 10


# -- a real OpenAI-compatible server: llama-cpp-python's, on the default GGUF ---------------------
@pytest.mark.slow
def test_real_server_streams_an_answer_in_pieces(llama_server):  # noqa: F811
    m = OpenAIChatModel(llama_server, timeout=60)
    pieces = list(
        m.stream(
            [ChatMessage("system", "Be brief."), ChatMessage("user", "Say hello to Anna.")],
            max_tokens=24,
            temperature=0,
        )
    )
    assert len(pieces) >= 3 and "".join(pieces).strip()


@pytest.mark.slow
def test_real_server_with_v1_in_the_address_and_stop_strings(llama_server):  # noqa: F811
    text = "".join(
        OpenAIChatModel(llama_server + "/v1/", timeout=60).stream(
            [ChatMessage("user", "Write the numbers 1, 2, 3, 4, 5 separated by commas.")],
            max_tokens=40,
            temperature=0,
            stop=["3"],
        )
    )
    assert "3" not in text and "4" not in text


@pytest.mark.slow
def test_real_server_cancel_stops_the_stream(llama_server):  # noqa: F811
    m = OpenAIChatModel(llama_server, timeout=60)
    cancel = threading.Event()
    got = []
    for piece in m.stream(
        [ChatMessage("user", "Count from one to two hundred, one number a line.")],
        max_tokens=400,
        temperature=0,
        cancel=cancel,
    ):
        got.append(piece)
        if len(got) == 3:
            cancel.set()
    assert len(got) == 3
    # the server is free again: the next answer streams
    assert "".join(m.stream([ChatMessage("user", "Say yes.")], max_tokens=4, temperature=0)).strip()


@pytest.mark.slow
def test_real_server_tier_from_its_model_list(llama_server):  # noqa: F811
    m = OpenAIChatModel(llama_server)
    listed = [e["id"] for e in m.available_models()]
    assert len(listed) == 1 and listed[0].endswith("SmolLM2-135M-Instruct.Q4_1.gguf")
    assert m.parameters == 135_000_000 and m.tier == "tiny"
    assert OpenAIChatModel(llama_server, model=listed[0]).tier == "tiny"


@pytest.mark.slow
def test_real_server_giving_up_on_a_prompt_longer_than_its_context_is_one_sentence(llama_server):  # noqa: F811
    long = "Anna likes tea. " * 2000  # far beyond the server's 2048 tokens
    # llama-cpp-python's server answers 200, then closes the stream without a word or [DONE]
    with pytest.raises(ModelError, match="closed the stream before the answer was finished"):
        list(OpenAIChatModel(llama_server, timeout=60).stream([ChatMessage("user", long)], max_tokens=8))
    assert "".join(
        OpenAIChatModel(llama_server, timeout=60).stream([ChatMessage("user", "Say yes.")], max_tokens=4, temperature=0)
    ).strip()  # and it still answers
