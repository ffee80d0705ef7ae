"""ElidedLabel cuts with "…" and keeps the whole text; counted nouns agree with their number."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QWidget

from reverie.app.ui.uikit import ElidedLabel, counted

LONG = "A rather long title of a note that never fits in a narrow column of the window"


def test_elided_label_cuts_with_an_ellipsis_and_shows_the_whole_text_in_its_tooltip(qtbot):
    host = QWidget()
    lay = QHBoxLayout(host)
    label = ElidedLabel(LONG)
    lay.addWidget(label)
    qtbot.addWidget(host)
    host.resize(160, 40)
    host.show()
    qtbot.waitExposed(host)
    assert label.text() == LONG
    assert label.shown().endswith("…")
    assert len(label.shown()) < len(LONG)
    assert label.toolTip() == LONG
    host.resize(2000, 40)
    qtbot.waitUntil(lambda: label.shown() == LONG)
    assert label.toolTip() == ""


def test_elided_label_in_the_middle_keeps_both_ends(qtbot):
    label = ElidedLabel("/home/someone/a/very/deep/folder/of/folders/reverie/vault", mode=Qt.TextElideMode.ElideMiddle)
    qtbot.addWidget(label)
    label.resize(150, 20)
    label.show()
    qtbot.waitExposed(label)
    assert label.shown().startswith("/home") and label.shown().endswith("vault") and "…" in label.shown()


def test_a_narrow_layout_may_shrink_an_elided_label(qtbot):
    assert ElidedLabel(LONG).minimumSizeHint().width() < 80


def test_counted_nouns():
    assert counted(1, "memory") == "1 memory"
    assert counted(2, "memory") == "2 memories"
    assert counted(0, "note") == "0 notes"
    assert counted(3, "conversation") == "3 conversations"
    assert counted(1277, "day") == "1,277 days"
    assert counted(2, "search", "searches") == "2 searches"
    assert counted(2, "box") == "2 boxes"
