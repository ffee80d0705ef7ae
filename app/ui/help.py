"""The Help menu's two windows: the keyboard shortcuts, and About Reverie (its version and where
the vault lives)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reverie import __version__
from reverie.app.ui.theme import SPACE_3, SPACE_4


class ShortcutsDialog(QDialog):
    """Every keyboard shortcut of the window, as (keys, what it does) rows."""

    def __init__(self, rows: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setMinimumWidth(440)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(SPACE_4, SPACE_4, SPACE_4, SPACE_4)
        lay.setSpacing(SPACE_3)
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Keys", "Does"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.setShowGrid(False)
        for i, (keys, what) in enumerate(rows):
            self.table.setItem(i, 0, QTableWidgetItem(keys))
            self.table.setItem(i, 1, QTableWidgetItem(what))
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(0, self.table.columnWidth(0) + 24)  # room between the keys and the words
        self.table.setMinimumHeight(min(520, 32 + 30 * len(rows)))
        lay.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def rows(self) -> list[tuple[str, str]]:
        return [(self.table.item(i, 0).text(), self.table.item(i, 1).text()) for i in range(self.table.rowCount())]


def about_html(vault_folder: str) -> str:
    return (
        f"<h2>Reverie {html.escape(__version__)}</h2>"
        "<p>A memory companion that keeps everything on this computer: your notes and conversations, "
        "the memories it makes of them, and the models that answer.</p>"
        f"<p>Your vault lives in<br><code>{html.escape(vault_folder)}</code></p>"
        "<p>Nothing is sent anywhere; only <i>Export</i> writes a copy elsewhere.</p>"
    )


class AboutDialog(QDialog):
    def __init__(self, vault_folder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Reverie")
        self.setMinimumWidth(460)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(SPACE_4, SPACE_4, SPACE_4, SPACE_4)
        self.text = QLabel(about_html(vault_folder))
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
