"""A real OpenAI-compatible server for tests: llama-cpp-python's server (``python -m llama_cpp.server``)
on the default GGUF, listening on 127.0.0.1 only.

Use it from any test folder (``tests/`` is on the path)::

    from llama_server import llama_server  # noqa: F401  (the fixture)

    def test_x(llama_server): ...  # the base URL, e.g. http://127.0.0.1:43117

The server starts once per test run, however many modules import the fixture (one process,
counted: it stops when the last user is done), and is killed at the end. Its log goes to a file
that a failure to start quotes.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from reverie.models.defaults import default_gguf_location

HOST = "127.0.0.1"
START_TIMEOUT = 120.0  # seconds: the model is small, but the machine may be busy


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def answers(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/v1/models", timeout=timeout) as resp:
            return resp.status == 200 and isinstance(json.loads(resp.read()).get("data"), list)
    except (OSError, ValueError):
        return False


class LlamaServer:
    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.users = 0
        self.lock = threading.Lock()
        self.log = Path(tempfile.mkdtemp(prefix="reverie-llama-server-")) / "server.log"

    def acquire(self) -> str:
        with self.lock:
            if self.proc is None:
                self._start()
            self.users += 1
            return self.url

    def release(self) -> None:
        with self.lock:
            self.users -= 1
            if self.users <= 0:
                self.stop()

    def _start(self) -> None:
        loc = default_gguf_location()
        assert loc.found, loc.problem
        port = free_port()
        self.url = f"http://{HOST}:{port}"
        cmd = [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(loc.path),
            "--host",
            HOST,
            "--port",
            str(port),
            "--n_ctx",
            "2048",
            "--n_threads",
            "2",
            "--seed",
            "7",
        ]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while not answers(self.url):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                tail = self.log.read_text(errors="replace")[-3000:]
                self.stop()
                raise RuntimeError(f"llama_cpp.server did not start on {self.url}:\n{tail}")
            try:
                self.proc.wait(timeout=0.2)  # returns early only if the server died
            except subprocess.TimeoutExpired:
                pass

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


_SERVER = LlamaServer()


@pytest.fixture(scope="session")
def llama_server():
    """The base URL of a running llama-cpp-python server on the default GGUF (127.0.0.1)."""
    url = _SERVER.acquire()
    yield url
    _SERVER.release()
