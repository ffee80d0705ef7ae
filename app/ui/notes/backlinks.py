"""The notes that link to the open note (``[[its title]]``), under its text; a click opens one."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QToolButton, QVBoxLayout, QWidget

from reverie.app.ui.fmt import stamp
from reverie.app.ui.uikit import settings
from reverie.core.mdsyntax import plain_text
from reverie.core.records import Note
from reverie.core.wikilinks import find_links, note_keys, title_key

IdRole = Qt.ItemDataRole.UserRole + 1
MAX_VISIBLE_ROWS = 5


def context_line(body: str, keys: set[str]) -> str:
    """The line of ``body`` holding its first link to a note known by ``keys``, as plain text."""
    for link in find_links(body):
        if link.target.strip() and title_key(link.target) in keys:
            start = body.rfind("\n", 0, link.start) + 1
            end = body.find("\n", link.end)
            line = body[start : end if end >= 0 else len(body)]
            return " ".join(plain_text(line)[0].split())
    return ""


class BacklinksPanel(QWidget):
    open_note = Signal(str)  # a note's id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        self.toggle = QToolButton()
        self.toggle.setObjectName("backlinksToggle")
        self.toggle.setAutoRaise(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.list = QListWidget()
        self.list.setObjectName("backlinks")
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setWordWrap(False)
        lay.addWidget(self.toggle)
        lay.addWidget(self.list)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        self.expanded = bool(settings().value("notes/backlinks_open", True, type=bool))
        self.toggle.clicked.connect(lambda: self.set_expanded(not self.expanded))
        self.set_notes(None, [])

    def set_notes(self, note: Note | None, linking: list[Note]) -> None:
        """Show the notes that link to ``note`` (None: no note open, the panel hides)."""
        self.list.clear()
        self.setVisible(note is not None)
        keys = note_keys(note.title, note.meta) if note is not None else set()
        for other in linking:
            item = QListWidgetItem(f"{other.title or 'Untitled'}  ·  {context_line(other.body, keys)}")
            item.setData(IdRole, other.id)
            item.setToolTip(f"{other.title}\n{stamp(other.happened_at)}\n\n{context_line(other.body, keys)}")
            self.list.addItem(item)
        n = len(linking)
        self.toggle.setText(f"Linked from {n} note{'s' if n != 1 else ''}" if n else "No other note links here")
        self.toggle.setEnabled(bool(n))
        self._sync()

    def titles(self) -> list[str]:
        return [self.list.item(i).text().split("  ·  ")[0] for i in range(self.list.count())]

    def set_expanded(self, on: bool) -> None:
        self.expanded = on
        settings().setValue("notes/backlinks_open", on)
        self._sync()

    def _sync(self) -> None:
        on = self.expanded
        n = self.list.count()
        self.list.setVisible(on and n > 0)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on and n else Qt.ArrowType.RightArrow)
        self.toggle.setToolTip(
            ("Hide" if on else "Show") + " the notes that link to this one"
            if n
            else "Notes that link here with [[this title]] are listed here"
        )
        rows = min(max(n, 1), MAX_VISIBLE_ROWS)
        self.list.setFixedHeight(rows * max(self.list.sizeHintForRow(0), 20) + 2 * self.list.frameWidth() + 2)

    def _activated(self, item: QListWidgetItem) -> None:
        note_id = item.data(IdRole)
        if note_id:
            self.open_note.emit(note_id)
