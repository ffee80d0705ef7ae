"""AnswerFlow answers through signals alone (no widget): started, token, then answered or failed;
an answer publishes what it changed as one OpChanges."""

from __future__ import annotations

import ui_fixtures
from uifakes import FakeChatModel

from reverie.app.ui.changes import ANSWERED, OpChanges
from reverie.app.ui.chat.answers import AnswerFlow
from reverie.app.ui.services import AppServices
from reverie.core import conversations, notes
from reverie.core.answer import AnswerResult
from reverie.core.errors import ModelError

ui_session = ui_fixtures.ui_session


def _flow(ui_session, model):
    services = AppServices(ui_session, chat_model=model, use_embedder=False)
    flow = AnswerFlow(services)
    seen: dict[str, list] = {"started": [], "token": [], "answered": [], "failed": [], "changed": []}
    flow.started.connect(lambda cid, new: seen["started"].append((cid, new)))
    flow.token.connect(seen["token"].append)
    flow.answered.connect(seen["answered"].append)
    flow.failed.connect(seen["failed"].append)
    ui_session.changed.connect(seen["changed"].append)
    return flow, seen


def test_a_question_in_a_new_conversation_comes_back_as_signals(qtbot, ui_session, vault):
    notes.create_note(vault, "# Family\n\nAnna's birthday is on March 3rd.")
    flow, seen = _flow(ui_session, FakeChatModel())
    assert flow.ask(None, "When is Anna's birthday?") and flow.running
    assert not flow.ask(None, "A second question while the first runs")
    qtbot.waitUntil(lambda: bool(seen["answered"]), timeout=15_000)
    assert not flow.running and seen["failed"] == []
    [(cid, new)] = seen["started"]
    assert new and [c.id for c in conversations.list_conversations(vault)] == [cid]
    result = seen["answered"][0]
    assert isinstance(result, AnswerResult) and result.assistant_message.conversation_id == cid
    assert "March 3rd" in result.assistant_message.content and "".join(seen["token"])  # it streamed, then was recorded
    assert seen["changed"] == [ANSWERED]


def test_a_missing_model_comes_back_as_one_sentence(qtbot, ui_session, vault):
    conv = conversations.create_conversation(vault, "Here")
    flow, seen = _flow(ui_session, FakeChatModel())

    def no_model(_vault):
        raise ModelError("The chat model file is missing; choose one in Settings.")

    flow.services.chat_model = no_model
    assert not flow.ask(conv.id, "   ")  # nothing to send
    assert flow.ask(conv.id, "Is anyone there?")
    qtbot.waitUntil(lambda: not flow.running, timeout=15_000)
    assert seen["started"] == [(conv.id, False)]
    assert seen["failed"] == ["The chat model file is missing; choose one in Settings."]
    assert seen["answered"] == [] and seen["changed"] == []


def test_changes_combine_and_say_whether_content_changed() -> None:
    both = OpChanges(notes=True) | OpChanges(settings=True)
    assert both == OpChanges(notes=True, settings=True) and both.content
    assert not OpChanges(settings=True).content and OpChanges().content is False
