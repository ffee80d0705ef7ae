"""The notes list dates a note as Search does and cuts long titles with "…"; the page fits a 720 px
window; every control is reached with Tab."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QStyleOptionViewItem
from uifakes import open_window

from reverie.app.ui.fmt import stamp
from reverie.app.ui.notes.page import NotesPage
from reverie.core import notes

LONG = "What Technology Wants — a book by Kevin Kelly about where technology is heading next"


def test_the_list_shows_the_note_date_search_shows_and_elides_long_titles(qtbot, paths, vault):
    written = vault.now() - 400 * 86400  # imported with its front matter date, a year ago
    note = notes.create_note(
        vault, "Technology as the seventh kingdom.", title=LONG, created_at=written, happened_at=written
    )
    notes.update_note(vault, note.id, body="Technology as the seventh kingdom of life.")
    memory_date = vault.query("SELECT happened_at FROM memories WHERE source_id = ? LIMIT 1", (note.id,))[0][0]
    window = open_window(qtbot, paths, vault)
    page = window.show_page("notes")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    index = page.model.index(0)
    detail = index.data(Qt.ItemDataRole.DisplayRole).split("\n")[1]
    assert detail.startswith(stamp(memory_date)) and stamp(memory_date) == stamp(written)  # what Search shows
    assert LONG in index.data(Qt.ItemDataRole.ToolTipRole)
    assert "edited" in index.data(Qt.ItemDataRole.ToolTipRole)
    option = QStyleOptionViewItem()
    option.initFrom(page.list)
    title, _ = page.list.itemDelegate().lines(option, index, 160)
    assert title.endswith("…") and LONG.startswith(title[:-1])
    title, _ = page.list.itemDelegate().lines(option, index, 2000)
    assert title == LONG


def test_the_page_fits_beside_the_sidebar_of_a_720_px_window_without_clipped_buttons(qtbot, paths, vault):
    notes.create_note(vault, "Body", title=LONG, properties={"author": "Kevin Kelly"})
    window = open_window(qtbot, paths, vault)
    page = NotesPage(window.session, window)
    qtbot.addWidget(page)
    width = 720 - 200  # the sidebar keeps about 200 px
    assert page.minimumSizeHint().width() <= width
    page.resize(1000, 560)
    page.show()
    wide_list = page.list.width()
    page.resize(width, 560)
    qtbot.waitUntil(lambda: page.width() == width, timeout=5_000)
    assert page.list.width() < wide_list  # the list narrows with the window
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    page.list.setCurrentIndex(page.model.index(0))
    qtbot.waitUntil(lambda: page.editor.note is not None, timeout=10_000)
    for button in page.findChildren(QAbstractButton):
        if button.isVisible() and button.text():
            assert button.width() >= button.minimumSizeHint().width(), button.text()
            assert page.rect().contains(button.mapTo(page, button.rect().bottomRight())), button.text()
    assert not page.list.horizontalScrollBar().isVisible()
    assert page.editor.body.width() > 250


def test_every_control_is_reached_with_tab(qtbot, paths, vault):
    target = notes.create_note(vault, "Plant in October.", title="Tulips")
    note = notes.create_note(vault, "Order bulbs", title="Garden", properties={"author": "me"})
    notes.create_note(vault, "See [[Garden]].", title="Plan")
    window = open_window(qtbot, paths, vault)
    page = window.show_page("notes")
    page.open_note(note.id)
    qtbot.waitUntil(lambda: page.editor.backlinks.titles() == ["Plan"], timeout=10_000)
    del target
    e = page.editor
    wanted = {
        "filter": page.filter,
        "list": page.list,
        "new": page.new_button,
        "delete": page.delete_button,
        "title": e.title,
        "tags": e.tags,
        "properties": e.properties.toggle,
        "add property": e.properties.add_button,
        "property table": e.properties.table,
        "write/preview": e.tabs.tabBar(),
        "text": e.body,
        "backlinks": e.backlinks.toggle,
        "backlinks list": e.backlinks.list,
    }
    page.filter.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.filter, timeout=5_000)
    seen = []
    for _ in range(40):
        focus = QApplication.focusWidget()
        seen.append(focus)
        # Tab indents in the text, as Markdown lists want; Esc moves on from there.
        qtbot.keyClick(focus, Qt.Key.Key_Escape if focus is e.body else Qt.Key.Key_Tab)
    missing = [name for name, widget in wanted.items() if widget not in seen]
    assert missing == []
    assert e.body.toPlainText() == "Order bulbs"  # nothing typed into the note on the way
