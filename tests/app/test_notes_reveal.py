"""Notes: the open note is selected in the list and scrolled into view, however it was opened (the
list, a search hit or citation through ``open_source``, a wikilink), also when the list's rows come
after the note."""

from __future__ import annotations

from uifakes import open_window

from reverie.app.ui.notes.markdown import LinkTarget
from reverie.core import notes
from reverie.core.records import MEMORY_COLS, Memory
from reverie.core.wikilinks import WikiLink

MANY = 45


def _shown(page, note_id):
    row = page.model.row_of(note_id)
    index = page.model.index(row)
    rect = page.list.visualRect(index)
    return (
        row >= 0
        and page.list.selectionModel().isSelected(index)
        and page.list.currentIndex().row() == row
        and page.list.viewport().rect().contains(rect.center())
    )


def _page(qtbot, paths, vault):
    oldest = notes.create_note(vault, "Spare key\n\nUnder the blue pot by the back door.")
    for i in range(MANY):
        notes.create_note(vault, f"Journal {i}\n\nA day of things, number {i}.")
    window = open_window(qtbot, paths, vault)
    window.resize(900, 600)
    page = window.show_page("notes")
    qtbot.waitUntil(lambda: page.model.rowCount() == MANY + 1, timeout=10_000)
    assert not _shown(page, oldest.id)  # the oldest note sits below the fold
    return window, page, oldest


def test_a_note_opened_by_id_is_selected_and_scrolled_to(qtbot, paths, vault):
    window, page, oldest = _page(qtbot, paths, vault)
    page.open_note(oldest.id)
    qtbot.waitUntil(lambda: page.editor.note is not None and page.editor.note.id == oldest.id, timeout=10_000)
    assert _shown(page, oldest.id)
    page.list.scrollToTop()  # the user scrolls away; a refresh of the list does not yank it back
    page.refresh()
    qtbot.waitUntil(lambda: page.list.selectionModel().isSelected(page.model.index(page.model.row_of(oldest.id))))
    assert page.list.verticalScrollBar().value() == 0
    window.close()


def test_a_note_opened_from_elsewhere_is_revealed_once_the_rows_come(qtbot, paths, vault):
    window, page, oldest = _page(qtbot, paths, vault)
    page.filter.setText("Journal")  # the note is not listed: it is revealed when the filter is cleared
    qtbot.waitUntil(lambda: page.model.rowCount() == MANY, timeout=10_000)
    with vault.read() as conn:
        row = conn.execute(
            f"SELECT {MEMORY_COLS} FROM memories WHERE source_kind = 'note' AND source_id = ?", (oldest.id,)
        ).fetchone()
    memory = Memory.from_row(row)  # a search hit or a citation opens the note where it came from
    window.open_source(memory)
    qtbot.waitUntil(lambda: page.editor.note is not None and page.editor.note.id == oldest.id, timeout=10_000)
    qtbot.waitUntil(lambda: _shown(page, oldest.id), timeout=10_000)
    window.close()


def test_a_wikilink_reveals_its_note(qtbot, paths, vault):
    window, page, oldest = _page(qtbot, paths, vault)
    page.list.scrollToTop()
    page.follow_link(LinkTarget(WikiLink(0, 13, "Spare key", "", "", False), oldest.id))
    qtbot.waitUntil(lambda: page.editor.note is not None and page.editor.note.id == oldest.id, timeout=10_000)
    assert _shown(page, oldest.id)
    window.close()
