"""The Search screen: results as you type (debounced), the matched words highlighted, filters for
kind, date range and archived memories; Enter opens the selected result where it came from."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QDate, QEvent, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui.flowlayout import FlowLayout
from reverie.app.ui.locked import LockedNotice
from reverie.app.ui.richtext import HtmlDelegate
from reverie.app.ui.search.model import SearchResultItemModel
from reverie.app.ui.services import AppServices
from reverie.app.ui.shell import Page, Shell, SourceOpener
from reverie.app.ui.uikit import debouncer
from reverie.core import replies

DEBOUNCE_MS = 250
MAX_RESULTS = 50
MAX_QUERY_CHARS = 500
LOCKED_SEARCH = "The vault is locked — search finds nothing until you unlock it."
KINDS = (
    ("chat", "Chats"),
    ("note", "Notes"),
    ("fact", "Facts"),
    ("summary", "Summaries"),
    (replies.KIND, "Reverie's replies"),
)
RANGES = ("Any time", "Past week", "Past month", "Past year", "Between…")
ARCHIVED = (("exclude", "Hide archived"), ("include", "Include archived"), ("only", "Only archived"))


# A hit found by meaning alone is shown only when it is this similar to the query (MiniLM cosine):
# unrelated sentences score about 0 to 0.2, paraphrases 0.4 and up.
MIN_MEANING = 0.3


def shown(hit: Any) -> bool:
    """Whether a hit belongs in the list: it matched words, or it is close in meaning, or it was
    found by browsing (a filter with no query words)."""
    b = hit.breakdown
    if "bm25" in b or "bm25_rank" in b or "vector" not in b:
        return True
    return float(b["vector"]) >= MIN_MEANING


class _ResultList(QListView):
    def __init__(self, on_enter: Any) -> None:
        super().__init__()
        self._on_enter = on_enter

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt naming
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._on_enter()
            return
        super().keyPressEvent(event)


class SearchPage(QWidget):
    def __init__(
        self,
        services: AppServices,
        open_source: SourceOpener,
        parent: QWidget | None = None,
        shell: Shell | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.session = session = services.session
        self.open_source = open_source
        self.query = QLineEdit()
        self.query.setObjectName("searchBox")
        self.query.setPlaceholderText("Search your notes, conversations and memories (Ctrl+Shift+F)")
        self.query.setClearButtonEnabled(True)
        self.query.setMaxLength(MAX_QUERY_CHARS)  # a pasted book is not a query
        self.kind_boxes = {k: QCheckBox(label) for k, label in KINDS}
        self.range = QComboBox()
        self.range.addItems(RANGES)
        today = QDate.currentDate()
        self.since = QDateEdit(today.addMonths(-1))
        self.until = QDateEdit(today)
        for d in (self.since, self.until):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            d.hide()
        self.archived = QComboBox()
        for key, label in ARCHIVED:
            self.archived.addItem(label, key)
        # The filters wrap onto a second line in a narrow window rather than widen it.
        self.filters = QWidget()
        filters = FlowLayout(self.filters, spacing=8)
        filters.addWidget(QLabel("Show:"))
        for box in self.kind_boxes.values():
            filters.addWidget(box)
        filters.addWidget(self.range)
        filters.addWidget(self.since)
        filters.addWidget(self.until)
        filters.addWidget(self.archived)
        self.model = SearchResultItemModel(self)
        self.results = _ResultList(self.open_current)
        self.results.setObjectName("searchResults")
        self.results.setModel(self.model)
        self.results.setItemDelegate(HtmlDelegate(self.results))
        self.results.setResizeMode(QListView.ResizeMode.Adjust)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.results.setWordWrap(True)
        self.status = QLabel("Type to search. No boxes ticked means every kind.")
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 8)
        # While the vault is locked: say so, with Unlock; what is typed stays and is searched then.
        self.locked = LockedNotice(session, shell) if shell is not None else None
        if self.locked is not None:
            self.locked.label.setText(LOCKED_SEARCH)
            lay.addWidget(self.locked)
        lay.addWidget(self.query)
        lay.addWidget(self.filters)
        lay.addWidget(self.status)
        lay.addWidget(self.results, 1)

        self._token = 0
        self._open_when_ready = False
        self._timer = debouncer(self, DEBOUNCE_MS, self.run_search)
        self.query.textChanged.connect(lambda _t: self._timer.start())
        self.query.returnPressed.connect(self.open_current)
        self.query.installEventFilter(self)
        for box in self.kind_boxes.values():
            box.toggled.connect(lambda _on: self._timer.start())
        self.range.currentIndexChanged.connect(self._range_changed)
        for d in (self.since, self.until):
            d.dateChanged.connect(lambda _d: self._timer.start())
        self.archived.currentIndexChanged.connect(lambda _i: self._timer.start())
        self.results.doubleClicked.connect(lambda _i: self.open_current())
        session.changed.connect(self._data_changed)  # a method: disconnected when the page goes
        session.vault_ready.connect(self._opened)

    def _opened(self, _vault: object) -> None:
        self.run_search()  # what was typed while the vault was locked, or the hint

    def _data_changed(self, _changes: object) -> None:
        if self.query.text().strip():
            self._timer.start()

    def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 - Qt naming
        """Up and Down in the search box move through the results; Enter opens the selected one."""
        if obj is self.query and event.type() == QEvent.Type.KeyPress and self.model.rowCount():
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(event.key())
            if step:
                row = max(0, min(self.model.rowCount() - 1, self.results.currentIndex().row() + step))
                self.results.setCurrentIndex(self.model.index(row))
                return True
        return super().eventFilter(obj, event)

    def focus_search(self) -> None:
        self.query.setFocus()
        self.query.selectAll()

    def _range_changed(self, index: int) -> None:
        custom = RANGES[index] == "Between…"
        self.since.setVisible(custom)
        self.until.setVisible(custom)
        self._timer.start()

    def time_range(self, now: float) -> tuple[float | None, float | None]:
        label = RANGES[self.range.currentIndex()]
        days = {"Past week": 7, "Past month": 31, "Past year": 366}.get(label)
        if days:
            return now - days * 86400.0, None
        if label == "Between…":
            a = datetime.combine(self.since.date().toPython(), time.min).timestamp()
            b = datetime.combine(self.until.date().toPython() + timedelta(days=1), time.min).timestamp()
            return min(a, b), max(a, b)
        return None, None

    def run_search(self) -> None:
        self._timer.stop()
        vault = self.session.vault
        text = self.query.text()
        self._token += 1
        if vault is None or not text.strip():
            self.model.set_hits([])
            self.status.setText(
                "Type to search. No boxes ticked means every kind."
                if vault is not None
                else "The vault is locked. What you type stays here and is searched once you unlock it."
            )
            return
        services = self.services
        ticked = tuple(k for k, box in self.kind_boxes.items() if box.isChecked())
        kinds = tuple(k for k in ticked if k != replies.KIND)
        with_replies = replies.KIND in ticked  # Reverie's own replies are not memories: only when asked
        since, until = self.time_range(vault.now())
        filters = services.filters(kinds, since, until, self.archived.currentData())
        token = self._token

        def search() -> Any:
            found = [] if with_replies else None
            if with_replies:
                found = replies.search_replies(vault, text, limit=MAX_RESULTS, since=since, until=until)
            if with_replies and not kinds:
                return found
            result = services.searcher(vault).search(
                text, now=vault.now(), k=MAX_RESULTS, filters=filters, as_you_type=True
            )
            return result if found is None else [*result.hits, *found]

        self.status.setText("Searching…")
        self.session.db.submit(
            search, on_done=lambda r: self._show(token, text, r), on_error=lambda msg: self._failed(token, msg)
        )

    def _show(self, token: int, text: str, result: Any) -> None:
        if token != self._token:
            return  # the user typed on; a newer search is coming
        hits = [h for h in getattr(result, "hits", result) if shown(h)]
        self.model.set_hits(hits)
        if self._open_when_ready and hits:
            self._open_when_ready = False
            self.open_source(hits[0].memory)
        if hits:
            self.results.setCurrentIndex(self.model.index(0))
            phrase = getattr(result, "time_phrase", None)
            extra = f" (time: “{phrase}”)" if phrase else ""
            if phrase and getattr(result, "widened", False):
                extra = f" from any time: nothing matched “{phrase}”"
            self.status.setText(
                f"{len(hits)} result{'s' if len(hits) != 1 else ''}{extra}. "
                "Enter opens the selected one where it came from."
            )
        else:
            self.status.setText(f"Nothing found for “{text.strip()[:80]}”. Try fewer words or other filters.")

    def _failed(self, token: int, message: str) -> None:
        if token == self._token:
            self.model.set_hits([])
            self.status.setText(message)

    def open_current(self) -> None:
        if self._timer.isActive():
            self._open_when_ready = True  # Enter before the results came: open the first one when they do
            self.run_search()
            return
        index = self.results.currentIndex()
        if not index.isValid() and self.model.rowCount():
            index = self.model.index(0)
        if index.isValid():
            self.open_source(self.model.hit(index.row()).memory)


def install(shell: Shell, services: AppServices) -> SearchPage:
    page = SearchPage(services, shell.open_source, shell=shell)
    shell.add_page(Page("search", "Search", page))

    def find() -> None:
        shell.show_page("search")
        page.focus_search()

    shell.add_shortcut("Ctrl+Shift+F", find)
    return page
