"""The real default model (SmolLM2-135M-Instruct GGUF) through llama.cpp."""

import json
import threading

import pytest
from ggufmake import write_gguf

from reverie.core.errors import ModelError
from reverie.core.protocols import ChatMessage, ChatModel
from reverie.models.defaults import default_gguf_location
from reverie.models.llama_chat import LlamaChatModel

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def model():
    m = LlamaChatModel(default_gguf_location().path, context_size=2048, threads=2)
    yield m
    m.unload()


def test_is_lazy_and_a_chat_model():
    m = LlamaChatModel(default_gguf_location().path, context_size=2048, threads=2)
    assert isinstance(m, ChatModel)
    assert not m.loaded
    assert m.context_size == 2048  # from the header, still not loaded
    assert not m.loaded


def test_loads_streams_with_the_gguf_template(model):
    pieces = list(
        model.stream(
            [ChatMessage("system", "Be brief."), ChatMessage("user", "Say hello.")], max_tokens=12, temperature=0
        )
    )
    assert model.loaded
    assert len(pieces) >= 2 and "".join(pieces).strip()
    assert model._llm.chat_format == "chat_template.default"  # the template embedded in the GGUF
    assert model.count_tokens("hello world") >= 2


def test_cancel_stops_generation(model):
    cancel = threading.Event()
    got = []
    for piece in model.stream(
        [ChatMessage("user", "Count from one to one hundred.")], max_tokens=200, temperature=0, cancel=cancel
    ):
        got.append(piece)
        if len(got) == 3:
            cancel.set()
    assert len(got) == 3


def test_already_cancelled_yields_nothing(model):
    cancel = threading.Event()
    cancel.set()
    assert list(model.stream([ChatMessage("user", "Hi")], max_tokens=5, cancel=cancel)) == []


def test_stop_strings(model):
    text = "".join(
        model.stream(
            [ChatMessage("user", "Write the numbers 1, 2, 3, 4, 5 separated by commas.")],
            max_tokens=40,
            temperature=0,
            stop=["3"],
        )
    )
    assert "3" not in text and "4" not in text


def test_json_schema_constrains_output(model):
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
        "required": ["name", "age"],
    }
    text = "".join(
        model.stream(
            [ChatMessage("user", "Give me a person as JSON.")], max_tokens=60, temperature=0, json_schema=schema
        )
    )
    data = json.loads(text)
    assert isinstance(data["name"], str) and isinstance(data["age"], int)


def test_prompt_longer_than_the_context_is_one_sentence(model):
    with pytest.raises(ModelError, match="longer than"):
        list(model.stream([ChatMessage("user", "word " * 3000)], max_tokens=5))


def test_missing_and_non_gguf_files_fail_on_first_use_with_a_sentence(tmp_path):
    missing = LlamaChatModel(tmp_path / "gone.gguf")
    with pytest.raises(ModelError, match="does not exist"):
        list(missing.stream([ChatMessage("user", "hi")]))
    text = tmp_path / "text.gguf"
    text.write_text("not a model")
    with pytest.raises(ModelError, match="not a GGUF"):
        LlamaChatModel(text).load()
    assert LlamaChatModel(text).name == "text.gguf"


def test_a_gguf_llama_cpp_cannot_load_is_one_sentence(tmp_path):
    fake = write_gguf(tmp_path / "tiny.gguf")  # a valid header, but no real weights
    with pytest.raises(ModelError, match="could not load"):
        LlamaChatModel(fake, context_size=512, threads=1).load()


def test_companion_with_the_real_model_cancelled_keeps_a_partial_answer(model, vault, clock):
    from chatfakes import WordsMemories

    from reverie.core import conversations, notes
    from reverie.core.answer import Companion

    notes.create_note(vault, "Anna's birthday is March 3.", "Family")
    cid = conversations.create_conversation(vault).id
    cancel = threading.Event()
    seen: list[str] = []
    pieces = 0

    class Counting:  # the real model, stopped after a few pieces (as Stop in the window does)
        name, context_size = model.name, model.context_size
        count_tokens = staticmethod(model.count_tokens)

        def stream(self, messages, **kw):
            nonlocal pieces
            for piece in model.stream(messages, **kw):
                pieces += 1
                if pieces == 4:
                    cancel.set()
                yield piece

    res = Companion(vault, Counting(), WordsMemories(vault), clock, tier="capable").answer(
        cid, "When is Anna's birthday?", on_token=seen.append, cancel=cancel
    )
    assert res.status == "partial" and pieces == 4
    assert res.assistant_message.content == "".join(seen).strip()  # what was shown, and only what passed
    assert conversations.get_message(vault, res.assistant_message.id).status == "partial"
