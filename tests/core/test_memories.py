"""Memories: browse, timeline, pin, edit, archive, restore, delete, history; the profile; job runs."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from reverie.core import conversations, ingest, insights, jobruns, memories, notes, profile
from reverie.core.errors import InputError, NotFoundError
from reverie.core.retention import DAY, initial_strength


def _fact(vault, text, happened_at=None):
    with vault.tx() as conn:
        return ingest.insert_memory(
            conn,
            vault.now(),
            kind="fact",
            source_kind="consolidation",
            source_id="run-1",
            text=text,
            happened_at=happened_at,
            actor="consolidation",
        )


def test_list_filters_kinds_archive_time_and_order(vault, clock):
    n = notes.create_note(vault, "Anna likes tulips.\n\nShe lives in Utrecht.")
    clock.advance(days=1)
    c = conversations.create_conversation(vault, "chat")
    conversations.add_message(vault, c.id, "user", "I start the new job on Monday.")
    clock.advance(days=1)
    fid = _fact(vault, "The user's sister is Anna.")
    everything = memories.list_memories(vault)
    assert [m.kind for m in everything] == ["fact", "chat", "note", "note"]
    assert [m.text for m in memories.list_memories(vault, kinds=["note"], order="oldest")] == [
        "Anna likes tulips.",
        "She lives in Utrecht.",
    ]
    assert memories.count_memories(vault, kinds=("note", "fact")) == 3
    memories.archive(vault, fid)
    assert fid not in [m.id for m in memories.list_memories(vault)]
    assert [m.id for m in memories.list_memories(vault, archived="only")] == [fid]
    assert len(memories.list_memories(vault, archived="include")) == 4
    day2 = clock.now() - DAY
    assert [m.kind for m in memories.list_memories(vault, since=day2 - 1, until=day2 + 1)] == ["chat"]
    assert len(memories.list_memories(vault, limit=1, offset=1)) == 1
    assert memories.list_memories(vault, kinds=["note"], source=("note", n.id))[0].source_id == n.id
    with pytest.raises(InputError):
        memories.list_memories(vault, kinds=["dream"])
    with pytest.raises(InputError):
        memories.list_memories(vault, archived="maybe")
    with pytest.raises(InputError):
        memories.list_memories(vault, order="random")


def test_timeline_counts_each_local_day_newest_first_without_holes(vault, clock):
    notes.create_note(vault, "today one\n\ntoday two")
    notes.create_note(vault, "three days ago", happened_at=clock.now() - 3 * DAY)
    _fact(vault, "old fact", happened_at=clock.now() - 40 * DAY)
    tl = memories.timeline(vault, clock.now(), days=7)
    today = datetime.fromtimestamp(clock.now()).date()
    assert [d for d, _ in tl] == [(today - timedelta(days=i)).isoformat() for i in range(7)]
    assert tl[0][1] == {"note": 2}
    assert tl[3][1] == {"note": 1}
    assert sum(sum(c.values()) for _, c in tl) == 3  # the 40-day-old fact is outside
    assert memories.timeline(vault, clock.now(), days=0) == []
    start, end = memories.day_bounds(tl[3][0])
    assert [m.text for m in memories.list_memories(vault, since=start, until=end)] == ["three days ago"]
    with pytest.raises(InputError):
        memories.day_bounds("yesterday")


def test_pin_archive_restore_edit_delete_are_logged(vault, clock):
    n = notes.create_note(vault, "The spare key is under the blue pot.", title="Keys")
    ((mid,),) = vault.query("SELECT id FROM memories WHERE source_id = ?", (n.id,))
    m = memories.get_memory(vault, mid)
    assert memories.retention_now(m, clock.now()) == 1.0
    clock.advance(days=7)
    faded = memories.retention_now(m, clock.now())
    assert faded == pytest.approx(pow(2.718281828, -7 / initial_strength(0.6)), rel=1e-6)

    assert memories.pin(vault, mid, True).pinned
    assert memories.pin(vault, mid, True).pinned  # twice: logged once
    assert memories.retention_now(memories.get_memory(vault, mid), clock.now()) == 1.0
    assert not memories.pin(vault, mid, False).pinned

    a = memories.archive(vault, mid)
    assert a.archived and a.archived_at == clock.now()
    clock.advance(days=1)
    r = memories.restore(vault, mid)
    assert not r.archived and r.archived_at is None and r.last_recalled_at == clock.now()

    e = memories.edit_text(vault, mid, "  The spare key is under the green pot.  ")
    assert e.text == "The spare key is under the green pot."
    assert vault.query("SELECT rowid FROM memories_fts WHERE memories_fts MATCH 'green'") == [(mid,)]
    assert vault.query("SELECT count(*) FROM memories_fts WHERE memories_fts MATCH 'blue'") == [(0,)]
    with pytest.raises(InputError):
        memories.edit_text(vault, mid, "   ")
    assert memories.get_memory(vault, mid).text == e.text

    actions = [h["action"] for h in memories.memory_history(vault, mid)]
    assert actions == ["edit", "restore", "archive", "unpin", "pin"]
    edit = memories.memory_history(vault, mid)[0]
    assert edit["before"]["text"].endswith("blue pot.") and edit["after"]["text"].endswith("green pot.")

    gone = memories.delete_memory(vault, mid)
    assert gone.uid == m.uid
    with pytest.raises(NotFoundError):
        memories.get_memory(vault, mid)
    with pytest.raises(NotFoundError):
        memories.pin(vault, mid, True)
    assert memories.memory_history(vault, m.uid)[0]["action"] == "delete"
    assert vault.query("SELECT count(*) FROM memories_fts WHERE rowid = ?", (mid,)) == [(0,)]


def test_edit_drops_the_vector_for_re_embedding(vault):
    fid = _fact(vault, "Likes green tea.")
    with vault.tx() as conn:
        conn.execute("INSERT INTO vectors(memory_id, model_id, dim, vec) VALUES (?, 'm', 2, x'00000000')", (fid,))
    memories.edit_text(vault, fid, "Likes black tea.")
    assert vault.query("SELECT count(*) FROM vectors") == [(0,)]


def test_profile_round_trip_is_logged_and_bounded(vault):
    assert profile.get_profile(vault) == ""
    assert profile.set_profile(vault, "  Lives in Utrecht; sister Anna.\x00 ") == "Lives in Utrecht; sister Anna."
    assert profile.get_profile(vault) == "Lives in Utrecht; sister Anna."
    profile.set_profile(vault, "Lives in Utrecht; sister Anna.")  # unchanged: not logged again
    profile.set_profile(vault, "Lives in Leiden.", actor="consolidation")
    rows = vault.query("SELECT actor, before, after FROM history WHERE entity = 'profile' ORDER BY id")
    assert [r[0] for r in rows] == ["user", "consolidation"]
    assert json.loads(rows[1][1])["text"].startswith("Lives in Utrecht")
    with pytest.raises(InputError):
        profile.set_profile(vault, "x" * (profile.MAX_PROFILE_CHARS + 1))
    assert profile.get_profile(vault) == "Lives in Leiden."


def test_job_runs_newest_first(vault, clock):
    with vault.tx() as conn:
        conn.execute(
            "INSERT INTO job_runs(job, started_at, finished_at, status, counts) "
            "VALUES ('consolidation', ?, ?, 'ok', '{\"facts\": 3}')",
            (clock.now() - 100, clock.now() - 40),
        )
        conn.execute(
            "INSERT INTO job_runs(job, started_at, status, error) VALUES ('decay', ?, 'failed', 'boom')", (clock.now(),)
        )
    runs = jobruns.list_job_runs(vault)
    assert [r.job for r in runs] == ["decay", "consolidation"]
    assert runs[1].counts == {"facts": 3} and runs[1].duration == 60 and runs[0].duration is None
    assert [r.status for r in jobruns.list_job_runs(vault, job="decay")] == ["failed"]


def test_insights_curves_fall_and_pins_hold(vault, clock):
    notes.create_note(vault, "a note")
    fid = _fact(vault, "a fact")
    memories.pin(vault, fid, True)
    states = insights.fade_states(vault)
    curves = insights.retention_curves(states, clock.now(), days=30, step=10)
    assert set(curves) == {"all", "note", "fact"}
    assert [d for d, _ in curves["note"]] == [0, 10, 20, 30]
    note_r = [r for _, r in curves["note"]]
    assert note_r[0] == 1.0 and note_r == sorted(note_r, reverse=True) and note_r[-1] < 0.5
    assert all(r == 1.0 for _, r in curves["fact"])
    assert curves["all"][-1][1] == pytest.approx((note_r[-1] + 1.0) / 2)
    assert insights.retention_curves([], clock.now()) == {}
    clock.advance(days=30)
    assert insights.retention_histogram(states, clock.now(), bins=4) == [1, 0, 0, 1]


def test_source_title_names_the_note_or_conversation(vault):
    n = notes.create_note(vault, "body text", title="Garden")
    c = conversations.create_conversation(vault, "Plans")
    conversations.add_message(vault, c.id, "user", "let's plan")
    fid = _fact(vault, "a fact")
    by_kind = {m.kind: m for m in memories.list_memories(vault)}
    assert memories.source_title(vault, by_kind["note"]) == "Note “Garden”"
    assert memories.source_title(vault, by_kind["chat"]) == "Conversation “Plans” (you)"
    assert memories.source_title(vault, memories.get_memory(vault, fid)) == "Nightly consolidation"
    notes.delete_note(vault, n.id)
    assert memories.source_title(vault, by_kind["note"]) == "A note that was deleted"
