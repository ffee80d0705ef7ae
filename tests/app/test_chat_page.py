"""The Chat screen on a real vault with a fake chat model: streaming with citation chips, Stop,
conversations, remember/forget, a deleted source, bad input and closing mid-answer."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from uifakes import FakeChatModel, open_window

from reverie.app.ui.chat import page as chat_page
from reverie.core import conversations, notes


def _chat(qtbot, paths, vault, model=None):
    window = open_window(qtbot, paths, vault, model)
    page = window.show_page("chat")
    return window, page


def _ask(qtbot, page, text):
    page.composer.setPlainText(text)
    page.composer.setFocus()
    qtbot.keyClick(page.composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def _answered(page):
    items = page.messages.items
    return not page.flow.running and len(items) >= 2 and items[-1].id is not None and items[-1].role == "assistant"


def test_an_answer_streams_with_a_citation_chip_and_sources(qtbot, paths, vault):
    notes.create_note(vault, "# Family\n\nAnna's birthday is on March 3rd.\n\nTom prefers tea to coffee.")
    window, page = _chat(qtbot, paths, vault)
    _ask(qtbot, page, "When is Anna's birthday?")
    assert page.flow.running and page.stop_button.isEnabled() and not page.send_button.isEnabled()
    qtbot.waitUntil(lambda: _answered(page), timeout=15_000)
    answer = page.messages.items[-1]
    assert "March 3rd" in answer.content and "[1]" in answer.content
    widget = page.thread.widgets[-1]
    assert [c.text() for c in widget.chips] == ["[1] Family"]
    assert "cite:1" in widget.text.text()  # the marker in the text is a link too
    assert page.sources.rowCount() >= 1 and page.sources.rows[0].cited
    assert "cited" in page.sources_hint.text()
    qtbot.waitUntil(
        lambda: page.conversations.rowCount() == 1 and page.conversations.rows[0].title == "When is Anna's birthday?",
        timeout=10_000,
    )
    stored = conversations.list_messages(vault, page.cid)
    assert [m.role for m in stored] == ["user", "assistant"]
    assert vault.query("SELECT count(*) FROM citations WHERE message_id = ?", (stored[1].id,))[0][0] == 1
    assert page.composer.toPlainText() == ""


def test_esc_stops_the_answer_and_keeps_what_was_said(qtbot, paths, vault):
    notes.create_note(vault, "The boat is moored at pier seven.")
    gate = threading.Event()
    model = FakeChatModel(gate=gate)
    window, page = _chat(qtbot, paths, vault, model)
    _ask(qtbot, page, "Where is the boat moored?")
    qtbot.waitUntil(model.waiting.is_set, timeout=10_000)  # mid-sentence: shown when the sentence is checked
    assert page.thread.widgets[-1].state.text().startswith("Answering")
    qtbot.keyClick(page.composer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not page.flow.running and page.messages.items[-1].id is not None, timeout=10_000)
    gate.set()
    msgs = conversations.list_messages(vault, page.cid)
    assert msgs[-1].role == "assistant" and msgs[-1].status == "partial" and msgs[-1].content.startswith("You")
    assert "wrote" not in msgs[-1].content  # the words after the stop were never generated
    assert "stopped" in page.thread.widgets[-1].header.text()
    assert page.send_button.isEnabled()


def test_new_rename_and_delete_conversations(qtbot, paths, vault, monkeypatch):
    window, page = _chat(qtbot, paths, vault)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.conversations.rowCount() == 1 and page.cid is not None, timeout=10_000)
    cid = page.cid
    assert "New conversation" in page.conversations.index(0).data()
    page.conversations.setData(page.conversations.index(0), "Holiday plans")
    qtbot.waitUntil(lambda: conversations.get_conversation(vault, cid).title == "Holiday plans", timeout=10_000)
    qtbot.waitUntil(lambda: "Holiday plans" in page.conversations.index(0).data(), timeout=10_000)
    monkeypatch.setattr(chat_page, "confirm", lambda *_a: False)
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert conversations.list_conversations(vault)
    monkeypatch.setattr(chat_page, "confirm", lambda *_a: True)
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.conversations.rowCount() == 0, timeout=10_000)
    assert conversations.list_conversations(vault) == [] and page.cid is None


def test_remember_and_forget_a_message(qtbot, paths, vault):
    conv = conversations.create_conversation(vault, "Bikes")
    msg = conversations.add_message(vault, conv.id, "user", "My bike lock code is 4812.")
    window, page = _chat(qtbot, paths, vault)
    qtbot.waitUntil(lambda: page.conversations.rowCount() == 1, timeout=10_000)
    page.conv_list.setCurrentIndex(page.conversations.index(0))
    qtbot.waitUntil(lambda: page.thread.widget_for(msg.id) is not None, timeout=10_000)
    w = page.thread.widget_for(msg.id)
    qtbot.mouseClick(w.remember, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Remembered" in page.thread.widget_for(msg.id).state.text(), timeout=10_000)
    rows = vault.query("SELECT pinned, importance FROM memories WHERE source_id = ?", (msg.id,))
    assert rows and all(p == 1 and imp >= 0.9 for p, imp in rows)
    qtbot.mouseClick(page.thread.widget_for(msg.id).forget, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Forgotten" in page.thread.widget_for(msg.id).state.text(), timeout=10_000)
    assert vault.query("SELECT count(*) FROM memories WHERE source_id = ?", (msg.id,))[0][0] == 0
    assert conversations.get_message(vault, msg.id).content == "My bike lock code is 4812."
    actions = [
        r[0] for r in vault.query("SELECT action FROM history WHERE entity = 'message' AND entity_id = ?", (msg.id,))
    ]
    assert "remember" in actions and "forget" in actions


def test_a_chip_whose_note_was_deleted_says_the_source_is_gone(qtbot, paths, vault):
    note = notes.create_note(vault, "The wifi password is on the fridge.")
    window, page = _chat(qtbot, paths, vault)
    _ask(qtbot, page, "Where is the wifi password?")
    qtbot.waitUntil(lambda: _answered(page) and bool(page.thread.widgets[-1].chips), timeout=15_000)
    notes.delete_note(vault, note.id)
    chip = page.thread.widgets[-1].chips[0]
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: chip.gone, timeout=10_000)
    assert "source deleted" in chip.text()
    assert "deleted" in page.notice.text()
    assert window.stack.currentWidget() is page
    before = page.thread.widgets[-1]
    page.load(page.cid)  # reloaded from the vault, the chip is born gone
    qtbot.waitUntil(lambda: bool(page.thread.widgets) and page.thread.widgets[-1] is not before, timeout=10_000)
    reborn = page.thread.widgets[-1].chips[0]
    assert reborn.gone and "source deleted" in reborn.text()


def test_a_chip_citing_an_earlier_message_opens_its_conversation(qtbot, paths, vault):
    old = conversations.create_conversation(vault, "Garage")
    said = conversations.add_message(vault, old.id, "user", "I parked the camper van in garage twelve.")
    window, page = _chat(qtbot, paths, vault)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.cid is not None and page.cid != old.id, timeout=10_000)
    _ask(qtbot, page, "Where did I park the camper van?")
    qtbot.waitUntil(lambda: _answered(page) and bool(page.thread.widgets[-1].chips), timeout=15_000)
    qtbot.mouseClick(page.thread.widgets[-1].chips[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            page.cid == old.id
            and page.thread.widget_for(said.id) is not None
            and page.thread.widget_for(said.id).property("highlighted") is True
        ),
        timeout=10_000,
    )
    assert page.conversations.rows[page.conv_list.currentIndex().row()].id == old.id


def test_five_megabytes_in_the_chat_box_is_kept_and_shown_in_part(qtbot, paths, vault):
    window, page = _chat(qtbot, paths, vault)
    big = "word " * 1_100_000
    page.composer.setPlainText(big)
    page.send()
    qtbot.waitUntil(lambda: _answered(page), timeout=60_000)
    user = conversations.list_messages(vault, page.cid)[0]
    assert user.role == "user" and len(user.content) == len(big)
    shown = page.thread.widgets[0].text.text()
    assert len(shown) < 30_000 and "more characters, all kept in the vault" in shown


def test_a_failing_model_gives_one_sentence_and_keeps_the_question(qtbot, paths, vault):
    window, page = _chat(qtbot, paths, vault, FakeChatModel(fail="the model file is damaged"))
    _ask(qtbot, page, "Hello?")
    qtbot.waitUntil(lambda: not page.flow.running and any(m.error for m in page.messages.items), timeout=15_000)
    err = next(m.error for m in page.messages.items if m.error)
    assert err.strip() and "\n" not in err  # one sentence
    stored = conversations.list_messages(vault, page.cid)
    assert stored[0].role == "user" and stored[0].content == "Hello?"  # the question is kept
    assert not [m for m in stored if m.role == "assistant" and m.status == "complete"]


def test_closing_the_window_mid_answer_stops_cleanly(qtbot, paths, vault):
    notes.create_note(vault, "The spare tyre is in the boot.")
    gate = threading.Event()
    model = FakeChatModel(gate=gate)
    window, page = _chat(qtbot, paths, vault, model)
    _ask(qtbot, page, "Where is the spare tyre?")
    qtbot.waitUntil(model.waiting.is_set, timeout=10_000)
    cid = page.cid
    window.close()  # sets the cancel event, waits for the lanes, closes the vault
    assert window.session.vault.closed
    assert not gate.is_set()
    from reverie.core.vault import Vault

    again = Vault.open(paths)
    try:
        msgs = conversations.list_messages(again, cid)
        assert [m.role for m in msgs] in (["user"], ["user", "assistant"])
        assert all(m.status in ("complete", "partial") for m in msgs)
        assert again.query("PRAGMA integrity_check")[0][0] == "ok"
    finally:
        again.close()


def test_switching_conversation_while_answering_keeps_each_thread_its_own(qtbot, paths, vault):
    other = conversations.create_conversation(vault, "Other")
    conversations.add_message(vault, other.id, "user", "An older question.")
    notes.create_note(vault, "The piano tuner comes on Thursday.")
    gate = threading.Event()
    model = FakeChatModel(gate=gate)
    window, page = _chat(qtbot, paths, vault, model)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.cid is not None and page.cid != other.id, timeout=10_000)
    asking = page.cid
    busy = threading.Event()
    page.session.db.submit(busy.wait, 10)  # the database lane is busy: the new title's refresh comes late
    _ask(qtbot, page, "When does the piano tuner come?")
    qtbot.waitUntil(model.waiting.is_set, timeout=10_000)
    page.load(other.id)  # the user switches away while the answer streams
    busy.set()
    qtbot.waitUntil(lambda: [m.content for m in page.messages.items] == ["An older question."], timeout=10_000)
    gate.set()
    qtbot.waitUntil(lambda: not page.flow.running, timeout=10_000)
    qtbot.waitUntil(lambda: page.session.db.pending == 0, timeout=10_000)
    assert [m.content for m in page.messages.items] == ["An older question."]
    assert len(page.thread.widgets) == 1
    answer = conversations.list_messages(vault, asking)[-1]
    assert answer.role == "assistant" and "Thursday" in answer.content


def test_without_a_chat_model_the_question_comes_back_to_the_box(qtbot, paths, vault):
    class Broken:
        def chat_model(self, vault):
            from reverie.core.errors import ModelError

            raise ModelError("The chat model file is missing; choose one in Settings.")

    window, page = _chat(qtbot, paths, vault)
    services = window.services
    services.chat_model = Broken().chat_model
    _ask(qtbot, page, "Is anyone there?")
    qtbot.waitUntil(lambda: not page.flow.running, timeout=10_000)
    assert page.messages.items[-1].error == "The chat model file is missing; choose one in Settings."
    assert page.composer.toPlainText() == "Is anyone there?"
    assert page.send_button.isEnabled()


def test_a_long_conversation_draws_the_latest_messages_and_reveals_older_ones(qtbot, paths, vault):
    from reverie.app.ui.chat.thread import WINDOW

    conv = conversations.create_conversation(vault, "Long")
    msgs = [conversations.add_message(vault, conv.id, "user", f"Message number {i}.") for i in range(WINDOW * 2 + 5)]
    window, page = _chat(qtbot, paths, vault)
    page.load(conv.id)
    qtbot.waitUntil(lambda: page.messages.rowCount() == len(msgs), timeout=10_000)
    assert len(page.thread.widgets) == WINDOW and page.thread.earlier.isVisibleTo(page.thread)
    assert page.thread.widgets[-1].item.id == msgs[-1].id
    qtbot.mouseClick(page.thread.earlier, Qt.MouseButton.LeftButton)
    assert len(page.thread.widgets) == 2 * WINDOW
    memory = type("M", (), {"source_kind": "message", "source_id": msgs[2].id, "span_start": 0, "span_end": 5})
    window.open_source(memory)
    qtbot.waitUntil(
        lambda: (
            page.thread.widget_for(msgs[2].id) is not None
            and page.thread.widget_for(msgs[2].id).property("highlighted") is True
        ),
        timeout=10_000,
    )
    assert len(page.thread.widgets) == len(msgs) - 2 and page.thread.widgets[0].item.id == msgs[2].id
    assert "2 more" in page.thread.earlier.text()
