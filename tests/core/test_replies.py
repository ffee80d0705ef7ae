"""Reverie's own replies are found only when asked for: a words search over the replies it wrote."""

from __future__ import annotations

from reverie.core import conversations
from reverie.core.replies import search_replies


def test_replies_are_found_by_every_word_and_only_reverie_s(vault, clock):
    conv = conversations.create_conversation(vault, "Teeth")
    conversations.add_message(vault, conv.id, "user", "When is my dentist appointment?")
    reply = conversations.add_message(vault, conv.id, "assistant", "You said: “dentist on Dec 3 at 2:30” [1]")
    conversations.add_message(
        vault, conv.id, "assistant", "Your dentist visit is in ChatGPT's words", origin="chatgpt:1/x"
    )  # brought in from another tool: a memory, not a reply
    hits = search_replies(vault, "dentist")
    assert [h.memory.source_id for h in hits] == [reply.id]
    hit = hits[0]
    assert hit.memory.kind == "reply" and hit.memory.source_kind == "message" and hit.source_title == "Teeth"
    assert hit.memory.text[hit.highlights[0][0] : hit.highlights[0][1]] == "dentist"
    assert search_replies(vault, "dentist Lisbon") == []  # every word must be there
    assert search_replies(vault, "the a of") == []  # no content words, no search
    assert search_replies(vault, "50%_off") == []  # LIKE wildcards are plain characters
    assert search_replies(vault, "dentist", until=clock.now() - 1) == []
    assert vault.query("SELECT count(*) FROM memories WHERE source_id = ?", (reply.id,)) == [(0,)]
