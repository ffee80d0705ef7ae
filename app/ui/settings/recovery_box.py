"""Settings: the recovery kit. Whether one exists, when it was made, whether it still opens the vault,
and "Make a recovery kit…", which shows the new code once (Copy, Save as text file…).

The dialogs here are also used at first run (startup.py offers a kit after an encrypted vault is
made) and where the vault's key is missing (``RecoveryCodeEntry``, from the locked notice).
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui.session import Session
from reverie.app.ui.uikit import alive
from reverie.core import recovery
from reverie.core.keys import KeyMode
from reverie.core.vault import Vault

KIT_WARNING = (
    "Write this code down or keep it in your password manager: it is shown only now. With it, your vault "
    "opens on a new computer or after the keyring is lost. Anyone who has it and your vault folder can "
    "read your vault. Any earlier code no longer works."
)
NO_KIT = (
    "No recovery kit yet. The vault's key is kept only in this computer's keyring: if the keyring is wiped "
    "or you move to a new computer, the vault cannot be opened without a kit."
)
NO_KIT_PASSPHRASE = "No recovery kit yet. If you forget your passphrase, the vault cannot be opened without a kit."
NOT_ENCRYPTED = "The vault is not encrypted, so it needs no recovery kit: its file opens without a key."


def _date(ts: float | None) -> str:
    return "an unknown date" if ts is None else datetime.fromtimestamp(ts).strftime("%d %B %Y at %H:%M")


def kit_text(mode: KeyMode | None, info: recovery.KitInfo, matches: bool | None) -> str:
    """What the box says about the kit."""
    if mode is None:
        return "The vault is not open."
    if mode is KeyMode.NONE:
        return NOT_ENCRYPTED
    if not info.exists:
        return NO_KIT if mode is KeyMode.KEYRING else NO_KIT_PASSPHRASE
    when = _date(info.created_at)
    if matches is False:
        return f"The vault's lock has changed since the recovery kit of {when} was made: that code no longer opens it. Make a new kit."
    if matches is None:
        return f"A recovery kit was made on {when}. If you changed the passphrase since, make a new kit."
    return f"A recovery kit was made on {when}; its code opens the vault."


class RecoveryCodeDialog(QDialog):
    """Shows a new recovery code once, with Copy and Save as text file…."""

    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = code
        self.setWindowTitle("Your recovery code")
        self.setMinimumWidth(520)
        lay = QVBoxLayout(self)
        self.code_label = QLabel(code)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.code_label.setFont(font)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.code_label)
        note = QLabel(KIT_WARNING)
        note.setWordWrap(True)
        lay.addWidget(note)
        self.message = QLabel("")
        self.message.setObjectName("muted")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        row = QHBoxLayout()
        self.copy = QPushButton("Copy")
        self.save = QPushButton("Save as text file…")
        self.copy.clicked.connect(self.copy_code)
        self.save.clicked.connect(self._save_clicked)
        row.addWidget(self.copy)
        row.addWidget(self.save)
        row.addStretch(1)
        done = QPushButton("I have saved it")
        done.setDefault(True)
        done.clicked.connect(self.accept)
        row.addWidget(done)
        lay.addLayout(row)

    def copy_code(self) -> None:
        QGuiApplication.clipboard().setText(self.code)
        self.message.setText("Copied. Paste it into your password manager, then clear the clipboard.")

    def _save_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Save the recovery code", str(Path.home() / "Reverie recovery code.txt"), "Text (*.txt)"
        )
        if name:
            self.save_to(Path(name))

    def save_to(self, path: Path) -> None:
        text = f"Reverie recovery code\n\n    {self.code}\n\n{KIT_WARNING}\n"
        try:
            fd = os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
        except OSError as exc:
            self.message.setText(f"The code could not be saved to {path}: {exc.strerror or exc}.")
            return
        self.message.setText(f"Saved to {path}. Keep that file somewhere other than this computer.")


class RecoveryCodeEntry(QDialog):
    """Asks for a recovery code (where the vault's key is missing)."""

    def __init__(self, parent: QWidget | None = None, message: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Use a recovery code")
        self.setMinimumWidth(480)
        lay = QVBoxLayout(self)
        intro = QLabel(
            "Type the recovery code you saved when you made the recovery kit (28 letters and digits, in groups "
            "of four). It puts the vault's key back in this computer's keyring, or tells you the passphrase."
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        lay.addWidget(self.edit)
        self.message = QLabel(html.escape(message))
        self.message.setObjectName("errorText")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def code(self) -> str:
        return self.edit.text()


class RecoveryBox(QGroupBox):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Recovery kit", parent)
        self.session = session
        # seams for tests: how the passphrase is asked and how a new code is shown
        self.ask_passphrase: Callable[[], str | None] = self._ask_passphrase
        self.show_code: Callable[[str], None] = self._show_code
        lay = QVBoxLayout(self)
        self.state = QLabel("")
        self.state.setWordWrap(True)
        lay.addWidget(self.state)
        row = QHBoxLayout()
        self.make = QPushButton("Make a recovery kit…")
        self.make.clicked.connect(self.make_kit)
        row.addWidget(self.make)
        row.addStretch(1)
        lay.addLayout(row)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        lay.addWidget(self.message)
        session.vault_ready.connect(lambda _: self.refresh())
        self.refresh()

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt naming
        self.refresh()  # the lock may have changed since (the kit is then stale)
        super().showEvent(event)  # type: ignore[arg-type]

    def refresh(self) -> None:
        vault = self.session.vault
        if vault is None or vault.closed:
            self.state.setText(kit_text(None, recovery.KitInfo(False), None))
            self.make.setVisible(False)
            return
        self.make.setVisible(vault.encrypted)

        def show(result: tuple[recovery.KitInfo, bool | None]) -> None:
            self.state.setText(kit_text(vault.key_mode, *result))

        self.session.db.submit(recovery.kit_status, vault, on_done=alive(self, show), on_error=alive(self, self._error))

    def _ask_passphrase(self) -> str | None:
        text, ok = QInputDialog.getText(
            self,
            "Make a recovery kit",
            "The kit keeps your passphrase. Type it:",
            QLineEdit.EchoMode.Password,
        )
        return text if ok and text else None

    def _show_code(self, code: str) -> None:
        RecoveryCodeDialog(code, self).exec()

    def make_kit(self) -> None:
        vault = self.session.vault
        if vault is None or not vault.encrypted:
            return
        passphrase = None
        if vault.key_mode is KeyMode.PASSPHRASE:
            passphrase = self.ask_passphrase()
            if not passphrase:
                return
        self.make.setEnabled(False)

        def done(code: str) -> None:
            self.make.setEnabled(True)
            self.message.setVisible(False)
            self.show_code(code)
            self.refresh()

        def make(v: Vault) -> str:
            return recovery.make_kit(v, v.now(), passphrase)

        self.session.db.submit(make, vault, on_done=alive(self, done), on_error=alive(self, self._error))

    def _error(self, message: str) -> None:
        self.make.setEnabled(True)
        self.message.setObjectName("errorText")
        self.message.setText(message)
        self.message.setVisible(True)
