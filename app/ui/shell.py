"""What a feature may ask of the window: the ``Shell`` protocol, and the ``Page`` it hosts.

Each feature package (chat, notes, search, memories, insights, settings, transfer) exposes one
``install(shell, services)`` and reaches the window only through this protocol, never through
``MainWindow`` or another feature. The window (``main_window.MainWindow``) implements it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtWidgets import QMenu, QWidget

from reverie.app.ui.tasks import TaskTracker
from reverie.core.records import Memory

SourceOpener = Callable[[Memory], None]
Action = Callable[[], Any]
UnsavedCheck = Callable[[], "str | None"]


@dataclass
class Page:
    key: str
    title: str
    widget: QWidget


class Shell(Protocol):
    """The window, as the features see it."""

    tasks: TaskTracker  # background work, shown in the status bar with Cancel

    def window(self) -> QWidget:
        """The top-level widget: the parent of a feature's dialogs and actions."""
        ...

    def add_page(self, page: Page) -> None:
        """Add a page to the navigation, after the ones added before."""
        ...

    def show_page(self, key: str) -> QWidget:
        """Bring the page forward; returns its widget."""
        ...

    def show_message(self, message: str, timeout_ms: int = 8000) -> None:
        """A sentence in the status bar."""
        ...

    def register_opener(self, source_kind: str, opener: SourceOpener) -> None:
        """``opener(memory)`` shows a memory of this source kind where it came from."""
        ...

    def open_source(self, memory: Memory) -> None:
        """Show where a memory came from, through the opener of its source kind."""
        ...

    def register_action(self, key: str, action: Action) -> None:
        """Offer a command to other features by name (the File menu's ``export``, ``consolidate``)."""
        ...

    def action(self, key: str) -> Action | None:
        """The command registered under ``key``, or None."""
        ...

    def add_menu(self, title: str) -> QMenu:
        """A menu in the window's menu bar."""
        ...

    def add_shortcut(self, keys: str, slot: Callable[[], Any], what: str | None = None) -> None:
        """A window-wide keyboard shortcut; ``what`` it does is listed in Help → Keyboard shortcuts."""
        ...

    def register_unsaved(self, check: UnsavedCheck) -> None:
        """``check()`` says what typed text could not be saved (one short phrase, e.g. "the note
        'Groceries'"), or None. Closing the window asks every check and warns before anything is lost."""
        ...
