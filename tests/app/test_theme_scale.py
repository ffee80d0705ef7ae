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
    base = theme.style_sheet("light").split("/* --- chat")[0]
    assert set(re.findall(r"font-size:\s*([\d.]+pt)", base)) <= allowed
    assert sizes[light] == sizes[dark]
