"""A chat model on an OpenAI-compatible server (llama-server, Ollama, vLLM, LM Studio), over
HTTP with the standard library only.

``POST {base}/v1/chat/completions`` with ``stream: true``; the answer arrives as server-sent
events (``data: {...}`` lines, ending with ``data: [DONE]``). Connection and read timeouts are
bounded; a refused connection, a timeout, an HTTP error or a malformed stream each become one
sentence (``ModelError``). Cancelling shuts the socket down, so a stalled server cannot hold
the caller. Servers have no common tokenizer endpoint, so tokens are estimated from characters
(conservatively: 3 characters a token).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import math
import socket
import threading
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from reverie.core.errors import ModelError
from reverie.core.protocols import ChatMessage

CHARS_PER_TOKEN = 3.0


class OpenAIChatModel:
    def __init__(self, base_url: str, *, model: str = "", api_key: str | None = None,
                 context_size: int = 4096, timeout: float = 60.0, connect_timeout: float = 5.0) -> None:
        url = (base_url or "").strip().rstrip("/")
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ModelError(f"{base_url!r} is not a server address; use one like http://127.0.0.1:8080.")
        self.base_url = f"{parts.scheme}://{parts.netloc}{parts.path}"
        self._scheme, self._host, self._port = parts.scheme, parts.hostname, parts.port
        path = parts.path.rstrip("/")
        self._path = path + ("/chat/completions" if path.endswith("/v1") else "/v1/chat/completions")
        self.model = model
        self._api_key = api_key
        self._ctx = int(context_size)
        self.timeout = float(timeout)
        self.connect_timeout = float(connect_timeout)

    @property
    def name(self) -> str:
        return f"{self.model or 'server model'} at {self.base_url}"

    @property
    def context_size(self) -> int:
        return self._ctx

    def count_tokens(self, text: str) -> int:
        return math.ceil(len(text) / CHARS_PER_TOKEN)

    def _connection(self) -> http.client.HTTPConnection:
        cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
        return cls(self._host, self._port, timeout=self.connect_timeout)

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int = 512,
        temperature: float = 0.2,
        stop: Sequence[str] = (),
        cancel: threading.Event | None = None,
        json_schema: dict[str, Any] | None = None,
    ) -> Iterator[str]:
        body: dict[str, Any] = {
            "model": self.model or "default",
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "stream": True, "max_tokens": max_tokens, "temperature": temperature,
        }
        if stop:
            body["stop"] = list(stop)[:4]  # the OpenAI API takes at most four
        if json_schema is not None:
            body["response_format"] = {"type": "json_schema",
                                       "json_schema": {"name": "output", "schema": json_schema, "strict": True}}
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        if cancel is not None and cancel.is_set():
            return
        conn = self._connection()
        done = threading.Event()
        watcher = _watch_cancel(conn, cancel, done) if cancel is not None else None
        try:
            try:
                conn.request("POST", self._path, body=json.dumps(body).encode("utf-8"), headers=headers)
                if conn.sock is not None:
                    conn.sock.settimeout(self.timeout)
                resp = conn.getresponse()
            except (ConnectionRefusedError, socket.gaierror) as exc:
                raise ModelError(f"Reverie cannot reach the model server at {self.base_url} ({_why(exc)}); "
                                 "is it running?") from exc
            except TimeoutError as exc:
                raise ModelError(f"The model server at {self.base_url} did not answer within "
                                 f"{self.timeout:g} seconds.") from exc
            except OSError as exc:
                if cancel is not None and cancel.is_set():
                    return
                raise ModelError(f"The connection to the model server at {self.base_url} failed: {_why(exc)}.") from exc
            if resp.status != 200:
                raise ModelError(f"The model server at {self.base_url} refused the request "
                                 f"(HTTP {resp.status}: {_server_message(resp)}).")
            yield from self._events(resp, cancel)
        finally:
            done.set()
            with contextlib.suppress(Exception):
                conn.close()
            if watcher is not None:
                watcher.join(timeout=1.0)

    def _events(self, resp: http.client.HTTPResponse, cancel: threading.Event | None) -> Iterator[str]:
        try:
            while True:
                if cancel is not None and cancel.is_set():
                    return
                raw = resp.readline()
                if not raw:
                    return  # the server closed the stream
                line = raw.decode("utf-8", errors="replace").strip()
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    return
                try:
                    event = json.loads(data)
                except ValueError as exc:
                    raise ModelError(f"The model server at {self.base_url} sent a malformed stream.") from exc
                if isinstance(event, dict) and event.get("error"):
                    raise ModelError(f"The model server at {self.base_url} failed: {_error_text(event['error'])}.")
                try:
                    choice = event["choices"][0]
                    piece = (choice.get("delta") or {}).get("content") or choice.get("text") or ""
                except (KeyError, IndexError, TypeError, AttributeError):
                    continue  # keep-alives and usage events carry no text
                if piece:
                    yield piece
        except TimeoutError as exc:
            raise ModelError(f"The model server at {self.base_url} stopped answering for "
                             f"{self.timeout:g} seconds.") from exc
        except (OSError, http.client.HTTPException) as exc:
            if cancel is not None and cancel.is_set():
                return
            raise ModelError(f"The connection to the model server at {self.base_url} broke: {_why(exc)}.") from exc


def _watch_cancel(conn: http.client.HTTPConnection, cancel: threading.Event,
                  done: threading.Event) -> threading.Thread:
    """Shut the socket down when ``cancel`` is set, so a blocked read returns at once."""

    def run() -> None:
        while not done.is_set():
            if cancel.wait(0.05):
                if not done.is_set() and conn.sock is not None:
                    with contextlib.suppress(OSError):
                        conn.sock.shutdown(socket.SHUT_RDWR)
                return

    t = threading.Thread(target=run, name="reverie-http-cancel", daemon=True)
    t.start()
    return t


def _why(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _error_text(err: Any) -> str:
    if isinstance(err, dict):
        return str(err.get("message") or err)[:300]
    return str(err)[:300]


def _server_message(resp: http.client.HTTPResponse) -> str:
    try:
        raw = resp.read(4096).decode("utf-8", errors="replace")
    except (OSError, http.client.HTTPException):
        return resp.reason or "no details"
    try:
        data = json.loads(raw)
        if isinstance(data, dict) and data.get("error"):
            return _error_text(data["error"])
    except ValueError:
        pass
    return raw.strip()[:300] or resp.reason or "no details"
