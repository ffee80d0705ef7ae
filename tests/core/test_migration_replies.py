"""Migration 0006: an existing vault's replies by Reverie stop being memories; kept ones stay."""

from __future__ import annotations

from reverie.core import conversations, ingest
from reverie.core.keys import KeyMode
from reverie.core.vault import Vault


def test_replies_indexed_by_an_older_version_are_no_longer_memories(paths, clock):
    vault = Vault.create(paths, KeyMode.NONE, clock=clock)
    conv = conversations.create_conversation(vault, "Old chat")
    asked = conversations.add_message(vault, conv.id, "user", "Where is Maya moving?")
    reply = conversations.add_message(vault, conv.id, "assistant", "I'm sorry for any confusion, but as a memory")
    kept = conversations.add_message(
        vault, conv.id, "assistant", "Maya moves to Lisbon in February.", meta={"remembered": True}
    )
    imported = conversations.add_message(vault, conv.id, "assistant", "ChatGPT said Lisbon.", origin="chatgpt:1/a")
    with vault.tx() as conn:  # what an older Reverie did: every reply was indexed
        ingest.index_message(conn, clock.now(), reply.id, reply.content, "assistant", reply.happened_at)
        conn.execute("DELETE FROM schema_migrations WHERE version >= 6")
        conn.execute("PRAGMA user_version = 5")
    before = vault.query("SELECT count(*) FROM memories WHERE source_id = ?", (reply.id,))[0][0]
    assert before == 1
    vault.close()

    again = Vault.open(paths, clock=clock)
    try:

        def units(mid: str) -> int:
            return again.query("SELECT count(*) FROM memories WHERE source_id = ?", (mid,))[0][0]

        assert units(reply.id) == 0  # Reverie's own reply: no longer a memory
        assert units(kept.id) == 1 and units(imported.id) == 1 and units(asked.id) == 1
        assert [m.content for m in conversations.list_messages(again, conv.id)][1] == reply.content  # still there
        logged = again.query("SELECT note FROM history WHERE entity = 'memory' AND action = 'delete'")
        assert logged == [("Reverie's own replies are not memories",)]
        assert again.query("PRAGMA user_version")[0][0] >= 6
    finally:
        again.close()
