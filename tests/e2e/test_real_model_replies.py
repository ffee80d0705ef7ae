"""A day of chat on the default install, as a new user had it: the real SmolLM2-135M GGUF, the real
MiniLM search, a real vault. Statements are acknowledged with their resolved time, questions get the
right memory quoted, and nothing the user sees loops, recites the prompt, stops mid-sentence or
names what nobody said, whichever tier the model is used in."""

from __future__ import annotations

from datetime import UTC

import pytest
from llama_server import llama_server  # noqa: F401 - the fixture

from reverie.app import context
from reverie.core import conversations, embedding, notes
from reverie.core.compose import source_texts
from reverie.core.gate import echoes, is_filler, is_looping, is_truncated, unsupported_claims
from reverie.core.prompt import RULES
from reverie.core.retrieval import Retriever
from reverie.core.settings import Settings

pytestmark = pytest.mark.slow

TOLD = [
    "I booked the dentist for Dec 3 at 2:30",
    "my sister Maya is moving to Lisbon in February",
    "I'm reading Klara and the Sun",
]
ASKED = {
    "When is my dentist appointment?": "Dec 3 at 2:30",
    "Where is Maya moving?": "Lisbon",
    "What book am I reading?": "Klara and the Sun",
}


@pytest.fixture(scope="module")
def real_model():
    model = context.build_chat_model(Settings(threads=1, context_size=2048))
    yield model
    model.unload()


def shown_ok(res, vault) -> None:
    text = res.assistant_message.content
    said = [
        m.content
        for m in conversations.list_messages(vault, res.user_message.conversation_id)
        if m.id != res.assistant_message.id
    ]
    sources = [*said, *source_texts(res.given, res.user_message.created_at, UTC)]
    if res.when is not None:  # the acknowledgement names the moment as Reverie resolved it
        sources.append(res.when.label(res.user_message.created_at, UTC))
    assert not is_looping(text) and not echoes(text, [RULES]) and not is_filler(text), text
    assert not is_truncated(text), text
    assert unsupported_claims(text, sources) == [], text


@pytest.mark.parametrize("tier", ["auto", "capable"])
def test_a_day_of_chat_with_the_default_model(vault, clock, real_model, tier):
    assert real_model.tier == "tiny"  # from the GGUF header: 135M parameters
    settings = Settings(chat_tier=tier)
    retriever = Retriever(vault, context.build_embedder())
    companion = context.build_companion(vault, settings, model=real_model, memories=retriever)
    companion.tz = UTC
    assert companion.tier == ("tiny" if tier == "auto" else "capable")
    cid = conversations.create_conversation(vault, "Today").id
    for text in TOLD:
        res = companion.answer(cid, text)
        assert res.mode == "statement" and res.assistant_message.content.startswith("Noted")
        assert [c.memory_uid for c in res.citations] == [
            vault.query("SELECT uid FROM memories WHERE source_id = ?", (res.user_message.id,))[0][0]
        ]
        shown_ok(res, vault)
    assert companion.answer(cid, TOLD[0]).assistant_message.content.startswith("Noted: dentist, Thu 3 Dec at 14:30")
    embedding.embed_pending(vault, retriever.embedder)
    for question, answer in ASKED.items():
        res = companion.answer(cid, question)
        assert res.mode == "memory", question
        assert answer in res.assistant_message.content or any(answer in c.text for c in res.citations), (
            question,
            res.assistant_message.content,
        )
        if tier == "auto":
            assert res.composed and not res.replaced  # the tiny model is not asked
        shown_ok(res, vault)
    # Reverie's replies stayed in the conversation and did not become memories
    replies = [m.id for m in conversations.list_messages(vault, cid) if m.role == "assistant"]
    assert len(replies) == len(TOLD) + 1 + len(ASKED)
    marks = ",".join("?" * len(replies))
    assert vault.query(f"SELECT count(*) FROM memories WHERE source_id IN ({marks})", replies) == [(0,)]


def test_the_real_server_is_gated_too(vault, clock, llama_server):  # noqa: F811 - the fixture
    """llama-cpp-python's own OpenAI-compatible server on the default model: it once answered "Where is
    Maya moving?" by reciting the system prompt, shown with a source list."""
    from reverie.models.openai_chat import OpenAIChatModel

    model = OpenAIChatModel(llama_server, timeout=120, context_size=2048)
    assert model.tier == "tiny"  # the server says how many parameters its model has
    notes.create_note(vault, "My sister Maya is moving to Lisbon in February.", "Family")
    retriever = Retriever(vault, None)  # words are enough for this one
    for tier in ("auto", "capable"):
        companion = context.build_companion(vault, Settings(chat_tier=tier), model=model, memories=retriever)
        companion.tz = UTC
        cid = conversations.create_conversation(vault, tier).id
        res = companion.answer(cid, "Where is Maya moving?")
        assert "Lisbon" in res.assistant_message.content, res.assistant_message.content
        assert "memories" not in res.assistant_message.content.casefold()  # no recited instructions
        shown_ok(res, vault)
