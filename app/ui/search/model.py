"""Search results as a Qt item model, and a delegate that draws each as rich text (title line and
an excerpt with the matched words highlighted)."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from reverie.app.ui.uikit import highlighted_html, when

HtmlRole = Qt.ItemDataRole.UserRole + 1
MemoryRole = Qt.ItemDataRole.UserRole + 2
HitRole = Qt.ItemDataRole.UserRole + 3
KIND_LABEL = {"chat": "chat", "note": "note", "fact": "fact", "summary": "summary"}


def hit_html(hit: Any) -> str:
    m = hit.memory
    title = html.escape(hit.source_title or KIND_LABEL.get(m.kind, m.kind))
    flags = " · archived" if getattr(m, "archived", False) else ""
    head = (f"<div><b>{title}</b> <span style='color:#888'>· {KIND_LABEL.get(m.kind, m.kind)} · "
            f"{when(m.happened_at)}{flags}</span></div>")
    return head + f"<div>{highlighted_html(m.text, tuple(getattr(hit, 'highlights', ()) or ()))}</div>"


class SearchResultItemModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.hits: list[Any] = []
        self._html: list[str] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.hits)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.hits):
            return None
        hit = self.hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{hit.source_title}: {hit.memory.text[:200]}"
        if role == HtmlRole:
            return self._html[index.row()]
        if role == MemoryRole:
            return hit.memory
        if role == HitRole:
            return hit
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = ", ".join(f"{k} {v:.3g}" for k, v in (getattr(hit, "breakdown", {}) or {}).items())
            return f"score {hit.score:.3g}" + (f" ({parts})" if parts else "")
        return None

    def set_hits(self, hits: list[Any]) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self._html = [hit_html(h) for h in self.hits]
        self.endResetModel()


class HtmlDelegate(QStyledItemDelegate):
    """Draws an item's HtmlRole as rich text, wrapped to the view's width."""

    def _doc(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setHtml(index.data(HtmlRole) or "")
        width = option.rect.width()
        if width <= 0 and option.widget is not None:
            width = option.widget.viewport().width() if hasattr(option.widget, "viewport") else option.widget.width()
        doc.setTextWidth(max(120, width - 16))
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = self._doc(option, index)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        if option.state & QStyle.StateFlag.State_Selected:
            ctx.palette.setColor(QPalette.ColorRole.Text, option.palette.color(QPalette.ColorRole.HighlightedText))
        else:
            ctx.palette.setColor(QPalette.ColorRole.Text, option.palette.color(QPalette.ColorRole.Text))
        painter.save()
        painter.translate(option.rect.left() + 8, option.rect.top() + 6)
        painter.setClipRect(QRectF(0, 0, option.rect.width() - 8, option.rect.height() - 6))
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        doc = self._doc(option, index)
        return QSize(int(doc.idealWidth()), int(doc.size().height()) + 12)
