"""Startup: first-run welcome or unlock, then the vault opens on the database lane."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QDialog

from reverie.app import context
from reverie.app.ui.homedata import ENCRYPTION_TEXT
from reverie.app.ui.main_window import MainWindow
from reverie.app.ui.welcome import UnlockDialog, WelcomeDialog
from reverie.core import keys
from reverie.core.errors import VaultLockedError, WrongKeyError
from reverie.core.vault import Vault
from reverie.models.defaults import default_embedder_location, default_gguf_location


class Startup(QObject):
    """Drives the first minutes of a session: create or unlock, open, then show the vault."""

    def __init__(self, window: MainWindow, *, interactive: bool = True) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.paths = self.session.paths
        self.interactive = interactive
        self._unlocking = False
        window.register_action("unlock", self.unlock)

    def start(self) -> None:
        QTimer.singleShot(0, self._begin)

    def _begin(self) -> None:
        if not self.paths.exists():
            models = [
                (m.name.split("/")[-1], m.found, m.problem or "")
                for m in (default_gguf_location(), default_embedder_location())
            ]
            dlg = WelcomeDialog(str(self.paths.folder), keys.keyring_available(), self.window, models=models)
            if dlg.exec() != QDialog.DialogCode.Accepted:
                self.window.home.show_error("No vault was created. Restart Reverie to set one up.")
                return
            self.session.db.submit(
                context.create_vault, self.paths, dlg.choice(), on_done=self._opened, on_error=self._failed
            )
            return
        self._open(None)

    def _open(self, passphrase: str | None) -> None:
        self.session.db.submit(
            context.open_vault, self.paths, passphrase, on_done=self._opened, on_error=self._open_failed
        )

    def unlock(self) -> None:
        """The shell's ``unlock`` action: ask for the passphrase again and open the vault (or, when no
        vault was created yet, show the welcome again)."""
        if self.session.is_open or self._unlocking:
            return
        if not self.paths.exists():
            self._begin()
            return
        self._ask_passphrase("")

    def _ask_passphrase(self, message: str) -> None:
        dlg = UnlockDialog(str(self.paths.folder), self.window)
        if "wrong" in message.lower() or "could not be unlocked" in message.lower():
            dlg.message.setText(message)
        self._unlocking = True
        try:
            accepted = dlg.exec() == QDialog.DialogCode.Accepted and bool(dlg.passphrase())
        finally:
            self._unlocking = False
        if accepted:
            self._open(dlg.passphrase())
            return
        self.window.home.show_locked()

    def _open_failed(self, message: str) -> None:
        locked = "passphrase" in message.lower()
        if locked and self.interactive:
            self._ask_passphrase(message)
            return
        self._failed(message)

    def _failed(self, message: str) -> None:
        self.window.home.show_error(message)
        self.window.show_message(message)

    def _opened(self, vault: Vault) -> None:
        self.session.set_vault(vault)  # Home reads what it shows on vault_ready


__all__ = ["ENCRYPTION_TEXT", "Startup", "VaultLockedError", "WrongKeyError"]
