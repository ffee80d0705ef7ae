"""Light and dark themes that follow the system, from the qss files in resources/themes.

``apply_theme(app, "system")`` picks light or dark from the system's colour scheme and keeps
following it when the system switches; "light" or "dark" pin the choice. Widgets that draw
their own colours (charts) listen to ``theme_signals().changed``.
"""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication


class ThemeSignals(QObject):
    changed = Signal(str)  # "light" | "dark"


_state: dict[str, object] = {"choice": "system", "name": "light", "following": False}
_signals: ThemeSignals | None = None


def theme_signals() -> ThemeSignals:
    global _signals
    if _signals is None:
        _signals = ThemeSignals()
    return _signals


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme() if hints is not None else Qt.ColorScheme.Unknown
    return scheme == Qt.ColorScheme.Dark


def current_theme() -> str:
    """The theme in use now: "light" or "dark"."""
    return str(_state["name"])


def apply_theme(app: QApplication, theme: str = "system") -> str:
    _state["choice"] = theme if theme in ("light", "dark") else "system"
    name = theme if theme in ("light", "dark") else ("dark" if system_is_dark() else "light")
    qss = resources.files("reverie.resources").joinpath("themes", f"{name}.qss").read_text(encoding="utf-8")
    app.setStyleSheet(qss)
    changed = name != _state["name"]
    _state["name"] = name
    hints = QGuiApplication.styleHints()
    if not _state["following"] and hints is not None:
        hints.colorSchemeChanged.connect(lambda _scheme: _follow_system(app))
        _state["following"] = True
    if changed:
        theme_signals().changed.emit(name)
    return name


def _follow_system(app: QApplication) -> None:
    if _state["choice"] == "system":
        apply_theme(app, "system")
