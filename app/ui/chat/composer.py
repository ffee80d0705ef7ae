"""Where the question is typed: Enter sends, Shift+Enter starts a new line (Ctrl+Enter sends too),
Tab moves on to Send rather than typing a tab."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget

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
