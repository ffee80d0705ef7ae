"""Remembered window state (splitter positions, chosen tabs) in the per-user QSettings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QSplitter


def ui_settings() -> QSettings:
    return QSettings("Reverie", "Reverie")


def remember_splitter(splitter: QSplitter, key: str) -> None:
    """Restore the splitter's sizes saved under ``key`` and save them whenever they move."""
    saved = ui_settings().value(f"splitters/{key}")
    if saved is not None:
        splitter.restoreState(saved)
    splitter.splitterMoved.connect(lambda *_: ui_settings().setValue(f"splitters/{key}", splitter.saveState()))


def alive(widget: QObject, fn: Callable[..., Any] | None) -> Callable[..., None] | None:
    """``fn``, called only while ``widget`` still exists: a lane's answer may arrive after the
    page was closed, and must then be dropped rather than touch a deleted widget."""
    if fn is None:
        return None

    def call(*args: Any) -> None:
        if shiboken6.isValid(widget):
            fn(*args)

    return call
