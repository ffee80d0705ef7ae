"""Home's recent rows keep the date whole and cut the title with "…" when the card is narrow."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QStyleOptionViewItem
from uifakes import open_window

from reverie.core import notes

LONG = "Book notes: Atomic Habits, with every chapter summarised and the quotes I liked best"


def _row(card, i):
    view = card.list
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = view.visualItemRect(view.item(i))
    option.font = view.font()
    option.widget = view
    return option, view.model().index(i, 0)


def test_a_long_title_is_cut_and_the_date_stays_whole(qtbot, paths, vault):
    notes.create_note(vault, f"{LONG}\n\nTiny habits compound.")
    notes.create_note(vault, "Garden\n\nTomatoes.")
    window = open_window(qtbot, paths, vault)
    window.resize(800, 600)
    home = window.home
    qtbot.waitUntil(lambda: home.notes_card.list.count() == 2, timeout=10_000)
    card = home.notes_card
    delegate = card.list.itemDelegate()
    items = [card.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(card.list.count())]
    for i, item in enumerate(items):
        option, index = _row(card, i)
        title, when = delegate.shown(option, index)
        assert when == item.when and when  # the date, whole
        fm = QFontMetrics(option.font)
        assert fm.horizontalAdvance(title) + fm.horizontalAdvance(when) < option.rect.width()
        if item.title == LONG:
            assert title.endswith("…") and LONG.startswith(title[:-1].rstrip())
        else:
            assert title == item.title  # a short title is not cut
    window.close()
