"""End to end through the window: write a note, find it in Search, ask about it in Chat, the
answer streams with a citation chip, and the chip opens the note at the cited paragraph."""

from __future__ import annotations

from PySide6.QtCore import Qt
from uifakes import open_window

from reverie.core import notes


def test_write_find_ask_and_open_the_cited_paragraph(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    # 1. write a note
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    notes_page = window.pages["notes"].widget
    body = notes_page.editor.body
    qtbot.keyClicks(body, "Neighbours")
    for line in (
        "Sam lives at number nine and waters our plants.",
        "Priya's dog is called Biscuit and is afraid of thunder.",
    ):
        qtbot.keyClick(body, Qt.Key.Key_Return)
        qtbot.keyClick(body, Qt.Key.Key_Return)
        qtbot.keyClicks(body, line)
    qtbot.waitUntil(
        lambda: len(notes.list_notes(vault)) == 1 and "Saved" in notes_page.editor.status.text(), timeout=15_000
    )
    note = notes.list_notes(vault)[0]
    # 2. find it in Search, as you type
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    search = window.pages["search"].widget
    qtbot.keyClicks(search.query, "biscuit thun")
    qtbot.waitUntil(lambda: search.model.rowCount() >= 1, timeout=10_000)
    assert search.model.hits[0].memory.source_id == note.id
    assert "Biscuit" in search.model.hits[0].memory.text
    # 3. ask about it in Chat
    chat = window.show_page("chat")
    chat.composer.setPlainText("What is Priya's dog called?")
    chat.composer.setFocus()
    streamed: list[str] = []
    chat.flow.token.connect(streamed.append)
    qtbot.keyClick(chat.composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: (
            not chat.flow.running
            and bool(chat.thread.widgets)
            and chat.messages.items[-1].id is not None
            and bool(chat.thread.widgets[-1].chips)
        ),
        timeout=20_000,
    )
    assert len(streamed) >= 1  # the answer came in pieces (AnswerFlow.token) before it was complete
    answer = chat.messages.items[-1]
    assert "Biscuit" in answer.content
    chip = chat.thread.widgets[-1].chips[0]
    assert chip.text().startswith(f"[{chip.ref.n}] Neighbours")
    # 4. the chip opens the note at the cited paragraph
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.stack.currentWidget() is notes_page and notes_page.editor.highlighted_range() is not None,
        timeout=10_000,
    )
    assert notes_page.editor.note.id == note.id
    start, end = notes_page.editor.highlighted_range()
    assert notes_page.editor.body.toPlainText()[start:end] == "Priya's dog is called Biscuit and is afraid of thunder."
