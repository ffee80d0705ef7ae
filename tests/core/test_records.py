"""Conversations, messages and notes: CRUD, history, memory units, and hostile text."""

from __future__ import annotations

import pytest
from helpers import folder_snapshot

from reverie.core import conversations, history, ingest, notes
from reverie.core.errors import InputError, NotFoundError
from reverie.core.records import MAX_TEXT_BYTES


def _units(vault, source_id):
    return vault.query(
        "SELECT id, kind, span_start, span_end, text, context FROM memories WHERE source_id = ? ORDER BY seq",
        (source_id,),
    )


def _fts(vault, match):
    return [r[0] for r in vault.query("SELECT rowid FROM memories_fts WHERE memories_fts MATCH ?", (match,))]


def test_note_crud_with_history_and_units(vault, clock):
    body = "# Trip\n\nWe decided to go to Lisbon in May.\n\n## Hotel\n\nBook the hotel near Alfama."
    n = notes.create_note(vault, body, tags=["travel", "#plans", "travel"])
    assert n.title == "Trip" and n.tags == ("travel", "plans")
    units = _units(vault, n.id)
    assert [u[4] for u in units] == ["We decided to go to Lisbon in May.", "Book the hotel near Alfama."]
    for _, kind, s, e, text, _ in units:
        assert kind == "note" and body[s:e] == text
    assert units[1][5] == "Trip › Hotel"
    assert _fts(vault, "alfama") == [units[1][0]]
    assert _fts(vault, "hotel") == [units[1][0]]  # found through its heading too

    clock.advance(days=1)
    n2, result = notes.update_note(vault, n.id, title="Lisbon trip")
    assert n2.title == "Lisbon trip" and n2.updated_at == clock.now()
    assert notes.get_note(vault, n.id).title == "Lisbon trip"
    assert [x.id for x in notes.list_notes(vault, "lisbon")] == [n.id]
    assert [x.id for x in notes.list_notes(vault, tag="plans")] == [n.id]
    assert notes.list_notes(vault, tag="nope") == []

    deleted = notes.delete_note(vault, n.id)
    assert _units(vault, n.id) == [] and _fts(vault, "alfama") == []
    with pytest.raises(NotFoundError, match="no longer exists"):
        notes.get_note(vault, n.id)
    restored = notes.restore_note(vault, deleted)
    assert restored.id == n.id and len(_units(vault, n.id)) == 2
    with vault.read() as conn:
        actions = [e["action"] for e in history.entries(conn, "note", n.id)]
    assert actions == ["create", "delete", "update", "create"]


def test_editing_a_note_reindexes_only_changed_passages(vault, clock):
    paras = [f"Paragraph {i} talks about topic number {i} in some detail." for i in range(6)]
    n = notes.create_note(vault, "\n\n".join(paras), "Topics")
    before = {u[4]: u[0] for u in _units(vault, n.id)}
    with vault.tx() as conn:  # a recall on an unchanged passage must survive the edit
        conn.execute("UPDATE memories SET recall_count = 3 WHERE id = ?", (before[paras[0]],))
    paras[3] = "Paragraph 3 now says something entirely different."
    _, result = notes.update_note(vault, n.id, body="\n\n".join(["A new first paragraph."] + paras))
    assert (result.added, result.removed, result.kept) == (2, 1, 5)
    after = {u[4]: u[0] for u in _units(vault, n.id)}
    for p in paras:
        if p in before:
            assert after[p] == before[p]
    assert vault.query("SELECT recall_count FROM memories WHERE id = ?", (before[paras[0]],))[0][0] == 3
    body = notes.get_note(vault, n.id).body
    for _, _, s, e, text, _ in _units(vault, n.id):
        assert body[s:e] == text


