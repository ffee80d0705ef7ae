"""The Reminders page: Upcoming, Missed (and shown but not done), Done. Each row says what, when
(local time) and where it was asked for (a click opens the note or the conversation), with Done,
Snooze (an hour, or until tomorrow) and Cancel. "New reminder…" takes a text and a time in words.

Everything is read on the database lane (``data.load_lists``) when the vault opens, when the page is
shown, and after any operation that changed reminders (``OpChanges.reminders``); every button is a
write through ``Session.run_op``. The window's ``reminders`` action opens the page (the tray's
"Reminders…").
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import tzinfo
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui import icons
from reverie.app.ui.changes import REMINDERS, OpChanges
from reverie.app.ui.reminders import data
from reverie.app.ui.reminders.newdialog import NewReminderDialog
from reverie.app.ui.services import AppServices
from reverie.app.ui.session import Session
from reverie.app.ui.shell import Page, Shell
from reverie.app.ui.theme import SPACE_1, SPACE_2, SPACE_3, SPACE_4, SPACE_6
from reverie.app.ui.uikit import ElidedLabel, OneRead, alive
from reverie.core.records import Memory
from reverie.core.scheduler import local_tz

EMPTY = {
    "upcoming": "Nothing ahead. Write “remind me to call Lena tomorrow at 6pm” in Chat or a note, or use “New reminder…” above.",
    "missed": "No missed reminders.",
    "done": "Nothing done yet.",
}
TAB_NAMES = {"upcoming": "Upcoming", "missed": "Missed", "done": "Done"}


class ReminderRow(QFrame):
    """One reminder: its text, its time and source (a link), and what can be done with it."""

    def __init__(self, row: data.Row, section: str, page: RemindersPage) -> None:
        super().__init__()
        self.row = row
        self.setObjectName("homeCard")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(SPACE_3, SPACE_2, SPACE_2, SPACE_2)
        lay.setSpacing(SPACE_2)
        words = QVBoxLayout()
        words.setSpacing(SPACE_1)
        self.text = ElidedLabel(row.reminder.text)
        self.text.setObjectName("sectionTitle")
        prefix = {"missed": "Was due ", "done": "Done "}.get(section, "")
        if section == "missed" and row.reminder.state in ("firing", "fired"):
            prefix = "Shown "
        meta = QHBoxLayout()
        meta.setSpacing(SPACE_2)
        self.when = QLabel(prefix + row.when)
        self.when.setObjectName("muted")
        self.source = QLabel()
        self.source.setObjectName("muted")
        if row.memory is not None:  # a link that opens where it was asked
            self.source.setText(f'<a href="open">{html.escape(row.source)}</a>')
            self.source.setToolTip("Open where this was asked")
            self.source.linkActivated.connect(lambda _href: page.open_source(row.memory))
        else:
            self.source.setText(html.escape(row.source))
        meta.addWidget(self.when)
        meta.addWidget(QLabel("·"))
        meta.addWidget(self.source)
        meta.addStretch(1)
        words.addWidget(self.text)
        words.addLayout(meta)
        lay.addLayout(words, 1)
        self.buttons: dict[str, QWidget] = {}
        if section != "done":
            rid = row.reminder.id
            done = QPushButton("Done")
            done.clicked.connect(lambda: page.act(data.mark_done, rid))
            snooze = QPushButton("Snooze")
            menu = QMenu(snooze)
            ahead = section == "upcoming"  # put off from its own time
            menu.addAction(
                "An hour later" if ahead else "For 1 hour", lambda: page.act(data.snooze, rid, "hour", page.tz)
            )
            menu.addAction(
                "To the next day, 09:00" if ahead else "Until tomorrow, 09:00",
                lambda: page.act(data.snooze, rid, "tomorrow", page.tz),
            )
            snooze.setMenu(menu)
            cancel = QPushButton("Cancel")
            cancel.setToolTip("Take this reminder off the list")
            cancel.clicked.connect(lambda: page.act(data.cancel, rid))
            for key, w in (("done", done), ("snooze", snooze), ("cancel", cancel)):
                self.buttons[key] = w
                lay.addWidget(w)


class Section(QScrollArea):
    """One tab: its rows, or a sentence when it has none."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self.lay = QVBoxLayout(body)
        self.lay.setContentsMargins(0, SPACE_2, 0, 0)
        self.lay.setSpacing(SPACE_2)
        self.empty = QLabel(EMPTY[key])
        self.empty.setWordWrap(True)
        self.empty.setObjectName("muted")
        self.lay.addWidget(self.empty)
        self.lay.addStretch(1)
        self.setWidget(body)
        self.rows: list[ReminderRow] = []

    def set_rows(self, rows: list[data.Row], page: RemindersPage) -> None:
        for w in self.rows:
            self.lay.removeWidget(w)
            w.deleteLater()
        self.rows = [ReminderRow(r, self.key, page) for r in rows]
        for i, w in enumerate(self.rows):
            self.lay.insertWidget(i, w)
        self.empty.setVisible(not rows)


