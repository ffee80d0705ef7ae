"""Typing in Chat: Enter sends and Shift+Enter starts a line, a locked vault keeps the text and says
so, Home's ask action, the keyboard order, plurals, and chips that name their exact source."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from uifakes import fake_services, open_window

from reverie.app.ui.chat.page import LOCKED_SEND
from reverie.app.ui.main_window import MainWindow
from reverie.app.ui.session import Session
from reverie.core import conversations


def _answered(page):
    items = page.messages.items
    return not page.flow.running and len(items) >= 2 and items[-1].id is not None and items[-1].role == "assistant"


def _type(qtbot, page, text):
    page.composer.setFocus()
    qtbot.keyClicks(page.composer, text)


def test_enter_sends_and_shift_enter_starts_a_new_line(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    page = window.show_page("chat")
    _type(qtbot, page, "First line")
    qtbot.keyClick(page.composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(page.composer, "second line")
    assert page.composer.toPlainText() == "First line\nsecond line"
    assert page.messages.rowCount() == 0
    qtbot.keyClick(page.composer, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _answered(page), timeout=15_000)
    assert conversations.list_messages(vault, page.cid)[0].content == "First line\nsecond line"
    assert page.composer.toPlainText() == ""
    _type(qtbot, page, "And with Ctrl?")
    qtbot.keyClick(page.composer, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier)  # the keypad's Enter
    qtbot.waitUntil(lambda: _answered(page) and len(page.messages.items) == 4, timeout=15_000)
    assert page.messages.items[2].content == "And with Ctrl?"


def test_a_locked_vault_keeps_the_typed_question_and_offers_unlock(qtbot, paths):
    session = Session(paths)  # a vault that never opens (its Unlock was cancelled)
    window = MainWindow(session, fake_services(session))
    qtbot.addWidget(window)
    window.show()
    unlocks: list[str] = []
    window.register_action("unlock", lambda: unlocks.append("unlock"))
    page = window.show_page("chat")
    _type(qtbot, page, "Where did I park?")
    qtbot.keyClick(page.composer, Qt.Key.Key_Return)
    assert page.composer.toPlainText() == "Where did I park?"  # never cleared
    assert page.locked.isVisible() and page.notice.isVisible()
    assert page.notice.text() == LOCKED_SEND
    qtbot.mouseClick(page.locked.button, Qt.MouseButton.LeftButton)
    assert unlocks == ["unlock"]
    assert [check() for check in window.unsaved_checks if check()] == ["the question typed in Chat"]
    page.composer.clear()
    window.close()


def test_the_ask_action_shows_chat_and_sends_in_a_new_conversation(qtbot, paths, vault):
    old = conversations.create_conversation(vault, "Old")
    conversations.add_message(vault, old.id, "user", "An older question.")
    window = open_window(qtbot, paths, vault)
    page = window.pages["chat"].widget
    page.load(old.id)
    qtbot.waitUntil(lambda: page.messages.rowCount() == 1, timeout=10_000)
    window.show_page("home")
    window.action("ask")("When is Anna's birthday?")
    assert window.stack.currentWidget() is page
    qtbot.waitUntil(lambda: _answered(page), timeout=15_000)
    assert page.cid != old.id
    assert [m.content for m in conversations.list_messages(vault, page.cid)][0] == "When is Anna's birthday?"
    assert [m.content for m in conversations.list_messages(vault, old.id)] == ["An older question."]


def test_focus_lands_in_the_box_and_tab_walks_the_page_in_order(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    window.resize(1500, 900)
    window.show_page("home")
    page = window.show_page("chat")
    qtbot.waitUntil(page.composer.hasFocus, timeout=5_000)
    qtbot.waitUntil(lambda: page.sources_panel.isVisible() and page.conv_list.isVisible(), timeout=5_000)
    order = [
        page.list_toggle,
        page.conv_list,
        page.new_button,
        page.composer,
        page.send_button,
        page.sources_toggle,
        page.sources_panel.list,
    ]
    chain, w = [], page.list_toggle
    for _ in range(200):
        chain.append(w)
        w = w.nextInFocusChain()
        if w is page.list_toggle:
            break
    positions = [chain.index(x) for x in order]
    assert positions == sorted(positions)
    page.composer.setFocus()
    qtbot.keyClick(page.composer, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.send_button  # Tab leaves the box (no tab typed)
    assert page.composer.toPlainText() == ""


def test_conversation_rows_count_their_messages_with_the_right_plural(qtbot, paths, vault):
    one = conversations.create_conversation(vault, "One")
    conversations.add_message(vault, one.id, "user", "Hello.")
    window = open_window(qtbot, paths, vault)
    page = window.show_page("chat")
    qtbot.waitUntil(lambda: page.conversations.rowCount() == 1, timeout=10_000)
    assert "1 message" in page.conversations.index(0).data() and "1 messages" not in page.conversations.index(0).data()


def test_chips_name_who_said_the_cited_message_and_in_which_conversation(qtbot, paths, vault):
    old = conversations.create_conversation(vault, "Garage")
    conversations.add_message(vault, old.id, "user", "I parked the camper van in garage twelve.")
    window = open_window(qtbot, paths, vault)
    page = window.show_page("chat")
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.cid is not None and page.cid != old.id, timeout=10_000)
    page.composer.setPlainText("Where did I park the camper van?")
    page.send()
    qtbot.waitUntil(lambda: _answered(page) and bool(page.thread.widgets[-1].chips), timeout=15_000)
    chip = page.thread.widgets[-1].chips[0]
    assert chip.text().startswith("[1] You · ") and chip.text().endswith(" · Garage")
    assert page.sources.rows[0].title == chip.ref.label
    label = chip.text()  # the chip is deleted when the thread is read again
    page.load(page.cid)  # the same label when the thread is read back from the vault
    qtbot.waitUntil(
        lambda: (
            bool(page.thread.widgets) and page.thread.widgets[-1].chips and page.thread.widgets[-1].chips[0] is not chip
        ),
        timeout=10_000,
    )
    assert page.thread.widgets[-1].chips[0].text() == label


def test_a_long_conversation_title_is_cut_with_an_ellipsis_in_the_list(qtbot, paths, vault):
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QStyleOptionViewItem

    long = "I booked the dentist for Thursday afternoon and then we will go to the market"
    conversations.create_conversation(vault, long)
    window = open_window(qtbot, paths, vault)
    page = window.show_page("chat")
    qtbot.waitUntil(lambda: page.conversations.rowCount() == 1, timeout=10_000)
    option = QStyleOptionViewItem()
    option.initFrom(page.conv_list)
    option.rect = QRect(0, 0, 200, 50)
    title, subtitle = page.conv_list.itemDelegate().shown(option, page.conversations.index(0))
    assert title.endswith("…") and long.startswith(title[:-1])
    assert subtitle.startswith("Today") or subtitle[0].isdigit() or subtitle[:3].isalpha()
    assert page.conversations.index(0).data(Qt.ItemDataRole.ToolTipRole) == long


def test_a_locked_vault_says_why_the_model_in_use_is_not_shown(qtbot, paths):
    from reverie.app.ui.chat.empty_state import LOCKED_MODEL

    session = Session(paths)
    window = MainWindow(session, fake_services(session))
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("chat")
    assert page.empty_state.model_line.text() == LOCKED_MODEL  # not "Looking…" for ever
    assert not page.empty_state.about.isVisible()
    window.close()
