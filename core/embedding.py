"""Background embedding: every memory gets a vector from the current embedder, in batches.

A memory is searchable by its words the moment it is written; its vector lands here, later,
tagged with the embedder's model id. ``embed_pending`` is resumable (it embeds whatever lacks a
vector of the current model, so a switch of embedder re-embeds everything and an interrupted run
just continues) and never holds the vault lock while the model runs: it reads a window of up to
``READ_AHEAD`` pending memories, lets go, and embeds them longest first in batches (similar
lengths pad little), writing each batch in one short transaction and skipping memories whose
text changed meanwhile. ``EmbeddingWorker`` runs it on a plain thread (no Qt) whenever it is notified.

The embedder may be the built-in model, a model folder or a server (``models.registry``); its
``model_id`` names it (``docs/decisions.md``, "Choosing the embedder"). A server's dimension is
what it answers: vectors stored under the same id with another dimension (the server now runs
another model under that name) can never be searched with the new ones, so ``embed_pending``
drops them and embeds those memories again; a search scans one model and one dimension only
(``core.vectorindex``).

A chat turn is embedded together with the turn before it (``core.turn_context``): vectors are
therefore tagged ``vector_id(model_id)``, the embedder's id plus the context window, so that a
vault embedded before (or with another window) is re-embedded rather than mixed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from reverie.core import turn_context
from reverie.core.errors import ModelError
from reverie.core.protocols import Embedder
from reverie.core.vault import Vault
from reverie.core.vectorindex import LOG_KEEP, prune_changes

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]

_PENDING = "FROM memories m WHERE NOT EXISTS (SELECT 1 FROM vectors v WHERE v.memory_id = m.id AND v.model_id = ?)"


WINDOW = turn_context.DEFAULT_WINDOW


def vector_id(model_id: str, window: int = WINDOW) -> str:
    """The id stored with the vectors ``model_id`` makes when each turn is embedded with the
    ``window`` turns before it."""
    return f"{model_id}+turns{window}" if window > 0 else model_id


def pending_count(vault: Vault, model_id: str) -> int:
    """How many memories have no vector tagged ``model_id`` (a ``vector_id``) yet (two index counts: a vector always
    belongs to a memory, so this is exact without visiting every memory)."""
    with vault.read() as conn:
        return int(
            conn.execute(
                "SELECT (SELECT count(*) FROM memories) - (SELECT count(*) FROM vectors WHERE model_id = ?)",
                (model_id,),
            ).fetchone()[0]
        )


def drop_other_dims(vault: Vault, model_id: str, dim: int) -> int:
    """Delete the vectors tagged ``model_id`` whose dimension is not ``dim`` (unsearchable next to
    the model's present vectors); returns how many. One row is read when there are none (the
    vectors of one tag always share one dimension, since every write goes through here first)."""
    with vault.read() as conn:
        row = conn.execute("SELECT dim FROM vectors WHERE model_id = ? LIMIT 1", (model_id,)).fetchone()
    if row is None or int(row[0]) == dim:
        return 0
    with vault.tx() as conn:
        cur = conn.execute("DELETE FROM vectors WHERE model_id = ? AND dim != ?", (model_id, dim))
        gone = int(cur.rowcount or 0)
    log.info("dropped %d vectors of %s with another dimension than %d", gone, model_id, dim)
    return gone


def _check(vecs: Any, n: int, dim: int, model_id: str) -> np.ndarray:
    arr = np.asarray(vecs, dtype=np.float32)
    if arr.shape != (n, dim) or not np.all(np.isfinite(arr)):
        raise ModelError(
            f"The embedder {model_id} returned vectors of shape {arr.shape} (expected ({n}, {dim})) "
            "or with invalid numbers; no vectors were saved."
        )
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    return arr / np.maximum(norms, 1e-12)


READ_AHEAD = 2048  # memories read at once, then embedded longest first in batches of ``batch_size``


def _cancelled(cancel: Any) -> bool:
    return cancel is not None and bool(cancel.is_set())


def by_length(ids: list[int], inputs: Mapping[int, str], size: int) -> list[list[int]]:
    """``ids`` in batches of ``size``, longest inputs first: texts of similar length share a batch,
    so the model pads them little (what ``SentenceTransformer.encode`` does inside one call, done
    here across a window of many batches). Each batch keeps the ids' order."""
    place = {mid: n for n, mid in enumerate(ids)}
    order = sorted(ids, key=lambda i: len(inputs[i]), reverse=True)
    return [sorted(order[i : i + size], key=place.__getitem__) for i in range(0, len(order), size)]


def _embed_and_write(
    vault: Vault, embedder: Embedder, ids: list[int], inputs: Mapping[int, str], model_id: str, *, dim: int, window: int
) -> int:
    """Embed the inputs of ``ids`` and write their vectors in one transaction, skipping memories
    whose input changed since it was read; returns how many were embedded."""
    vecs = _check(embedder.embed([inputs[i] for i in ids]), len(ids), dim, model_id)
    blobs = vecs.astype("<f2")
    with vault.tx() as conn:
        # Only inputs unchanged since they were read (the turn and the turns before it).
        current = turn_context.inputs_for(conn, ids, window)
        params = [
            (mid, model_id, dim, blobs[i].tobytes()) for i, mid in enumerate(ids) if current.get(mid) == inputs[mid]
        ]
        conn.executemany(
            "INSERT INTO vectors(memory_id, model_id, dim, vec) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(memory_id) DO UPDATE SET model_id = excluded.model_id, dim = excluded.dim, "
            "vec = excluded.vec",
            params,
        )
    return len(ids)


