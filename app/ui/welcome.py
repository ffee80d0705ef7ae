"""First run (what is stored where, the encryption choice) and unlocking a passphrase vault."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from reverie.app.context import VaultChoice
from reverie.app.ui.theme import SPACE_2, SPACE_4
from reverie.app.ui.uikit import ElidedLabel
from reverie.core.keys import KeyMode


def _models_text(models: list[tuple[str, bool, str]] | None) -> str:
    if not models:
        return ""
    if all(ok for _, ok, _ in models):
        return (
            "The default models are installed and ready: "
            + " and ".join(n for n, _, _ in models)
            + ". You can choose a bigger model later in Settings."
        )
    missing = "; ".join(f"{n}: {p}" for n, ok, p in models if not ok)
    return (
        f"Some default models are missing ({missing}). Reverie still stores and finds by words; fix the "
        "installation to chat and search by meaning."
    )


class WelcomeDialog(QDialog):
    """Explains what Reverie stores and where, and asks how to protect the vault."""

    def __init__(
        self,
        vault_folder: str,
        keyring_ok: bool,
        parent: QWidget | None = None,
        models: list[tuple[str, bool, str]] | None = None,
    ) -> None:
        """``models``: (name, ready, problem) of the default models, shown so the user knows
        Reverie can answer from the first minute."""
        super().__init__(parent)
        self.setWindowTitle("Welcome to Reverie")
        self.setMinimumWidth(600)
        lay = QVBoxLayout(self)
        lay.setSpacing(10)
        title = QLabel("<h2>Welcome to Reverie</h2>")
        intro = QLabel(
            "Reverie remembers what you tell it and what you write, so you can find it again and ask "
            "about it later. It keeps everything on this computer, in one folder:"
            f"<p style='margin-left:12px'><code>{html.escape(vault_folder)}</code></p>"
            "<ul style='margin-left:-20px'>"
            "<li><b>reverie.db</b> holds your notes and conversations, the memories Reverie makes of them, "
            "their search index, their history and your settings.</li>"
            "<li><b>vault.json</b> only says how the vault is unlocked; it holds no secrets.</li>"
            "</ul>"
            "Nothing is sent anywhere: the models run on this computer, and only <i>Export</i> writes a copy "
            "elsewhere."
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(title)
        lay.addWidget(intro)
        self.models = QLabel(_models_text(models))
        self.models.setWordWrap(True)
        self.models.setObjectName("muted")
        self.models.setVisible(models is not None)
        lay.addWidget(self.models)
        lay.addWidget(QLabel("<b>How should the vault be protected?</b>"))
        self._group = QButtonGroup(self)
        self.keyring = QRadioButton("Encrypt it, and keep the key in the system keyring (recommended)")
        self.passphrase = QRadioButton("Encrypt it with a passphrase I type when Reverie starts")
        self.plain = QRadioButton("Do not encrypt it (anyone with access to your files can read it)")
        for b in (self.keyring, self.passphrase, self.plain):
            self._group.addButton(b)
            lay.addWidget(b)
        if not keyring_ok:
            self.keyring.setEnabled(False)
            self.keyring.setText(
                self.keyring.text().replace(" (recommended)", "") + " - no keyring is available on this system"
            )
            self.passphrase.setChecked(True)
        else:
            self.keyring.setChecked(True)
        form = QFormLayout()
        self.pass1 = QLineEdit()
        self.pass1.setEchoMode(QLineEdit.EchoMode.Password)
        self.pass1.setPlaceholderText("at least 8 characters")
        self.pass2 = QLineEdit()
        self.pass2.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Passphrase:", self.pass1)
        form.addRow("Again:", self.pass2)
        self._form = QWidget()
        self._form.setLayout(form)
        lay.addWidget(self._form)
        self.message = QLabel("")
        self.message.setObjectName("errorText")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create my vault")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self._group.buttonToggled.connect(lambda *_: self._sync())
        self._sync()

    def _sync(self) -> None:
        self._form.setVisible(self.passphrase.isChecked())
        self.message.setText("")
        self.adjustSize()

    def _accept(self) -> None:
        if self.passphrase.isChecked():
            if len(self.pass1.text()) < 8:
                self.message.setText("The passphrase is too short; use at least 8 characters.")
                return
            if self.pass1.text() != self.pass2.text():
                self.message.setText("The two passphrases differ; type them again.")
                return
        self.accept()

    def choice(self) -> VaultChoice:
        if self.keyring.isChecked():
            return VaultChoice(KeyMode.KEYRING)
        if self.passphrase.isChecked():
            return VaultChoice(KeyMode.PASSPHRASE, self.pass1.text())
        return VaultChoice(KeyMode.NONE)


class UnlockDialog(QDialog):
    """Asks for the passphrase; the vault's folder on one line, cut in the middle when it is long."""

    MIN_WIDTH = 460

    def __init__(self, vault_folder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Unlock Reverie")
        self.setMinimumWidth(self.MIN_WIDTH)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(SPACE_4, SPACE_4, SPACE_4, SPACE_4)
        lay.setSpacing(SPACE_2)
        label = QLabel("Your vault is protected by a passphrase. Enter it to open your vault.")
        label.setWordWrap(True)
        self.folder = ElidedLabel(vault_folder, mode=Qt.TextElideMode.ElideMiddle)
        self.folder.setObjectName("muted")
        self.folder.setToolTip(vault_folder)
        lay.addWidget(label)
        lay.addWidget(self.folder)
        self.edit = QLineEdit()
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setPlaceholderText("Passphrase")
        lay.addWidget(self.edit)
        self.message = QLabel("")
        self.message.setObjectName("errorText")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Unlock")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def passphrase(self) -> str:
        return self.edit.text()
