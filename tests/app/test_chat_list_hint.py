"""Chat's conversation list says what it is while it is empty: locked, or no conversation yet."""

from __future__ import annotations

from ui_fixtures import settle
from uifakes import fake_services

from reverie.app.ui.chat.convlist import EMPTY_HINT, LOCKED_HINT
from reverie.app.ui.main_window import MainWindow
from reverie.app.ui.session import Session
from reverie.core import conversations


def test_the_empty_conversation_list_says_why(qtbot, paths, vault):
    session = Session(paths)
    window = MainWindow(session, fake_services(session))
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("chat")
    hint = page.conv_pane.hint
    assert hint.isVisible() and hint.text() == LOCKED_HINT  # the vault is still locked
    session.set_vault(vault)
    qtbot.waitUntil(lambda: hint.text() == EMPTY_HINT, timeout=10_000)
    assert hint.isVisible()
    assert "ask something below" in hint.text()
    conversations.create_conversation(vault, "Plans")
    page.refresh()
    qtbot.waitUntil(lambda: page.conversations.rowCount() == 1, timeout=10_000)
    assert not hint.isVisible()  # a listed conversation needs no hint
    settle(qtbot, session)
    window.close()
