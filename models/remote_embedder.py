"""An embedding model on a server, over HTTP with the standard library only: Ollama's
``POST /api/embed`` or any OpenAI-compatible ``POST /v1/embeddings`` (llama-server, vLLM, LM
Studio, Ollama's own /v1).

- Ollama: ``{"model": m, "input": [...]}`` -> ``{"embeddings": [[...], ...]}``.
- OpenAI: ``{"model": m, "input": [...]}`` -> ``{"data": [{"embedding": [...], "index": i}, ...]}``.

Texts go in batches (``batch_size`` a request); connection and read timeouts are bounded. The
model's dimension is not configured: it is what the first answer holds, and an answer of another
dimension later (the server now runs another model under that name) is refused. Every answer is
checked (one vector per text, all of one length, finite numbers) before anything is returned, and
rows come back of unit length. A refused connection, a timeout, an HTTP error or a malformed
answer each become one sentence (``ModelError``), like the chat server adapter
(``models.openai_chat``). After the server could not be reached, requests fail at once with the
same sentence for ``retry_after`` seconds, so a search typed while the server is down never waits
on a timeout per keystroke.

The model id (what vectors are tagged with) is ``{api}:{model}@{address}``, for example
``ollama:nomic-embed-text@http://127.0.0.1:11434``: the protocol, the model name and the server's
normalised address (scheme and host in lower case, the port always written, no trailing ``/v1``).
An API key, when one is needed, is given by the caller (read from the environment; never stored).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal
from urllib.parse import urlsplit

import numpy as np

from reverie.core.errors import ModelError

EmbedApi = Literal["ollama", "openai"]
APIS: tuple[EmbedApi, ...] = ("ollama", "openai")
DEFAULT_URL = "http://127.0.0.1:11434"
MAX_ANSWER = 256 * 1024 * 1024  # bytes read from one answer at most


def normalise_url(base_url: str) -> tuple[str, str, str, int, str]:
    """(normalised address, scheme, host, port, path root without /v1) of a server address;
    ``ModelError`` when it is not one."""
    url = (base_url or "").strip().rstrip("/")
    parts = urlsplit(url if "://" in url else f"http://{url}")
    try:
        port = parts.port
    except ValueError:
        port = -1
    scheme = (parts.scheme or "").lower()
    if scheme not in ("http", "https") or not parts.hostname or port == -1:
        raise ModelError(f"{base_url!r} is not a server address; use one like {DEFAULT_URL}.")
    host = parts.hostname.lower()
    port = port or (443 if scheme == "https" else 80)
    root = parts.path.rstrip("/")
    root = root[:-3] if root.endswith("/v1") else root
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}:{port}{root}", scheme, host, port, root


def server_model_id(api: str, model: str, base_url: str) -> str:
    """The id vectors of ``model`` on the server at ``base_url`` are tagged with."""
    return f"{api}:{model.strip()}@{normalise_url(base_url)[0]}"


class RemoteEmbedder:
    """An ``Embedder`` that asks an embedding server (Ollama or OpenAI-compatible)."""

    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        model: str = "",
        *,
        api: EmbedApi = "ollama",
        api_key: str | None = None,
        batch_size: int = 32,
        timeout: float = 60.0,
        connect_timeout: float = 5.0,
        retry_after: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if api not in APIS:
            raise ModelError(f"Reverie does not know the embedding protocol {api!r}; choose ollama or openai.")
        if not model.strip():
            raise ModelError("No embedding model name is set; enter the name the server knows (e.g. nomic-embed-text).")
        self.base_url, self._scheme, self._host, self._port, self._root = normalise_url(base_url)
        self.api: EmbedApi = api
        self.model = model.strip()
        self._api_key = api_key or None
        self.batch_size = max(1, int(batch_size))
        self.timeout = float(timeout)
        self.connect_timeout = float(connect_timeout)
        self.retry_after = float(retry_after)
        self._clock = clock
        self._dim: int | None = None
        self._down: tuple[float, str] | None = None  # (until when, the sentence) after a failed connection
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return f"{self.api}:{self.model}@{self.base_url}"

    @property
    def name(self) -> str:
        return f"{self.model} at {self.base_url}"

    @property
    def path(self) -> str:
        return self._root + ("/api/embed" if self.api == "ollama" else "/v1/embeddings")

    @property
    def known_dim(self) -> int | None:
        """The dimension if an answer has told it already (no request)."""
        return self._dim

    @property
    def dim(self) -> int:
        """The model's dimension, from its first answer (one short request the first time: call it
        off the GUI thread)."""
        if self._dim is None:
            self.embed(["dimension"])
        assert self._dim is not None
        return self._dim

    def retry_now(self) -> None:
        """Forget that the server could not be reached: the next request tries it (the user's Test)."""
        self._down = None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``: shape (len(texts), dim), float32, rows of unit length."""
        if len(texts) == 0:
            return np.zeros((0, self._dim or 0), dtype=np.float32)
        parts = [self._embed_batch(list(texts[i : i + self.batch_size])) for i in range(0, len(texts), self.batch_size)]
        return np.ascontiguousarray(np.concatenate(parts, axis=0), dtype=np.float32)

    # -- one request -------------------------------------------------------------------------
    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        down = self._down
        if down is not None:
            if self._clock() < down[0]:
                raise ModelError(down[1])
            self._down = None
        data = self._post({"model": self.model, "input": texts})
        rows = self._rows(data, len(texts))
        with self._lock:
            arr = self._checked(rows, len(texts))
        norms = np.linalg.norm(arr, axis=1, keepdims=True)
        return arr / np.maximum(norms, 1e-12)

    def _post(self, body: dict[str, Any]) -> Any:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
        conn = cls(self._host, self._port, timeout=self.connect_timeout)
        where = f"the embedding server at {self.base_url}"
        try:
            try:
                conn.connect()
            except TimeoutError as exc:
                raise self._unreachable(
                    f"The embedding server at {self.base_url} did not answer within {self.connect_timeout:g} seconds; "
                    "is it running? Search works by words meanwhile."
                ) from exc
            except OSError as exc:
                raise self._unreachable(
                    f"Reverie cannot reach {where} ({_why(exc)}); is it running? Search works by words meanwhile."
                ) from exc
            if conn.sock is not None:
                conn.sock.settimeout(self.timeout)
            conn.request("POST", self.path, body=json.dumps(body).encode("utf-8"), headers=headers)
            resp = conn.getresponse()
            if resp.status != 200:
                hint = ""
                if resp.status in (401, 403):
                    hint = " (is the API key right?)"
                elif resp.status == 404:
                    hint = f" (does it know the model {self.model!r}, and does it speak the {self.api} protocol?)"
                raise ModelError(
                    f"The embedding server at {self.base_url} refused the request with HTTP {resp.status}"
                    f"{hint}: {_server_message(resp)}."
                )
            raw = resp.read(MAX_ANSWER)
        except TimeoutError as exc:
            raise self._unreachable(
                f"The embedding server at {self.base_url} did not answer within {self.timeout:g} seconds."
            ) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise self._unreachable(f"The connection to {where} failed: {_why(exc)}.") from exc
        finally:
            with contextlib.suppress(Exception):
                conn.close()
        try:
            return json.loads(raw.decode("utf-8", errors="replace"))
        except ValueError as exc:
            raise ModelError(
                f"The embedding server at {self.base_url} did not answer with JSON; "
                f"does it speak the {self.api} protocol at {self.path}?"
            ) from exc

    def _unreachable(self, sentence: str) -> ModelError:
        if self.retry_after > 0:
            self._down = (self._clock() + self.retry_after, sentence)
        return ModelError(sentence)

    def _rows(self, data: Any, n: int) -> list[Any]:
        """The vectors of an answer, in the order of the texts."""
        bad = ModelError(
            f"The embedding server at {self.base_url} did not answer like an {self.api} embedding server "
            f"(expected {'embeddings' if self.api == 'ollama' else 'data'} with {n} vectors); no vectors were saved."
        )
        if isinstance(data, dict) and data.get("error"):
            err = data["error"]
            text = err.get("message") if isinstance(err, dict) else err
            raise ModelError(f"The embedding server at {self.base_url} failed: {str(text)[:300]}.")
        if not isinstance(data, dict):
            raise bad
        if self.api == "ollama":
            rows = data.get("embeddings")
            if not isinstance(rows, list):
                raise bad
            return rows
        items = data.get("data")
        if not isinstance(items, list) or not all(isinstance(i, dict) and "embedding" in i for i in items):
            raise bad
        order = [i.get("index", k) for k, i in enumerate(items)]
        if sorted(order) != list(range(len(items))):
            raise bad
        out: list[Any] = [None] * len(items)
        for k, item in zip(order, items, strict=True):
            out[k] = item["embedding"]
        return out

    def _checked(self, rows: list[Any], n: int) -> np.ndarray:
        lengths = {len(r) if isinstance(r, list) else -1 for r in rows}
        if len(rows) != n or len(lengths) != 1 or min(lengths) < 1:
            raise ModelError(
                f"The embedding server at {self.base_url} sent {len(rows)} vectors of lengths "
                f"{sorted(lengths)[:3]} for {n} texts; no vectors were saved."
            )
        try:
            arr = np.asarray(rows, dtype=np.float32)
        except (TypeError, ValueError) as exc:
            raise ModelError(
                f"The embedding server at {self.base_url} sent vectors that are not numbers; no vectors were saved."
            ) from exc
        if not np.all(np.isfinite(arr)) or np.any(~np.any(arr != 0, axis=1)):
            raise ModelError(
                f"The embedding server at {self.base_url} sent vectors with invalid numbers (NaN, infinite or all "
                "zero); no vectors were saved."
            )
        dim = int(arr.shape[1])
        if self._dim is None:
            self._dim = dim
        elif dim != self._dim:
            raise ModelError(
                f"The embedding server at {self.base_url} now answers with {dim}-dimensional vectors instead of "
                f"{self._dim} (another model under the name {self.model!r}?); no vectors were saved. "
                "Restart Reverie to embed the vault again with it."
            )
        return arr


def _why(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _server_message(resp: http.client.HTTPResponse) -> str:
    """What an HTTP error answer says, in at most 300 characters."""
    try:
        raw = resp.read(4096).decode("utf-8", errors="replace")
    except (OSError, http.client.HTTPException):
        return resp.reason or "no details"
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if isinstance(data, dict) and data.get("error"):
        err = data["error"]
        return str(err.get("message") or err if isinstance(err, dict) else err)[:300]
    return raw.strip()[:300] or resp.reason or "no details"


def describe(api: str, model: str, base_url: str) -> str:
    """A short label of a server model for the window and the CLI."""
    try:
        where = normalise_url(base_url)[0]
    except ModelError:
        where = base_url
    return f"{model or '(no model)'} ({'Ollama' if api == 'ollama' else 'OpenAI-compatible'} server at {where})"
