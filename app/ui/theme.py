"""Light and dark themes that follow the system, from the qss files in resources/themes."""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme() if hints is not None else Qt.ColorScheme.Unknown
    return scheme == Qt.ColorScheme.Dark


def apply_theme(app: QApplication, theme: str = "system") -> str:
    name = theme if theme in ("light", "dark") else ("dark" if system_is_dark() else "light")
    qss = resources.files("reverie.resources").joinpath("themes", f"{name}.qss").read_text(encoding="utf-8")
    app.setPalette(dark_palette() if name == "dark" else app.style().standardPalette())
    app.setStyleSheet(qss)
    return name


def dark_palette() -> QPalette:
    """Colours the stylesheet does not reach (list and text backgrounds, links, selections)."""
    pal = QPalette()
    role = QPalette.ColorRole
    for r, c in ((role.Window, "#1f1f22"), (role.WindowText, "#e6e6e6"), (role.Base, "#26262b"),
                 (role.AlternateBase, "#2c2c31"), (role.Text, "#e6e6e6"), (role.Button, "#2f2f35"),
                 (role.ButtonText, "#e6e6e6"), (role.Highlight, "#3b6ea5"), (role.HighlightedText, "#ffffff"),
                 (role.Link, "#9cc3ea"), (role.LinkVisited, "#c3a6ea"), (role.ToolTipBase, "#2f2f35"),
                 (role.ToolTipText, "#e6e6e6"), (role.PlaceholderText, "#8a8a8a"), (role.BrightText, "#ffffff")):
        pal.setColor(r, QColor(c))
    pal.setColor(QPalette.ColorGroup.Disabled, role.Text, QColor("#777777"))
    pal.setColor(QPalette.ColorGroup.Disabled, role.ButtonText, QColor("#777777"))
    return pal
