"""The morning recap on a real vault: today's reminders and dated statements, last night's
consolidation (the real run, without a model), and memories from this day in earlier years."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from reverie.core import conversations, notes, reminders
from reverie.core.consolidation.runner import run_consolidation
from reverie.core.recap import compose_recap
from reverie.core.whenparse import find_when

BERLIN = ZoneInfo("Europe/Berlin")


def at(*args):
    return datetime(*args, tzinfo=BERLIN).timestamp()


def test_an_empty_vault_has_an_empty_recap(vault):
    recap = compose_recap(vault, at(2026, 11, 30, 8, 0), BERLIN)
    assert recap.empty and recap.day == "2026-11-30" and recap.run_id is None
    assert "  Nothing planned that I know of." in recap.lines()


def test_today_learned_and_on_this_day(vault, clock):
    yesterday_evening = at(2026, 11, 29, 18, 0)
    clock.set(yesterday_evening)
    # a statement said yesterday about today at 8pm, as the companion records it
    conv = conversations.create_conversation(vault)
    said = "Lena's dinner tomorrow at 8"
    when = find_when(said, yesterday_evening, BERLIN)
    msg = conversations.add_message(
        vault, conv.id, "user", said, meta={"when": when.as_meta(yesterday_evening, BERLIN)}
    )
    other = "Dentist on Friday at 10am"
    conversations.add_message(
        vault,
        conv.id,
        "user",
        other,
        meta={"when": find_when(other, yesterday_evening, BERLIN).as_meta(yesterday_evening, BERLIN)},
    )
    due_today = reminders.add_reminder(vault, "pick up the prescription", at(2026, 11, 30, 17, 0), yesterday_evening)
    reminders.add_reminder(vault, "tomorrow's thing", at(2026, 12, 1, 9, 0), yesterday_evening)
    dated = notes.create_note(vault, "Plan for the trip.", title="Trip plan", properties={"date": "2026-11-30"})
    # memories from this day in earlier years, and one from another day
    notes.create_note(vault, "Snow on the mountain cabin.", happened_at=at(2024, 11, 30, 15, 0))
    notes.create_note(vault, "Started the new job.", happened_at=at(2021, 11, 30, 9, 0))
    notes.create_note(vault, "Not this day.", happened_at=at(2024, 11, 29, 15, 0))
    # last night's consolidation, the real one (rules only)
    notes.create_note(vault, "Anna's birthday is March 3. We planned a picnic by the river.")
    clock.set(at(2026, 11, 30, 3, 0))
    report = run_consolidation(vault, now=clock.now(), tz=BERLIN)
    assert report.status == "ok"

    recap = compose_recap(vault, at(2026, 11, 30, 8, 0), BERLIN)
    assert recap.day == "2026-11-30" and not recap.empty
    kinds = [(i.kind, i.when) for i in recap.today]
    assert kinds == [("reminder", "17:00"), ("event", "20:00"), ("note", "all day")]
    assert recap.today[0].source_id == str(due_today.id) and recap.today[1].source_id == msg.id
    assert recap.today[2].source_id == dated.id
    assert recap.run_id == report.run_id
    assert any(i.kind == "fact" and "Anna's birthday is March 3" in i.text for i in recap.learned)
    assert [(i.when, i.text) for i in recap.on_this_day] == [
        ("2024", "Snow on the mountain cabin."),
        ("2021", "Started the new job."),
    ]
    text = "\n".join(recap.lines())
    assert "17:00: pick up the prescription" in text and "2021: Started the new job." in text
    assert set(recap.as_dict()) == {"day", "made_at", "run_id", "today", "learned", "on_this_day"}
    # a day later: the run is no longer "last night", and today's items are tomorrow's
    later = compose_recap(vault, at(2026, 12, 2, 8, 0), BERLIN)
    assert later.learned == [] and later.run_id is None
    assert all(i.text != "pick up the prescription" for i in later.today)


def test_a_recap_reads_only(vault, clock):
    reminders.add_reminder(vault, "x", clock.now() + 3600, clock.now())
    before = vault.query("SELECT count(*) FROM history")[0][0]
    compose_recap(vault, clock.now(), BERLIN)
    assert vault.query("SELECT count(*) FROM history")[0][0] == before


def test_the_recap_is_offered_once_a_day_at_its_time_when_on(vault, clock):
    from reverie.core.reminders_schedule import ReminderScheduler
    from reverie.core.settings import Settings

    settings = Settings(recap_enabled=False, recap_time="08:00")
    shown = []
    sched = ReminderScheduler(
        vault, lambda f: None, clock=clock, tz=BERLIN, settings_loader=lambda: settings, on_recap=shown.append
    )
    assert not sched.tick_recap(at(2026, 11, 30, 8, 5))  # off by default
    settings.recap_enabled = True
    assert not sched.tick_recap(at(2026, 11, 30, 7, 59))  # before its time
    assert sched.tick_recap(at(2026, 11, 30, 8, 0))
    assert not sched.tick_recap(at(2026, 11, 30, 9, 0))  # once a day
    assert sched.tick_recap(at(2026, 12, 1, 10, 30))  # started late the next morning: shown then
    assert not sched.tick_recap(at(2026, 12, 2, 21, 0))  # not in the evening, for a morning recap
    assert shown == [at(2026, 11, 30, 8, 0), at(2026, 12, 1, 10, 30)]


def test_companion_settings_are_quiet_by_default_and_checked(vault):
    import pytest

    from reverie.core.errors import InputError
    from reverie.core.settings import Settings, load_settings, save_settings

    s = Settings()
    assert (s.reminders_notify, s.recap_enabled, s.recap_time, s.recap_notify) == (True, False, "08:00", False)
    assert (s.review_enabled, s.review_per_day, s.close_to_tray, s.start_at_login) == (True, 10, False, False)
    for bad in ({"recap_time": "8am"}, {"recap_time": "24:00"}, {"review_per_day": 0}, {"review_per_day": 500}):
        with pytest.raises(InputError):
            Settings(**bad).validate()
    save_settings(vault, Settings(recap_enabled=True, recap_time="07:30", review_per_day=5))
    got = load_settings(vault)
    assert (got.recap_enabled, got.recap_time, got.review_per_day) == (True, "07:30", 5)
    assert Settings.from_dict({"recap_time": "nope", "review_per_day": 3}).recap_time == "08:00"
