"""What the window works with: the open vault and the lanes that own it and the models."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from reverie.app.ui.lanes import Lane
from reverie.core.paths import VaultPaths
from reverie.core.vault import Vault

log = logging.getLogger(__name__)


class Session(QObject):
    """Owns the database lane (the only thread that touches the vault) and the model lane."""

    vault_ready = Signal(object)  # Vault
    data_changed = Signal(str)  # "notes", "conversations", "memories", ...
    closing = Signal()  # emitted first in close(): stop generation and background work now

    def __init__(self, paths: VaultPaths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.db = Lane("db", self)
        self.model = Lane("model", self)
        self.vault: Vault | None = None
        self._at_close: list[Callable[[Vault], None]] = []

    def at_close(self, fn: Callable[[Vault], None]) -> None:
        """Run ``fn(vault)`` after the lanes have stopped and before the vault closes: the last
        writes of a closing window (an unsaved note), which queued lane work must not delay."""
        self._at_close.append(fn)

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
                except Exception:  # noqa: BLE001 - one failing writer must not keep the vault open
                    log.exception("a last write at close failed")
            self.vault.close()
