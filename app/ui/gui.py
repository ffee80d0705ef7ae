"""The window entry point."""

from __future__ import annotations

import sys
from typing import Any

from reverie.app import context


def prepare_app(argv: list[str] | None = None) -> Any:
    """The QApplication, named, with its icon and the theme chosen last time, before any window shows."""
    from importlib import resources

    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from reverie.app.ui.theme import apply_theme, remembered_theme

    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("Reverie")
    app.setOrganizationName("Reverie")
    app.setDesktopFileName("reverie")
    icon_path = resources.files("reverie.resources").joinpath("icons", "reverie.svg")
    app.setWindowIcon(QIcon(str(icon_path)))
    apply_theme(app, remembered_theme())  # no light flash before a dark vault's settings are read
    return app


def run_gui(home: str | None = None, argv: list[str] | None = None) -> int:
    from reverie.app.ui.main_window import MainWindow
    from reverie.app.ui.session import Session
    from reverie.app.ui.startup import Startup

    app = prepare_app(argv)
    session = Session(context.resolve_paths(home))
    window = MainWindow(session)
    window.show()
    Startup(window).start()
    return app.exec()
