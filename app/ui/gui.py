"""The window entry point."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from reverie.app import context
from reverie.core.paths import PRIVATE_UMASK, make_private, make_vault_private, strip_shared_bits


def prepare_app(argv: list[str] | None = None) -> Any:
    """The QApplication, named, with its icon and the theme chosen last time, before any window shows."""
    from importlib import resources

    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from reverie.app.ui.theme import apply_theme, remembered_theme
    from reverie.app.ui.uikit import settings

    os.umask(PRIVATE_UMASK)  # the window's files (Reverie.conf, exports, backups) are the user's alone
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("Reverie")
    app.setOrganizationName("Reverie")
    app.setDesktopFileName("reverie")
    _make_settings_private(Path(settings().fileName()))
    icon_path = resources.files("reverie.resources").joinpath("icons", "reverie.svg")
    app.setWindowIcon(QIcon(str(icon_path)))
    apply_theme(app, remembered_theme())  # no light flash before a dark vault's settings are read
    return app


def _make_settings_private(conf: Path) -> None:
    """The window's settings file (and its folder, when it is Reverie's own: ~/.config/Reverie on
    Linux, not ~/Library/Preferences on macOS): an older Reverie left them readable by others."""
    if conf.parent.name == "Reverie":
        make_private(conf.parent)
    else:
        strip_shared_bits(conf)


def run_gui(home: str | None = None, argv: list[str] | None = None, *, capture: bool = False) -> int:
    """Open the window, or hand over to the Reverie already running on this data folder (it shows
    its window, or with ``capture`` its quick-capture box) and return at once."""
    from reverie.app.ui.main_window import MainWindow
    from reverie.app.ui.session import Session
    from reverie.app.ui.single import SingleInstance, send, server_name
    from reverie.app.ui.startup import Startup

    app = prepare_app(argv)
    paths = context.resolve_paths(home)
    request = "capture" if capture else "show"
    single = SingleInstance(server_name(paths.folder))
    if not single.listen() and send(single.name, request):
        return 0  # the running Reverie took it
    session = Session(paths)
    make_vault_private(session.paths)
    window = MainWindow(session)
    companion = window.features.get("companion")
    if companion is not None:
        single.message.connect(companion.handle)  # type: ignore[attr-defined]
    session.closing.connect(single.stop)  # a Reverie started while this one closes starts normally
    window.show()
    Startup(window).start()
    if capture and companion is not None:
        companion.capture()  # type: ignore[attr-defined]
    return app.exec()
