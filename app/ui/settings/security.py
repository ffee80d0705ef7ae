"""Settings: how the vault is protected, and changing it (passphrase <-> keyring)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui.session import Session
from reverie.app.ui.uikit import alive
from reverie.core.keys import KeyMode
from reverie.core.transfer.rekey import change_lock
from reverie.core.vault import Vault

MODE_TEXT = {
    KeyMode.KEYRING: "Encrypted. The key is kept in your system keyring, so Reverie opens without asking.",
    KeyMode.PASSPHRASE: "Encrypted with your passphrase. Reverie asks for it when it starts.",
    KeyMode.NONE: "Not encrypted (your choice when the vault was made). Choose a passphrase or the keyring "
    "to encrypt it.",
}


class PassphraseDialog(QDialog):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        lay = QVBoxLayout(self)
        note = QLabel(
            "Choose a passphrase of at least 8 characters. If you forget it, the vault cannot be "
            "opened; keep an export somewhere safe."
        )
        note.setWordWrap(True)
        lay.addWidget(note)
        form = QFormLayout()
        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.second = QLineEdit()
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Passphrase:", self.first)
        form.addRow("Again:", self.second)
        lay.addLayout(form)
        self.message = QLabel("")
        self.message.setObjectName("errorText")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _accept(self) -> None:
        if len(self.first.text()) < 8:
            self.message.setText("The passphrase is too short; use at least 8 characters.")
        elif self.first.text() != self.second.text():
            self.message.setText("The two passphrases differ; type them again.")
        else:
            self.accept()

    def passphrase(self) -> str:
        return self.first.text()


class EncryptionBox(QGroupBox):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Encryption", parent)
        self.session = session
        self.ask_passphrase: Callable[[str], str | None] = self._ask_passphrase
        lay = QVBoxLayout(self)
        self.state = QLabel("")
        self.state.setWordWrap(True)
        lay.addWidget(self.state)
        row = QHBoxLayout()
        self.to_passphrase = QPushButton("Use a passphrase…")
        self.change_passphrase = QPushButton("Change passphrase…")
        self.to_keyring = QPushButton("Keep the key in the keyring")
        for b in (self.to_passphrase, self.change_passphrase, self.to_keyring):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setVisible(False)  # no empty line under the buttons until there is something to say
        lay.addWidget(self.message)
        self.to_passphrase.clicked.connect(
            lambda: self._change(KeyMode.PASSPHRASE, "Protect the vault with a passphrase")
        )
        self.change_passphrase.clicked.connect(lambda: self._change(KeyMode.PASSPHRASE, "Change the passphrase"))
        self.to_keyring.clicked.connect(lambda: self._change(KeyMode.KEYRING, ""))
        session.vault_ready.connect(lambda _: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        vault = self.session.vault
        mode = vault.key_mode if vault is not None else None
        self.state.setText(MODE_TEXT[mode] if mode is not None else "The vault is not open.")
        self.to_passphrase.setVisible(mode in (KeyMode.KEYRING, KeyMode.NONE))
        self.change_passphrase.setVisible(mode is KeyMode.PASSPHRASE)
        self.to_keyring.setVisible(mode in (KeyMode.PASSPHRASE, KeyMode.NONE))

    def _ask_passphrase(self, title: str) -> str | None:
        dlg = PassphraseDialog(title, self)
        return dlg.passphrase() if dlg.exec() == QDialog.DialogCode.Accepted else None

    def _change(self, mode: KeyMode, title: str) -> None:
        vault = self.session.vault
        if vault is None:
            return
        passphrase = None
        if mode is KeyMode.PASSPHRASE:
            passphrase = self.ask_passphrase(title)
            if not passphrase:
                return
        self.message.setObjectName("muted")
        self.message.setText("Re-encrypting the vault…")
        self.message.setVisible(True)
        for b in (self.to_passphrase, self.change_passphrase, self.to_keyring):
            b.setEnabled(False)

        def done(new_vault: Vault) -> None:
            if new_vault is not self.session.vault:  # an unencrypted vault was encrypted into a new file
                self.session.set_vault(new_vault)
            self._enable()
            self.refresh()
            self.message.setText(
                "Done: the vault is now "
                + (
                    "protected by your new passphrase."
                    if mode is KeyMode.PASSPHRASE
                    else "unlocked by a key in your system keyring."
                )
            )

        def failed(message: str) -> None:
            self._enable()
            self.message.setObjectName("errorText")
            self.message.setStyleSheet("")
            self.message.setText(message)

        self.session.db.submit(
            change_lock, vault, mode, passphrase, on_done=alive(self, done), on_error=alive(self, failed)
        )

    def _enable(self) -> None:
        for b in (self.to_passphrase, self.change_passphrase, self.to_keyring):
            b.setEnabled(True)
