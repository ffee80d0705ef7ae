"""The Memories page: two tabs, browsing memories and "What Reverie knows about me"."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from reverie.app.ui.memories.browse import BrowsePane
from reverie.app.ui.memories.profile import ProfilePane
from reverie.app.ui.services import AppServices
from reverie.app.ui.session import Session
from reverie.app.ui.shell import Page, Shell


class MemoriesPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 8)
        self.tabs = QTabWidget()
        self.browse = BrowsePane(session)
        self.about_me = ProfilePane(session)
        self.tabs.addTab(self.browse, "Memories")
        self.tabs.addTab(self.about_me, "What Reverie knows about me")
        lay.addWidget(self.tabs)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        """Coming back to the page shows what changed elsewhere meanwhile (chat, notes, nightly runs)."""
        super().showEvent(event)
        if not event.spontaneous():
            self.browse.reload()
            self.about_me.reload()


def install(shell: Shell, services: AppServices) -> MemoriesPage:
    page = MemoriesPage(services.session)
    shell.add_page(Page("memories", "Memories", page))
    return page
