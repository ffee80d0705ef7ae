"""``AppServices``: what the feature pages need beyond their widgets. The session (the open vault,
its two lanes and the ``changed`` signal), the retriever, the chat model, the one companion of the
open vault, and the background embedding worker with the search model the settings choose (saved
settings that choose another one swap it: the indexer then embeds the vault again, in the
background, while search works by words and by the vectors the new model has made so far). Built once by the composition root
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
from reverie.models.registry import embedder_key, embedder_label

log = logging.getLogger(__name__)


class IndexerEvents(QObject):
    """The embedding worker's progress as signals, for any page to follow. The worker emits them
    from its own thread; Qt queues them to receivers that live in the window's thread."""

    started = Signal(str)  # a run begins, with its name (emitted just before its first progress)
    progress = Signal(int, int)  # vectors written so far, of how many
    idle = Signal(int)  # a run ended, with how many it embedded
    error = Signal(str)  # a run failed, or the search model could not be built: one sentence


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
        self._injected_embedder = embedder  # a test's embedder survives a change of settings
        self._use_embedder = use_embedder
        self._wants_embedder = use_embedder
        self._embedder_key: tuple[str, ...] | None = None  # the settings the embedder was built from
        self.embedder_problem: str | None = None  # why there is no embedder, or why the last run failed
        self._generation = 0  # counts stops: a swap that finishes after a stop starts nothing
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
            if self.session.vault is not None:
                self.session.db.submit(self.embedder_changed, self.session.vault)

    # -- search (database lane) -------------------------------------------------------------
    def searcher(self, vault: Vault) -> Retriever:
        with self._lock:
            found = self._searchers.get(id(vault))
            if found is None:
                found = Retriever(vault, self.embedder(vault))
                self._searchers[id(vault)] = found
            return found

    @staticmethod
    def filters(
        kinds: tuple[str, ...] = (), since: float | None = None, until: float | None = None, archived: str = "exclude"
    ) -> SearchFilters:
        return SearchFilters(kinds=kinds, since=since, until=until, archived=archived)

    def embedder(self, vault: Vault | None = None) -> Embedder | None:
        """The search model ``vault``'s settings choose, or None: then search works by words alone
        (tests, a missing model, an incomplete choice: ``embedder_problem`` says why)."""
        if self._embedder is None and self._use_embedder:
            settings = load_settings(vault) if vault is not None else Settings()
            try:
                self._embedder = context.build_embedder(settings)
                self._embedder_key = embedder_key(settings)
                self.embedder_problem = None
            except Exception as exc:  # noqa: BLE001 - search still works by words; the reason is shown
                log.warning("no embedder, searching by words only: %s", exc)
                self._use_embedder = False
                self._embedder_key = embedder_key(settings)
                self.embedder_problem = f"Search works by words only: {exc}"
                self.indexing.error.emit(self.embedder_problem)
        return self._embedder

    @property
    def embedder_in_use(self) -> Embedder | None:
        """The embedder search and the indexer use now, without building one."""
        return self._embedder

    def embedder_changed(self, vault: Vault) -> None:
        """Settings were saved (call on the database lane): if they choose another search model, use
        it for search at once and embed the vault again with it, in the background. The old worker
        finishes its batch before the new one starts (so no vector of the old model lands after)."""
        if self._injected_embedder is not None or not self._wants_embedder:
            return
        settings = load_settings(vault)
        if self._embedder is not None and embedder_key(settings) == self._embedder_key:
            return  # the same choice (a choice that failed to build is tried again)
        old, self.indexer = self.indexer, None
        self._embedder, self._use_embedder, self._embedder_key = None, True, None
        new = self.embedder(vault)
        with self._lock:
            for retriever in self._searchers.values():
                retriever.embedder = new

        generation = self._generation

        def restart() -> None:
            if old is not None:
                old.stop()
            if generation == self._generation:
                self.start_indexing(vault)

        threading.Thread(target=restart, name="reverie-embedder-swap", daemon=True).start()

    # -- background embedding -------------------------------------------------------------------
    def start_indexing(self, vault: Vault) -> None:
        """Start the embedding worker (a plain thread) once the vault is open."""
        if self.indexer is not None:
            return
        embedder = self.embedder(vault)
        if embedder is None:
            return

        def progress(done: int, total: int) -> None:
            if done == 0:  # a run begins (on the worker's thread): its name travels with it
                self.indexing.started.emit(indexing_name(vault, embedder.model_id))
            self.indexing.progress.emit(done, total)

        indexer = EmbeddingWorker(
            vault,
            embedder,
            batch_size=self.batch_size,
            progress=progress,
            on_idle=self._indexer_idle,
            on_error=self._indexer_failed,
        )
        indexer.start()
        self.indexer = indexer

    def _indexer_failed(self, exc: BaseException) -> None:
        log.warning("embedding stopped: %s", exc)
        self.embedder_problem = str(exc)
        self.indexing.error.emit(str(exc))

    def _indexer_idle(self, count: int) -> None:
        if self.indexer is not None and self.indexer.error is None:
            self.embedder_problem = None
        self.indexing.idle.emit(count)

    def notify_indexer(self) -> None:
        if self.indexer is not None:
            self.indexer.notify()

    def pause_indexing(self) -> None:
        """Cancel the current embedding run; the rest is embedded when new memories arrive."""
        if self.indexer is not None:
            self.indexer.cancel_run()

    def stop(self) -> None:
        """Stop the background work (the worker finishes its batch: each batch is one transaction)."""
        self._generation += 1
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


def indexing_name(vault: Vault, model_id: str) -> str:
    """What the status bar calls the indexer's run: "Re-embedding for nomic-embed-text" when the
    vault holds vectors of another model (the search model was changed), else plain indexing."""
    from reverie.core.embedding import vector_id

    tag = vector_id(model_id)
    with vault.read() as conn:
        other = conn.execute(  # two range lookups in the model_id index, not a scan
            "SELECT EXISTS(SELECT 1 FROM vectors WHERE model_id < ?) OR EXISTS(SELECT 1 FROM vectors WHERE model_id > ?)",
            (tag, tag),
        ).fetchone()[0]
    if not other:
        return "Indexing memories by meaning"
    return f"Re-embedding for {embedder_label(load_settings(vault))}"


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
