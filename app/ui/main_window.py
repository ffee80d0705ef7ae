"""The main window: a shell that hosts feature pages. It owns no feature logic."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from reverie.app.ui.home import HomePage
from reverie.app.ui.session import Session
from reverie.app.ui.tasks import TaskBar, TaskTracker


@dataclass
class Page:
    key: str
    title: str
    widget: QWidget


class MainWindow(QMainWindow):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Reverie")
        self.resize(1100, 720)
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setMinimumWidth(150)
        self.nav.setMaximumWidth(260)
        self.stack = QStackedWidget()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([180, 920])
        self.setCentralWidget(self.splitter)
        self.pages: dict[str, Page] = {}
        self.tasks = TaskTracker(self)  # background work, shown in the status bar
        self.openers: dict[str, Callable[[Any], None]] = {}  # source kind -> shows it in context
        self.home = HomePage()
        self.add_page(Page("home", "Home", self.home))
        from reverie.app.ui.pages import install_pages

        install_pages(self, session)
        from reverie.app.ui.indexing import IndexingStatus
        from reverie.app.ui.services import services_for

        self.indexing = IndexingStatus(self.tasks, services_for(session), self)
        from reverie.app.ui.nightly import Nightly

        self.nightly = Nightly(session, self.tasks, self)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)
        self.status_label = QLabel("")
        self.statusBar().addWidget(self.status_label, 1)
        self.task_bar = TaskBar(self.tasks)
        self.statusBar().addPermanentWidget(self.task_bar)
        self.tasks.finished.connect(lambda name, msg: self.show_message(msg or f"{name}: done."))
        session.db.error.connect(self.show_message)
        session.model.error.connect(self.show_message)
        self._restore_geometry()

    def add_page(self, page: Page) -> None:
        self.pages[page.key] = page
        self.stack.addWidget(page.widget)
        item = QListWidgetItem(page.title)
        item.setData(Qt.ItemDataRole.UserRole, page.key)
        self.nav.addItem(item)

    def show_page(self, key: str) -> QWidget:
        page = self.pages[key]
        self.nav.setCurrentRow(list(self.pages).index(key))
        return page.widget

    def register_opener(self, source_kind: str, opener: Callable[[Any], None]) -> None:
        self.openers[source_kind] = opener

    def open_source(self, memory: Any) -> None:
        """Show where a memory came from: the note at its paragraph, the message in its conversation."""
        opener = self.openers.get(getattr(memory, "source_kind", ""))
        if opener is None:
            self.show_message("This memory has no note or message to open.")
            return
        opener(memory)

    def show_message(self, message: str, timeout_ms: int = 8000) -> None:
        self.statusBar().showMessage(message, timeout_ms)

    # -- window state ----------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        s = QSettings("Reverie", "Reverie")
        geo = s.value("window/geometry")
        if geo is not None:
            self.restoreGeometry(geo)
        split = s.value("window/splitter")
        if split is not None:
            self.splitter.restoreState(split)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt naming
        s = QSettings("Reverie", "Reverie")
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/splitter", self.splitter.saveState())
        self.session.close()
        super().closeEvent(event)
