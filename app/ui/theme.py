"""Light and dark themes that follow the system, from the qss files in resources/themes."""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme() if hints is not None else Qt.ColorScheme.Unknown
    return scheme == Qt.ColorScheme.Dark


def apply_theme(app: QApplication, theme: str = "system") -> str:
    name = theme if theme in ("light", "dark") else ("dark" if system_is_dark() else "light")
    qss = resources.files("reverie.resources").joinpath("themes", f"{name}.qss").read_text(encoding="utf-8")
    app.setStyleSheet(qss)
    return name
