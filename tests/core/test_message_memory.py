"""Remember this / Forget this on a message."""

from __future__ import annotations

import pytest

from reverie.core import conversations, message_memory
from reverie.core.errors import NotFoundError


def test_remember_pins_and_raises_importance_then_forget_deletes_units_but_keeps_the_message(vault):
    conv = conversations.create_conversation(vault, "t")
    msg = conversations.add_message(vault, conv.id, "user", "My passport expires in 2031.")
    assert message_memory.remember_message(vault, msg.id) == 1
    pinned, importance = vault.query("SELECT pinned, importance FROM memories WHERE source_id = ?", (msg.id,))[0]
    assert pinned == 1 and importance == pytest.approx(0.9)
    assert conversations.get_message(vault, msg.id).meta.get("remembered") is True
    assert message_memory.forget_message(vault, msg.id) == 1
    assert vault.query("SELECT count(*) FROM memories WHERE source_id = ?", (msg.id,))[0][0] == 0
    kept = conversations.get_message(vault, msg.id)
    assert kept.content == "My passport expires in 2031." and kept.meta.get("forgotten") is True
    assert "remembered" not in kept.meta
    logged = vault.query("SELECT action, note FROM history WHERE entity = 'memory' AND action = 'delete'")
    assert logged and logged[0][1] == "forget this message"


def test_a_deleted_message_is_a_sentence(vault):
    with pytest.raises(NotFoundError, match="no longer exists"):
        message_memory.forget_message(vault, "nope")
