"""Which feature pages the main window hosts, in order. Each feature lives in its own folder
(app/ui/chat, app/ui/notes, ...) and is added here with one line."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reverie.app.ui.main_window import MainWindow
    from reverie.app.ui.session import Session


def install_pages(window: MainWindow, session: Session) -> None:
    """Add the feature pages after Home: what a person uses every day first, Settings last."""
    from reverie.app.ui.chat import page as chat
    from reverie.app.ui.insights import InsightsPage
    from reverie.app.ui.main_window import Page
    from reverie.app.ui.memories import MemoriesPage
    from reverie.app.ui.notes import page as notes
    from reverie.app.ui.search import page as search
    from reverie.app.ui.settings import SettingsPage
    from reverie.app.ui.transfer.menu import install_transfer_menu

    chat.install(window, session)
    notes.install(window, session)
    search.install(window, session)
    window.add_page(Page("memories", "Memories", MemoriesPage(session)))
    window.add_page(Page("insights", "Insights", InsightsPage(session)))
    window.add_page(Page("settings", "Settings", SettingsPage(session, window.tasks)))

    install_transfer_menu(window, session)
