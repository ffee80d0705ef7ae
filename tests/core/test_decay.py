from __future__ import annotations

import math
import random

import numpy as np
import pytest

from reverie.core import decay, notes, recall
from reverie.core.decay import DecayParams, apply_decay, plan_decay, should_archive
from reverie.core.retention import DAY, initial_strength, retention, retention_at


def test_memorybank_precedence_mistake_is_caught():
    # exp(-t / 5*S) parses as exp(-(t/5)*S): with t = 5 days, S = 5 days it gives exp(-5), not exp(-1).
    assert retention(5.0, 5.0) == pytest.approx(math.exp(-1))
    assert retention(5.0, 5.0) != pytest.approx(math.exp(-5.0 / 5 * 5.0))
    strong, weak = retention(10.0, 50.0), retention(10.0, 5.0)
    assert strong > weak  # the published formula would give exp(-100) < exp(-10)


def test_retention_falls_with_time_and_pinned_stays_at_one():
    values = [retention(t, 10.0) for t in (0, 1, 5, 20, 100)]
    assert values[0] == 1.0 and all(a > b for a, b in zip(values, values[1:], strict=False))
    assert all(retention(t, 10.0, pinned=True) == 1.0 for t in (1, 1000))
    arr = decay.retention_array(100 * DAY, np.array([0.0, 0.0, 0.0]), np.array([5.0, 50.0, 5.0]), np.array([0, 0, 1]))
    assert arr[1] > arr[0] and arr[2] == 1.0
    assert arr[0] == pytest.approx(retention(100, 5.0))


def _memory(vault, text, importance=None):
    n = notes.create_note(vault, text)
    ((mid,),) = vault.query("SELECT id FROM memories WHERE source_id = ?", (n.id,))
    if importance is not None:
        with vault.tx() as conn:
            conn.execute(
                "UPDATE memories SET importance = ?, strength = ? WHERE id = ?",
                (importance, initial_strength(importance), mid),
            )
    return mid


def test_retention_rises_after_recall_in_the_vault(vault, clock):
    mid = _memory(vault, "Bought a blue bicycle.")
    rec, s0 = vault.query("SELECT recorded_at, strength FROM memories WHERE id = ?", (mid,))[0]
    clock.advance(days=15)
    r_before = retention_at(clock.now(), rec, None, s0, False)
    recall.reinforce(vault, [mid], clock.now(), reason="opened")
    s1, last = vault.query("SELECT strength, last_recalled_at FROM memories WHERE id = ?", (mid,))[0]
    assert retention_at(clock.now(), rec, last, s1, False) == 1.0 > r_before


def test_decay_archives_only_weak_unimportant_unpinned_and_logs(vault, clock):
    weak = _memory(vault, "The parking spot was number 4.", importance=0.1)
    strong = _memory(vault, "The garage code is 2231.", importance=0.5)
    important = _memory(vault, "Mum's phone number is in the blue book.", importance=0.9)
    pinned = _memory(vault, "Grandpa's watch is in the drawer.", importance=0.1)
    with vault.tx() as conn:
        conn.execute("UPDATE memories SET pinned = 1 WHERE id = ?", (pinned,))
    params = DecayParams(threshold=0.05, max_importance=0.5)
    # weak: S = 8.4 days, archived after 8.4 * ln 20 = 25.2 days; strong: S = 14 days, after 41.9 days.
    clock.advance(days=30)
    with vault.read() as conn:
        plan = plan_decay(conn, clock.now(), params)
    assert set(plan.ids) == {weak}
    assert apply_decay(vault, plan) == 1
    clock.advance(days=100)
    _, n = decay.decay_pass(vault, clock.now(), params)
    assert n == 1
    archived = {r[0] for r in vault.query("SELECT id FROM memories WHERE archived = 1")}
    assert archived == {weak, strong} and important not in archived and pinned not in archived
    rows = vault.query("SELECT entity_id, actor, note FROM history WHERE action = 'archive'")
    assert len(rows) == 2 and all(r[1] == "decay" and r[2].startswith("faded") for r in rows)
    assert vault.query("SELECT count(*) FROM memories")[0][0] == 4  # nothing deleted


def test_apply_rechecks_a_memory_recalled_after_planning(vault, clock):
    mid = _memory(vault, "A forgettable remark about the weather.", importance=0.1)
    clock.advance(days=60)
    with vault.read() as conn:
        plan = plan_decay(conn, clock.now(), DecayParams())
    assert plan.ids == (mid,)
    recall.reinforce(vault, [mid], clock.now(), reason="cited")
    assert apply_decay(vault, plan) == 0


def test_sql_plan_matches_the_pure_rule(vault, clock):
    rnd = random.Random(7)
    now = clock.now()
    with vault.tx() as conn:
        for i in range(300):
            rec = now - rnd.uniform(0, 200) * DAY
            last = None if rnd.random() < 0.5 else rec + rnd.uniform(0, now - rec)
            conn.execute(
                "INSERT INTO memories(uid, kind, source_kind, text, recorded_at, happened_at, content_hash, "
                "importance, strength, last_recalled_at, pinned) VALUES (?, 'note', 'note', 'x', ?, ?, ?, ?, ?, ?, ?)",
                (
                    f"u{i}",
                    rec,
                    rec,
                    f"h{i}",
                    rnd.choice([0.1, 0.3, 0.5, 0.7]),
                    rnd.uniform(1, 60),
                    last,
                    int(rnd.random() < 0.1),
                ),
            )
        rows = conn.execute(
            "SELECT id, recorded_at, last_recalled_at, strength, importance, pinned FROM memories"
        ).fetchall()
    params = DecayParams(threshold=0.1, max_importance=0.5)
    expected = {r[0] for r in rows if should_archive(now, r[1], r[2], r[3], r[4], pinned=bool(r[5]), params=params)}
    with vault.read() as conn:
        assert set(plan_decay(conn, now, params).ids) == expected
    assert 0 < len(expected) < 300


def test_archived_memory_is_found_with_the_archive_filter_and_restored(vault, clock):
    mid = _memory(vault, "The spare key is under the green flowerpot.", importance=0.1)
    other = _memory(vault, "Something else entirely about trains.", importance=0.1)
    clock.advance(days=90)
    decay.decay_pass(vault, clock.now(), DecayParams())
    found = decay.list_archived(vault, "flowerpot")
    assert [m.id for m in found] == [mid]
    assert {m.id for m in decay.list_archived(vault)} == {mid, other}
    assert decay.restore(vault, [mid], clock.now()) == 1
    m = decay.list_archived(vault, "flowerpot")
    assert m == []
    archived, last, count = vault.query(
        "SELECT archived, last_recalled_at, recall_count FROM memories WHERE id = ?", (mid,)
    )[0]
    assert archived == 0 and last == clock.now() and count == 1
    _, n = decay.decay_pass(vault, clock.now(), DecayParams())
    assert n == 0  # restored memories do not fade again the same night
    assert vault.query("SELECT count(*) FROM history WHERE action = 'restore'")[0][0] == 1
