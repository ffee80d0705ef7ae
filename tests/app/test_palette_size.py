"""The command palette is as tall as its results (up to a maximum): three results leave no empty
area below them, and the dialog grows again when more match."""

from __future__ import annotations

from uifakes import open_window

from reverie.app.ui.palette import MAX_ROWS


def _rows_height(palette, rows: int) -> int:
    return sum(palette.list.sizeHintForRow(i) for i in range(rows)) + 2 * palette.list.frameWidth()


def test_the_palette_list_fits_its_results(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    palette = window.open_palette()
    many = palette.list.count()
    assert many > MAX_ROWS  # every page and command: capped, the rest scrolls
    tall = palette.height()
    assert palette.list.height() <= _rows_height(palette, MAX_ROWS) + 4
    qtbot.keyClicks(palette.input, "go to n")
    assert 1 <= palette.list.count() <= 4  # Notes, Reminders, Insights, Settings
    fit = _rows_height(palette, palette.list.count())
    assert abs(palette.list.height() - fit) <= 4  # no empty area below the results
    assert palette.height() < tall - 100  # the dialog shrank with its list
    assert palette.height() <= palette.input.height() + palette.list.height() + 30
    palette.input.clear()
    assert palette.height() == tall  # and grows back
    palette.reject()
    window.close()
