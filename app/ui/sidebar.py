"""The sidebar: one row per page, with its icon; below ``COMPACT_BELOW`` pixels of window width it
folds to its icons alone (the page names move to tooltips), so a narrow window keeps its room for
the page."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from reverie.app.ui import icons

WIDE = 196
COMPACT = 56
COMPACT_BELOW = 900
ROW_HEIGHT = 36


class Sidebar(QListWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("nav")
        self.setIconSize(QSize(18, 18))
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Ctrl+1…7 move between pages; no focus box on a row
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setSpacing(0)
        self.compact = False
        # Never wider than WIDE, and it may give way down to its icons: the window's minimum width
        # counts the sidebar folded, so a narrow window is possible before it folds.
        self.setMinimumWidth(COMPACT)
        self.setMaximumWidth(WIDE)

    def add(self, key: str, title: str) -> QListWidgetItem:
        item = QListWidgetItem(title)
        item.setData(Qt.ItemDataRole.UserRole, key)
        item.setData(Qt.ItemDataRole.UserRole + 1, title)
        item.setSizeHint(QSize(0, ROW_HEIGHT))
        if key in icons.NAMES:
            item.setIcon(icons.icon(key))
        self.addItem(item)
        self._show_item(item)
        return item

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(COMPACT if self.compact else WIDE, super().sizeHint().height())

    def key(self, row: int) -> str | None:
        item = self.item(row)
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def set_compact(self, compact: bool) -> None:
        """Icons alone (``True``) or icons with the page names."""
        if compact == self.compact:
            return
        self.compact = compact
        self.setMaximumWidth(COMPACT if compact else WIDE)
        for row in range(self.count()):
            self._show_item(self.item(row))

    def _show_item(self, item: QListWidgetItem) -> None:
        title = str(item.data(Qt.ItemDataRole.UserRole + 1))
        row = self.row(item)
        hint = f" (Ctrl+{row + 1})" if 0 <= row < 9 else ""
        item.setText("" if self.compact else title)
        item.setToolTip(title + hint)
        item.setTextAlignment(
            Qt.AlignmentFlag.AlignCenter if self.compact else Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
