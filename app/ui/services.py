"""What the Chat, Notes and Search screens need beyond the vault: the retriever, the chat model,
the companion that answers, and the background embedding worker. Built once per session from the
composition root (``app/context.py``); tests inject a fake chat model and may turn the embedder off.

Everything here is constructed and used on the lanes, never on the GUI thread: the retriever on the
database lane, the chat model and the companion on the model lane.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from reverie.app import context
from reverie.core.answer import Companion
from reverie.core.embedding import EmbeddingWorker
from reverie.core.retrieval import Retriever, SearchFilters
from reverie.core.settings import load_settings

log = logging.getLogger(__name__)


class Services:
    def __init__(self, *, chat_model: Any = None, embedder: Any = None, use_embedder: bool = True,
                 batch_size: int = 256) -> None:
        self._chat_model = chat_model
        self._injected_chat_model = chat_model  # a test's model survives a change of settings
        self._companions: dict[int, Companion] = {}
        self._model_key: tuple[Any, ...] | None = None  # the settings the loaded model was built from
        self.batch_size = batch_size
        self._embedder = embedder
        self._use_embedder = use_embedder
        self._searchers: dict[int, Retriever] = {}
        self._lock = threading.Lock()
        self.indexer: EmbeddingWorker | None = None
        self.on_progress: Any = None  # called (from the worker thread) with the indexer's progress
        self.on_idle: Any = None  # called (from the worker thread) when a run ends, with its count

    # -- search (database lane) -------------------------------------------------------------
    def searcher(self, vault: Any) -> Retriever:
        with self._lock:
            found = self._searchers.get(id(vault))
            if found is None:
                found = Retriever(vault, self.embedder())
                self._searchers[id(vault)] = found
            return found

    @staticmethod
    def filters(kinds: tuple[str, ...] = (), since: float | None = None, until: float | None = None,
                archived: str = "exclude") -> SearchFilters:
        return SearchFilters(kinds=kinds, since=since, until=until, archived=archived)

    def embedder(self) -> Any:
        """The embedder, or None: then search works by words alone (tests, or a missing model)."""
        if self._embedder is None and self._use_embedder:
            try:
                self._embedder = context.build_embedder()
            except Exception as exc:  # noqa: BLE001 - search still works by words; the reason is logged
                log.warning("no embedder, searching by words only: %s", exc)
                self._use_embedder = False
        return self._embedder

    # -- background embedding -------------------------------------------------------------------
    def start_indexing(self, vault: Any) -> None:
        """Start the embedding worker (a plain thread) once the vault is open."""
        if self.indexer is not None:
            return
        embedder = self.embedder()
        if embedder is None:
            return
        indexer = EmbeddingWorker(vault, embedder, batch_size=self.batch_size, progress=self.on_progress,
                                  on_idle=self.on_idle,
                                  on_error=lambda exc: log.warning("embedding stopped: %s", exc))
        indexer.start()
        self.indexer = indexer

    def notify_indexer(self) -> None:
        if self.indexer is not None:
            self.indexer.notify()

    def pause_indexing(self) -> None:
        """Cancel the current embedding run; the rest is embedded when new memories arrive."""
        if self.indexer is not None:
            self.indexer.cancel_run()

    def stop(self) -> None:
        """Stop the background work (the worker finishes its batch: each batch is one transaction)."""
        if self.indexer is not None:
            self.indexer.stop()
            self.indexer = None

    # -- chat (model lane) -----------------------------------------------------------------------
    def chat_model(self, vault: Any) -> Any:
        if self._chat_model is None:
            settings = load_settings(vault)
            self._chat_model = context.build_chat_model(settings)
            self._model_key = model_key(settings)
        return self._chat_model

    def companion(self, vault: Any) -> Companion:
        """The one companion of the open vault: built on first use and kept, so the next turn of a
        conversation continues the prompt the model has already evaluated (prefix reuse)."""
        with self._lock:
            found = self._companions.get(id(vault))
        if found is None or found.vault is not vault:
            found = context.build_companion(vault, model=self.chat_model(vault), memories=self.searcher(vault))
            with self._lock:
                self._companions[id(vault)] = found
        return found

    def chat_model_changed(self) -> None:
        """Settings were saved: if they chose another chat model or tier, the next answer builds a new
        companion (call it on the model lane, so no answer is running while it is dropped). Any other
        setting (the theme, the night's hour) keeps the loaded model and what it has evaluated."""
        with self._lock:
            vaults = [c.vault for c in self._companions.values()]
        if self._model_key is not None and vaults and all(
                model_key(load_settings(v)) == self._model_key for v in vaults):
            return
        self._model_key = None
        with self._lock:
            self._companions.clear()
            model, self._chat_model = self._chat_model, (self._injected_chat_model or None)
        unload = getattr(model, "unload", None)
        if model is not None and model is not self._injected_chat_model and callable(unload):
            unload()


def model_key(settings: Any) -> tuple[Any, ...]:
    """The settings a chat model and its companion are built from."""
    return (settings.chat_model_kind, settings.chat_model_path, settings.server_url, settings.server_model,
            settings.context_size, settings.threads, settings.chat_tier)


def services_for(session: Any) -> Services:
    """The session's services (created on first use)."""
    found = getattr(session, "ui_services", None)
    if found is None:
        found = attach(session, Services())
    return found


def attach(session: Any, services: Services) -> Services:
    """Give the session these services: indexing starts when the vault opens (on the database
    lane, so loading the embedder never blocks the window) and stops when the session closes."""
    session.ui_services = services
    session.vault_ready.connect(lambda vault: session.db.submit(services.start_indexing, vault))
    session.closing.connect(services.stop)
    # Saved settings may choose another model or tier: the next answer builds its companion afresh
    # (on the model lane, after any answer that is running).
    session.data_changed.connect(
        lambda what: session.model.submit(services.chat_model_changed) if what == "settings" else None)
    return services
