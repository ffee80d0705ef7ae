"""Browse memories by kind or day by day; act on one in the detail pane. All SQL runs on the
database lane; results come back to the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
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
from reverie.app.ui.memories.model import DayItemModel, DayRole, IdRole, MemoryItemModel, one_line
from reverie.app.ui.session import Session
from reverie.app.ui.uikit import ElidedLabel, alive, debouncer, remember_splitter
from reverie.core import memories as core
from reverie.core.memory_list import MemoryQuery
from reverie.core.vault import Vault

KIND_FILTERS = [
    ("All kinds", ()),
    ("Conversations", ("chat",)),
    ("Notes", ("note",)),
    ("Facts", ("fact",)),
    ("Summaries", ("summary",)),
]
STATE_FILTERS = [("Active", "active"), ("Archived", "archived"), ("Pinned", "pinned"), ("Active and archived", "all")]
SEARCH_DELAY_MS = 250
NARROW = {4: 640, 3: 520, 1: 420}  # below this table width (px), the column is hidden
TIMELINE_DAYS = 60


class BrowsePane(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._own_change = False
        self._empty_days = False
        self._keep: int | None = None
        self._day: str | None = None
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
        self.kind.setToolTip("Show memories of one kind")
        self.archived = QComboBox()
        for label, _ in STATE_FILTERS:
            self.archived.addItem(label)
        self.archived.setToolTip("Active memories, archived ones, pinned ones, or all")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find words in memories…")
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(500)
        self.search.setMinimumWidth(140)
        bar.addSpacing(8)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.kind)
        bar.addWidget(self.archived)
        lay.addLayout(bar)
        self.count = ElidedLabel("")  # "12 memories with “…the words typed…”" never widens the page
        self.count.setObjectName("muted")
        lay.addWidget(self.count)
        self._search_timer = debouncer(self, SEARCH_DELAY_MS, self.reload)

        self.days_model = DayItemModel(self)
        self.days = QListView()
        self.days.setModel(self.days_model)
        self.days.setMinimumWidth(150)
        self.days.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.days.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.days.setVisible(False)
        self.model = MemoryItemModel(self, session)
        self.model.first_page.connect(self._show)
        self.model.failed.connect(self._failed)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (arrows move in it)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.setSortIndicator(2, Qt.SortOrder.DescendingOrder)  # newest first; the vault sorts
        header.sortIndicatorChanged.connect(lambda *_: self.reload())
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the text takes what is left
        fm = self.table.fontMetrics()
        for col, sample in ((1, "Conversation"), (2, "Yesterday"), (3, "Retention"), (4, "Strength")):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(col, fm.horizontalAdvance(sample) + 28)
        header.setMinimumSectionSize(40)
        self.table.installEventFilter(self)
        self.empty = QLabel("")
        self.empty.setObjectName("muted")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.center = QStackedWidget()
        self.center.addWidget(self.table)
        self.center.addWidget(self.empty)
        self.detail = MemoryDetail()
        self.detail.setMinimumWidth(250)
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
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self.search.returnPressed.connect(self.reload)
        self.kind.currentIndexChanged.connect(lambda _: self.reload())
        self.archived.currentIndexChanged.connect(lambda _: self.reload())
        self.days.selectionModel().currentChanged.connect(lambda *_: self._load_memories())
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.detail.pin_requested.connect(lambda mid, on: self._act(core.pin, mid, on))
        self.detail.archive_requested.connect(lambda mid, on: self._act(core.archive if on else core.restore, mid))
        self.detail.save_requested.connect(lambda mid, text: self._act(core.edit_text, mid, text))
        self.detail.delete_requested.connect(self._delete)
        delete_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.activated.connect(self._delete_current)
        session.vault_ready.connect(lambda _: self.reload())
        session.changed.connect(self._on_changes)

    # -- layout --------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if watched is self.table and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """The text keeps most of a narrow table: Strength, then Retention, then Kind give way (the
        detail pane shows them); When gives way to the day list."""
        width = self.table.width()
        self.table.setColumnHidden(2, self.by_day)  # the day list already says when
        self.table.setColumnHidden(4, width < NARROW[4])
        self.table.setColumnHidden(3, width < NARROW[3])
        self.table.setColumnHidden(1, width < NARROW[1])  # the detail's title says the kind

    # -- loading -------------------------------------------------------------------------------
    @property
    def by_day(self) -> bool:
        return self.days_button.isChecked()

    def filters(self) -> dict[str, Any]:
        return {
            "kinds": KIND_FILTERS[self.kind.currentIndex()][1],
            "state": STATE_FILTERS[self.archived.currentIndex()][1],
            "words": self.search.text().strip(),
        }

    def query(self, day: str | None = None) -> MemoryQuery:
        header = self.table.horizontalHeader()
        ascending, descending = MemoryItemModel.ORDERS.get(header.sortIndicatorSection(), ("oldest", "recent"))
        order = ascending if header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder else descending
        since, until = core.day_bounds(day) if day else (None, None)
        f = self.filters()
        return MemoryQuery(words=f["words"], kinds=f["kinds"], state=f["state"], since=since, until=until, order=order)

    def reload(self) -> None:
        if self.session.vault is None:
            return
        self._search_timer.stop()
        self.days.setVisible(self.by_day)
        self._fit_columns()
        if self.by_day:
            keep = self.days.currentIndex().data(DayRole)
            f = self.filters()
            archived = {"active": "exclude", "archived": "only"}.get(f["state"], "include")

            def load(vault: Vault) -> list[tuple[str, dict[str, int]]]:
                tl = core.timeline(vault, vault.now(), TIMELINE_DAYS, archived=archived)
                return [(d, {k: n for k, n in c.items() if not f["kinds"] or k in f["kinds"]}) for d, c in tl]

            self.session.db.submit(
                load, self.session.vault, on_done=alive(self, lambda days: self._show_days(days, keep))
            )
        else:
            self._load_memories()

    def _show_days(self, days: list[tuple[str, dict[str, int]]], keep: str | None) -> None:
        days = [(d, c) for d, c in days if c]  # a timeline of days with something in them
        self.days_model.set_days(days)
        if not days:
            self.model.clear()
            self.count.setText(f"nothing in the last {TIMELINE_DAYS} days")
            self.empty.setText(f"Nothing of this kind was remembered in the last {TIMELINE_DAYS} days.")
            self.center.setCurrentWidget(self.empty)
            self.detail.show_memory(None)
            self._empty_days = True
            return
        self._empty_days = False
        row = next((i for i, (d, _) in enumerate(days) if d == keep), 0)
        self.days.setCurrentIndex(self.days_model.index(row, 0))
        self._load_memories()

    def _load_memories(self) -> None:
        """Fetch the first page of what the filters ask for; the table fetches the rest as it scrolls."""
        if self.session.vault is None:
            return
        self._empty_days = False
        self._keep = self.detail.memory.id if self.detail.memory else None
        day = self.days.currentIndex().data(DayRole) if self.by_day else None
        self._day = day
        self.model.load(self.query(day))

    def _show(self, total: int) -> None:
        if self._empty_days:
            return
        f = self.filters()
        found = self.model.rowCount()
        noun = f"memor{'y' if total == 1 else 'ies'}"
        what = f"{total:,} {noun}" + (f" with “{f['words']}”" if f["words"] else "")
        italics = " (archived ones in italics)" if f["state"] in ("all", "pinned") and total else ""
        self.count.setText(what + italics)
        self.detail.setVisible(found > 0)
        if found:
            self.center.setCurrentWidget(self.table)
        else:
            self.center.setCurrentWidget(self.empty)
            self.empty.setText(self._empty_text(self._day))
        row = self.model.row_of(self._keep) if self._keep is not None else -1
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.detail.show_memory(None)

    def _failed(self, message: str) -> None:
        self.count.setText(message)

    def _empty_text(self, day: str | None) -> str:
        f = self.filters()
        if f["words"]:
            return f"No memories with “{f['words']}”" + (" on this day." if day else " match these filters.")
        if self.session.vault is not None and not any(f["kinds"]) and f["state"] == "active" and not day:
            return (
                "Reverie has no memories yet. Write a note or have a conversation, and what you say "
                "becomes memories here; each night Reverie also distils facts and summaries."
            )
        if day:
            return "Nothing of this kind was remembered on this day."
        if f["state"] == "archived":
            return (
                "No archived memories. Memories that fade below the archive threshold are archived "
                "at night; you can restore them here."
            )
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

        self.session.db.submit(
            load, self.session.vault, on_done=alive(self, show), on_error=alive(self, self.detail.show_error)
        )

    # -- actions -------------------------------------------------------------------------------
    def _act(self, fn: Callable[..., Any], memory_id: int, *args: Any) -> None:
        def done(memory: Any) -> None:
            self._changed()
            state = self.filters()["state"]
            filtered_out = (
                (memory.archived and state == "active")
                or (not memory.archived and state == "archived")
                or (not memory.pinned and state == "pinned")
            )
            if filtered_out:
                self.model.remove(memory.id)
                self.detail.show_memory(None)
            else:
                self.model.replace(memory)
                self._load_detail(memory.id)

        self.session.db.submit(
            fn,
            self.session.vault,
            memory_id,
            *args,
            on_done=alive(self, done),
            on_error=alive(self, self.detail.show_error),
        )

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

        self.session.db.submit(
            core.delete_memory,
            self.session.vault,
            memory_id,
            on_done=alive(self, done),
            on_error=alive(self, self.detail.show_error),
        )

    def _confirm(self, text: str) -> bool:
        answer = QMessageBox.question(
            self,
            "Delete this memory?",
            f"“{text}”\n\nDelete this memory for good? Its source note or conversation stays. "
            "Archiving it instead keeps it searchable on request.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _changed(self) -> None:
        self._own_change = True
        self.session.publish(MEMORIES)
        self._own_change = False

    def _on_changes(self, changes: OpChanges) -> None:
        if not self._own_change and changes.content:
            self.reload()
