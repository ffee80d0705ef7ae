"""Closing the window while work is queued: the running transaction finishes, queued work is
dropped, the last edits of the open note are saved, and nothing is half-written."""

from __future__ import annotations

from uifakes import open_window

from reverie.app.ui.uikit import settings
from reverie.core import notes
from reverie.core.vault import Vault


def test_closing_during_indexing_leaves_whole_notes_only(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    page = window.show_page("notes")
    page.new_note()
    page.editor.body.setPlainText("The last thing I typed before closing.")  # not yet autosaved
    text = "# Batch\n\n" + "\n\n".join(f"Paragraph {i} of a long imported note." for i in range(300))
    for _ in range(40):
        window.session.db.submit(notes.create_note, vault, text)
    window.close()
    assert vault.closed
    again = Vault.open(paths)
    try:
        assert again.query("PRAGMA integrity_check")[0][0] == "ok"
        bodies = [n.body for n in notes.list_notes(again)]
        assert "The last thing I typed before closing." in bodies
        assert len(bodies) < 41  # queued writes were dropped, not half-done, and did not delay the close
        for n in notes.list_notes(again):
            units = again.query("SELECT count(*) FROM memories WHERE source_id = ?", (n.id,))[0][0]
            assert units == (300 if n.body.startswith("# Batch") else 1)  # every paragraph, or none
    finally:
        again.close()


def test_window_size_and_splitters_are_remembered(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    window.resize(1440, 900)
    window.show_page("chat")
    chat = window.pages["chat"].widget
    qtbot.waitUntil(lambda: chat.splitter.left.isVisible())
    center = chat.splitter.sizes()[1]
    chat.splitter.setSizes([300, center - 50, chat.splitter.sizes()[2]])
    chat.splitter.splitterMoved.emit(300, 1)  # what a drag of the handle emits
    assert chat.splitter.list_width == 300
    window.resize(720, 540)
    size = (window.width(), window.height())  # at least the window's minimum size
    window.close()
    assert settings().value("chat/panes") is not None
    again = Vault.open(paths)
    second = open_window(qtbot, paths, again)
    assert (second.width(), second.height()) == size
    assert second.pages["chat"].widget.splitter.list_width == 300
    second.close()
