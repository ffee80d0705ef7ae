"""Home's companion cards, both quiet and both optional:

- "This morning" (only with the morning recap turned on, ``recap_enabled``): today's reminders and
  dated things, what Reverie learned last night, and "On this day" memories (``core.recap``); each
  line opens where it came from.
- "N memories are fading" (with the review turned on and a non-empty queue): opens the review.

Read on the database lane (``load_cards``) when the vault opens and after changes; nothing is shown
when they are off or have nothing to say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from reverie.app.ui import icons
from reverie.app.ui.changes import OpChanges
from reverie.app.ui.review_dialog import Fading, ReviewDialog, load_review
from reverie.app.ui.session import Session
from reverie.app.ui.shell import Shell
from reverie.app.ui.theme import SPACE_1, SPACE_2, SPACE_3
from reverie.app.ui.uikit import ElidedLabel, OneRead, alive, counted
from reverie.core import recap
from reverie.core.recap import Recap, RecapItem
from reverie.core.records import MEMORY_COLS, Memory
from reverie.core.scheduler import local_tz
from reverie.core.settings import load_settings
from reverie.core.vault import Vault

SECTIONS = (("today", "Today"), ("learned", "Learned last night"), ("on_this_day", "On this day"))


@dataclass(frozen=True)
class Line:
    item: RecapItem
    memory: Memory | None  # what opens it (None: a reminder, or a source deleted)


@dataclass(frozen=True)
class Cards:
    recap: Recap | None = None  # None: the recap is off
    lines: dict[str, list[Line]] = field(default_factory=dict)
    fading: list[Fading] = field(default_factory=list)


def _memory_of(vault: Vault, item: RecapItem) -> Memory | None:
    if item.source_kind == "reminder" or not item.source_id:
        return None
    if item.source_kind == "memory":
        where, params = "id = ?", (int(item.source_id),)
    else:
        where, params = "source_kind = ? AND source_id = ? ORDER BY seq", (item.source_kind, item.source_id)  # type: ignore[assignment]
    with vault.read() as conn:
        row = conn.execute(f"SELECT {MEMORY_COLS} FROM memories WHERE {where} LIMIT 1", params).fetchone()
    return None if row is None else Memory.from_row(row)


def load_cards(vault: Vault, tz: tzinfo | None) -> Cards:
    """What the two cards show (database lane)."""
    settings = load_settings(vault)
    fading = load_review(vault, tz)
    if not settings.recap_enabled:
        return Cards(None, {}, fading)
    made = recap.compose_recap(vault, vault.now(), tz)
    lines = {key: [Line(i, _memory_of(vault, i)) for i in getattr(made, key)] for key, _ in SECTIONS}
    return Cards(made, lines, fading)


def line_text(item: RecapItem) -> str:
    return f"{item.when} · {item.text}" if item.when else item.text


class LineLabel(ElidedLabel):
    """One line of the recap, cut with "…" to the card; a click opens where it came from."""

    def __init__(self, line: Line, on_open: object) -> None:
        super().__init__(line_text(line.item))
        self.line, self._open = line, on_open
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setContentsMargins(SPACE_2, 0, 0, 0)
        if line.memory is not None or line.item.source_kind == "reminder":
            self.setStatusTip("Open where this came from")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt naming
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self._open(self.line)  # type: ignore[operator]
        super().mouseReleaseEvent(event)


class RecapCard(QFrame):
    def __init__(self, open_line: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("homeCard")
        self._open = open_line
        self.lay = QVBoxLayout(self)
        self.lay.setContentsMargins(SPACE_3, SPACE_3, SPACE_3, SPACE_3)
        self.lay.setSpacing(SPACE_1)
        self.title = QLabel("This morning")
        self.title.setObjectName("sectionTitle")
        self.lay.addWidget(self.title)
        self.rows: list[QWidget] = []
        self.setVisible(False)

    def set_lines(self, lines: dict[str, list[Line]], now: float) -> None:
        for w in self.rows:
            self.lay.removeWidget(w)
            w.deleteLater()
        self.rows = []
        self.title.setText("This morning" if datetime.fromtimestamp(now).hour < 12 else "Today")
        for key, heading in SECTIONS:
            found = lines.get(key, [])
            if not found:
                continue
            head = QLabel(heading)
            head.setObjectName("muted")
            self._add(head)
            for line in found:
                self._add(LineLabel(line, self._open))
        self.setVisible(bool(self.rows))

    def _add(self, w: QWidget) -> None:
        self.rows.append(w)
        self.lay.addWidget(w)

    def texts(self) -> list[str]:
        return [w.text() for w in self.rows if isinstance(w, LineLabel)]


class ReviewCard(QFrame):
    def __init__(self, on_review: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("homeCard")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(SPACE_3, SPACE_2, SPACE_3, SPACE_2)
        lay.setSpacing(SPACE_2)
        words = QVBoxLayout()
        words.setSpacing(SPACE_1)
        self.title = ElidedLabel("")
        self.title.setObjectName("sectionTitle")
        self.body = ElidedLabel("Keep, pin or let them fade: a minute, once a day.")
        self.body.setObjectName("muted")
        words.addWidget(self.title)
        words.addWidget(self.body)
        lay.addLayout(words, 1)
        self.button = QPushButton(icons.icon("recent"), "Review…")
        self.button.clicked.connect(on_review)  # type: ignore[arg-type]
        lay.addWidget(self.button)
        self.setVisible(False)

    def set_count(self, n: int) -> None:
        self.title.setText(f"{counted(n, 'memory', 'memories')} {'is' if n == 1 else 'are'} fading")
        self.setVisible(n > 0)


class CompanionCards(QWidget):
    """The two cards, one under the other; each hides itself when it has nothing to show."""

    def __init__(self, session: Session, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.shell = session, shell
        self.tz: tzinfo | None = local_tz()
        self.cards: Cards | None = None
        self.dialog: ReviewDialog | None = None
        self._reads = OneRead(self.refresh)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(SPACE_3)
        self.recap = RecapCard(self.open_line)
        self.review = ReviewCard(self.open_review)
        lay.addWidget(self.recap)
        lay.addWidget(self.review)
        session.vault_ready.connect(lambda _v: self.refresh())
        session.changed.connect(self._changed)
        shell.register_action("review", self.open_review)

    def _changed(self, changes: OpChanges) -> None:
        if changes.content or changes.settings or changes.reminders:
            self.refresh()

    def refresh(self) -> None:
        vault = self.session.vault
        if vault is None or vault.closed:
            return
        if not self._reads.begin():
            return
        self.session.db.submit(
            load_cards, vault, self.tz, on_done=alive(self, self._show), on_error=alive(self, self._failed)
        )

    def _failed(self, _message: str) -> None:
        self._reads.end(shown=False)  # the cards are extras: Home's own status says what failed

    def _show(self, cards: Cards) -> None:
        self.cards = cards
        if cards.recap is None:
            self.recap.setVisible(False)
        else:
            self.recap.set_lines(cards.lines, cards.recap.made_at)
        if self.dialog is None or not self.dialog.isVisible():
            self.review.set_count(len(cards.fading))
        self._reads.end()

    def open_line(self, line: Line) -> None:
        if line.memory is not None:
            self.shell.open_source(line.memory)
        elif line.item.source_kind == "reminder":
            self.shell.show_page("reminders")

    def open_review(self) -> None:
        if self.cards is None or not self.cards.fading:
            self.shell.show_message("No memories are fading today.")
            return
        self.dialog = ReviewDialog(self.session, list(self.cards.fading), self.shell.window())
        self.dialog.finished.connect(lambda _r: self.refresh())
        self.dialog.open()
