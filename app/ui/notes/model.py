"""The notes list as a Qt item model, and the plain query that fills it (run on the database lane)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from reverie.app.ui.fmt import stamp
from reverie.app.ui.richtext import HtmlRole
from reverie.core import notes

IdRole = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class NoteRow:
    id: str
    title: str
    tags: tuple[str, ...]
    updated_at: float
    snippet: str


def load_rows(vault: Any, text_filter: str = "") -> list[NoteRow]:
    """Notes for the list: ``#tag`` filters by tag, anything else by words in the title or text."""
    text_filter = text_filter.strip()
    tag = None
    if text_filter.startswith("#") and len(text_filter) > 1:
        tag, text_filter = text_filter[1:].split()[0], " ".join(text_filter.split()[1:])
    found = notes.list_notes(vault, text_filter=text_filter, tag=tag, limit=5000)
    return [NoteRow(n.id, n.title or "Untitled", n.tags, n.updated_at, " ".join(n.body[:160].split()))
            for n in found]


class NoteListItemModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[NoteRow] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            tags = "  " + " ".join("#" + t for t in row.tags) if row.tags else ""
            return f"{row.title}\n{stamp(row.updated_at)}{tags}"
        if role == HtmlRole:
            tags = " ".join("#" + html.escape(t) for t in row.tags)
            return (f"<div style='white-space:pre'><b>{html.escape(row.title[:90])}</b><br>"
                    f"<span style='color:#888'>{stamp(row.updated_at)}  {tags}</span></div>")
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.snippet
        if role == IdRole:
            return row.id
        return None

    def set_rows(self, rows: list[NoteRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_of(self, note_id: str | None) -> int:
        for i, r in enumerate(self.rows):
            if r.id == note_id:
                return i
        return -1
