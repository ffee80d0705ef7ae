"""``AppServices``: what the feature pages need beyond their widgets. The session (the open vault,
its two lanes and the ``changed`` signal), the retriever, the chat model, the one companion of the
open vault, and the background embedding worker. Built once by the composition root
(``MainWindow``) and passed to every feature's ``install(shell, services)``; tests give it a fake
chat model and may turn the embedder off. The pieces come from ``app/context.py``.

The retriever is built and used on the database lane, the chat model and the companion on the
model lane, never on the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal

from reverie.app import context
from reverie.app.ui.changes import OpChanges
from reverie.app.ui.session import Session
from reverie.core.answer import Companion
from reverie.core.embedding import EmbeddingWorker
from reverie.core.protocols import ChatModel, Embedder
from reverie.core.retrieval import Retriever, SearchFilters
from reverie.core.settings import Settings, load_settings
from reverie.core.vault import Vault

log = logging.getLogger(__name__)


class IndexerEvents(QObject):
    """The embedding worker's progress as signals, for any page to follow. The worker emits them
    from its own thread; Qt queues them to receivers that live in the window's thread."""

    progress = Signal(int, int)  # vectors written so far, of how many
    idle = Signal(int)  # a run ended, with how many it embedded


class AppServices:
    """Built once per window. Indexing starts when the vault opens (on the database lane, so loading
    the embedder never blocks the window) and stops when the session closes; an operation that
    added memories wakes the indexer; saved settings that choose another model drop the companion."""

    def __init__(
        self,
        session: Session,
        *,
        chat_model: ChatModel | None = None,
        embedder: Embedder | None = None,
        use_embedder: bool = True,
        batch_size: int = 256,
    ) -> None:
        self.session = session
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
        self.indexing = IndexerEvents(session)
        session.vault_ready.connect(lambda vault: session.db.submit(self.start_indexing, vault))
        session.closing.connect(self.stop)
        session.changed.connect(self._changed)

    def _changed(self, changes: OpChanges) -> None:
        if changes.new_memories:
            self.notify_indexer()  # the new memories get their vectors
        if changes.settings:
            # They may choose another model or tier: the next answer builds its companion afresh
            # (on the model lane, after any answer that is running).
            self.session.model.submit(self.chat_model_changed)

    # -- search (database lane) -------------------------------------------------------------
    def searcher(self, vault: Vault) -> Retriever:
        with self._lock:
            found = self._searchers.get(id(vault))
            if found is None:
                found = Retriever(vault, self.embedder())
                self._searchers[id(vault)] = found
            return found

    @staticmethod
    def filters(
        kinds: tuple[str, ...] = (), since: float | None = None, until: float | None = None, archived: str = "exclude"
    ) -> SearchFilters:
        return SearchFilters(kinds=kinds, since=since, until=until, archived=archived)

    def embedder(self) -> Embedder | None:
        """The embedder, or None: then search works by words alone (tests, or a missing model)."""
        if self._embedder is None and self._use_embedder:
            try:
                self._embedder = context.build_embedder()
            except Exception as exc:  # noqa: BLE001 - search still works by words; the reason is logged
                log.warning("no embedder, searching by words only: %s", exc)
                self._use_embedder = False
        return self._embedder

    # -- background embedding -------------------------------------------------------------------
    def start_indexing(self, vault: Vault) -> None:
        """Start the embedding worker (a plain thread) once the vault is open."""
        if self.indexer is not None:
            return
        embedder = self.embedder()
        if embedder is None:
            return
        indexer = EmbeddingWorker(
            vault,
            embedder,
            batch_size=self.batch_size,
            progress=self.indexing.progress.emit,
            on_idle=self.indexing.idle.emit,
            on_error=lambda exc: log.warning("embedding stopped: %s", exc),
        )
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
    def chat_model(self, vault: Vault) -> ChatModel:
        if self._chat_model is None:
            settings = load_settings(vault)
            self._chat_model = context.build_chat_model(settings)
            self._model_key = model_key(settings)
        return self._chat_model

    def companion(self, vault: Vault) -> Companion:
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
        if (
            self._model_key is not None
            and vaults
            and all(model_key(load_settings(v)) == self._model_key for v in vaults)
        ):
            return
        self._model_key = None
        with self._lock:
            self._companions.clear()
            model, self._chat_model = self._chat_model, (self._injected_chat_model or None)
        unload = getattr(model, "unload", None)
        if model is not None and model is not self._injected_chat_model and callable(unload):
            unload()


def model_key(settings: Settings) -> tuple[Any, ...]:
    """The settings a chat model and its companion are built from."""
    return (
        settings.chat_model_kind,
        settings.chat_model_path,
        settings.server_url,
        settings.server_model,
        settings.context_size,
        settings.threads,
        settings.chat_tier,
    )
