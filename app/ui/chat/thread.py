"""The conversation thread: one MessageWidget per row of a MessageItemModel, in a scroll area."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from reverie.app.ui.chat.bubble import MessageWidget
from reverie.app.ui.chat.model import ItemRole, MessageItemModel


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
        self.body = QWidget()
        self.body.setObjectName("threadBody")
        self.column = QVBoxLayout(self.body)
        self.column.setContentsMargins(16, 12, 16, 12)
        self.column.setSpacing(10)
        self.placeholder = QLabel("Ask Reverie anything about what you have written or said. "
                                  "Answers cite the memories they stand on.\nCtrl+Enter sends, Esc stops.")
        self.placeholder.setObjectName("muted")
        self.placeholder.setWordWrap(True)
        self.column.addWidget(self.placeholder)
        self.column.addStretch(1)
        self.setWidget(self.body)
        self.widgets: list[MessageWidget] = []
        model.modelReset.connect(self._rebuild)
        model.rowsInserted.connect(self._inserted)
        model.dataChanged.connect(self._changed)
        self._follow = True

    def _make(self, row: int) -> MessageWidget:
        w = MessageWidget(self.model.index(row).data(ItemRole), self.body)
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
        for row in range(self.model.rowCount()):
            w = self._make(row)
            self.column.insertWidget(self.column.count() - 1, w)
            self.widgets.append(w)
        self.placeholder.setVisible(not self.widgets)
        self.scroll_to_end()

    def _inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        for row in range(first, last + 1):
            w = self._make(row)
            self.column.insertWidget(row + 1, w)  # after the placeholder
            self.widgets.insert(row, w)
        self.placeholder.hide()
        self.scroll_to_end()

    def _changed(self, top: QModelIndex, bottom: QModelIndex, _roles: Any = None) -> None:
        for row in range(top.row(), bottom.row() + 1):
            if 0 <= row < len(self.widgets):
                self.widgets[row].set_item(self.model.index(row).data(ItemRole))

    def widget_for(self, message_id: str) -> MessageWidget | None:
        row = self.model.row_of(message_id)
        return self.widgets[row] if 0 <= row < len(self.widgets) else None

    def streaming_text(self, row: int, content: str) -> None:
        if 0 <= row < len(self.widgets):
            bar = self.verticalScrollBar()
            at_end = bar.value() >= bar.maximum() - 40
            self.widgets[row].append_text(content)
            if at_end:
                self.scroll_to_end()

    def scroll_to_end(self) -> None:
        QTimer.singleShot(0, self, lambda: self.verticalScrollBar().setValue(self.verticalScrollBar().maximum()))

    def reveal(self, message_id: str) -> MessageWidget | None:
        """Scroll to a message and mark it (opening a cited message in context)."""
        w = self.widget_for(message_id)
        if w is not None:
            w.flash()
            QTimer.singleShot(0, w, lambda: self.ensureWidgetVisible(w, 0, 60))
        return w
