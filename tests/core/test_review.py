"""The review of fading memories on a real vault, with a fixed clock."""

from __future__ import annotations

import math
from zoneinfo import ZoneInfo

import pytest

from reverie.core import notes, review
from reverie.core.decay import DecayParams, apply_decay, plan_decay
from reverie.core.errors import InputError, NotFoundError
from reverie.core.retention import DAY, retention_at

BERLIN = ZoneInfo("Europe/Berlin")
PARAMS = DecayParams(threshold=0.05, max_importance=0.5)


def _memory(vault, text, *, age_days, strength=10.0, importance=0.2, pinned=0, now):
    n = notes.create_note(vault, text)
    ((mid,),) = vault.query("SELECT id FROM memories WHERE source_id = ?", (n.id,))
    with vault.tx() as conn:
        conn.execute(
            "UPDATE memories SET recorded_at = ?, happened_at = ?, strength = ?, importance = ?, pinned = ? WHERE id = ?",
            (now - age_days * DAY, now - age_days * DAY, strength, importance, pinned, mid),
        )
    return mid


def test_score_prefers_near_the_threshold_then_importance_then_recency():
    near = review.review_score(0.06, 0.2, 30, 0.05, 0.25)
    far = review.review_score(0.24, 0.2, 30, 0.05, 0.25)
    assert near > far
    assert review.review_score(0.1, 0.5, 30, 0.05, 0.25) > review.review_score(0.1, 0.1, 30, 0.05, 0.25)
    assert review.review_score(0.1, 0.2, 10, 0.05, 0.25) > review.review_score(0.1, 0.2, 2000, 0.05, 0.25)
    assert review.days_until_archive(0.05, 10, 0.05) == 0.0
    assert review.days_until_archive(math.exp(-1), 10, 0.05) == pytest.approx(10 * (math.log(20) - 1))  # e^-1 -> 0.05


def test_queue_is_the_band_above_the_threshold(vault, clock):
    now = clock.now()
    # strength 10 days: R = 0.25 at t = 13.9 days, R = 0.05 at t = 30 days
    fresh = _memory(vault, "Fresh memory about the garden.", age_days=2, now=now)
    fading = _memory(vault, "The bike lock code was 4312.", age_days=20, now=now)
    nearly = _memory(vault, "Met Jo at the bakery on Elm street.", age_days=28, now=now)
    pinned = _memory(vault, "Pinned fading thing.", age_days=25, pinned=1, now=now)
    important = _memory(vault, "Important fading thing.", age_days=25, importance=0.9, now=now)
    items = review.review_queue(vault, now, BERLIN, params=PARAMS)
    ids = [i.memory.id for i in items]
    assert ids == [nearly, fading]
    assert fresh not in ids and pinned not in ids and important not in ids
    first = items[0]
    assert first.retention == pytest.approx(retention_at(now, now - 28 * DAY, None, 10.0, False))
    assert 0 < first.days_left < 2.5 < items[1].days_left
    assert set(first.as_dict()) >= {"id", "text", "retention", "days_left"}


def test_at_most_per_day_and_todays_reviews_count(vault, clock):
    now = clock.now()
    ids = [_memory(vault, f"Fading memory number {i} about the lake.", age_days=20 + i, now=now) for i in range(6)]
    queue = review.review_queue(vault, now, BERLIN, per_day=4, params=PARAMS)
    assert len(queue) == 4
    review.review(vault, queue[0].memory.id, "keep", now)
    review.review(vault, queue[1].memory.id, "pin", now)
    left = review.review_queue(vault, now + 60, BERLIN, per_day=4, params=PARAMS)
    assert len(left) == 2 and {i.memory.id for i in left}.isdisjoint({queue[0].memory.id, queue[1].memory.id})
    # the next local day, the limit starts again
    tomorrow = review.day_bounds(now, BERLIN)[1] + 60
    assert len(review.review_queue(vault, tomorrow, BERLIN, per_day=4, params=PARAMS)) == 4
    assert len(ids) == 6


def test_choices_keep_pin_fade_correct(vault, clock):
    now = clock.now()
    keep = _memory(vault, "Keep me: the blue umbrella.", age_days=20, now=now)
    pin = _memory(vault, "Pin me: grandma's recipe.", age_days=20, now=now)
    fade = _memory(vault, "Fade me: the parking spot.", age_days=20, now=now)
    fix = _memory(vault, "Correct me: Tom lives in Bonn.", age_days=20, now=now)
    kept = review.review(vault, keep, "keep", now)
    assert kept.last_recalled_at == now and kept.strength > 10.0 and kept.recall_count == 1
    assert retention_at(now, kept.recorded_at, kept.last_recalled_at, kept.strength, False) == 1.0
    assert review.review(vault, pin, "pin", now).pinned
    faded = review.review(vault, fade, "fade", now)
    assert faded.archived and faded.archived_at == now
    fixed = review.review(vault, fix, "correct", now, text="Tom lives in Cologne.")
    assert fixed.text == "Tom lives in Cologne." and fixed.recall_count == 1 and fixed.strength > 10.0
    assert vault.query("SELECT count(*) FROM memories_fts WHERE memories_fts MATCH 'cologne'")[0][0] == 1
    actions = vault.query(
        "SELECT entity_id, action FROM history WHERE entity = 'memory' AND at = ? ORDER BY id", (now,)
    )
    assert sum(1 for _, a in actions if a == "review") == 4
    assert sum(1 for _, a in actions if a == "recall") == 2 and any(a == "edit" for _, a in actions)
    assert review.review_queue(vault, now, BERLIN, params=PARAMS) == []
    hist = review.review_history(vault, BERLIN)
    assert [d.as_dict() for d in hist] == [{"day": "2026-11-18", "keep": 1, "pin": 1, "fade": 1, "correct": 1}]
    assert hist[0].total == 4


def test_bad_choices_change_nothing(vault, clock):
    now = clock.now()
    mid = _memory(vault, "Some fading memory here.", age_days=20, now=now)
    before = vault.query("SELECT text, strength, pinned, archived FROM memories WHERE id = ?", (mid,))
    with pytest.raises(InputError, match="keep, pin, fade or correct"):
        review.review(vault, mid, "delete", now)
    with pytest.raises(InputError, match="corrected words"):
        review.review(vault, mid, "correct", now, text="   ")
    with pytest.raises(NotFoundError):
        review.review(vault, 99999, "keep", now)
    review.review(vault, mid, "fade", now)
    with pytest.raises(InputError, match="already archived"):
        review.review(vault, mid, "keep", now)
    assert vault.query("SELECT text, strength, pinned FROM memories WHERE id = ?", (mid,)) == [before[0][:3]]
    assert vault.query("SELECT count(*) FROM history WHERE action = 'review'")[0][0] == 1


def test_a_kept_memory_is_not_archived_by_the_nightly_decay(vault, clock):
    now = clock.now()
    kept = _memory(vault, "Kept in review.", age_days=28, now=now)
    left = _memory(vault, "Not reviewed.", age_days=28, now=now)
    review.review(vault, kept, "keep", now)
    with vault.read() as conn:
        plan = plan_decay(conn, now + 3 * DAY, PARAMS)
    assert left in plan.ids and kept not in plan.ids
    assert apply_decay(vault, plan) == 1
