"""Remembered window state (splitter positions, chosen tabs) in the per-user QSettings."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QSplitter


def ui_settings() -> QSettings:
    return QSettings("Reverie", "Reverie")


def remember_splitter(splitter: QSplitter, key: str) -> None:
    """Restore the splitter's sizes saved under ``key`` and save them whenever they move."""
    saved = ui_settings().value(f"splitters/{key}")
    if saved is not None:
        splitter.restoreState(saved)
    splitter.splitterMoved.connect(lambda *_: ui_settings().setValue(f"splitters/{key}", splitter.saveState()))