class RemindersPage(QWidget):
    def __init__(self, session: Session, open_source: Callable[[Memory], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._open_source = open_source
        self.tz: tzinfo | None = local_tz()
        self.lists: data.Lists | None = None
        self._reads = OneRead(self.refresh)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(SPACE_6, SPACE_4, SPACE_6, SPACE_3)
        head = QHBoxLayout()
        title = QLabel("Reminders")
        title.setObjectName("pageTitle")
        self.new_button = QPushButton(icons.icon("add"), "New reminder…")
        self.new_button.setObjectName("primary")
        self.new_button.clicked.connect(self.new_reminder)
        head.addWidget(title, 1)
        head.addWidget(self.new_button)
        lay.addLayout(head)
        self.status = ElidedLabel("")
        self.status.setObjectName("muted")
        lay.addWidget(self.status)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.sections = {key: Section(key) for key in ("upcoming", "missed", "done")}
        for key, section in self.sections.items():
            self.tabs.addTab(section, TAB_NAMES[key])
        lay.addWidget(self.tabs, 1)
        session.vault_ready.connect(lambda _v: self.refresh())
        session.changed.connect(self._changed)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        if not event.spontaneous():
            self.refresh()  # a reminder may have fired or fallen due since

    def _changed(self, changes: OpChanges) -> None:
        if changes.reminders or changes.notes or changes.conversations:
            self.refresh()

    def refresh(self) -> None:
        vault = self.session.vault
        if vault is None or vault.closed:
            return
        if not self._reads.begin():
            return
        self.session.db.submit(
            data.load_lists, vault, self.tz, on_done=alive(self, self._show), on_error=alive(self, self._failed)
        )

    def _failed(self, message: str) -> None:
        self._reads.end(shown=False)
        self.status.setText(message)

    def _show(self, lists: data.Lists) -> None:
        self.lists = lists
        for key, section in self.sections.items():
            rows = getattr(lists, key)
            section.set_rows(rows, self)
            index = self.tabs.indexOf(section)
            self.tabs.setTabText(index, f"{TAB_NAMES[key]} ({len(rows)})" if rows else TAB_NAMES[key])
        self._reads.end()

    # -- what the user does ------------------------------------------------------------------------
    def act(self, fn: Callable[..., Any], *args: Any) -> None:
        vault = self.session.vault
        if vault is None:
            self.status.setText("The vault is not open.")
            return
        self.status.setText("")
        self.session.run_op(fn, vault, *args, changes=REMINDERS, on_error=alive(self, self.status.setText))

    def open_source(self, memory: Memory | None) -> None:
        if memory is not None:
            self._open_source(memory)

    def new_dialog(self) -> NewReminderDialog:
        vault = self.session.vault
        return NewReminderDialog(lambda: vault.now() if vault is not None else 0.0, self.tz, self.window())

    def new_reminder(self) -> None:
        dialog = self.new_dialog()
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.add_from(dialog)

    def add_from(self, dialog: NewReminderDialog) -> None:
        if dialog.found is not None:
            self.act(data.add, dialog.words(), dialog.found.due_at, self.tz)

    def row_texts(self, key: str) -> list[str]:
        return [w.row.reminder.text for w in self.sections[key].rows]


def install(shell: Shell, services: AppServices) -> RemindersPage:
    page = RemindersPage(services.session, shell.open_source)
    shell.add_page(Page("reminders", "Reminders", page))

    def show() -> None:
        shell.show_page("reminders")

    shell.register_action("reminders", show)
    return page
