"""A chat model on an OpenAI-compatible server (llama-server, Ollama, vLLM, LM Studio), over
HTTP with the standard library only.

``POST {base}/v1/chat/completions`` with ``stream: true``; the answer arrives as server-sent
events (``data: {...}`` lines, ending with ``data: [DONE]``). Connection and read timeouts are
bounded; a refused connection, a timeout, an HTTP error or a malformed stream each become one
sentence (``ModelError``). Cancelling shuts the socket down, so a stalled server cannot hold
the caller. Servers have no common tokenizer endpoint, so tokens are estimated from characters
(conservatively: 3 characters a token).

The tier (``core.tiers``) comes from the model's parameter count, found cheaply and without
loading anything: the size in the model's name (``qwen2.5:0.5b``), else what the server says in
``GET /v1/models`` (llama-server's ``meta.n_params``, or a size in the model id), else Ollama's
``POST /api/show`` (``details.parameter_size``). Unknown means ``capable`` (the reply gate still
checks every answer). It is found once and kept.

The prompt is data: the server applies its own chat template to the messages and may tokenize
with special tokens on, so every message's content has the template families' control sequences
neutralised first (``core/promptsafe``; the server's vocabulary is not known here).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import math
import socket
import threading
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from reverie.core.errors import ModelError
from reverie.core.promptsafe import neutralise
from reverie.core.protocols import Cancel, ChatMessage
from reverie.core.tiers import Tier, tier_for
from reverie.models.naming import parameters_from_name

log = logging.getLogger(__name__)
CHARS_PER_TOKEN = 3.0
PROBE_TIMEOUT = 3.0  # seconds for the metadata requests (model list, parameter count)
_UNKNOWN = object()


def chat_messages(messages: Sequence[ChatMessage]) -> list[dict[str, str]]:
    """The messages as sent: each content neutralised, so none can open or close a turn."""
    return [{"role": m.role, "content": neutralise(m.content)} for m in messages]


class OpenAIChatModel:
    def __init__(
        self,
        base_url: str,
        *,
        model: str = "",
        api_key: str | None = None,
        context_size: int = 4096,
        timeout: float = 60.0,
        connect_timeout: float = 5.0,
    ) -> None:
        url = (base_url or "").strip().rstrip("/")
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ModelError(f"{base_url!r} is not a server address; use one like http://127.0.0.1:8080.")
        self.base_url = f"{parts.scheme}://{parts.netloc}{parts.path}"
        self._scheme, self._host, self._port = parts.scheme, parts.hostname, parts.port
        path = parts.path.rstrip("/")
        self._root = path[:-3] if path.endswith("/v1") else path
        self._path = self._root + "/v1/chat/completions"
        self.model = model
        self._api_key = api_key
        self._ctx = int(context_size)
        self.timeout = float(timeout)
        self.connect_timeout = float(connect_timeout)
        self._parameters: Any = _UNKNOWN
        self._probe_lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"{self.model or 'server model'} at {self.base_url}"

    @property
    def context_size(self) -> int:
        return self._ctx

    def count_tokens(self, text: str) -> int:
        return math.ceil(len(text) / CHARS_PER_TOKEN)

    def _connection(self, timeout: float | None = None) -> http.client.HTTPConnection:
        cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
        return cls(self._host, self._port, timeout=self.connect_timeout if timeout is None else timeout)

    # -- what the server offers (short requests, nothing loaded) ----------------------------------
    def _json(self, method: str, path: str, body: dict[str, Any] | None = None, timeout: float = PROBE_TIMEOUT) -> Any:
        """One short JSON request; ``ModelError`` (one sentence) when the server does not answer well."""
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        conn = self._connection(timeout)
        try:
            conn.request(
                method, self._root + path, body=json.dumps(body).encode("utf-8") if body else None, headers=headers
            )
            resp = conn.getresponse()
            if resp.status != 200:
                raise ModelError(
                    f"The model server at {self.base_url} answered {path} with HTTP {resp.status} "
                    f"({_server_message(resp)})."
                )
            return json.loads(resp.read(4 * 1024 * 1024).decode("utf-8", errors="replace"))
        except TimeoutError as exc:
            raise ModelError(f"The model server at {self.base_url} did not answer within {timeout:g} seconds.") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise ModelError(
                f"Reverie cannot reach the model server at {self.base_url} ({_why(exc)}); is it running?"
            ) from exc
        except ValueError as exc:
            raise ModelError(
                f"The model server at {self.base_url} did not answer {path} with JSON; "
                "is it an OpenAI-compatible server?"
            ) from exc
        finally:
            with contextlib.suppress(Exception):
                conn.close()

    def available_models(self, timeout: float = PROBE_TIMEOUT) -> list[dict[str, Any]]:
        """The models the server lists at ``GET /v1/models`` (each a dict with at least ``id``);
        ``ModelError`` with one sentence when it does not answer like an OpenAI-compatible server."""
        data = self._json("GET", "/v1/models", timeout=timeout)
        items = data.get("data") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise ModelError(
                f"The model server at {self.base_url} did not list its models at /v1/models; "
                "is it an OpenAI-compatible server?"
            )
        return [m for m in items if isinstance(m, dict) and isinstance(m.get("id"), str)]

    @property
    def parameters(self) -> int | None:
        """The model's parameter count if the name or the server says it (found once), else None.
        May make two short requests the first time: call it off the GUI thread. Never raises."""
        with self._probe_lock:
            if self._parameters is _UNKNOWN:
                self._parameters = self._find_parameters()
            return self._parameters

    @property
    def tier(self) -> Tier:
        """What this model can be trusted with (``core.tiers``); ``capable`` when its size is unknown."""
        return tier_for(self.parameters)

    def _find_parameters(self) -> int | None:
        named = parameters_from_name(self.model)
        if named:
            return named
        try:
            listed = self.available_models()
        except ModelError as exc:
            log.info("tier of %s: no model list (%s); taken as capable", self.name, exc)
            return None
        entry = next((m for m in listed if m["id"] == self.model), None)
        if entry is None and not self.model and listed:
            entry = listed[0]
        if entry is not None:
            meta = entry.get("meta")
            n = meta.get("n_params") if isinstance(meta, dict) else None
            if isinstance(n, int) and n > 0:
                return n
            named = parameters_from_name(entry["id"].replace("\\", "/").rsplit("/", 1)[-1])
            if named:
                return named
        name = self.model or (entry["id"] if entry else "")
        if not name:
            return None
        try:
            shown = self._json("POST", "/api/show", {"model": name})  # Ollama; others answer 404
        except ModelError as exc:
            log.info("tier of %s: size unknown (%s); taken as capable", self.name, exc)
            return None
        if isinstance(shown, dict):
            info = shown.get("model_info")
            n = info.get("general.parameter_count") if isinstance(info, dict) else None
            if isinstance(n, int) and n > 0:
                return n
            details = shown.get("details")
            size = details.get("parameter_size") if isinstance(details, dict) else None
            return parameters_from_name(size if isinstance(size, str) else None)
        return None

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int = 512,
        temperature: float = 0.2,
        stop: Sequence[str] = (),
        cancel: Cancel | None = None,
        json_schema: dict[str, Any] | None = None,
    ) -> Iterator[str]:
        body: dict[str, Any] = {
            "model": self.model or "default",
            "messages": chat_messages(messages),
            "stream": True,
            "max_tokens": max_tokens,
            "temperature": temperature,
        }
        if stop:
            body["stop"] = list(stop)[:4]  # the OpenAI API takes at most four
        if json_schema is not None:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "output", "schema": json_schema, "strict": True},
            }
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
                raise ModelError(
                    f"Reverie cannot reach the model server at {self.base_url} ({_why(exc)}); is it running?"
                ) from exc
            except TimeoutError as exc:
                raise ModelError(
                    f"The model server at {self.base_url} did not answer within {self.timeout:g} seconds."
                ) from exc
            except OSError as exc:
                if cancel is not None and cancel.is_set():
                    return
                raise ModelError(f"The connection to the model server at {self.base_url} failed: {_why(exc)}.") from exc
            if resp.status != 200:
                raise ModelError(
                    f"The model server at {self.base_url} refused the request "
                    f"(HTTP {resp.status}: {_server_message(resp)})."
                )
            yield from self._events(resp, cancel)
        finally:
            done.set()
            with contextlib.suppress(Exception):
                conn.close()
            if watcher is not None:
                watcher.join(timeout=1.0)

    def _events(self, resp: http.client.HTTPResponse, cancel: Cancel | None) -> Iterator[str]:
        try:
            while True:
                if cancel is not None and cancel.is_set():
                    return
                raw = resp.readline()
                if not raw:  # closed without "data: [DONE]": the server gave up mid-answer
                    if cancel is not None and cancel.is_set():
                        return
                    raise ModelError(
                        f"The model server at {self.base_url} closed the stream before the answer "
                        "was finished; its log may say why (for example, a prompt longer than its "
                        "context)."
                    )
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
            raise ModelError(
                f"The model server at {self.base_url} stopped answering for {self.timeout:g} seconds."
            ) from exc
        except (OSError, http.client.HTTPException) as exc:
            if cancel is not None and cancel.is_set():
                return
            raise ModelError(f"The connection to the model server at {self.base_url} broke: {_why(exc)}.") from exc


def _watch_cancel(conn: http.client.HTTPConnection, cancel: Cancel, done: threading.Event) -> threading.Thread:
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
