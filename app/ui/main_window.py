"""The main window: the composition root of the window and the ``Shell`` the features ask things of.
It builds the ``AppServices`` once, installs the feature pages (``compose.install_features``) and
owns no feature logic."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui import menus
from reverie.app.ui.compose import install_features
from reverie.app.ui.home import HomePage
from reverie.app.ui.indexing import IndexingStatus
from reverie.app.ui.nightly import Nightly
from reverie.app.ui.palette import CommandPalette
from reverie.app.ui.services import AppServices
from reverie.app.ui.session import Session
from reverie.app.ui.shell import Action, Page, SourceOpener, UnsavedCheck
from reverie.app.ui.sidebar import COMPACT_BELOW, Sidebar
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
        self.nav = Sidebar()
        self.stack = QStackedWidget()
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        self.banners = QVBoxLayout()  # a banner above the page (a reminder that fired)
        self.banners.setContentsMargins(0, 0, 0, 0)
        self.banners.addWidget(self.stack, 1)
        row.addLayout(self.banners, 1)
        self.setCentralWidget(central)
        self.pages: dict[str, Page] = {}
        self.tasks = TaskTracker(self)  # background work, shown in the status bar
        self.openers: dict[str, SourceOpener] = {}  # source kind -> shows it in context
        self.actions_by_key: dict[str, Action] = {}  # commands one feature offers another
        self.unsaved_checks: list[UnsavedCheck] = []  # asked before the window closes
        self.shortcuts: list[tuple[str, str]] = []  # (keys, what they do), for Help → Keyboard shortcuts
        self.home = HomePage(session, self)
        self.add_page(Page("home", "Home", self.home))
        self.indexing = IndexingStatus(self.tasks, self.services, self)
        self.nightly = Nightly(session, self.tasks, self)
        self.register_action("consolidate", self.nightly.run_now)
        self.features = install_features(self, self.services)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)
        menus.install_menus(self)
        self.status_label = QLabel("")
        self.statusBar().addWidget(self.status_label, 1)
        self.task_bar = TaskBar(self.tasks, self.statusBar())
        self.statusBar().addPermanentWidget(self.task_bar)
        self.tasks.finished.connect(lambda name, msg: self.show_message(msg or f"{name}: done."))
        session.db.error.connect(self.show_message)
        session.model.error.connect(self.show_message)
        self._restore_geometry()

    # -- Shell -----------------------------------------------------------------------------
    def add_page(self, page: Page) -> None:
        self.pages[page.key] = page
        self.stack.addWidget(page.widget)
        self.nav.add(page.key, page.title)

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
            except Exception:
                log.exception("an unsaved-text check failed")
                continue
            if what:
                found.append(what)
        return found

    def confirm_close(self, unsaved: list[str]) -> bool:
        """Ask whether to close although typed text could not be saved."""
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Close Reverie?", "Some text you typed could not be saved:", parent=self
        )
        box.setInformativeText(
            "\n".join(f"• {what}" for what in unsaved)
            + "\n\nIf you close now, it is lost. Copy it somewhere first, or unlock the vault."
        )
        close = box.addButton("Close and lose it", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Keep Reverie open", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is close

    def add_menu(self, title: str) -> QMenu:
        """The menu of that title (one per title: File is shared), created after the others."""
        for action in self.menuBar().actions():
            menu = action.menu()
            if isinstance(menu, QMenu) and action.text() == title:
                return menu
        return self.menuBar().addMenu(title)

    def add_shortcut(self, keys: str, slot: Callable[[], Any], what: str | None = None) -> None:
        QShortcut(QKeySequence(keys), self, slot)
        self.shortcuts.append((keys, what or menus.describe(slot)))

    def show_message(self, message: str, timeout_ms: int = 8000) -> None:
        self.statusBar().showMessage(message, timeout_ms)

    # -- the window's own commands ----------------------------------------------------------------
    def open_palette(self) -> CommandPalette:
        pages = [(key, page.title) for key, page in self.pages.items()]
        palette = CommandPalette(self, self.services, pages, dict(self.actions_by_key), self)
        geo = self.geometry()
        palette.move(geo.x() + (geo.width() - palette.width()) // 2, geo.y() + 80)
        palette.open()
        palette.input.setFocus()
        return palette

    def show_shortcuts(self) -> None:
        menus.shortcuts_dialog(self).exec()

    def show_about(self) -> None:
        menus.about_dialog(self).exec()

    # -- window state ----------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geo = settings().value("window/geometry")
        if geo is not None:
            self.restoreGeometry(geo)
        self.nav.set_compact(self.width() < COMPACT_BELOW)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self.nav.set_compact(self.width() < COMPACT_BELOW)  # icons alone in a narrow window

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt naming
        keep = self.action("close_to_tray")
        if keep is not None and keep(event):  # closed from the title bar: Reverie stays in the tray
            event.ignore()
            self.hide()
            return
        unsaved = self.unsaved()
        if unsaved and not self.confirm_close(unsaved):
            event.ignore()
            return
        s = settings()
        s.setValue("window/geometry", self.saveGeometry())
        self.session.close()
        super().closeEvent(event)
