"""The review of fading memories, one at a time: its text, where it came from, and when it would
fade; Keep, Pin, Let fade, or Correct… (new words). "3 of 7" says how far along; at the end, done
for today. Every choice is one write on the database lane (``core.review.review``); the queue itself
is read there too (``load_review``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui.changes import MEMORIES
from reverie.app.ui.session import Session
from reverie.app.ui.theme import SPACE_2, SPACE_3
from reverie.app.ui.uikit import alive
from reverie.core import review, sources
from reverie.core.records import Memory
from reverie.core.settings import load_settings
from reverie.core.vault import Vault

CHOICE_LABELS = {"keep": "Keep", "pin": "Pin", "fade": "Let fade", "correct": "Correct…"}
DONE_TEXT = "Done for today. Memories you kept start their curve again; those you let fade are in the archive."


@dataclass(frozen=True)
class Fading:
    """One memory of the review, with where it came from."""

    item: review.ReviewItem
    source: str  # "Note “Trip”"


def load_review(vault: Vault, tz: tzinfo | None) -> list[Fading]:
    """Today's review (database lane): empty when the review is turned off."""
    settings = load_settings(vault)
    if not settings.review_enabled:
        return []
    items = review.review_queue(vault, vault.now(), tz, per_day=settings.review_per_day)
    with vault.read() as conn:
        return [Fading(i, sources.describe_source(conn, i.memory)) for i in items]


def fades_in(days_left: float) -> str:
    if days_left < 1:
        return "Fades any day now"
    n = round(days_left)
    return f"Fades in ~{n} day{'s' if n != 1 else ''}"


def _choose(vault: Vault, memory_id: int, choice: str, text: str | None) -> Memory:
    return review.review(vault, memory_id, choice, vault.now(), text=text)


class CorrectDialog(QDialog):
    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Correct this memory")
        self.setMinimumWidth(420)
        lay = QVBoxLayout(self)
        self.edit = QPlainTextEdit(text)
        lay.addWidget(self.edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)


class ReviewDialog(QDialog):
    reviewed = Signal(str)  # the choice made

    def __init__(self, session: Session, items: list[Fading], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.items = items
        self.index = 0
        self.busy = False
        self.setWindowTitle("Fading memories")
        self.setMinimumWidth(520)
        lay = QVBoxLayout(self)
        lay.setSpacing(SPACE_3)
        self.progress = QLabel("")
        self.progress.setObjectName("muted")
        self.text = QLabel("")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setObjectName("sectionTitle")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.source = QLabel("")
        self.source.setObjectName("muted")
        self.source.setWordWrap(True)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        lay.addWidget(self.progress)
        lay.addWidget(self.text)
        lay.addWidget(self.source)
        lay.addWidget(self.status)
        row = QHBoxLayout()
        row.setSpacing(SPACE_2)
        self.buttons: dict[str, QPushButton] = {}
        for choice, label in CHOICE_LABELS.items():
            b = QPushButton(label)
            b.clicked.connect(lambda _c=False, ch=choice: self.choose(ch))
            self.buttons[choice] = b
            row.addWidget(b)
        self.buttons["keep"].setObjectName("primary")
        self.buttons["keep"].setToolTip("Keep it: it starts its curve again, stronger")
        self.buttons["pin"].setToolTip("It never fades")
        self.buttons["fade"].setToolTip("Archive it now (it can be restored from the archive)")
        row.addStretch(1)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.accept)
        row.addWidget(self.close_button)
        lay.addLayout(row)
        self._show()

    def current(self) -> Fading | None:
        return self.items[self.index] if self.index < len(self.items) else None

    def _show(self) -> None:
        item = self.current()
        done = item is None
        for b in self.buttons.values():
            b.setVisible(not done)
            b.setEnabled(not self.busy)
        if item is None:
            self.progress.setText(f"{len(self.items)} of {len(self.items)}" if self.items else "")
            self.text.setText("Done for today")
            self.source.setText(DONE_TEXT)
            return
        self.progress.setText(f"{self.index + 1} of {len(self.items)}")
        self.text.setText(item.item.memory.text)
        self.source.setText(f"{item.source} · {fades_in(item.item.days_left)}")

    def choose(self, choice: str, text: str | None = None) -> None:
        item, vault = self.current(), self.session.vault
        if item is None or vault is None or self.busy:
            return
        if choice == "correct" and text is None:
            dialog = CorrectDialog(item.item.memory.text, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            text = dialog.edit.toPlainText()
        self.busy = True
        self.status.setText("")
        self.status.setVisible(False)
        self._show()

        def done(_m: Memory) -> None:
            self.busy = False
            self.index += 1
            self._show()
            self.reviewed.emit(choice)

        def failed(message: str) -> None:
            self.busy = False
            self.status.setText(message)
            self.status.setVisible(True)
            self._show()

        self.session.run_op(
            _choose, vault, item.item.memory.id, choice, text, changes=MEMORIES,
            on_done=alive(self, done), on_error=alive(self, failed),
        )  # fmt: skip
