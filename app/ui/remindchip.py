"""The "Remind me" chip: under a Chat message or in a note's header, when what was written names a
time ahead ("pick up my prescription Monday before 6pm"). Shared by Chat and Notes (features never
import one another).

The time is found on the database lane (``core.reminder_time.suggest_reminder``); a text with no
time, or only a past one, offers nothing. Accept stores the reminder with its source (the message or
the note); "Edit time…" opens a small dialog with the local date and time; an hour said without
am/pm ("at 7") shows both readings to choose from. Once set, the chip says so, with Undo (the
reminder is cancelled).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from PySide6.QtCore import QDateTime, QTimeZone, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui import icons
from reverie.app.ui.changes import REMINDERS
from reverie.app.ui.session import Session
from reverie.app.ui.theme import SPACE_1, SPACE_2
from reverie.app.ui.uikit import ElidedLabel, alive
from reverie.core import reminders
from reverie.core.errors import ReverieError
from reverie.core.reminder_time import ReminderSuggestion, local_label, suggest_reminder
from reverie.core.reminders import MAX_TEXT_CHARS
from reverie.core.scheduler import local_tz
from reverie.core.vault import Vault

# (source_kind, a function run on the database lane that returns the source's id, or None)
SourceResolver = Callable[[Vault], "str | None"]


def hhmm(ts: float, tz: tzinfo | None) -> str:
    return datetime.fromtimestamp(ts, tz).strftime("%H:%M")


ROOM_FOR_TEXT = 600  # the chip shows what it reminds of from this width
MAX_LINES = 60  # a note is read line by line, this far


def suggestion_for(
    vault: Vault, text: str, tz: tzinfo | None, by_line: bool = False
) -> tuple[float, ReminderSuggestion | None]:
    """(now, the offer for ``text`` or None): database lane (the vault's clock). ``by_line`` (a note):
    the first line that names a time ahead, so the reminder says that line, not the whole note."""
    now = vault.now()
    if not by_line:  # a message longer than a reminder can hold is offered none
        return now, suggest_reminder(text, now, tz) if len(text) <= MAX_TEXT_CHARS else None
    for line in text[: MAX_LINES * MAX_TEXT_CHARS].splitlines()[:MAX_LINES]:
        line = line.strip().lstrip("#-*> ").strip()
        found = suggest_reminder(line, now, tz) if line and len(line) <= MAX_TEXT_CHARS else None
        if found is not None:
            return now, found
    return now, None


def add_from_chip(
    vault: Vault, text: str, due_at: float, tz: tzinfo | None, source_kind: str, resolve: SourceResolver | None
) -> reminders.Reminder:
    """Store the reminder the chip offered (database lane)."""
    source_id = resolve(vault) if resolve is not None else None
    kind = source_kind if source_id else "user"
    return reminders.add_reminder(vault, text, due_at, vault.now(), tz=tz, source_kind=kind, source_id=source_id)


def message_source(conversation_id: str) -> SourceResolver:
    """The id of the conversation's latest message from the user (the one just sent), read when the
    reminder is stored (the message is recorded by then, or it is stored as the user's own)."""

    def resolve(vault: Vault) -> str | None:
        with vault.read() as conn:
            row = conn.execute(
                "SELECT id FROM messages WHERE conversation_id = ? AND role = 'user' ORDER BY seq DESC LIMIT 1",
                (conversation_id,),
            ).fetchone()
        return None if row is None else str(row[0])

    return resolve


def note_source(note_id: str) -> SourceResolver:
    return lambda _vault: note_id


def to_qdatetime(ts: float) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(ts), QTimeZone.systemTimeZone())


class EditTimeDialog(QDialog):
    """A date and time (local), prefilled with the resolved time; what it was resolved from; the two
    readings of an ambiguous hour as buttons. ``due_at`` is the chosen moment (UTC seconds)."""

    def __init__(
        self,
        suggestion: ReminderSuggestion,
        now: float,
        tz: tzinfo | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Remind me")
        self.setMinimumWidth(380)
        self.now, self.tz = now, tz
        self.due_at = suggestion.due_at
        lay = QVBoxLayout(self)
        what = QLabel(f"<b>{_escape(suggestion.text)}</b>")
        what.setWordWrap(True)
        lay.addWidget(what)
        phrase = QLabel(f"From “{suggestion.phrase}”: {suggestion.label}.")
        phrase.setObjectName("muted")
        phrase.setWordWrap(True)
        self.phrase = phrase
        lay.addWidget(phrase)
        self.choices: list[QPushButton] = []
        if suggestion.ambiguous and suggestion.alternative is not None:
            question = QLabel(f"Which one? {suggestion.question}")
            question.setWordWrap(True)
            lay.addWidget(question)
            row = QHBoxLayout()
            for ts in (suggestion.due_at, suggestion.alternative):
                b = QPushButton(local_label(ts, now, tz))
                b.clicked.connect(lambda _c=False, t=ts: self.edit.setDateTime(to_qdatetime(t)))
                row.addWidget(b)
                self.choices.append(b)
            lay.addLayout(row)
        self.edit = QDateTimeEdit(to_qdatetime(suggestion.due_at))
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("ddd d MMM yyyy  HH:mm")
        lay.addWidget(self.edit)
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        lay.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Remind me")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def chosen(self) -> float:
        return float(self.edit.dateTime().toSecsSinceEpoch())

    def accept(self) -> None:
        ts = self.chosen()
        try:
            reminders.check_due(ts, self.now, self.tz)
        except ReverieError as exc:
            self.problem.setText(str(exc))
            self.problem.setVisible(True)
            return
        self.due_at = ts
        super().accept()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class RemindChip(QWidget):
    """Hidden until a text names a time ahead. ``offer(text, source_kind, resolve)`` looks for one;
    ``accepted(reminder)`` once it is stored."""

    accepted = Signal(object)  # the Reminder
    offered = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.tz: tzinfo | None = local_tz()
        self.suggestion: ReminderSuggestion | None = None
        self.now = 0.0
        self.reminder: reminders.Reminder | None = None
        self._text = ""
        self._source: tuple[str, SourceResolver | None] = ("user", None)
        self._token = 0
        self._key: str | None = None  # what the chip is about (a note's id): offered again only if new
        self._settled: set[str] = set()  # keys whose offer was accepted or dismissed
        outer = QHBoxLayout(self)
        self.outer = outer  # the page sets the margins that line the card up with its column
        outer.setContentsMargins(0, 0, 0, 0)
        self.card = QFrame()
        self.card.setObjectName("homeCard")
        outer.addWidget(self.card)
        lay = QHBoxLayout(self.card)
        lay.setContentsMargins(SPACE_2, SPACE_1, SPACE_1, SPACE_1)
        lay.setSpacing(SPACE_2)
        self.icon = QLabel()
        self.icon.setPixmap(icons.icon("reminders").pixmap(16, 16))
        self.label = ElidedLabel("")
        self.accept_button = QPushButton("Remind me")
        self.accept_button.setObjectName("primary")
        self.accept_button.clicked.connect(lambda: self.accept_time(self.suggestion.due_at if self.suggestion else 0))
        self.other_button = QPushButton("")  # the other reading of an ambiguous hour
        self.other_button.clicked.connect(self._accept_other)
        self.edit_button = QPushButton("Edit time…")
        self.edit_button.clicked.connect(self.edit_time)
        self.undo_button = QPushButton(icons.icon("undo"), "Undo")
        self.undo_button.clicked.connect(self.undo)
        self.close_button = QPushButton(icons.icon("close"), "")
        self.close_button.setToolTip("No reminder")
        self.close_button.setFlat(True)
        self.close_button.clicked.connect(self.dismiss)
        lay.addWidget(self.icon)
        lay.addWidget(self.label, 1)
        for w in (self.accept_button, self.other_button, self.edit_button, self.undo_button):
            lay.addWidget(w)
        lay.addStretch()  # with the words hidden (narrow), the buttons stay by the bell
        lay.addWidget(self.close_button)
        self.setVisible(False)

    # -- offering ------------------------------------------------------------------------------
    def offer(
        self, text: str, source_kind: str = "user", resolve: SourceResolver | None = None, key: str | None = None
    ) -> None:
        """Look for a time ahead in ``text`` (database lane); the chip shows only if there is one.
        With a ``key`` (a note saved again and again), an offer accepted or dismissed is not made again,
        and a set reminder stays shown."""
        vault = self.session.vault
        if key is not None and (key in self._settled or (key == self._key and self.reminder is not None)):
            return
        self._token += 1
        token = self._token
        if vault is None or not text.strip():
            self.setVisible(False)
            return
        self._text, self._source, self._key = text, (source_kind, resolve), key

        def found(result: tuple[float, ReminderSuggestion | None]) -> None:
            if token == self._token:
                self._show_offer(*result)

        self.session.db.submit(suggestion_for, vault, text, self.tz, key is not None, on_done=alive(self, found))

    def _show_offer(self, now: float, suggestion: ReminderSuggestion | None) -> None:
        self.now, self.suggestion, self.reminder = now, suggestion, None
        if suggestion is None:
            self.setVisible(False)
            return
        ambiguous = suggestion.ambiguous and suggestion.alternative is not None
        when = local_label(suggestion.due_at, now, self.tz).replace(" at ", " ")  # "Mon 7 Dec 17:00"
        self.label.setText(suggestion.text)
        if ambiguous and suggestion.alternative is not None:
            self.accept_button.setText(f"Remind me · {when}")
            self.other_button.setText(f"{hhmm(suggestion.alternative, self.tz)} instead")
            self.label.setText(f"{suggestion.text} · {suggestion.question}")
        else:
            self.accept_button.setText(f"Remind me · {when}")
        self.card.setToolTip(f"“{suggestion.text}”: {suggestion.label}, from “{suggestion.phrase}”")
        self.accept_button.setVisible(True)
        self.other_button.setVisible(ambiguous)
        self.edit_button.setVisible(True)
        self.undo_button.setVisible(False)
        self.close_button.setVisible(True)
        self.setVisible(True)
        self.offered.emit()

    # -- what the user does ------------------------------------------------------------------------
    def accept_time(self, due_at: float) -> None:
        vault = self.session.vault
        if vault is None or self.suggestion is None or not due_at:
            return
        kind, resolve = self._source
        self.accept_button.setEnabled(False)

        def done(reminder: reminders.Reminder) -> None:
            self.accept_button.setEnabled(True)
            self.reminder = reminder
            self.label.setText(f"Reminder set · {local_label(reminder.due_at, self.now, self.tz)}")
            for w in (self.accept_button, self.other_button, self.edit_button):
                w.setVisible(False)
            self.undo_button.setVisible(True)
            if self._key is not None:
                self._settled.add(self._key)
            self.accepted.emit(reminder)

        def failed(message: str) -> None:
            self.accept_button.setEnabled(True)
            self.label.setText(message)

        self.session.run_op(
            add_from_chip,
            vault,
            self.suggestion.text,
            due_at,
            self.tz,
            kind,
            resolve,
            changes=REMINDERS,
            on_done=alive(self, done),
            on_error=alive(self, failed),
        )

    def _accept_other(self) -> None:
        if self.suggestion is not None and self.suggestion.alternative is not None:
            self.accept_time(self.suggestion.alternative)

    def edit_dialog(self) -> EditTimeDialog | None:
        if self.suggestion is None:
            return None
        return EditTimeDialog(self.suggestion, self.now, self.tz, self.window())

    def edit_time(self) -> None:
        dialog = self.edit_dialog()
        if dialog is not None and dialog.exec() == QDialog.DialogCode.Accepted:
            self.accept_time(dialog.due_at)

    def undo(self) -> None:
        vault, reminder = self.session.vault, self.reminder
        if vault is None or reminder is None:
            return

        def undone(_r: Any) -> None:
            self.reminder = None
            self._settled.discard(self._key or "")
            if self.suggestion is not None:
                self._show_offer(self.now, self.suggestion)

        self.session.run_op(
            lambda v: reminders.cancel(v, reminder.id, v.now()),
            vault,
            changes=REMINDERS,
            on_done=alive(self, undone),
            on_error=alive(self, self.label.setText),
        )

    def dismiss(self) -> None:
        """No reminder (×): not offered again for the same note."""
        if self._key is not None:
            self._settled.add(self._key)
        self.clear()

    def clear(self) -> None:
        """The page moved on to another message or note."""
        self._token += 1
        self.suggestion, self.reminder, self._key = None, None, None
        self.setVisible(False)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self.label.setVisible(self.width() >= ROOM_FOR_TEXT)  # narrow: the buttons say it, the tooltip has the words

    @property
    def key(self) -> str | None:
        return self._key

    @property
    def text(self) -> str:
        return self.label.text()
