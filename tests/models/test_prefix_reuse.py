"""The second turn of a conversation reuses what llama.cpp evaluated for the first (counted, not timed)."""

import pytest
from chatfakes import WordsMemories

from reverie.core import conversations, notes
from reverie.core.answer import Companion
from reverie.models.defaults import default_gguf_location
from reverie.models.llama_chat import LlamaChatModel

pytestmark = pytest.mark.slow


def test_second_turn_evaluates_only_what_is_new(vault, clock):
    notes.create_note(vault, "Anna's birthday is March 3.\n\nBob works at the bakery on Elm Street.", "People")
    model = LlamaChatModel(default_gguf_location().path, context_size=2048, threads=2)
    llm = model.load()
    evaluated: list[int] = []
    original = llm.eval

    def counting_eval(tokens):
        evaluated.append(len(tokens))
        return original(tokens)

    llm.eval = counting_eval
    try:
        comp = Companion(
            vault, model, WordsMemories(vault), clock, lambda: "Sam, a nurse in Lyon.", max_answer_tokens=12
        )
        cid = conversations.create_conversation(vault).id
        comp.answer(cid, "When is Anna's birthday?")
        first_prompt = evaluated[0]
        evaluated.clear()
        second = comp.answer(cid, "Where does Bob work?")
        assert second.status == "complete"
        new_part = evaluated[0]
        assert first_prompt > 150
        assert new_part * 2 < first_prompt  # the rules, profile, turn one and its answer were reused
    finally:
        llm.eval = original
        model.unload()
