"""The GUI thread never touches the vault: every read and write of a whole session (write a note,
search, ask, open a citation, remember, delete) happens on a lane's thread."""

from __future__ import annotations

import threading

from helpers import record_threads
from PySide6.QtCore import Qt
from uifakes import open_window

from reverie.core import notes


def _threads_touching(vault) -> list[str]:
    """A vault with one note whose every read and write records the thread it ran on."""
    notes.create_note(vault, "# Travel\n\nThe passport is in the top drawer of the desk.")
    seen = record_threads(vault)
    return seen


def test_no_sql_on_the_gui_thread(qtbot, paths, vault):
    seen = _threads_touching(vault)
    window = open_window(qtbot, paths, vault)
    notes_page = window.pages["notes"].widget
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(notes_page.editor.body, "Buy stamps for the postcards.")
    qtbot.waitUntil(lambda: "Saved" in notes_page.editor.status.text(), timeout=10_000)
    search = window.show_page("search")
    qtbot.keyClicks(search.query, "passport")
    qtbot.waitUntil(lambda: search.model.rowCount() == 1, timeout=10_000)
    chat = window.show_page("chat")
    chat.composer.setPlainText("Where is my passport?")
    chat.send()
    qtbot.waitUntil(
        lambda: not chat.flow.running and bool(chat.thread.widgets) and bool(chat.thread.widgets[-1].chips),
        timeout=15_000,
    )
    qtbot.mouseClick(chat.thread.widgets[-1].chips[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: notes_page.editor.highlighted_range() is not None, timeout=10_000)
    chat = window.show_page("chat")
    qtbot.mouseClick(chat.thread.widgets[0].remember, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Remembered" in chat.thread.widgets[0].state.text(), timeout=10_000)
    qtbot.mouseClick(notes_page.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: notes_page.undo_bar.isVisibleTo(notes_page), timeout=10_000)
    qtbot.waitUntil(lambda: window.session.db.pending == 0 and window.session.model.pending == 0, timeout=10_000)
    del vault.tx, vault.read  # the vault's own methods again
    main = threading.main_thread().name
    assert seen and main not in seen
    assert any(name.startswith("reverie-model") for name in seen)  # the answer was read and recorded there
    assert {name.split("_")[0] for name in seen} <= {"reverie-db", "reverie-model", "reverie-nightly"}


def test_home_and_the_palette_read_and_write_on_the_database_lane(qtbot, paths, vault):
    seen = _threads_touching(vault)
    window = open_window(qtbot, paths, vault)
    home = window.home
    qtbot.waitUntil(lambda: home.notes_card.list.count() == 1, timeout=10_000)
    home.ask_box.setPlainText("Renew the passport in March.")
    qtbot.keyClick(home.ask_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: home.notes_card.list.count() == 2, timeout=10_000)
    opened = []
    window.register_opener("note", opened.append)
    palette = window.open_palette()
    qtbot.keyClicks(palette.input, "passport")
    qtbot.waitUntil(lambda: any(e.kind == "hit" for e in palette.entries()), timeout=10_000)
    palette.list.setCurrentRow([e.kind for e in palette.entries()].index("hit"))
    qtbot.keyClick(palette.input, Qt.Key.Key_Return)
    assert opened
    qtbot.waitUntil(lambda: window.session.db.pending == 0, timeout=10_000)
    del vault.tx, vault.read  # the vault's own methods again
    window.close()
    assert seen and threading.main_thread().name not in seen


def test_reminders_the_chip_the_recap_and_the_review_stay_off_the_gui_thread(qtbot, paths, vault):
    import dataclasses

    from fading import fading_memory

    from reverie.core.settings import load_settings, save_settings

    save_settings(vault, dataclasses.replace(load_settings(vault), recap_enabled=True, review_enabled=True))
    fading_memory(vault, "The bike lock code was 4312.", vault.now())
    seen = _threads_touching(vault)
    window = open_window(qtbot, paths, vault)
    chat = window.show_page("chat")
    chat.composer.setPlainText("remind me to call the garage tomorrow at 5pm")
    chat.send()
    qtbot.waitUntil(lambda: not chat.remind_chip.isHidden(), timeout=15_000)
    qtbot.waitUntil(lambda: not chat.flow.running, timeout=15_000)
    chat.remind_chip.accept_button.click()
    qtbot.waitUntil(lambda: chat.remind_chip.text.startswith("Reminder set"), timeout=10_000)
    page = window.show_page("reminders")
    qtbot.waitUntil(lambda: page.row_texts("upcoming") == ["call the garage"], timeout=10_000)
    page.sections["upcoming"].rows[0].buttons["done"].click()
    qtbot.waitUntil(lambda: page.row_texts("done") == ["call the garage"], timeout=10_000)
    cards = window.home.companion
    qtbot.waitUntil(lambda: not cards.review.isHidden(), timeout=10_000)
    cards.open_review()
    cards.dialog.buttons["keep"].click()
    qtbot.waitUntil(lambda: cards.dialog.index == 1, timeout=10_000)
    cards.dialog.accept()
    window.show_page("insights")
    qtbot.waitUntil(lambda: not window.pages["insights"].widget.review_view.isHidden(), timeout=10_000)
    qtbot.waitUntil(lambda: window.session.db.pending == 0 and window.session.model.pending == 0, timeout=10_000)
    del vault.tx, vault.read  # the vault's own methods again
    window.close()
    assert seen and threading.main_thread().name not in seen
