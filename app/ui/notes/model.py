"""The notes list as a Qt item model, the plain query that fills it (run on the database lane), and
the delegate that draws each row: the title on one line cut with "…", then the note's date (the
date Search shows for it) and its tags, muted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from reverie.app.ui.fmt import stamp
from reverie.app.ui.uikit import paint_row_frame
from reverie.core import notes, sources
from reverie.core.bring.watch import MISSING_KEY

IdRole = Qt.ItemDataRole.UserRole + 1
TitleRole = Qt.ItemDataRole.UserRole + 2
DetailRole = Qt.ItemDataRole.UserRole + 3
PAD_X, PAD_Y, GAP = 10, 6, 2
PAGE = 200  # notes read from the vault at a time, as the list scrolls


@dataclass(frozen=True)
class NoteRow:
    id: str
    title: str
    tags: tuple[str, ...]
    updated_at: float
    snippet: str
    happened_at: float = 0.0  # the note's date: front matter date/created when imported, else when written
    created_at: float = 0.0
    app: str | None = None  # the app that recorded the note over MCP (``sources.origin_app``)
    gone: bool = False  # its file in a watched folder was deleted (meta ``missing``)

    @property
    def detail(self) -> str:
        """The second line: the note's date, as Search shows it, "file gone" when its watched file
        was deleted, the app that recorded it, then its tags."""
        tags = "  " + " ".join("#" + t for t in self.tags) if self.tags else ""
        source = f" · from {self.app}" if self.app else ""
        gone = " · file gone" if self.gone else ""
        return f"{stamp(self.happened_at or self.updated_at)}{gone}{source}{tags}"

    @property
    def tooltip(self) -> str:
        dates = f"Dated {stamp(self.happened_at or self.created_at)}"
        if self.updated_at and stamp(self.updated_at) != stamp(self.happened_at):
            dates += f" · edited {stamp(self.updated_at)}"
        if self.app:
            dates += f" · remembered by {self.app}"
        if self.gone:
            dates += "\nIts file in the watched folder was deleted; the note stays."
        return "\n".join(x for x in (self.title, dates, self.snippet) if x)


def load_rows(vault: Any, text_filter: str = "", offset: int = 0, limit: int = PAGE) -> list[NoteRow]:
    """One page of notes for the list, newest edit first: ``#tag`` filters by tag, anything else by
    words in the title, text or properties."""
    text_filter = text_filter.strip()
    tag = None
    if text_filter.startswith("#") and len(text_filter) > 1:
        tag, text_filter = text_filter[1:].split()[0], " ".join(text_filter.split()[1:])
    found = notes.list_notes(vault, text_filter=text_filter, tag=tag, limit=limit, offset=offset)
    return [
        NoteRow(
            n.id,
            n.title or "Untitled",
            n.tags,
            n.updated_at,
            " ".join(n.body[:160].split()),
            n.happened_at,
            n.created_at,
            sources.origin_app(n.origin),
            bool(n.meta and n.meta.get(MISSING_KEY)),
        )
        for n in found
    ]


class NoteListItemModel(QAbstractListModel):
    """The notes list, read from the vault a page at a time: the view asks for more as it scrolls
    (``canFetchMore``/``fetchMore``), and ``fetch_page(offset, generation)``, set by the page, reads the
    next page on the database lane and hands it to ``append_rows``. A page of an older listing (the filter
    changed, a note was saved) is dropped by its generation."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[NoteRow] = []
        self.fetch_page: Callable[[int, int], None] | None = None
        self.generation = 0
        self._more = False
        self._fetching = False

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row.title}\n{row.detail}"
        if role == TitleRole:
            return row.title
        if role == DetailRole:
            return row.detail
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return row.tooltip
        if role == IdRole:
            return row.id
        return None

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self._more and not self._fetching and self.fetch_page is not None

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: N802
        if self.canFetchMore(parent) and self.fetch_page is not None:
            self._fetching = True
            self.fetch_page(len(self.rows), self.generation)

    def set_rows(self, rows: list[NoteRow], *, more: bool = False) -> None:
        """A new listing's first page; ``more``: the vault holds further notes for it."""
        self.beginResetModel()
        self.generation += 1
        self.rows = list(rows)
        self._more, self._fetching = more, False
        self.endResetModel()

    def append_rows(self, rows: list[NoteRow], generation: int, *, more: bool) -> bool:
        """The next page of the listing ``generation``; False when that listing is gone."""
        if generation != self.generation:
            return False
        self._fetching = False
        self._more = more
        if rows:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()
        return True

    def fetch_failed(self, generation: int) -> None:
        if generation == self.generation:
            self._fetching = False
            self._more = False  # not again and again: the next refresh starts over

    def row_of(self, note_id: str | None) -> int:
        for i, r in enumerate(self.rows):
            if r.id == note_id:
                return i
        return -1


class NoteItemDelegate(QStyledItemDelegate):
    """Two lines per note, each cut with "…" to the list's width (never clipped)."""

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        title = QFont(option.font)
        title.setWeight(QFont.Weight.DemiBold)
        detail = QFont(option.font)
        detail.setPointSizeF(max(7.0, option.font.pointSizeF() * 0.9))
        return title, detail

    def lines(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex, width: int
    ) -> tuple[str, str]:
        """The two lines as drawn in ``width`` pixels (what tests read)."""
        title_font, detail_font = self._fonts(option)
        title = QFontMetrics(title_font).elidedText(index.data(TitleRole) or "", Qt.TextElideMode.ElideRight, width)
        detail = QFontMetrics(detail_font).elidedText(index.data(DetailRole) or "", Qt.TextElideMode.ElideRight, width)
        return title, detail

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        paint_row_frame(self, painter, option, index)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        pal = option.palette
        text_color = pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        muted = (
            pal.color(QPalette.ColorRole.HighlightedText) if selected else pal.color(QPalette.ColorRole.PlaceholderText)
        )
        rect = option.rect.adjusted(PAD_X, PAD_Y, -PAD_X, -PAD_Y)
        title, detail = self.lines(option, index, rect.width())
        title_font, detail_font = self._fonts(option)
        painter.save()
        painter.setFont(title_font)
        painter.setPen(text_color)
        th = painter.fontMetrics().height()
        painter.drawText(
            QRect(rect.left(), rect.top(), rect.width(), th),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            title,
        )
        painter.setFont(detail_font)
        painter.setPen(muted)
        dh = painter.fontMetrics().height()
        painter.drawText(
            QRect(rect.left(), rect.top() + th + GAP, rect.width(), dh),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            detail,
        )
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        title_font, detail_font = self._fonts(option)
        h = QFontMetrics(title_font).height() + GAP + QFontMetrics(detail_font).height() + 2 * PAD_Y
        return QSize(120, h)
