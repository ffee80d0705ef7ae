"""The conversation thread: one MessageWidget per row of a MessageItemModel, in a scroll area.

Only the latest WINDOW messages get widgets at first; "Show earlier messages" adds more, and
revealing an older message (a citation) adds as many as needed. A long conversation then opens and
streams as fast as a short one.

The view follows the newest message and the answer as it is written, unless the user scrolled up
to read: then a "↓ New reply" button appears over the bottom of the thread. It never scrolls
sideways: the messages take the thread's width, and code scrolls inside its own box."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from reverie.app.ui.chat.bubble import MessageWidget
from reverie.app.ui.chat.model import MessageItemModel

WINDOW = 40
_HEAD = 2  # the "earlier" button and the placeholder come before the messages in the column
AT_END_PX = 40  # this close to the bottom counts as reading the newest message


class ThreadView(QScrollArea):
    cite_clicked = Signal(object, object)  # chip, CiteRef
    remember_clicked = Signal(str)
    forget_clicked = Signal(str)
    sources_clicked = Signal(object)

    def __init__(self, model: MessageItemModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("thread")
        self.model = model
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body = QWidget()
        self.body.setObjectName("threadBody")
        # The body is as wide as the view, never as wide as its widest line.
        self.body.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.column = QVBoxLayout(self.body)
        self.column.setContentsMargins(16, 12, 16, 12)
        self.column.setSpacing(10)
        self.earlier = QPushButton("Show earlier messages")
        self.earlier.setObjectName("messageAction")
        self.earlier.clicked.connect(lambda: self.show_from(self.first - WINDOW))
        self.earlier.hide()
        self.placeholder = QLabel(
            "Ask Reverie anything about what you have written or said. "
            "Answers cite the memories they stand on.\nEnter sends, Shift+Enter starts a "
            "new line, Esc stops."
        )
        self.placeholder.setObjectName("muted")
        self.placeholder.setWordWrap(True)
        self.column.addWidget(self.earlier)
        self.column.addWidget(self.placeholder)
        self.column.addStretch(1)
        self.setWidget(self.body)
        self.widgets: list[MessageWidget] = []  # for rows first .. rowCount-1
        self.first = 0
        self.following = True  # keep the newest message in view (False once the user scrolled up)
        self.jump = QToolButton(self)
        self.jump.setObjectName("jumpToEnd")
        self.jump.setText("↓ New reply")
        self.jump.setToolTip("Scroll to the newest message")
        self.jump.setCursor(Qt.CursorShape.PointingHandCursor)
        self.jump.clicked.connect(self.follow_end)
        self.jump.hide()
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._scrolled)
        bar.rangeChanged.connect(self._range_changed)
        model.modelReset.connect(self._rebuild)
        model.rowsInserted.connect(self._inserted)
        model.dataChanged.connect(self._changed)

    def _make(self, row: int) -> MessageWidget:
        w = MessageWidget(self.model.item(row), self.body)
        w.cite_clicked.connect(self.cite_clicked)
        w.remember_clicked.connect(self.remember_clicked)
        w.forget_clicked.connect(self.forget_clicked)
        w.sources_clicked.connect(self.sources_clicked)
        return w

    def _rebuild(self) -> None:
        for w in self.widgets:
            self.column.removeWidget(w)
            w.deleteLater()
        self.widgets = []
        self.first = max(0, self.model.rowCount() - WINDOW)
        for row in range(self.first, self.model.rowCount()):
            w = self._make(row)
            self.column.insertWidget(self.column.count() - 1, w)
            self.widgets.append(w)
        self._sync()
        self.follow_end()

    def show_from(self, row: int) -> None:
        """Give widgets to the messages from ``row`` on (older ones first shown)."""
        row = max(0, row)
        if row >= self.first:
            return
        bar = self.verticalScrollBar()
        from_bottom = bar.maximum() - bar.value()
        new = [self._make(r) for r in range(row, self.first)]
        for i, w in enumerate(new):
            self.column.insertWidget(_HEAD + i, w)
        self.widgets[:0] = new
        self.first = row
        self._sync()
        QTimer.singleShot(0, self, lambda: bar.setValue(bar.maximum() - from_bottom))  # keep the view still

    def _sync(self) -> None:
        self.placeholder.setVisible(not self.widgets)
        self.earlier.setVisible(self.first > 0)
        self.earlier.setText(f"Show earlier messages ({self.first:,} more)")

    def _inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        for row in range(first, last + 1):
            w = self._make(row)
            self.column.insertWidget(_HEAD + row - self.first, w)
            self.widgets.insert(row - self.first, w)
        self._sync()
        self._grew()

    def _changed(self, top: QModelIndex, bottom: QModelIndex, _roles: Any = None) -> None:
        for row in range(top.row(), bottom.row() + 1):
            w = self.at(row)
            if w is not None:
                w.set_item(self.model.item(row))

    def at(self, row: int) -> MessageWidget | None:
        i = row - self.first
        return self.widgets[i] if 0 <= i < len(self.widgets) else None

    def widget_for(self, message_id: str) -> MessageWidget | None:
        row = self.model.row_of(message_id)
        if row < 0:
            return None
        if row < self.first:
            self.show_from(row)
        return self.at(row)

    def streaming_text(self, row: int, content: str) -> None:
        w = self.at(row)
        if w is not None:
            w.append_text(content)
            self._grew()

    # -- following the newest message ----------------------------------------------------------
    def _grew(self) -> None:
        """Something new at the bottom: follow it, or offer to jump to it."""
        if self.following:
            self.scroll_to_end()
        else:
            self.jump.show()
            self._place_jump()

    def _scrolled(self, value: int) -> None:
        bar = self.verticalScrollBar()
        self.following = value >= bar.maximum() - AT_END_PX
        if self.following:
            self.jump.hide()

    def _range_changed(self, _low: int, high: int) -> None:
        if self.following:
            self.verticalScrollBar().setValue(high)

    def follow_end(self) -> None:
        """Show the newest message and keep following (a new thread, a question sent, ↓ New reply)."""
        self.following = True
        self.jump.hide()
        self.scroll_to_end()

    def scroll_to_end(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())
        QTimer.singleShot(0, self, lambda: self.following and bar.setValue(bar.maximum()))

    def _place_jump(self) -> None:
        self.jump.adjustSize()
        vp = self.viewport().geometry()
        self.jump.move(vp.x() + (vp.width() - self.jump.width()) // 2, vp.bottom() - self.jump.height() - 12)
        self.jump.raise_()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        if self.jump.isVisible():
            self._place_jump()

    def reveal(self, message_id: str) -> MessageWidget | None:
        """Scroll to a message and mark it (opening a cited message in context)."""
        w = self.widget_for(message_id)
        if w is not None:
            self.following = False  # stay at the message while the thread lays out
            w.flash()
            QTimer.singleShot(0, w, lambda: self.ensureWidgetVisible(w, 0, 60))
        return w
