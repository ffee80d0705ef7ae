"""The Sources panel of the Chat screen: what an answer was given (retrieved) and which of those it
cited. Clicking a row asks the page to open it where it came from (``open_requested``)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QLabel, QListView, QVBoxLayout, QWidget

from reverie.app.ui.chat.data import MessageItem
from reverie.app.ui.chat.model import SourceItemModel, SourceRow
from reverie.app.ui.richtext import HtmlDelegate
from reverie.core.answer import AnswerResult

EMPTY_HINT = "After an answer, what Reverie retrieved and what it cited appear here."


class SourcesPanel(QWidget):
    open_requested = Signal(object)  # SourceRow

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SourceItemModel(self)
        self.title = QLabel("<b>Sources</b>")
        self.hint = QLabel(EMPTY_HINT)
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)
        self.list = QListView()
        self.list.setObjectName("sourcesList")
        self.list.setModel(self.model)
        self.list.setWordWrap(True)
        self.list.setItemDelegate(HtmlDelegate(self.list))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 8, 8, 8)
        lay.addWidget(self.title)
        lay.addWidget(self.hint)
        lay.addWidget(self.list, 1)
        self._given: dict[str, list[SourceRow]] = {}  # answer id -> what it was given (this session)
        self.list.activated.connect(self._open_row)
        self.list.clicked.connect(self._open_row)

    def remember(self, result: AnswerResult, labels: dict[str, str] | None = None) -> None:
        """Keep what this answer was given, to show with it while the window is open; ``labels``
        name each memory's exact source by uid (``core.sources.cite_label``)."""
        cited = {c.n for c in result.citations}
        labels = labels or {}
        self._given[result.assistant_message.id] = [
            SourceRow(
                g.n,
                labels.get(g.memory.uid) or g.source_title or g.memory.context or g.memory.kind,
                g.memory.text,
                g.n in cited,
                g.memory.uid,
                g.memory,
            )
            for g in result.given
        ]

    def rows_for(self, item: MessageItem | None) -> list[SourceRow]:
        """What an answer was given, when it was written in this session; else the memories it cited."""
        if item is None or item.id is None:
            return []
        given = self._given.get(item.id)
        if given is not None:
            return given
        return [
            SourceRow(c.n, (c.label or c.title) if not c.gone else "source deleted", c.excerpt, True, c.uid)
            for c in item.citations
        ]

    def show_for(self, item: MessageItem | None) -> None:
        rows = self.rows_for(item)
        self.model.set_rows(rows)
        cited = sum(1 for r in rows if r.cited)
        if item is None:
            self.hint.setText(EMPTY_HINT)
        elif not rows:
            self.hint.setText("This answer cited no memory.")
        else:
            retrieved = len(rows) if any(not r.cited for r in rows) or item.id in self._given else None
            head = f"{retrieved} retrieved, " if retrieved is not None else ""
            self.hint.setText(f"{head}{cited} cited. Click one to open it where it came from.")

    def _open_row(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.open_requested.emit(row)
