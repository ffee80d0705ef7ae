"""The main window: the composition root of the window and the ``Shell`` the features ask things of.
It builds the ``AppServices`` once, installs the feature pages (``compose.install_features``) and
owns no feature logic."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from reverie.app.ui.compose import install_features
from reverie.app.ui.home import HomePage
from reverie.app.ui.indexing import IndexingStatus
from reverie.app.ui.nightly import Nightly
from reverie.app.ui.services import AppServices
from reverie.app.ui.session import Session
from reverie.app.ui.shell import Action, Page, SourceOpener, UnsavedCheck
from reverie.app.ui.tasks import TaskBar, TaskTracker
from reverie.app.ui.uikit import settings
from reverie.core.records import Memory

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """Implements ``shell.Shell``."""

    def __init__(self, session: Session, services: AppServices | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.services = services or AppServices(session)
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
        self.openers: dict[str, SourceOpener] = {}  # source kind -> shows it in context
        self.actions_by_key: dict[str, Action] = {}  # commands one feature offers another
        self.unsaved_checks: list[UnsavedCheck] = []  # asked before the window closes
        self.home = HomePage(self)
        self.add_page(Page("home", "Home", self.home))
        self.indexing = IndexingStatus(self.tasks, self.services, self)
        self.nightly = Nightly(session, self.tasks, self)
        self.register_action("consolidate", self.nightly.run_now)
        self.features = install_features(self, self.services)
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

    # -- Shell -----------------------------------------------------------------------------
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

    def register_opener(self, source_kind: str, opener: SourceOpener) -> None:
        self.openers[source_kind] = opener

    def open_source(self, memory: Memory) -> None:
        """Show where a memory came from: the note at its paragraph, the message in its conversation."""
        opener = self.openers.get(memory.source_kind)
        if opener is None:
            self.show_message("This memory has no note or message to open.")
            return
        opener(memory)

    def register_action(self, key: str, action: Action) -> None:
        self.actions_by_key[key] = action

    def action(self, key: str) -> Action | None:
        return self.actions_by_key.get(key)

    def register_unsaved(self, check: UnsavedCheck) -> None:
        self.unsaved_checks.append(check)

    def unsaved(self) -> list[str]:
        """What typed text could not be saved, as the registered checks describe it."""
        found = []
        for check in self.unsaved_checks:
            try:
                what = check()
            except Exception:  # noqa: BLE001 - a failing check must not keep the window open for ever
                log.exception("an unsaved-text check failed")
                continue
            if what:
                found.append(what)
        return found

    def confirm_close(self, unsaved: list[str]) -> bool:
        """Ask whether to close although typed text could not be saved."""
        box = QMessageBox(QMessageBox.Icon.Warning, "Close Reverie?",
                          "Some text you typed could not be saved:", parent=self)
        box.setInformativeText("\n".join(f"• {what}" for what in unsaved) +
                               "\n\nIf you close now, it is lost. Copy it somewhere first, or unlock the vault.")
        close = box.addButton("Close and lose it", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Keep Reverie open", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is close

    def add_menu(self, title: str) -> QMenu:
        return self.menuBar().addMenu(title)

    def add_shortcut(self, keys: str, slot: Callable[[], Any]) -> None:
        QShortcut(QKeySequence(keys), self, slot)

    def show_message(self, message: str, timeout_ms: int = 8000) -> None:
        self.statusBar().showMessage(message, timeout_ms)

    # -- window state ----------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        s = settings()
        geo = s.value("window/geometry")
        if geo is not None:
            self.restoreGeometry(geo)
        split = s.value("window/splitter")
        if split is not None:
            self.splitter.restoreState(split)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt naming
        unsaved = self.unsaved()
        if unsaved and not self.confirm_close(unsaved):
            event.ignore()
            return
        s = settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/splitter", self.splitter.saveState())
        self.session.close()
        super().closeEvent(event)
