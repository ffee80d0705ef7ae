"""Qt item models for the Memories page: the memory table and the day-by-day timeline."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

from reverie.app.ui import fmt
from reverie.app.ui.session import Session
from reverie.app.ui.uikit import alive
from reverie.core import memory_list
from reverie.core.memories import retention_now
from reverie.core.records import Memory
from reverie.core.vault import Vault

Index = QModelIndex | QPersistentModelIndex
# Roles hand out plain values (ids, dates), never Python objects wrapped in a QVariant.
IdRole = Qt.ItemDataRole.UserRole
DayRole = Qt.ItemDataRole.UserRole + 2


def one_line(text: str, limit: int = 140) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class MemoryItemModel(QAbstractTableModel):
    """Memories as rows (text, kind, when it happened, retention now, strength), fetched from the
    vault a page at a time on the database lane as the view scrolls (``canFetchMore``/``fetchMore``):
    no cap, and the GUI thread never waits on SQL. ``load(query)`` starts over; ``first_page``
    says how many match once the first page is in."""

    HEADERS = ("Memory", "Kind", "When", "Retention", "Strength")
    PAGE = 200
    # column -> (order ascending, order descending) in core.memory_list.ORDERS
    ORDERS = {
        0: ("text", "text_desc"),
        1: ("kind", "kind_desc"),
        2: ("oldest", "recent"),
        3: ("weakest", "strength"),
        4: ("weakest", "strength"),
    }

    first_page = Signal(int)  # how many memories match the query
    failed = Signal(str)

    def __init__(self, parent: Any = None, session: Session | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.memories: list[Memory] = []
        self.now = 0.0
        self.total = 0
        self.query = memory_list.MemoryQuery()
        self._generation = 0
        self._fetching = False
        self._cache: dict[int, tuple[str, ...]] = {}

    # -- paging --------------------------------------------------------------------------------
    def load(self, query: memory_list.MemoryQuery) -> None:
        """Forget the rows and fetch the first page of ``query`` (a newer load wins)."""
        if self.session is None or self.session.vault is None:
            return
        self._generation += 1
        gen = self._generation
        self.query = query
        self._fetching = True

        def first(vault: Vault) -> tuple[list[Memory], int, float]:
            return memory_list.page(vault, query, 0, self.PAGE), memory_list.count(vault, query), vault.now()

        def done(result: tuple[list[Memory], int, float]) -> None:
            if gen != self._generation:
                return
            found, total, now = result
            self._fetching = False
            self.total = max(total, len(found))
            self.set_memories(found, now)
            self.first_page.emit(self.total)

        self.session.db.submit(
            first,
            self.session.vault,
            on_done=alive(self, done),
            on_error=alive(self, lambda msg: self._failed(gen, msg)),
        )

    def clear(self) -> None:
        """No rows, and any page still on its way is dropped."""
        self._generation += 1
        self._fetching = False
        self.total = 0
        self.set_memories([], self.now)

    def _failed(self, gen: int, message: str) -> None:
        if gen == self._generation:
            self._fetching = False
            self.failed.emit(message)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and not self._fetching and len(self.memories) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802
        if not self.canFetchMore(parent) or self.session is None or self.session.vault is None:
            return
        gen, query, offset = self._generation, self.query, len(self.memories)
        last = self.memories[-1] if self.memories else None  # the next page starts right after it
        self._fetching = True

        def more(found: list[Memory]) -> None:
            if gen != self._generation:
                return
            self._fetching = False
            known = {m.id for m in self.memories[-self.PAGE :]}  # never a row twice
            found = [m for m in found if m.id not in known]
            if not found:
                self.total = len(self.memories)  # the end came sooner than counted
                return
            first = len(self.memories)
            self.beginInsertRows(QModelIndex(), first, first + len(found) - 1)
            self.memories.extend(found)
            self.endInsertRows()

        self.session.db.submit(
            memory_list.page,
            self.session.vault,
            query,
            offset,
            self.PAGE,
            last,
            on_done=alive(self, more),
            on_error=alive(self, lambda msg: self._failed(gen, msg)),
        )

    @property
    def fetching(self) -> bool:
        return self._fetching

    def set_memories(self, memories: list[Memory], now: float) -> None:
        self.beginResetModel()
        self.memories = list(memories)
        self.now = now
        self._cache.clear()
        self.endResetModel()

    def replace(self, memory: Memory) -> None:
        for row, m in enumerate(self.memories):
            if m.id == memory.id:
                self.memories[row] = memory
                self._cache.pop(memory.id, None)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))
                return

    def remove(self, memory_id: int) -> None:
        for row, m in enumerate(self.memories):
            if m.id == memory_id:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self.memories[row]
                self.total = max(0, self.total - 1)
                self.endRemoveRows()
                return

    def memory(self, memory_id: int | None) -> Memory | None:
        return next((m for m in self.memories if m.id == memory_id), None)

    def row_of(self, memory_id: int) -> int:
        return next((r for r, m in enumerate(self.memories) if m.id == memory_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.memories)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def _cells(self, m: Memory) -> tuple[str, ...]:
        """A row's texts, made once: a view asks for them on every paint."""
        cells = self._cache.get(m.id)
        if cells is None:
            cells = (
                ("★ " if m.pinned else "") + one_line(m.text),
                fmt.KIND_LABELS.get(m.kind, m.kind),
                fmt.short_date(m.happened_at, self.now),
                fmt.percent(retention_now(m, self.now)),
                fmt.days(m.strength, short=True),
            )
            self._cache[m.id] = cells
        return cells

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES or not index.isValid() or not 0 <= index.row() < len(self.memories):
            return None  # most questions a view asks (colours, icons, sizes) have no answer here
        m = self.memories[index.row()]
        col = index.column()
        if role == _DISPLAY:
            return self._cells(m)[col]
        if role == IdRole:
            return m.id
        if role == _TOOLTIP:
            if col == 0:
                return (m.context + "\n" if m.context else "") + one_line(m.text, 600)
            if m.archived:
                return "Archived: found only when you ask for archived memories."
        if role == _ALIGN and col >= 3:
            return _RIGHT
        if role == _FONT and m.archived:  # archived rows are in italics
            return _italic()
        return None

    def multiData(self, index: Index, span: QModelRoleDataSpan) -> None:  # noqa: N802 - Qt naming
        """What a delegate asks to paint a cell (text, alignment, font, colours…) in one call rather
        than one ``data()`` call per role: painting takes the interpreter once per cell, which keeps
        scrolling smooth while the database lane works."""
        for i in range(len(span)):
            rd = span[i]
            value = self.data(index, rd.role()) if rd.role() in _ROLES else None
            if value is None:
                rd.clearData()
            else:
                rd.setData(value)


def _italic() -> QFont:
    f = QFont()
    f.setItalic(True)
    return f


_DISPLAY, _TOOLTIP, _ALIGN, _FONT = (
    int(r)
    for r in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.FontRole,
    )
)
_ROLES = frozenset((_DISPLAY, _TOOLTIP, _ALIGN, _FONT, int(IdRole)))
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class DayItemModel(QAbstractListModel):
    """The timeline: one row per day, newest first, with what was remembered that day."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.days: list[tuple[str, dict[str, int]]] = []

    def set_days(self, days: list[tuple[str, dict[str, int]]]) -> None:
        self.beginResetModel()
        self.days = list(days)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
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
