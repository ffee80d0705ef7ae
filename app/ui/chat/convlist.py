"""Chat's conversation pane: the list and New / Rename / Delete. A conversation reads as its title
on one line, when and how many messages on a second, muted; each cut with "…" to the list's width
(never clipped mid-letter)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui.chat.model import ConversationItemModel
from reverie.app.ui.uikit import paint_row_frame

_Index = QModelIndex | QPersistentModelIndex
PAD_X, PAD_Y, GAP = 10, 7, 2
EMPTY_HINT = "No conversations yet — ask something below."
LOCKED_HINT = "Your conversations show once the vault is unlocked."


class ConversationDelegate(QStyledItemDelegate):
    """Paints the DisplayRole's two lines ("title\\nsubtitle"), each elided to the row's width."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        paint_row_frame(self, painter, option, index)
        title, subtitle = self.shown(option, index)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        bold = QFont(option.font)
        bold.setBold(True)
        fb, fm = QFontMetrics(bold), QFontMetrics(option.font)
        r = option.rect.adjusted(PAD_X, PAD_Y, -PAD_X, -PAD_Y)
        pal = option.palette
        text = pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        muted = text if selected else pal.color(QPalette.ColorRole.PlaceholderText)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.save()
        painter.setFont(bold)
        painter.setPen(text)
        painter.drawText(QRect(r.left(), r.top(), r.width(), fb.height()), flags, title)
        painter.setFont(option.font)
        painter.setPen(muted)
        painter.drawText(QRect(r.left(), r.top() + fb.height() + GAP, r.width(), fm.height()), flags, subtitle)
        painter.restore()

    def shown(self, option: QStyleOptionViewItem, index: _Index) -> tuple[str, str]:
        """The two lines as painted in ``option.rect``: each cut with "…" when it does not fit."""
        title, _, subtitle = str(index.data() or "").partition("\n")
        bold = QFont(option.font)
        bold.setBold(True)
        width = option.rect.width() - 2 * PAD_X
        return (
            QFontMetrics(bold).elidedText(title, Qt.TextElideMode.ElideRight, width),
            QFontMetrics(option.font).elidedText(subtitle, Qt.TextElideMode.ElideRight, width),
        )

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:  # noqa: N802 - Qt naming
        bold = QFont(option.font)
        bold.setBold(True)
        return QSize(120, QFontMetrics(bold).height() + GAP + QFontMetrics(option.font).height() + 2 * PAD_Y)


class ConversationPane(QWidget):
    """The conversations, newest first, with New, Rename and Delete under them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationPane")
        self.model = ConversationItemModel(self)
        self.list = QListView()
        self.list.setObjectName("conversationList")
        self.list.setModel(self.model)
        self.list.setEditTriggers(QListView.EditTrigger.EditKeyPressed)
        self.list.setUniformItemSizes(True)
        self.list.setItemDelegate(ConversationDelegate(self.list))
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.new_button = QPushButton("New")
        self.new_button.setToolTip("Start a new conversation")
        self.rename_button = QPushButton("Rename")
        self.delete_button = QPushButton("Delete")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 0, 8)
        self.hint = QLabel("")  # what the list holds while it is empty (set by ``set_hint``)
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)
        self.hint.setVisible(False)
        for signal in (self.model.modelReset, self.model.rowsInserted, self.model.rowsRemoved):
            signal.connect(self._sync_hint)
        lay.addWidget(QLabel("<b>Conversations</b>"))
        lay.addWidget(self.hint)
        lay.addWidget(self.list, 1)
        row = QHBoxLayout()
        for b in (self.new_button, self.rename_button, self.delete_button):
            row.addWidget(b)
        lay.addLayout(row)

    def set_hint(self, *, locked: bool) -> None:
        """Say what the list is while it is empty: the vault is locked, or no conversation yet."""
        self.hint.setText(LOCKED_HINT if locked else EMPTY_HINT)
        self._sync_hint()

    def _sync_hint(self, *_: object) -> None:
        self.hint.setVisible(bool(self.hint.text()) and self.model.rowCount() == 0)
