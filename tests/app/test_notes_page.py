"""The Notes screen on a real vault: write with autosave, tags and filter, delete with undo,
a 5 MB paste, and opening a note at a cited passage."""

from __future__ import annotations

from PySide6.QtCore import Qt
from uifakes import open_window

from reverie.core import notes


def _notes_page(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    page = window.show_page("notes")
    return window, page


def test_ctrl_n_writes_a_note_that_autosaves_with_tags(qtbot, paths, vault):
    window, page = _notes_page(qtbot, paths, vault)
    window.show_page("home")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is page
    assert page.editor.note is None
    qtbot.keyClicks(page.editor.body, "# Plans")
    qtbot.keyClick(page.editor.body, Qt.Key.Key_Return)
    qtbot.keyClick(page.editor.body, Qt.Key.Key_Return)
    qtbot.keyClicks(page.editor.body, "Call the plumber on Monday.")
    qtbot.keyClicks(page.editor.tags, "home, chores")
    qtbot.waitUntil(lambda: len(notes.list_notes(vault)) == 1 and "Saved" in page.editor.status.text(), timeout=10_000)
    saved = notes.list_notes(vault)[0]
    assert saved.title == "Plans"
    assert saved.tags == ("home", "chores")
    assert saved.body.endswith("plumber on Monday.")
    qtbot.keyClicks(page.editor.body, " Bring the keys.")
    qtbot.waitUntil(lambda: notes.get_note(vault, saved.id).body.endswith("Bring the keys."), timeout=10_000)
    assert len(notes.list_notes(vault)) == 1  # edits update the same note
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    assert "#home" in page.model.index(0).data()


def test_filter_by_words_and_by_tag(qtbot, paths, vault):
    notes.create_note(vault, "Tomatoes need water", tags="garden")
    notes.create_note(vault, "Dentist on Friday", tags="health")
    notes.create_note(vault, "Buy tomato seeds", tags="errands")
    _window, page = _notes_page(qtbot, paths, vault)
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)
    page.filter.setText("tomato")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    page.filter.setText("#health")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    assert page.model.rows[0].title == "Dentist on Friday"
    page.filter.setText("nothing like this")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=10_000)
    assert page.empty.isVisibleTo(page) and "No note matches" in page.empty.text()


def test_delete_with_undo_brings_the_note_back(qtbot, paths, vault):
    note = notes.create_note(vault, "Keep this safe\n\nThe spare key is under the blue pot.", tags="home")
    _window, page = _notes_page(qtbot, paths, vault)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    page.list.setCurrentIndex(page.model.index(0))
    qtbot.waitUntil(lambda: page.editor.note is not None and page.editor.note.id == note.id, timeout=10_000)
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.undo_bar.isVisibleTo(page), timeout=10_000)
    assert notes.find_note(vault, note.id) is None
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=10_000)
    qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: notes.find_note(vault, note.id) is not None, timeout=10_000)
    back = notes.get_note(vault, note.id)
    assert (back.body, back.tags, back.created_at) == (note.body, note.tags, note.created_at)
    qtbot.waitUntil(lambda: page.editor.note is not None and page.editor.note.id == note.id, timeout=10_000)
    assert not page.undo_bar.isVisibleTo(page)


def test_pasting_five_megabytes_saves_everything_and_previews_the_start(qtbot, paths, vault):
    _window, page = _notes_page(qtbot, paths, vault)
    page.new_note()
    big = ("A line of pasted text that goes on and on. " * 24 + "\n\n") * 5000
    assert len(big.encode()) > 5_000_000
    page.editor.body.insertPlainText(big)  # what a paste does
    qtbot.waitUntil(lambda: len(notes.list_notes(vault)) == 1, timeout=60_000)
    qtbot.waitUntil(lambda: "Saved" in page.editor.status.text(), timeout=60_000)
    assert notes.list_notes(vault)[0].body == big
    page.editor.tabs.setCurrentIndex(1)
    assert "all saved" in page.editor.preview.toPlainText()


def test_opening_a_cited_passage_scrolls_to_it_and_marks_it(qtbot, paths, vault):
    body = "# Trip 🚲\n\n" + "\n\n".join(f"Day {i}: we rode along the river 🌊 again." for i in range(60))
    body += "\n\nThe hotel was called Villa Serena."
    note = notes.create_note(vault, body)
    window, page = _notes_page(qtbot, paths, vault)
    mem = vault.query(
        "SELECT span_start, span_end FROM memories WHERE source_id = ? AND text LIKE '%Villa%'", (note.id,)
    )[0]
    memory = type("M", (), {"source_kind": "note", "source_id": note.id, "span_start": mem[0], "span_end": mem[1]})
    window.show_page("home")
    window.open_source(memory)
    assert window.stack.currentWidget() is page
    qtbot.waitUntil(lambda: page.editor.highlighted_range() is not None, timeout=10_000)
    start, end = page.editor.highlighted_range()
    utf16 = page.editor.body.toPlainText().encode("utf-16-le")  # Qt positions count UTF-16 units
    marked = utf16[2 * start : 2 * end].decode("utf-16-le")
    assert marked == "The hotel was called Villa Serena."  # emoji before it did not shift the mark
    assert page.editor.body.verticalScrollBar().value() > 0
