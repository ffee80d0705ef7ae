"""Chat as a modern chat: the conversation gets the room at every window width, long code scrolls
inside its bubble, the view follows the newest reply unless the user scrolled up."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from uifakes import open_window

from reverie.core import conversations

HEIGHT = 700


def _chat(qtbot, paths, vault, width):
    window = open_window(qtbot, paths, vault)
    for key, page in window.pages.items():  # only Chat's own minimum width counts here
        if key != "chat":
            page.widget.setMinimumWidth(1)
    page = window.show_page("chat")

    def resized() -> bool:  # the window's minimum follows the pages' once its layout has run again
        window.resize(width, HEIGHT)
        return window.width() == width and page.isVisible()

    qtbot.waitUntil(resized, timeout=5_000)
    return window, page


@pytest.mark.parametrize(("width", "readable"), [(720, 380), (1100, 560), (1440, 560)])
def test_the_conversation_gets_the_room_at_every_window_width(qtbot, paths, vault, width, readable):
    window, page = _chat(qtbot, paths, vault, width)
    qtbot.waitUntil(lambda: page.center.width() >= readable, timeout=5_000)
    assert page.minimumSizeHint().width() <= 720 - 180  # Chat never holds a 720 px window wider
    assert page.center.width() + page.splitter.handleWidth() <= page.width()
    if width >= 1440:
        assert page.sources_panel.isVisible() and page.conv_list.isVisible()
    if width <= 720:  # the list shows only where the conversation keeps a readable width
        from reverie.app.ui.chat.panes import READABLE

        shown = page.conv_list.isVisible()
        assert shown == (page.width() - page.splitter.list_width - page.splitter.handleWidth() >= READABLE)
        for _ in range(2):
            qtbot.mouseClick(page.list_toggle, Qt.MouseButton.LeftButton)
            shown = not shown
            qtbot.waitUntil(lambda: page.conv_list.isVisible() == shown, timeout=5_000)  # noqa: B023
            assert window.width() == width  # showing it never pushes the window wider
            assert page.center.width() >= 300


def test_the_sources_toggle_shows_the_pane_a_narrow_window_hid(qtbot, paths, vault):
    window, page = _chat(qtbot, paths, vault, 1100)
    assert not page.sources_panel.isVisible() and not page.sources_toggle.isChecked()
    qtbot.mouseClick(page.sources_toggle, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.sources_panel.isVisible, timeout=5_000)
    assert page.center.width() >= 300 and window.width() == 1100


def test_a_long_code_line_scrolls_inside_its_bubble(qtbot, paths, vault):
    conv = conversations.create_conversation(vault, "Code")
    conversations.add_message(vault, conv.id, "user", "Show me the line.")
    line = "result = compute(" + ", ".join(f"argument_{i}" for i in range(40)) + ")"
    assert len(line) > 400
    code_text = f"import pandas as pd\n\n{line}\nprint(result)"
    reply = conversations.add_message(
        vault, conv.id, "assistant", f"Here it is:\n\n```python\n{code_text}\n```\n\nDone."
    )
    window, page = _chat(qtbot, paths, vault, 1100)
    page.load(conv.id)
    qtbot.waitUntil(lambda: page.thread.widget_for(reply.id) is not None, timeout=10_000)
    bubble = page.thread.widget_for(reply.id)
    qtbot.waitUntil(lambda: bubble.forget.isVisible(), timeout=5_000)
    assert not page.thread.horizontalScrollBar().isVisible()
    viewport = page.thread.viewport()
    qtbot.waitUntil(lambda: page.thread.body.width() <= viewport.width(), timeout=5_000)
    right = bubble.forget.mapTo(viewport, bubble.forget.rect().topRight()).x()
    assert 0 < right <= viewport.width()  # "Forget this" is on screen, not pushed off to the right
    code = next(p for p in bubble.parts if p.objectName() == "codeBlock")
    assert code.toPlainText() == code_text
    qtbot.waitUntil(lambda: code.verticalScrollBar().maximum() == 0, timeout=5_000)  # as tall as its 4 lines
    assert code.width() <= bubble.width()
    assert code.horizontalScrollBar().maximum() > 0  # the line scrolls inside its box
    assert "Done." in bubble.parts[-1].text() and "Here it is" in bubble.text.text()


def _long_thread(vault, n=30):
    conv = conversations.create_conversation(vault, "Long")
    for i in range(n):
        conversations.add_message(
            vault, conv.id, "user" if i % 2 == 0 else "assistant", f"Message {i}: " + "some words to fill the line " * 6
        )
    return conv


def _at_end(bar):
    return bar.maximum() > 0 and bar.value() == bar.maximum()


def test_the_view_follows_new_messages_and_streamed_text(qtbot, paths, vault):
    conv = _long_thread(vault)
    window, page = _chat(qtbot, paths, vault, 1100)
    page.load(conv.id)
    bar = page.thread.verticalScrollBar()
    qtbot.waitUntil(lambda: len(page.thread.widgets) == 30 and _at_end(bar), timeout=10_000)
    from reverie.app.ui.chat.data import MessageItem

    before = bar.maximum()
    row = page.messages.append(MessageItem(None, "assistant", "", streaming=True))
    for i in range(1, 6):
        page.thread.streaming_text(row, "A streamed reply that grows. " * 30 * i)
    qtbot.waitUntil(lambda: bar.maximum() > before + 100 and _at_end(bar), timeout=5_000)
    assert not page.thread.jump.isVisible()


def test_scrolled_up_the_view_stays_and_offers_the_new_reply(qtbot, paths, vault):
    conv = _long_thread(vault)
    window, page = _chat(qtbot, paths, vault, 1100)
    page.load(conv.id)
    bar = page.thread.verticalScrollBar()
    qtbot.waitUntil(lambda: len(page.thread.widgets) == 30 and _at_end(bar), timeout=10_000)
    bar.setValue(bar.maximum() // 3)  # the user scrolls up to read
    kept = bar.value()
    from reverie.app.ui.chat.data import MessageItem

    before = bar.maximum()
    row = page.messages.append(MessageItem(None, "assistant", "", streaming=True))
    page.thread.streaming_text(row, "A streamed reply that grows. " * 60)
    qtbot.waitUntil(lambda: bar.maximum() > before + 100, timeout=5_000)
    qtbot.waitUntil(page.thread.jump.isVisible, timeout=5_000)
    assert bar.value() == kept
    assert "New reply" in page.thread.jump.text()
    qtbot.mouseClick(page.thread.jump, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _at_end(bar), timeout=5_000)
    assert not page.thread.jump.isVisible()


def test_a_replys_sources_button_shows_the_hidden_sources_pane(qtbot, paths, vault):
    conv = conversations.create_conversation(vault, "Plain")
    conversations.add_message(vault, conv.id, "user", "Hello?")
    reply = conversations.add_message(vault, conv.id, "assistant", "Hello.")
    window, page = _chat(qtbot, paths, vault, 1100)
    page.load(conv.id)
    qtbot.waitUntil(lambda: page.thread.widget_for(reply.id) is not None, timeout=10_000)
    assert not page.sources_panel.isVisible()
    qtbot.mouseClick(page.thread.widget_for(reply.id).sources, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(page.sources_panel.isVisible, timeout=5_000)
    assert page.sources_toggle.isChecked() and "cited no memory" in page.sources_hint.text()
