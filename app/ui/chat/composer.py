"""Where the question is typed: Enter sends, Shift+Enter starts a new line (Ctrl+Enter sends too),
Tab moves on to Send rather than typing a tab. ``InputBox`` holds it with Send and Stop, a line for
what went wrong, and the locked-vault notice over it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from reverie.app.ui import icons
from reverie.app.ui.locked import LockedNotice
from reverie.app.ui.session import Session
from reverie.app.ui.shell import Shell

PLACEHOLDER = "Ask about your notes and past conversations…"


class Composer(QPlainTextEdit):
    submitted = Signal()  # Enter or Ctrl+Enter: send what the box holds

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self.setPlaceholderText(PLACEHOLDER)
        self.setToolTip("Enter sends, Shift+Enter starts a new line, Esc stops an answer.")
        self.setTabChangesFocus(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")  # a plain new line (not a line separator) in what is sent
            else:
                self.submitted.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class InputBox(QWidget):
    """The notice line, the locked-vault notice, then the box with Send and Stop beside it."""

    def __init__(self, session: Session, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.composer = Composer()
        self.composer.setFixedHeight(84)
        self.send_button = QPushButton("Send")
        self.send_button.setObjectName("primary")
        self.send_button.setIcon(icons.icon("send"))
        self.stop_button = QPushButton("Stop")
        self.stop_button.setIcon(icons.icon("stop"))
        self.stop_button.setEnabled(False)
        self.notice = QLabel("")
        self.notice.setObjectName("errorText")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.locked = LockedNotice(session, shell)  # over the box while the vault is locked
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 0, 12, 0)
        lay.addWidget(self.notice)
        lay.addWidget(self.locked)
        row = QHBoxLayout()
        row.addWidget(self.composer, 1)
        buttons = QVBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        row.addLayout(buttons)
        lay.addLayout(row)
