"""Browse memories by kind or day by day; act on one in the detail pane. All SQL runs on the
database lane; results come back to the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui.changes import MEMORIES, OpChanges
from reverie.app.ui.memories.detail import MemoryDetail
from reverie.app.ui.memories.model import DayItemModel, DayRole, IdRole, MemoryItemModel, SortRole, one_line
from reverie.app.ui.session import Session
from reverie.app.ui.uikit import alive, remember_splitter
from reverie.core import memories as core
from reverie.core.vault import Vault

KIND_FILTERS = [("All kinds", ()), ("Conversations", ("chat",)), ("Notes", ("note",)),
                ("Facts", ("fact",)), ("Summaries", ("summary",))]
ARCHIVE_FILTERS = [("Active", "exclude"), ("Archived", "only"), ("Active and archived", "include")]
LIST_LIMIT = 500
TIMELINE_DAYS = 60


class BrowsePane(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._generation = 0
        self._own_change = False
        self.confirm: Callable[[str], bool] = self._confirm
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.list_button = QPushButton("List")
        self.days_button = QPushButton("Day by day")
        self.view_group = QButtonGroup(self)
        for i, b in enumerate((self.list_button, self.days_button)):
            b.setCheckable(True)
            self.view_group.addButton(b, i)
            bar.addWidget(b)
        self.list_button.setChecked(True)
        self.kind = QComboBox()
        for label, _ in KIND_FILTERS:
            self.kind.addItem(label)
        self.archived = QComboBox()
        for label, _ in ARCHIVE_FILTERS:
            self.archived.addItem(label)
        bar.addSpacing(12)
        bar.addWidget(self.kind)
        bar.addWidget(self.archived)
        self.count = QLabel("")
        self.count.setObjectName("muted")
        bar.addWidget(self.count, 1)
        lay.addLayout(bar)

        self.days_model = DayItemModel(self)
        self.days = QListView()
        self.days.setModel(self.days_model)
        self.days.setMinimumWidth(150)
        self.days.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.days.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.days.setVisible(False)
        self.model = MemoryItemModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, width in ((1, 112), (2, 86), (3, 84), (4, 76)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)
        self.empty = QLabel("")
        self.empty.setObjectName("muted")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.center = QStackedWidget()
        self.center.addWidget(self.table)
        self.center.addWidget(self.empty)
        self.detail = MemoryDetail()
        self.detail.setMinimumWidth(280)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        for w in (self.days, self.center, self.detail):
            self.splitter.addWidget(w)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([170, 640, 300])
        remember_splitter(self.splitter, "splitters/memories")
        lay.addWidget(self.splitter, 1)

        self.view_group.idClicked.connect(lambda _: self.reload())
        self.kind.currentIndexChanged.connect(lambda _: self.reload())
        self.archived.currentIndexChanged.connect(lambda _: self.reload())
        self.days.selectionModel().currentChanged.connect(lambda *_: self._load_memories())
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.detail.pin_requested.connect(lambda mid, on: self._act(core.pin, mid, on))
        self.detail.archive_requested.connect(
            lambda mid, on: self._act(core.archive if on else core.restore, mid))
        self.detail.save_requested.connect(lambda mid, text: self._act(core.edit_text, mid, text))
        self.detail.delete_requested.connect(self._delete)
        delete_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.activated.connect(self._delete_current)
        session.vault_ready.connect(lambda _: self.reload())
        session.changed.connect(self._on_changes)

    # -- loading -------------------------------------------------------------------------------
    @property
    def by_day(self) -> bool:
        return self.days_button.isChecked()

    def filters(self) -> dict[str, Any]:
        return {"kinds": KIND_FILTERS[self.kind.currentIndex()][1],
                "archived": ARCHIVE_FILTERS[self.archived.currentIndex()][1]}

    def reload(self) -> None:
        if self.session.vault is None:
            return
        self.days.setVisible(self.by_day)
        self.table.setColumnHidden(2, self.by_day)  # the day list already says when
        if self.by_day:
            keep = self.days.currentIndex().data(DayRole)
            f = self.filters()

            def load(vault: Vault) -> list[tuple[str, dict[str, int]]]:
                tl = core.timeline(vault, vault.now(), TIMELINE_DAYS, archived=f["archived"])
                return [(d, {k: n for k, n in c.items() if not f["kinds"] or k in f["kinds"]}) for d, c in tl]

            self.session.db.submit(load, self.session.vault, on_done=alive(self, lambda days: self._show_days(days, keep)))
        else:
            self._load_memories()

    def _show_days(self, days: list[tuple[str, dict[str, int]]], keep: str | None) -> None:
        days = [(d, c) for d, c in days if c]  # a timeline of days with something in them
        self.days_model.set_days(days)
        if not days:
            self._generation += 1
            self.model.set_memories([], 0.0)
            self.count.setText(f"nothing in the last {TIMELINE_DAYS} days")
            self.empty.setText(f"Nothing of this kind was remembered in the last {TIMELINE_DAYS} days.")
            self.center.setCurrentWidget(self.empty)
            self.detail.show_memory(None)
            return
        row = next((i for i, (d, _) in enumerate(days) if d == keep), 0)
        self.days.setCurrentIndex(self.days_model.index(row, 0))
        self._load_memories()

    def _load_memories(self) -> None:
        if self.session.vault is None:
            return
        self._generation += 1
        gen = self._generation
        f = self.filters()
        day = self.days.currentIndex().data(DayRole) if self.by_day else None
        bounds = core.day_bounds(day) if day else (None, None)

        def load(vault: Vault) -> tuple[list[Any], int, float]:
            found = core.list_memories(vault, since=bounds[0], until=bounds[1], limit=LIST_LIMIT, **f)
            total = core.count_memories(vault, since=bounds[0], until=bounds[1], **f)
            return found, total, vault.now()

        self.session.db.submit(load, self.session.vault, on_done=alive(self, lambda r: self._show(gen, day, *r)))

    def _show(self, gen: int, day: str | None, found: list[Any], total: int, now: float) -> None:
        if gen != self._generation:
            return
        keep = self.detail.memory.id if self.detail.memory else None
        self.model.set_memories(found, now)
        shown = f"showing the newest {len(found)} of {total}" if total > len(found) else f"{total}"
        italics = " (archived ones in italics)" if self.filters()["archived"] == "include" and total else ""
        self.count.setText(f"{shown} memor{'y' if total == 1 else 'ies'}{italics}")
        self.detail.setVisible(bool(found) or total > 0)
        if found:
            self.center.setCurrentWidget(self.table)
        else:
            self.center.setCurrentWidget(self.empty)
            self.empty.setText(self._empty_text(day))
        row = self.model.row_of(keep) if keep is not None else -1
        if row >= 0:
            self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
        else:
            self.detail.show_memory(None)

    def _empty_text(self, day: str | None) -> str:
        if self.session.vault is not None and not any(self.filters()["kinds"]) and \
                self.filters()["archived"] == "exclude" and not day:
            return ("Reverie has no memories yet. Write a note or have a conversation, and what you say "
                    "becomes memories here; each night Reverie also distils facts and summaries.")
        if day:
            return "Nothing of this kind was remembered on this day."
        if self.filters()["archived"] == "only":
            return ("No archived memories. Memories that fade below the archive threshold are archived "
                    "at night; you can restore them here.")
        return "No memories match these filters."

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        memory_id = current.data(IdRole) if current.isValid() else None
        if memory_id is None:
            self.detail.show_memory(None)
            return
        self._load_detail(memory_id)

    def _load_detail(self, memory_id: int) -> None:
        def load(vault: Vault) -> tuple[Any, float, str, list[dict[str, Any]]]:
            m = core.get_memory(vault, memory_id)
            return m, vault.now(), core.source_title(vault, m), core.memory_history(vault, memory_id)

        def show(result: tuple[Any, float, str, list[dict[str, Any]]]) -> None:
            m, now, source, history = result
            if self.table.currentIndex().data(IdRole) == m.id:
                self.detail.show_memory(m, now, source, history)

        self.session.db.submit(load, self.session.vault, on_done=alive(self, show),
                               on_error=alive(self, self.detail.show_error))

    # -- actions -------------------------------------------------------------------------------
    def _act(self, fn: Callable[..., Any], memory_id: int, *args: Any) -> None:
        def done(memory: Any) -> None:
            self._changed()
            filtered_out = (memory.archived and self.filters()["archived"] == "exclude") or \
                (not memory.archived and self.filters()["archived"] == "only")
            if filtered_out:
                self.model.remove(memory.id)
                self.detail.show_memory(None)
            else:
                self.model.replace(memory)
                self._load_detail(memory.id)

        self.session.db.submit(fn, self.session.vault, memory_id, *args, on_done=alive(self, done),
                               on_error=alive(self, self.detail.show_error))

    def _delete_current(self) -> None:
        if self.detail.memory is not None:
            self._delete(self.detail.memory.id)

    def _delete(self, memory_id: int) -> None:
        m = self.detail.memory
        if m is None or not self.confirm(one_line(m.text, 200)):
            return

        def done(_: Any) -> None:
            self._changed()
            self.model.remove(memory_id)
            self.detail.show_memory(None)

        self.session.db.submit(core.delete_memory, self.session.vault, memory_id, on_done=alive(self, done),
                               on_error=alive(self, self.detail.show_error))

    def _confirm(self, text: str) -> bool:
        answer = QMessageBox.question(
            self, "Delete this memory?",
            f"“{text}”\n\nDelete this memory for good? Its source note or conversation stays. "
            "Archiving it instead keeps it searchable on request.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def _changed(self) -> None:
        self._own_change = True
        self.session.publish(MEMORIES)
        self._own_change = False

    def _on_changes(self, changes: OpChanges) -> None:
        if not self._own_change and changes.content:
            self.reload()