def test_conversation_and_messages(vault, clock):
    c = conversations.create_conversation(vault, "Birthday plans")
    m1 = conversations.add_message(vault, c.id, "user", "Anna's birthday is March 3.")
    clock.advance(60)
    m2 = conversations.add_message(vault, c.id, "assistant", "Noted: March 3.", status="partial")
    assert (m1.seq, m2.seq) == (1, 2)
    assert [m.id for m in conversations.list_messages(vault, c.id)] == [m1.id, m2.id]
    assert [m.id for m in conversations.list_messages(vault, c.id, limit=1)] == [m2.id]
    units = vault.query("SELECT kind, speaker, trust, context FROM memories WHERE source_id = ?", (m1.id,))
    assert units == [("chat", "User", "user", "User:")]
    # Reverie's own replies stay in the conversation but are not memories, unless the user kept one
    assert vault.query("SELECT trust FROM memories WHERE source_id = ?", (m2.id,)) == []
    updated = conversations.update_message(vault, m2.id, "Noted: Anna, March 3.", status="complete")
    assert updated.status == "complete"
    assert _fts(vault, "anna") and _fts(vault, "noted") == []
    kept = conversations.update_message(vault, m2.id, "Noted: Anna, March 3.", meta={"remembered": True})
    assert kept.meta["remembered"] and len(_fts(vault, "noted")) == 1
    assert vault.query("SELECT trust FROM memories WHERE source_id = ?", (m2.id,)) == [("assistant",)]
    conversations.rename_conversation(vault, c.id, "Anna")
    assert conversations.get_conversation(vault, c.id).title == "Anna"
    assert conversations.list_conversations(vault)[0].message_count == 2
    conversations.delete_conversation(vault, c.id)
    assert vault.counts() == {"conversations": 0, "messages": 0, "notes": 0, "memories": 0, "vectors": 0, "archived": 0}
    with pytest.raises(NotFoundError):
        conversations.add_message(vault, c.id, "user", "into the void")
    with pytest.raises(InputError, match="role"):
        conversations.add_message(vault, c.id, "wizard", "hi")


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("before\x00after", "beforeafter"),
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),
        ("مرحبا بالعالم \u202eRTL\u202c and emoji 🎉👩‍👩‍👧", "مرحبا بالعالم \u202eRTL\u202c and emoji 🎉👩‍👩‍👧"),
    ],
)
def test_hostile_text_is_stored_cleanly(vault, raw, stored):
    n = notes.create_note(vault, raw, title=raw)
    got = notes.get_note(vault, n.id)
    assert got.body == stored and got.title == stored
    c = conversations.create_conversation(vault, raw)
    m = conversations.add_message(vault, c.id, "user", raw)
    assert conversations.get_message(vault, m.id).content == stored


def test_emoji_and_cjk_are_found_by_their_words(vault):
    n = notes.create_note(vault, "我们下周去东京旅行 🎉 party")
    unit = _units(vault, n.id)[0][0]
    assert _fts(vault, '"东 京"') == [unit]
    assert _fts(vault, "emoji1f389") == [unit]


def test_ten_megabyte_note_is_kept_and_split(vault):
    para = ("This is a long paragraph about the garden and the bees. " * 20).strip()
    body = "\n\n".join(f"{i}: {para}" for i in range(9000))
    assert len(body.encode()) > 10_000_000
    n = notes.create_note(vault, body, "Huge")
    count = vault.query("SELECT count(*), max(length(text)) FROM memories WHERE source_id = ?", (n.id,))[0]
    assert count[0] == 9000 and count[1] <= ingest.PASSAGE_MAX_CHARS


def test_note_over_the_limit_is_refused_and_nothing_changes(vault, paths):
    notes.create_note(vault, "existing")
    with vault.read() as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = folder_snapshot(paths.folder)
    with pytest.raises(InputError, match="split it into several"):
        notes.create_note(vault, "x" * (MAX_TEXT_BYTES + 1))
    assert folder_snapshot(paths.folder) == before
    assert vault.counts()["notes"] == 1


def test_failed_transaction_leaves_nothing(vault, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ingest, "index_note", boom)
    with pytest.raises(RuntimeError):
        notes.create_note(vault, "half-written?")
    assert vault.counts()["notes"] == 0 and vault.query("SELECT count(*) FROM history")[0][0] == 0


def test_split_note_spans_and_long_paragraphs():
    body = "Intro line.\n\n" + ("A sentence that goes on. " * 120) + "\n\n### Deep\ntext under deep"
    ps = ingest.split_note("Title", body)
    assert all(body[p.start : p.end] == p.text for p in ps)
    assert max(len(p.text) for p in ps) <= ingest.PASSAGE_MAX_CHARS
    assert ps[-1].context == "Title › Deep"
    assert ingest.split_note("Only a title", "")[0].text == "Only a title"
