"""The home page: an honest empty state on a new vault, a summary otherwise."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from reverie.app.ui.shell import Shell

LOCKED_HEADLINE = "The vault stays locked"
LOCKED_BODY = "Nothing can be read or saved until you unlock it with your passphrase."


class HomePage(QWidget):
    def __init__(self, shell: Shell | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shell = shell
        lay = QVBoxLayout(self)
        lay.setContentsMargins(48, 48, 48, 48)
        lay.addStretch(1)
        self.headline = QLabel("Opening your vault…")
        self.headline.setObjectName("headline")
        self.headline.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body = QLabel("")
        self.body.setWordWrap(True)
        self.body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.details = QLabel("")
        self.details.setObjectName("muted")
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for w in (self.headline, self.body, self.details):
            w.setMaximumWidth(640)
            w.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            lay.addWidget(w, 0, Qt.AlignmentFlag.AlignHCenter)
        self.unlock_button = QPushButton("Unlock…")
        self.unlock_button.setObjectName("primary")
        self.unlock_button.clicked.connect(self._unlock)
        self.unlock_button.setVisible(False)
        lay.addWidget(self.unlock_button, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.setSpacing(14)
        lay.addStretch(2)

    def _unlock(self) -> None:
        action = self.shell.action("unlock") if self.shell is not None else None
        if action is not None:
            action()

    def show_error(self, message: str) -> None:
        self.headline.setText("Reverie could not open your vault")
        self.body.setText(message)
        self.details.setText("")
        self.unlock_button.setVisible(False)

    def show_locked(self) -> None:
        """A passphrase vault whose Unlock dialog was cancelled: say so, and offer Unlock again."""
        self.headline.setText(LOCKED_HEADLINE)
        self.body.setText(LOCKED_BODY)
        self.details.setText("")
        self.unlock_button.setVisible(True)

    def show_summary(self, counts: dict[str, int], folder: str, encryption: str, models: str) -> None:
        self.unlock_button.setVisible(False)
        total = counts.get("notes", 0) + counts.get("messages", 0)
        if total == 0:
            self.headline.setText("Your memory is empty, for now")
            self.body.setText(
                "Write a note (<b>Ctrl+N</b>) or start a conversation, and Reverie will remember it: "
                "you can search it by words or by meaning, and ask about it later."
            )
        else:
            self.headline.setText("Welcome back")
            self.body.setText(
                f"Reverie holds <b>{counts.get('notes', 0)}</b> notes, "
                f"<b>{counts.get('conversations', 0)}</b> conversations and "
                f"<b>{counts.get('memories', 0)}</b> memories."
            )
        self.details.setText(f"Vault: {folder}\n{encryption}\n{models}")
