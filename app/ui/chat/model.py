"""Qt item models of the chat screen: conversations, the messages of one, and an answer's sources."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from reverie.app.ui.chat.data import MessageItem
from reverie.app.ui.fmt import stamp
from reverie.app.ui.richtext import HtmlRole
from reverie.app.ui.uikit import counted
from reverie.core.records import Conversation
from reverie.core.sources import spoken_when

IdRole = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex


class ConversationItemModel(QAbstractListModel):
    rename_requested = Signal(str, str)  # conversation id, new title (the page writes it on the lane)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Conversation] = []
        self.now: float | None = None  # the vault's clock when the rows were read: "Today 14:02", "3 Dec"

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        c = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:  # two lines: ConversationDelegate elides each to the width
            when = spoken_when(c.updated_at, self.now) if self.now is not None else stamp(c.updated_at)
            return f"{c.title or 'New conversation'}\n{when} · {counted(c.message_count, 'message')}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return c.title or "New conversation"
        if role == Qt.ItemDataRole.EditRole:
            return c.title
        if role == IdRole:
            return c.id
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        title = str(value).strip()
        if title and title != self.rows[index.row()].title:
            self.rename_requested.emit(self.rows[index.row()].id, title)
        return True

    def set_rows(self, rows: list[Conversation], now: float | None = None) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.now = now
        self.endResetModel()

    def row_of(self, conversation_id: str | None) -> int:
        return next((i for i, c in enumerate(self.rows) if c.id == conversation_id), -1)


class MessageItemModel(QAbstractListModel):
    """The messages of the open conversation, including the answer being streamed."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.items: list[MessageItem] = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item.content
        if role == IdRole:
            return item.id
        return None

    def item(self, row: int) -> MessageItem:
        """The message shown at ``row`` (roles hand out plain values only)."""
        return self.items[row]

    def set_items(self, items: list[MessageItem]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def append(self, item: MessageItem) -> int:
        row = len(self.items)
        self.beginInsertRows(QModelIndex(), row, row)
        self.items.append(item)
        self.endInsertRows()
        return row

    def replace(self, row: int, item: MessageItem) -> None:
        if 0 <= row < len(self.items):
            self.items[row] = item
            idx = self.index(row)
            self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DisplayRole])

    def row_of(self, message_id: str | None) -> int:
        return next((i for i, m in enumerate(self.items) if m.id == message_id and m.id), -1)


@dataclass(frozen=True)
class SourceRow:
    n: int
    title: str
    text: str
    cited: bool
    uid: str | None
    memory: Any = None  # the Memory when known (retrieved this session)


class SourceItemModel(QAbstractListModel):
    """What an answer was given (retrieved) and which of those it cited."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[SourceRow] = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            mark = "cited" if r.cited else "retrieved, not cited"
            excerpt = " ".join(r.text.split())[:160]
            return f"[{r.n}] {r.title} · {mark}\n{excerpt}"
        if role == HtmlRole:
            mark = (
                "<span style='color:#2e7d32'>cited</span>"
                if r.cited
                else "<span style='color:#888'>retrieved, not cited</span>"
            )
            excerpt = html.escape(" ".join(r.text.split())[:220])
            return f"<b>[{r.n}] {html.escape(r.title)}</b> · {mark}<br>{excerpt}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return r.text[:1000]
        return None

    def row_at(self, row: int) -> SourceRow | None:
        """The source shown at ``row`` (roles hand out plain values only)."""
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def set_rows(self, rows: list[SourceRow]) -> None:
        self.beginResetModel()
        self.rows = sorted(rows, key=lambda r: r.n)
        self.endResetModel()
