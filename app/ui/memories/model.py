"""Qt item models for the Memories page: the memory table and the day-by-day timeline."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from reverie.app.ui import fmt
from reverie.core.memories import retention_now
from reverie.core.records import Memory

Index = QModelIndex | QPersistentModelIndex
# Roles hand out plain values (ids, dates), never Python objects wrapped in a QVariant.
IdRole = Qt.ItemDataRole.UserRole
SortRole = Qt.ItemDataRole.UserRole + 1
DayRole = Qt.ItemDataRole.UserRole + 2


def one_line(text: str, limit: int = 140) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class MemoryItemModel(QAbstractTableModel):
    """Memories as rows: text, kind, when it happened, retention now, strength."""

    HEADERS = ("Memory", "Kind", "When", "Retention", "Strength")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.memories: list[Memory] = []
        self.now = 0.0

    def set_memories(self, memories: list[Memory], now: float) -> None:
        self.beginResetModel()
        self.memories = list(memories)
        self.now = now
        self.endResetModel()

    def replace(self, memory: Memory) -> None:
        for row, m in enumerate(self.memories):
            if m.id == memory.id:
                self.memories[row] = memory
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))
                return

    def remove(self, memory_id: int) -> None:
        for row, m in enumerate(self.memories):
            if m.id == memory_id:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self.memories[row]
                self.endRemoveRows()
                return

    def memory(self, memory_id: int | None) -> Memory | None:
        return next((m for m in self.memories if m.id == memory_id), None)

    def row_of(self, memory_id: int) -> int:
        return next((r for r, m in enumerate(self.memories) if m.id == memory_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.memories)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.memories):
            return None
        m = self.memories[index.row()]
        col = index.column()
        if role == IdRole:
            return m.id
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                mark = "★ " if m.pinned else ""
                return mark + one_line(m.text)
            if col == 1:
                return fmt.KIND_LABELS.get(m.kind, m.kind)  # archived rows are in italics
            if col == 2:
                return fmt.short_date(m.happened_at, self.now)
            if col == 3:
                return fmt.percent(retention_now(m, self.now))
            if col == 4:
                return fmt.days(m.strength, short=True)
        if role == SortRole:
            return (m.text.casefold(), m.kind, m.happened_at, retention_now(m, self.now), m.strength)[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 0:
                return (m.context + "\n" if m.context else "") + one_line(m.text, 600)
            if m.archived:
                return "Archived: found only when you ask for archived memories."
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and m.archived:
            f = QFont()
            f.setItalic(True)
            return f
        return None


class DayItemModel(QAbstractListModel):
    """The timeline: one row per day, newest first, with what was remembered that day."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.days: list[tuple[str, dict[str, int]]] = []

    def set_days(self, days: list[tuple[str, dict[str, int]]]) -> None:
        self.beginResetModel()
        self.days = list(days)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.days)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.days):
            return None
        day, counts = self.days[index.row()]
        if role == DayRole:
            return day
        if role == Qt.ItemDataRole.DisplayRole:
            total = sum(counts.values())
            if not total:
                return f"{fmt.day_title(day)}\n   nothing remembered"
            parts = [fmt.count_kind(k, n) for k, n in sorted(counts.items())]
            return f"{fmt.day_title(day)}\n   " + ", ".join(parts)
        if role == Qt.ItemDataRole.ForegroundRole and not sum(counts.values()):
            from PySide6.QtGui import QColor

            return QColor(140, 140, 140)
        return None
