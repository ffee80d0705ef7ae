"""What the window works with: the open vault and the lanes that own it and the models."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, Signal

from reverie.app.ui.changes import OpChanges
from reverie.app.ui.lanes import Lane, OnDone, OnError
from reverie.core.paths import VaultPaths
from reverie.core.vault import Vault

log = logging.getLogger(__name__)


class Session(QObject):
    """Owns the open vault and the two lanes: the database lane (the window's reads and writes)
    and the model lane (answers; ``Companion.answer`` reads and records there too, through the
    vault's own lock). Two more threads write to the vault, each through that lock: the embedding
    worker (``AppServices``) and a nightly consolidation run (``Nightly``). The GUI thread touches it
    only at close, after the lanes have stopped (``at_close``)."""

    vault_ready = Signal(object)  # Vault
    changed = Signal(object)  # OpChanges: what an operation changed, for every page to read
    closing = Signal()  # emitted first in close(): stop generation and background work now

    def __init__(self, paths: VaultPaths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.db = Lane("db", self)
        self.model = Lane("model", self)
        self.vault: Vault | None = None
        self._at_close: list[Callable[[Vault], None]] = []

    @property
    def is_open(self) -> bool:
        """True while a vault is open (False before it opens, while it stays locked, after close)."""
        return self.vault is not None and not self.vault.closed

    def at_close(self, fn: Callable[[Vault], None]) -> None:
        """Run ``fn(vault)`` after the lanes have stopped and before the vault closes: the last
        writes of a closing window (an unsaved note), which queued lane work must not delay."""
        self._at_close.append(fn)

    def publish(self, changes: OpChanges) -> None:
        """Tell every page what an operation changed."""
        self.changed.emit(changes)

    def run_op(
        self,
        fn: Callable[..., Any],
        *args: Any,
        changes: OpChanges,
        on_done: OnDone = None,
        on_error: OnError = None,
        **kwargs: Any,
    ) -> Future[Any] | None:
        """Run a write on the database lane; when it succeeds, ``on_done(result)``, then publish ``changes``."""

        def done(result: Any) -> None:
            if on_done is not None:
                on_done(result)
            self.publish(changes)

        return self.db.submit(fn, *args, on_done=done, on_error=on_error, **kwargs)

    def set_vault(self, vault: Vault) -> None:
        self.vault = vault
        self.vault_ready.emit(vault)

    def close(self) -> None:
        """Stop the lanes (the running task finishes as a whole), then close the vault."""
        self.closing.emit()
        self.model.shutdown(wait=True)
        self.db.shutdown(wait=True)
        if self.vault is not None and not self.vault.closed:
            for fn in self._at_close:
                try:
                    fn(self.vault)
                except Exception:
                    log.exception("a last write at close failed")
            self.vault.close()
