"""Home: the vault in one line with its nouns right, fresh after an import, the ask/capture box,
recent items that open where they live, and no sentence cut off."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from ui_fixtures import add_fact, settle
from uifakes import open_window

from reverie.app.ui.changes import IMPORTED
from reverie.app.ui.home import EMPTY_HEADLINE
from reverie.app.ui.homedata import greeting, vault_line
from reverie.app.ui.theme import apply_theme
from reverie.core import conversations, jobruns, notes
from reverie.core.scheduler import JOB


def test_the_vault_line_counts_with_the_right_nouns():
    now = datetime(2026, 11, 18, 9, 30).timestamp()
    at_three = datetime(2026, 11, 18, 3, 0).timestamp()
    assert (
        vault_line({"memories": 277, "archived": 0, "notes": 276, "conversations": 3}, at_three, now)
        == "277 memories · 276 notes · 3 conversations · consolidated 03:00"
    )
    assert (
        vault_line({"memories": 2, "archived": 1, "notes": 1, "conversations": 1}, None, now)
        == "1 memory · 1 note · 1 conversation · not consolidated yet"
    )


def test_home_is_fresh_after_an_import_and_lists_recent_notes(qtbot, qapp, paths, vault):
    apply_theme(qapp, "light")  # the style sheet's row padding is part of what must fit
    window = open_window(qtbot, paths, vault)
    home = window.home
    qtbot.waitUntil(lambda: home.headline.text() == EMPTY_HEADLINE, timeout=10_000)

    def bring_in(v):
        for i in range(3):
            notes.create_note(v, f"Imported note {i}\n\nSome words.")

    window.session.run_op(bring_in, vault, changes=IMPORTED)
    qtbot.waitUntil(lambda: home.headline.text() != EMPTY_HEADLINE, timeout=10_000)
    assert home.headline.text() == greeting(vault.now())
    qtbot.waitUntil(lambda: "3 notes" in home.vault_line.text(), timeout=10_000)
    kept = vault.counts()["memories"]
    assert home.vault_line.text() == f"{kept} memories · 3 notes · 0 conversations · not consolidated yet"
    assert set(home.notes_card.titles()) == {"Imported note 0", "Imported note 1", "Imported note 2"}
    assert not home.notes_card.isHidden() and home.conversations_card.isHidden()
    shown = home.notes_card.list
    last = shown.visualItemRect(shown.item(shown.count() - 1))
    assert last.bottom() <= shown.viewport().height()  # every row shows, none cut at the card's edge
    window.close()


def test_a_recent_note_opens_where_it_lives(qtbot, paths, vault):
    note = notes.create_note(vault, "Trip to Lisbon\n\nTrams and tiles.")
    window = open_window(qtbot, paths, vault)
    opened = []
    window.register_opener("note", opened.append)
    qtbot.waitUntil(lambda: window.home.notes_card.list.count() == 1, timeout=10_000)
    item = window.home.notes_card.list.item(0)
    rect = window.home.notes_card.list.visualItemRect(item)
    qtbot.mouseClick(window.home.notes_card.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert [m.source_id for m in opened] == [note.id]
    window.close()


def test_facts_of_the_last_consolidation_and_conversations_are_listed(qtbot, paths, vault):
    conv = conversations.create_conversation(vault, "Plans for the weekend")
    conversations.add_message(vault, conv.id, "user", "Shall we hike on Saturday?")
    run = jobruns.start_run(vault, JOB, vault.now())
    add_fact(vault, "The user likes hiking.")
    jobruns.finish_run(vault, run, vault.now(), "ok", counts={}, log=[])
    window = open_window(qtbot, paths, vault)
    home = window.home
    qtbot.waitUntil(lambda: home.facts_card.list.count() == 1, timeout=10_000)
    assert home.facts_card.titles() == ["The user likes hiking."]
    assert home.conversations_card.titles() == ["Plans for the weekend"]
    assert "consolidated" in home.vault_line.text() and "not consolidated" not in home.vault_line.text()
    opened = []
    window.register_opener("message", opened.append)
    home.open_item(home.conversations_card.list.item(0).data(Qt.ItemDataRole.UserRole))
    assert opened and opened[0].source_kind == "message"
    window.close()


def test_enter_asks_in_chat_and_the_box_empties_only_once_it_went(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    home = window.home
    window.show_page("home")
    qtbot.waitUntil(lambda: home.ask_button.isEnabled(), timeout=10_000)
    asked: list[str] = []
    window.actions_by_key.pop("ask", None)
    home.ask_box.setPlainText("What did I plan for Saturday?")
    home.ask_box.setFocus()
    qtbot.keyClick(home.ask_box, Qt.Key.Key_Return)
    assert home.ask_box.toPlainText() == "What did I plan for Saturday?"  # no one to ask: kept
    window.register_action("ask", asked.append)
    qtbot.keyClick(home.ask_box, Qt.Key.Key_Return)
    assert asked == ["What did I plan for Saturday?"]
    assert home.ask_box.toPlainText() == ""
    window.close()


def test_ctrl_enter_saves_the_text_as_a_note(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    home = window.home
    qtbot.waitUntil(lambda: home.save_button.isEnabled(), timeout=10_000)
    home.ask_box.setPlainText("Buy oat milk\nand bread")
    assert home.unsaved() is not None  # typed, neither asked nor saved: closing would warn
    qtbot.keyClick(home.ask_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: home.ask_box.toPlainText() == "", timeout=10_000)
    settle(qtbot, window.session)
    assert [n.body for n in notes.list_notes(vault)] == ["Buy oat milk\nand bread"]
    assert "Saved as a note" in home.status.text()
    assert home.unsaved() is None
    qtbot.waitUntil(lambda: home.notes_card.titles() == ["Buy oat milk"], timeout=10_000)
    window.close()


def test_the_empty_state_sentence_is_never_cut_off_in_a_narrow_window(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    home = window.home
    qtbot.waitUntil(lambda: home.headline.text() == EMPTY_HEADLINE, timeout=10_000)
    for width in (720, 1100):
        window.resize(width, 600)
        qtbot.waitUntil(lambda: home.body.width() > 0)
        qtbot.wait(10)
        assert "Ctrl+N" in home.body.text()
        assert home.body.height() >= home.body.heightForWidth(home.body.width())
        assert not home.headline.shown().endswith("…")
    window.close()
