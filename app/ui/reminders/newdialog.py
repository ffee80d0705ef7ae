"""New reminder…: what, and when in words ("tomorrow at 9", "Monday before 6pm"), with the resolved
local time shown as it is typed (a sentence instead when the time is past, too far, or missing).
Resolving a phrase is pure parsing (``core.reminder_time``), no vault access."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from reverie.core.errors import ReverieError
from reverie.core.reminder_time import ReminderSuggestion, resolve_reminder_time

EMPTY_HINT = 'Say what, and when: "tomorrow at 9", "Monday before 6pm", "in two hours".'


def preview(text: str, when: str, now: float, tz: tzinfo | None) -> tuple[ReminderSuggestion | None, str]:
    """(the resolved time or None, the sentence to show)."""
    if not text.strip():
        return None, EMPTY_HINT
    try:
        found = resolve_reminder_time(when if when.strip() else text, now, tz)
    except ReverieError as exc:
        return None, str(exc)
    line = f"Reminds you {found.label}."
    if found.ambiguous and found.question:
        line += f" {found.question} Write “7am” or “7pm” to choose."
    return found, line


class NewReminderDialog(QDialog):
    def __init__(self, now: Callable[[], float], tz: tzinfo | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New reminder")
        self.setMinimumWidth(420)
        self._now, self.tz = now, tz
        self.found: ReminderSuggestion | None = None
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.text = QLineEdit()
        self.text.setPlaceholderText("Pick up my prescription")
        self.when = QLineEdit()
        self.when.setPlaceholderText("Monday before 6pm (or leave empty: the time in the text)")
        form.addRow("Remind me to", self.text)
        form.addRow("When", self.when)
        lay.addLayout(form)
        self.preview = QLabel(EMPTY_HINT)
        self.preview.setWordWrap(True)
        self.preview.setObjectName("muted")
        lay.addWidget(self.preview)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Add reminder")
        self.ok.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.text.textChanged.connect(self._update)
        self.when.textChanged.connect(self._update)

    def _update(self) -> None:
        self.found, sentence = preview(self.text.text(), self.when.text(), self._now(), self.tz)
        self.preview.setText(sentence)
        self.ok.setEnabled(self.found is not None)

    def words(self) -> str:
        """What to be reminded of: the text as typed, or without its time phrase when the time came from it."""
        if self.found is not None and not self.when.text().strip():
            return self.found.text
        return self.text.text().strip()
