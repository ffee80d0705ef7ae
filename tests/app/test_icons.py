"""Icons come from one module and follow the theme's text colour."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from reverie.app.ui import icons, theme


def lightness(icon: QIcon, mode: QIcon.Mode = QIcon.Mode.Normal) -> float:
    img = icon.pixmap(24, 24, mode).toImage()
    inked = [
        img.pixelColor(x, y)
        for x in range(img.width())
        for y in range(img.height())
        if img.pixelColor(x, y).alpha() > 200
    ]
    assert inked, "the icon drew nothing"
    return sum(c.lightness() for c in inked) / len(inked)


@pytest.fixture
def themed(qapp):
    yield qapp
    theme.apply_theme(QApplication.instance(), "light")


def test_every_page_has_an_icon_that_draws(themed):
    for page in ("home", "chat", "notes", "search", "memories", "insights", "settings"):
        assert not icons.icon(page).isNull()
        assert lightness(icons.icon(page)) >= 0


def test_icons_follow_the_theme_text_colour_without_being_asked_again(themed):
    notes = icons.icon("notes")
    theme.apply_theme(themed, "light")
    on_light = lightness(notes)
    theme.apply_theme(themed, "dark")
    on_dark = lightness(notes)
    assert on_light < 80 < 180 < on_dark  # dark ink on the light theme, light ink on the dark one
    assert abs(lightness(notes, QIcon.Mode.Disabled) - on_dark) > 40  # disabled is dimmer


def test_an_unknown_icon_name_is_an_error(themed):
    with pytest.raises(KeyError):
        icons.icon("no-such-thing")
