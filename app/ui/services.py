"""What the Chat, Notes and Search screens need beyond the vault: a searcher, a chat model, a
companion that answers, and the background embedding worker. Built once per session from the
composition root (``app/context.py``); tests inject a fake chat model.

Everything here is constructed and used on the lanes, never on the GUI thread: the searcher on the
database lane, the chat model and the companion on the model lane.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from reverie.core.errors import ModelError

log = logging.getLogger(__name__)


def _retrieval() -> Any:
    try:
        from reverie.core import retrieval
    except ImportError:
        return None
    return retrieval


class Services:
    def __init__(self, *, chat_model: Any = None, embedder: Any = None, use_embedder: bool = True) -> None:
        self._chat_model = chat_model
        self._embedder = embedder
        self._use_embedder = use_embedder
        self._searchers: dict[int, Any] = {}
        self._lock = threading.Lock()
        self.indexer: Any = None
        self.on_progress: Any = None  # called (from the worker thread) with the indexer's progress

    # -- search (database lane) -------------------------------------------------------------
    def searcher(self, vault: Any) -> Any:
        with self._lock:
            found = self._searchers.get(id(vault))
            if found is None:
                found = self._build_searcher(vault)
                self._searchers[id(vault)] = found
            return found

    def _build_searcher(self, vault: Any) -> Any:
        retrieval = _retrieval()
        if retrieval is None:
            from reverie.app.ui.search.words import WordSearcher

            return WordSearcher(vault)
        if not self._use_embedder:  # words only (tests, or no embedder on this machine)
            return retrieval.Retriever(vault, embedder=None)
        try:
            from reverie.app.context import build_retriever  # type: ignore[attr-defined]
        except ImportError:
            return retrieval.Retriever(vault, embedder=self.embedder())
        return build_retriever(vault)

    def filters(self, kinds: tuple[str, ...] = (), since: float | None = None, until: float | None = None,
                archived: str = "exclude") -> Any:
        retrieval = _retrieval()
        if retrieval is None:
            from reverie.app.ui.search.words import WordFilters

            return WordFilters(kinds, since, until, archived)
        return retrieval.SearchFilters(kinds=kinds, since=since, until=until, archived=archived)

    def embedder(self) -> Any:
        if self._embedder is None and self._use_embedder:
            try:
                from reverie.app.context import build_embedder  # type: ignore[attr-defined]
            except ImportError:
                return None
            try:
                self._embedder = build_embedder()
            except Exception as exc:  # noqa: BLE001 - search still works by words
                log.warning("no embedder, searching by words only: %s", exc)
                self._use_embedder = False
        return self._embedder

    # -- background embedding -------------------------------------------------------------------
    def start_indexing(self, vault: Any) -> None:
        """Start the embedding worker (a plain thread) if the embedder and the worker exist."""
        if self.indexer is not None or not self._use_embedder:
            return
        try:
            from reverie.core.embedding import EmbeddingWorker  # type: ignore[import-not-found]
        except ImportError:
            return
        embedder = self.embedder()
        if embedder is None:
            return
        try:
            try:
                indexer = EmbeddingWorker(vault, embedder, progress=self.on_progress)
            except TypeError:
                indexer = EmbeddingWorker(vault, embedder)
            indexer.start()
        except Exception as exc:  # noqa: BLE001 - search still works by words; the reason is logged
            log.warning("the embedding worker did not start, searching by words only: %s", exc)
            return
        self.indexer = indexer

    def notify_indexer(self) -> None:
        if self.indexer is not None:
            self.indexer.notify()

    def stop(self) -> None:
        """Stop the background work (the worker finishes its batch: each batch is one transaction)."""
        if self.indexer is not None:
            self.indexer.stop()
            self.indexer = None

    # -- chat (model lane) -----------------------------------------------------------------------
    def chat_model(self, vault: Any) -> Any:
        if self._chat_model is None:
            try:
                from reverie.app.context import build_chat_model  # type: ignore[attr-defined]
            except ImportError as exc:
                raise ModelError("No chat model is set up in this version of Reverie; notes and search still work.") from exc
            from reverie.core.settings import load_settings

            self._chat_model = build_chat_model(load_settings(vault))
        return self._chat_model

    def companion(self, vault: Any) -> Any:
        model = self.chat_model(vault)
        try:
            from reverie.core.answer import Companion  # type: ignore[import-not-found]
        except ImportError:
            from reverie.app.ui.chat.answering import BasicCompanion

            return BasicCompanion(vault, model, self.searcher(vault), vault.clock)
        return Companion(vault, model, self.searcher(vault), vault.clock)


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
    return services