def embed_pending(
    vault: Vault,
    embedder: Embedder,
    *,
    batch_size: int = 64,
    limit: int | None = None,
    progress: Progress | None = None,
    cancel: Any = None,
    window: int = WINDOW,
) -> int:
    """Embed every memory lacking a vector tagged ``vector_id(embedder.model_id, window)``
    (vectors of other models are replaced); returns how many vectors were written. Stops early
    on ``cancel``."""
    model_id, dim = vector_id(embedder.model_id, window), int(embedder.dim)
    batch_size = max(1, int(batch_size))
    drop_other_dims(vault, model_id, dim)
    total = pending_count(vault, model_id)
    if limit is not None:
        total = min(total, limit)
    done = 0
    with vault.read() as conn:
        # New memories come after the newest embedded one: look there first, then (for edited or
        # re-embedded ones) from the start.
        hint = int(
            conn.execute("SELECT coalesce(max(memory_id), 0) FROM vectors WHERE model_id = ?", (model_id,)).fetchone()[
                0
            ]
        )
    last_id = hint
    if progress:
        progress(0, total)
    while done < total and not _cancelled(cancel):
        take = min(max(batch_size, READ_AHEAD), total - done)
        with vault.read() as conn:
            rows = conn.execute(
                f"SELECT m.id {_PENDING} AND m.id > ? ORDER BY m.id LIMIT ?",
                (model_id, last_id, take),
            ).fetchall()
            inputs = turn_context.inputs_for(conn, [r[0] for r in rows], window)
        if not rows:
            if last_id and hint:
                last_id = hint = 0
                continue
            break
        last_id = int(rows[-1][0])
        for chunk in by_length([int(r[0]) for r in rows if r[0] in inputs], inputs, batch_size):
            if _cancelled(cancel):
                break
            done += _embed_and_write(vault, embedder, chunk, inputs, model_id, dim=dim, window=window)
            if progress:
                progress(done, total)
    if done:
        with vault.tx() as conn:
            prune_changes(conn, LOG_KEEP)
    return done


class _Either:
    """Set when either event is set (what ``embed_pending`` checks between batches)."""

    def __init__(self, a: threading.Event, b: threading.Event) -> None:
        self.a, self.b = a, b

    def is_set(self) -> bool:
        return self.a.is_set() or self.b.is_set()


class EmbeddingWorker:
    """Embeds pending memories on a background thread whenever ``notify()`` is called.

    ``progress(done, total)`` is called from the worker thread after each batch (the GUI
    forwards it through a signal); ``on_error(exc)`` when a run fails (the worker then waits
    for the next ``notify()``). Plain threading, no Qt.
    """

    def __init__(
        self,
        vault: Vault,
        embedder: Embedder,
        *,
        batch_size: int = 256,  # large windows let the model sort by length: ~raw throughput
        progress: Progress | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_idle: Callable[[int], None] | None = None,
    ) -> None:
        self.vault = vault
        self.embedder = embedder
        self.batch_size = batch_size
        self.progress = progress
        self.on_error = on_error
        self.on_idle = on_idle
        self.error: BaseException | None = None
        self.embedded = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._pause = threading.Event()  # cancels the current run only
        self._idle = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> EmbeddingWorker:
        if self._thread is None:
            self._wake.set()  # catch up on whatever is pending
            self._thread = threading.Thread(target=self._run, name="reverie-embedder", daemon=True)
            self._thread.start()
        return self

    def notify(self) -> None:
        """New memories were written: embed them soon."""
        self._idle.clear()
        self._wake.set()

    def cancel_run(self) -> None:
        """Stop the current run after its batch; the worker waits for the next ``notify()``
        (what is left stays pending, and is picked up then)."""
        self._pause.set()

    def stop(self, timeout: float | None = None) -> None:
        """Stop after the current batch (nothing half-written is kept)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until everything notified so far is embedded (or a run failed)."""
        return self._idle.wait(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            if self._stop.is_set():
                break
            self._wake.clear()
            self._pause.clear()
            try:
                n = embed_pending(
                    self.vault,
                    self.embedder,
                    batch_size=self.batch_size,
                    progress=self.progress,
                    cancel=_Either(self._stop, self._pause),
                )
                self.embedded += n
                self.error = None
            except Exception as exc:  # noqa: BLE001 - reported through on_error, the thread lives on
                log.warning("embedding failed: %s", exc)
                self.error = exc
                if self.on_error:
                    self.on_error(exc)
                n = 0
            if not self._wake.is_set():
                self._idle.set()
                if self.on_idle:
                    self.on_idle(n)
