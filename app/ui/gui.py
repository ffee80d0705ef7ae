"""The window entry point."""

from __future__ import annotations

import sys

from reverie.app import context


def run_gui(home: str | None = None, argv: list[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from reverie.app.ui.main_window import MainWindow
    from reverie.app.ui.session import Session
    from reverie.app.ui.startup import Startup
    from reverie.app.ui.theme import apply_theme

    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("Reverie")
    app.setOrganizationName("Reverie")
    app.setDesktopFileName("reverie")
    from importlib import resources

    from PySide6.QtGui import QIcon

    icon_path = resources.files("reverie.resources").joinpath("icons", "reverie.svg")
    app.setWindowIcon(QIcon(str(icon_path)))
    apply_theme(app)
    session = Session(context.resolve_paths(home))
    window = MainWindow(session)
    window.show()
    Startup(window).start()
    return app.exec()
