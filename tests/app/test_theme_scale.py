"""One type and spacing scale for both themes; the sidebar has no focus box."""

from __future__ import annotations

import re

from reverie.app.ui import theme


def test_both_themes_share_one_scale_with_every_token_written_out():
    light, dark = theme.style_sheet("light"), theme.style_sheet("dark")
    for sheet in (light, dark):
        assert "@" not in sheet
        assert "QWidget { font-size: 10.5pt; }" in sheet
        assert "QLabel#headline { font-size: 20pt;" in sheet
        assert re.search(r"QListWidget#nav \{[^}]*outline: 0", sheet)  # no dotted focus box in the sidebar
    sizes = {s: sorted(set(re.findall(r"font-size:\s*([\d.]+pt)", s))) for s in (light, dark)}
    allowed = {f"{v:g}pt" for v in theme.TYPE.values()}
    assert set(sizes[light]) <= allowed  # every size in either theme is a step of the scale
    assert sizes[light] == sizes[dark]


def test_the_theme_chosen_last_time_is_applied_before_the_window_shows(qapp):
    from PySide6.QtGui import QPalette

    from reverie.app.ui.gui import prepare_app

    try:
        theme.apply_theme(qapp, "dark")  # what Settings does when a dark vault opens
        theme.apply_theme.__globals__["_state"]["name"] = "light"  # a new start: nothing applied yet
        qapp.setPalette(theme.palette("light"))
        assert theme.remembered_theme() == "dark"
        prepare_app()
        assert theme.current_theme() == "dark"
        assert qapp.palette().color(QPalette.ColorRole.Window).name() == "#1f1f22"
    finally:
        theme.apply_theme(qapp, "light")
