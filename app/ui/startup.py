"""Startup: first-run welcome or unlock, then the vault opens on the database lane.

After an encrypted vault is created, a recovery kit is offered once. Where the vault's key is
missing (a wiped keyring, a new computer), the recovery code is asked for (action ``recover``).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QDialog, QMessageBox

from reverie.app import context
from reverie.app.ui.homedata import ENCRYPTION_TEXT
from reverie.app.ui.main_window import MainWindow
from reverie.app.ui.settings.recovery_box import RecoveryCodeDialog, RecoveryCodeEntry
from reverie.app.ui.welcome import UnlockDialog, WelcomeDialog
from reverie.core import keys, recovery
from reverie.core.errors import VaultLockedError, WrongKeyError
from reverie.core.keys import KeyMode
from reverie.core.vault import Vault, VaultHeader
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
        window.register_action("recover", lambda: self.recover_with_code(""))
        # seams for tests: the questions a person answers
        self.offer_kit = self._offer_kit
        self.show_code = self._show_code
        self.ask_code = self._ask_code
        self.tell_passphrase = self._tell_passphrase

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
            choice = dlg.choice()
            self.session.db.submit(
                context.create_vault,
                self.paths,
                choice,
                on_done=lambda vault: self._created(vault, choice.passphrase),
                on_error=self._failed,
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
        if self._header_mode() is KeyMode.KEYRING:
            self._open(None)  # the key may be back (keyring unlocked); if not, the recovery code is asked
            return
        self._ask_passphrase("")

    def _header_mode(self) -> KeyMode | None:
        try:
            return VaultHeader.read(self.paths.header).key_mode
        except Exception:  # noqa: BLE001 - no readable header: treat it as a passphrase vault
            return None

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
        if self.interactive and "keyring" in message.lower() and self.has_kit():
            self._failed(message)
            self.recover_with_code(message + " Type the recovery code to open it.")
            return
        self._failed(message)

    # -- the recovery kit ------------------------------------------------------------------------
    def has_kit(self) -> bool:
        try:
            return VaultHeader.read(self.paths.header).recovery is not None
        except Exception:  # noqa: BLE001 - no readable header: no kit to offer
            return False

    def _ask_code(self, message: str) -> str | None:
        dlg = RecoveryCodeEntry(self.window, message)
        return dlg.code() if dlg.exec() == QDialog.DialogCode.Accepted and dlg.code().strip() else None

    def recover_with_code(self, message: str) -> None:
        """Ask for the recovery code until it opens the vault or the user cancels."""
        if self.session.is_open:
            return
        code = self.ask_code(message)
        if code is None:
            return
        self.session.db.submit(
            recovery.recover, self.paths, code, on_done=self._recovered, on_error=self.recover_with_code
        )

    def _tell_passphrase(self, passphrase: str) -> None:
        QMessageBox.information(
            self.window,
            "Your passphrase",
            f"The recovery code holds your vault's passphrase:\n\n{passphrase}\n\nReverie opens the vault "
            "with it now. Keep it somewhere safe, or choose a new one in Settings.",
        )

    def _recovered(self, result: recovery.Recovered) -> None:
        if result.mode is KeyMode.PASSPHRASE and result.passphrase:
            self.tell_passphrase(result.passphrase)
            self._open(result.passphrase)
            return
        self._open(None)  # the key is back in the keyring

    def _offer_kit(self) -> bool:
        answer = QMessageBox.question(
            self.window,
            "Make a recovery kit?",
            "Your vault is encrypted. If this computer's keyring is wiped, you move to a new computer or you "
            "forget the passphrase, nothing can open it, unless you have a recovery kit: a code to print or "
            "keep in your password manager. Make one now? (You can also do it later in Settings.)",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _show_code(self, code: str) -> None:
        RecoveryCodeDialog(code, self.window).exec()

    def _created(self, vault: Vault, passphrase: str | None) -> None:
        """A new vault: show it, then offer a recovery kit once (an encrypted vault only)."""
        self._opened(vault)
        if not (self.interactive and vault.encrypted) or not self.offer_kit():
            return

        def make(v: Vault) -> str:
            return recovery.make_kit(v, v.now(), passphrase)

        self.session.db.submit(make, vault, on_done=self.show_code, on_error=self.window.show_message)

    def _failed(self, message: str) -> None:
        self.window.home.show_error(message)
        self.window.show_message(message)

    def _opened(self, vault: Vault) -> None:
        self.session.set_vault(vault)  # Home reads what it shows on vault_ready


__all__ = ["ENCRYPTION_TEXT", "Startup", "VaultLockedError", "WrongKeyError"]
