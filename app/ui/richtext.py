"""A list delegate that draws each item's HtmlRole as wrapped rich text (used by the search
results, the notes list, the conversations and the sources panel)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from reverie.app.ui.uikit import paint_row_frame

HtmlRole = Qt.ItemDataRole.UserRole + 20


class HtmlDelegate(QStyledItemDelegate):
    """Draws an item's HtmlRole as rich text, wrapped to the view's width."""

    def _doc(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex, selected: bool = False
    ) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        text = index.data(HtmlRole) or ""
        if selected:  # muted grey is unreadable on the selection colour: use the selected text colour
            text = text.replace(
                "color:#888", "color:" + option.palette.color(QPalette.ColorRole.HighlightedText).name()
            )
        doc.setHtml(text)
        width = option.rect.width()
        if width <= 0 and option.widget is not None:
            width = option.widget.viewport().width() if hasattr(option.widget, "viewport") else option.widget.width()
        doc.setTextWidth(max(120, width - 16))
        return doc

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        paint_row_frame(self, painter, option, index)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        doc = self._doc(option, index, selected)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        if selected:
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
