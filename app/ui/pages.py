"""Which feature pages the main window hosts, in order. Each feature lives in its own folder
(app/ui/chat, app/ui/notes, ...) and is added here with one line."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reverie.app.ui.main_window import MainWindow
    from reverie.app.ui.session import Session


def install_pages(window: MainWindow, session: Session) -> None:
    """Add the feature pages after Home."""
    from reverie.app.ui.transfer.menu import install_transfer_menu

    install_transfer_menu(window, session)
