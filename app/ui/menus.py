"""The window's own menus, added after the features installed theirs: File → Quit (Ctrl+Q), Go
(each page by Ctrl+1…7 in the sidebar's order, the command palette by Ctrl+K) and Help (the
keyboard shortcuts, About Reverie). Each is also a shell action, so the palette lists it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from reverie.app.ui import icons
from reverie.app.ui.help import AboutDialog, ShortcutsDialog
from reverie.app.ui.session import Session
from reverie.app.ui.shell import Action, Page


class MainWindow(Protocol):
    """What the menus need of the window (``main_window.MainWindow``)."""

    session: Session
    pages: dict[str, Page]
    shortcuts: list[tuple[str, str]]

    def add_menu(self, title: str) -> QMenu: ...
    def register_action(self, key: str, action: Action) -> None: ...
    def show_page(self, key: str) -> Any: ...
    def open_palette(self) -> Any: ...
    def show_shortcuts(self) -> None: ...
    def show_about(self) -> None: ...
    def close(self) -> bool: ...
    def menuBar(self) -> Any: ...  # noqa: N802 - Qt naming


PALETTE_KEYS = "Ctrl+K"
QUIT_KEYS = "Ctrl+Q"
SHORTCUTS_KEYS = "F1"
MAX_PAGE_KEYS = 9

# Keys that act where the cursor is, not window-wide.
IN_PLACE = (
    ("Enter", "Home's box: ask Reverie in Chat"),
    ("Ctrl+Enter", "Home's box: save the text as a note"),
    ("Shift+Enter", "Home's box: a new line"),
)

# What the features' shortcuts do, for Help → Keyboard shortcuts (by the slot's name when not given).
_SLOT_WORDS = {"new_note": "New note", "find": "Search your notes and memories"}


def describe(slot: Callable[..., Any]) -> str:
    name = getattr(slot, "__name__", "")
    return _SLOT_WORDS.get(name) or name.replace("_", " ").strip().capitalize() or "A command"


def _action(
    window: MainWindow, text: str, slot: Callable[[], Any], keys: str | None = None, icon: str | None = None
) -> QAction:
    action = QAction(text, window)
    if keys:
        action.setShortcut(QKeySequence(keys))
    if icon:
        action.setIcon(icons.icon(icon))
    action.triggered.connect(lambda _checked=False: slot())
    return action


# Icons for the File menu's commands that the features installed (by the start of their text).
_FILE_ICONS = (
    ("&Export", "export"),
    ("Export", "export"),
    ("&Import", "import"),
    ("Import", "import"),
    ("&Bring in", "import"),
    ("Change &lock", "locked"),
)


def install_menus(window: MainWindow) -> None:
    file_menu = window.add_menu("&File")
    for action in file_menu.actions():
        found = next((name for start, name in _FILE_ICONS if action.text().startswith(start)), None)
        if found is not None and action.icon().isNull():
            action.setIcon(icons.icon(found))
    file_menu.addSeparator()
    file_menu.addAction(_action(window, "&Quit", window.close, QUIT_KEYS, "quit"))
    window.register_action("quit", window.close)

    go = window.add_menu("&Go")
    for row, (key, page) in enumerate(window.pages.items()):
        keys = f"Ctrl+{row + 1}" if row < MAX_PAGE_KEYS else None
        icon = key if key in icons.NAMES else None
        go.addAction(_action(window, page.title, lambda key=key: window.show_page(key), keys, icon))
    go.addSeparator()
    go.addAction(_action(window, "Command &palette…", lambda: window.open_palette(), PALETTE_KEYS, "palette"))

    help_menu = window.add_menu("&Help")
    help_menu.addAction(
        _action(window, "&Keyboard shortcuts", lambda: window.show_shortcuts(), SHORTCUTS_KEYS, "shortcuts")
    )
    help_menu.addAction(_action(window, "&About Reverie", window.show_about, None, "about"))
    window.register_action("shortcuts", window.show_shortcuts)
    window.register_action("about", window.show_about)


def shortcut_rows(window: MainWindow) -> list[tuple[str, str]]:
    """Every shortcut: the menus' (in menu order), then the features' window-wide ones."""
    rows: list[tuple[str, str]] = []
    for top in window.menuBar().actions():
        menu = top.menu()
        if menu is None:
            continue
        for action in menu.actions():
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if keys:
                what = action.text().replace("&", "").rstrip("…")
                rows.append((keys, f"Go to {what}" if top.text() == "&Go" and "palette" not in what else what))
    rows += [(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText), what) for k, what in window.shortcuts]
    return rows + list(IN_PLACE)


def shortcuts_dialog(window: MainWindow) -> ShortcutsDialog:
    return ShortcutsDialog(shortcut_rows(window), window)


def about_dialog(window: MainWindow) -> AboutDialog:
    return AboutDialog(str(window.session.paths.folder), window)
