"""Light and dark themes that follow the system, from the qss files in resources/themes.

``apply_theme(app, "system")`` picks light or dark from the system's colour scheme and keeps
following it when the system switches; "light" or "dark" pin the choice. Widgets that draw
their own colours (charts) listen to ``theme_signals().changed``.

One type and spacing scale serves both themes: ``TYPE`` and ``SPACE`` below, written into the
style sheets as ``@font-base``, ``@space-2`` and so on (``base.qss`` holds the sizes, ``light.qss``
and ``dark.qss`` the colours). Layouts in Python use the same numbers: ``SPACE_1`` ... ``SPACE_6``.
"""

from __future__ import annotations

import re
from importlib import resources

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

# The type scale (points) and the spacing scale (pixels), once for both themes.
TYPE = {"font-small": 9.0, "font-base": 10.5, "font-title": 12.5, "font-heading": 16.0, "font-display": 20.0}
SPACE_1, SPACE_2, SPACE_3, SPACE_4, SPACE_6 = 4, 8, 12, 16, 24
SPACE = {"space-1": SPACE_1, "space-2": SPACE_2, "space-3": SPACE_3, "space-4": SPACE_4, "space-6": SPACE_6}
_TOKEN = re.compile(r"@([a-z][a-z0-9-]*)")


def style_sheet(name: str) -> str:
    """The whole style sheet of a theme: the shared sizes (base.qss), then its colours, with the
    scale's tokens written out. An unknown token is a mistake in a .qss file: KeyError."""
    tokens = {**{k: f"{v:g}pt" for k, v in TYPE.items()}, **{k: f"{v}px" for k, v in SPACE.items()}}
    folder = resources.files("reverie.resources").joinpath("themes")
    text = "\n".join(folder.joinpath(f).read_text(encoding="utf-8") for f in ("base.qss", f"{name}.qss"))
    return _TOKEN.sub(lambda m: tokens[m.group(1)], text)


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


_COLORS = {
    # role: (light, dark)
    QPalette.ColorRole.Window: ("#fafaf8", "#1f1f22"),
    QPalette.ColorRole.WindowText: ("#222222", "#e6e6e6"),
    QPalette.ColorRole.Base: ("#ffffff", "#26262a"),
    QPalette.ColorRole.AlternateBase: ("#f4f3ef", "#2b2b30"),
    QPalette.ColorRole.Text: ("#222222", "#e6e6e6"),
    QPalette.ColorRole.Button: ("#efeee9", "#323238"),
    QPalette.ColorRole.ButtonText: ("#222222", "#e6e6e6"),
    QPalette.ColorRole.Highlight: ("#3d7fd6", "#4a7fc4"),
    QPalette.ColorRole.HighlightedText: ("#ffffff", "#ffffff"),
    QPalette.ColorRole.ToolTipBase: ("#ffffe8", "#34343a"),
    QPalette.ColorRole.ToolTipText: ("#222222", "#e6e6e6"),
    QPalette.ColorRole.PlaceholderText: ("#8a8a8a", "#8a8a8a"),
    QPalette.ColorRole.Link: ("#2b6cc4", "#8ab4f8"),
    QPalette.ColorRole.Mid: ("#c9c7c0", "#45454c"),
    QPalette.ColorRole.Midlight: ("#e2e0da", "#3a3a40"),
    QPalette.ColorRole.Dark: ("#a09e97", "#151517"),
    QPalette.ColorRole.Light: ("#ffffff", "#4a4a52"),
}


def palette(name: str) -> QPalette:
    """The whole palette for a theme, so every widget (not only the styled ones) follows it."""
    pal = QPalette()
    i = 1 if name == "dark" else 0
    for role, colors in _COLORS.items():
        pal.setColor(role, QColor(colors[i]))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#8a8a8a" if i == 0 else "#6f6f76"))
    return pal


def current_theme() -> str:
    """The theme in use now: "light" or "dark"."""
    return str(_state["name"])


THEME_KEY = "window/theme"


def remembered_theme() -> str:
    """The theme chosen last time ("system", "light" or "dark"): the window applies it before it is
    first shown, so a dark vault does not flash light while it opens."""
    from reverie.app.ui.uikit import settings

    value = settings().value(THEME_KEY)
    return value if value in ("system", "light", "dark") else "system"


def apply_theme(app: QApplication, theme: str = "system") -> str:
    """Apply a theme ("system" follows the system) and remember the choice for the next start."""
    from reverie.app.ui.uikit import settings

    _state["choice"] = theme if theme in ("light", "dark") else "system"
    settings().setValue(THEME_KEY, _state["choice"])
    name = theme if theme in ("light", "dark") else ("dark" if system_is_dark() else "light")
    qss = style_sheet(name)
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")  # honours the palette on every platform
    app.setPalette(palette(name))
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
