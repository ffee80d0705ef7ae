"""Reminders in a real vault: stored in UTC, claimed before shown, acknowledged after, never lost,
never shown twice (a crash, a closed vault, a machine asleep, a clock set backwards)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from reverie.core import reminders
from reverie.core.errors import InputError, NotFoundError
from reverie.core.keys import KeyMode
from reverie.core.reminders_schedule import ReminderScheduler
from reverie.core.vault import Vault

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = 3600.0


def _count(vault):
    return vault.query("SELECT count(*) FROM reminders")[0][0]


def test_add_and_list(vault, clock):
    now = clock.now()
    r = reminders.remind_from_text(vault, "call Anna", now, BERLIN, at="in two hours")
    assert r.state == "upcoming" and r.text == "call Anna" and r.due_at == pytest.approx(now + 2 * HOUR, abs=60)
    later = reminders.add_reminder(vault, "renew passport", now + 48 * HOUR, now, source_kind="note", source_id="abc")
    lists = reminders.reminder_lists(vault)
    assert [x.id for x in lists.upcoming] == [r.id, later.id] and not lists.due and not lists.missed
    assert later.source_kind == "note" and later.source_id == "abc"
    assert vault.query("SELECT count(*) FROM history WHERE entity = 'reminder' AND action = 'create'")[0][0] == 2


def test_bad_input_stores_nothing(vault, clock):
    now = clock.now()
    with pytest.raises(InputError, match="already past"):
        reminders.add_reminder(vault, "too late", now - 60, now)
    with pytest.raises(InputError, match="10 years"):
        reminders.add_reminder(vault, "far", now + 50 * 365 * 86400.0, now)
    with pytest.raises(InputError, match="some words"):
        reminders.add_reminder(vault, "   ", now + HOUR, now)
    with pytest.raises(InputError, match="No time was found"):
        reminders.remind_from_text(vault, "buy milk", now, BERLIN)
    with pytest.raises(InputError, match="comes from"):
        reminders.add_reminder(vault, "x", now + HOUR, now, source_kind="email")
    assert _count(vault) == 0
    with pytest.raises(NotFoundError):
        reminders.mark_done(vault, 999, now)


def test_tick_fires_once_and_done_and_snooze(vault, clock):
    now = clock.now()
    r = reminders.add_reminder(vault, "take pills", now + HOUR, now)
    shown = []
    sched = ReminderScheduler(vault, shown.append, clock=clock, tz=BERLIN)
    assert sched.tick(now + HOUR - 1) == [] and not shown
    fired = sched.tick(now + HOUR)
    assert [f.reminder.id for f in fired] == [r.id] and not fired[0].late and not fired[0].missed
    assert sched.tick(now + HOUR + 5) == [] and len(shown) == 1  # once
    assert reminders.get_reminder(vault, r.id).state == "fired"
    assert [x.id for x in reminders.reminder_lists(vault).due] == [r.id]
    snoozed = reminders.snooze(vault, r.id, 600, now + HOUR + 10)
    assert snoozed.state == "upcoming" and snoozed.next_at == now + HOUR + 610 and snoozed.due_at == now + HOUR
    assert sched.tick(now + HOUR + 300) == []
    assert len(sched.tick(now + HOUR + 610)) == 1 and len(shown) == 2  # a snooze is a new round
    done = reminders.mark_done(vault, r.id, now + HOUR + 700)
    assert done.state == "done" and [x.id for x in reminders.reminder_lists(vault).done] == [r.id]
    assert sched.tick(now + 10 * HOUR) == []
    with pytest.raises(InputError, match="already done"):
        reminders.snooze(vault, r.id, 600, now + HOUR + 800)
    record = reminders.firings(vault, r.id)
    assert [(f["round"], f["outcome"]) for f in record] == [(0, "shown"), (1, "shown")]


def test_asleep_through_the_time_fires_once_marked_late(vault, clock):
    now = clock.now()
    a = reminders.add_reminder(vault, "a", now + HOUR, now)
    b = reminders.add_reminder(vault, "b", now + 2 * HOUR, now)
    shown = []
    sched = ReminderScheduler(vault, shown.append, clock=clock, tz=BERLIN)
    woke = now + 9 * HOUR  # the machine slept; both times passed
    fired = sched.tick(woke)
    assert {f.reminder.id for f in fired} == {a.id, b.id} and all(f.late for f in fired)
    for _ in range(3):  # every job and the minute check call tick again: nothing more
        assert sched.tick(woke + 1) == []
    assert len(shown) == 2


def test_clock_set_backwards_fires_nothing_twice_and_loses_nothing(vault, clock):
    now = clock.now()
    a = reminders.add_reminder(vault, "a", now + HOUR, now)
    b = reminders.add_reminder(vault, "b", now + 3 * HOUR, now)
    shown = []
    sched = ReminderScheduler(vault, shown.append, clock=clock, tz=BERLIN)
    assert [f.reminder.id for f in sched.tick(now + 2 * HOUR)] == [a.id]
    assert sched.tick(now) == []  # the clock went back two hours: a is not due again
    assert sched.tick(now + 2 * HOUR) == []  # and when the clock passes its time again, still nothing
    assert [f.reminder.id for f in sched.tick(now + 3 * HOUR)] == [b.id]  # b still fires
    assert [f.reminder.id for f in shown] == [a.id, b.id]


def test_a_crash_during_a_firing_shows_it_once_as_missed_at_the_next_start(paths, clock):
    vault = Vault.create(paths, KeyMode.KEYRING, clock=clock)
    now = clock.now()
    r = reminders.add_reminder(vault, "call the plumber", now + HOUR, now)

    def crash(firing):
        raise RuntimeError("the window went away")

    sched = ReminderScheduler(vault, crash, clock=clock, tz=BERLIN)
    assert sched.tick(now + HOUR) == []  # claimed, not shown
    assert reminders.get_reminder(vault, r.id).state == "firing"
    vault.close()  # the vault closes while the reminder fires

    vault = Vault.open(paths, clock=clock)
    try:
        shown = []
        sched = ReminderScheduler(vault, shown.append, clock=clock, tz=BERLIN)
        assert sched.tick(now + 2 * HOUR) == []  # never fired a second time by a tick
        missed = sched.catch_up(now + 2 * HOUR)
        assert [(f.reminder.id, f.missed, f.due_at) for f in missed] == [(r.id, True, now + HOUR)]
        assert sched.catch_up(now + 3 * HOUR) == []  # shown once
        assert [x.id for x in reminders.reminder_lists(vault).missed] == [r.id]
        assert reminders.mark_done(vault, r.id, now + 3 * HOUR).state == "done"
    finally:
        vault.close()


def test_a_reminder_due_while_closed_is_shown_once_at_start(vault, clock):
    now = clock.now()
    r = reminders.add_reminder(vault, "bins out", now + HOUR, now)
    later = reminders.add_reminder(vault, "later", now + 30 * HOUR, now)
    shown = []
    sched = ReminderScheduler(vault, shown.append, clock=clock, tz=BERLIN)
    missed = sched.catch_up(now + 5 * HOUR)
    assert [(f.reminder.id, f.missed) for f in missed] == [(r.id, True)]
    assert sched.catch_up(now + 6 * HOUR) == [] and sched.tick(now + 6 * HOUR) == []
    assert [f.reminder.id for f in shown] == [r.id]
    assert reminders.get_reminder(vault, later.id).state == "upcoming"  # not touched


def test_a_missed_notice_that_could_not_be_shown_waits_for_the_next_start(vault, clock):
    now = clock.now()
    r = reminders.add_reminder(vault, "bins out", now + HOUR, now)
    failing = ReminderScheduler(vault, lambda f: (_ for _ in ()).throw(RuntimeError("no window")), clock=clock)
    assert failing.catch_up(now + 5 * HOUR) == []
    shown = []
    assert [f.reminder.id for f in ReminderScheduler(vault, shown.append, clock=clock).catch_up(now + 6 * HOUR)] == [
        r.id
    ]


def test_two_schedulers_never_claim_the_same_firing(vault, clock):
    now = clock.now()
    reminders.add_reminder(vault, "once", now + HOUR, now)
    first, second = [], []
    a = ReminderScheduler(vault, first.append, clock=clock)
    b = ReminderScheduler(vault, second.append, clock=clock)
    a.tick(now + HOUR)
    b.tick(now + HOUR)
    assert len(first) + len(second) == 1


def test_notifications_off_still_moves_the_reminder_on(vault, clock):
    from reverie.core.settings import Settings

    now = clock.now()
    r = reminders.add_reminder(vault, "quiet", now + HOUR, now)
    shown = []
    sched = ReminderScheduler(
        vault, shown.append, clock=clock, settings_loader=lambda: Settings(reminders_notify=False)
    )
    assert len(sched.tick(now + HOUR)) == 1 and not shown
    assert reminders.get_reminder(vault, r.id).state == "fired"


def test_apscheduler_jobs_are_rebuilt_from_the_vault(vault, clock):
    now = clock.now()
    a = reminders.add_reminder(vault, "a", now + HOUR, now)
    sched = ReminderScheduler(vault, lambda f: None, clock=clock, tz=BERLIN)
    sched.start(paused=True)
    try:
        assert {j.id for j in sched.jobs()} == {"check", f"reminder:{a.id}"}
        b = reminders.add_reminder(vault, "b", now + 2 * HOUR, now)
        reminders.mark_done(vault, a.id, now)
        assert sched.changed() == 1
        jobs = {j.id: j for j in sched.jobs()}
        assert set(jobs) == {"check", f"reminder:{b.id}"}
        assert jobs[f"reminder:{b.id}"].trigger.run_date.timestamp() == b.next_at
    finally:
        sched.shutdown()
    assert sched.jobs() == []


def test_a_vault_from_before_reminders_gets_them_on_open(paths, clock):
    vault = Vault.create(paths, KeyMode.KEYRING, clock=clock)
    with vault.tx() as conn:  # as an older version left it
        conn.execute("DROP TABLE reminder_firings")
        conn.execute("DROP TABLE reminders")
        conn.execute("DELETE FROM schema_migrations WHERE version >= 11")
        conn.execute("PRAGMA user_version = 10")
    vault.close()
    vault = Vault.open(paths, clock=clock)
    try:
        assert vault.query("PRAGMA user_version")[0][0] >= 11
        r = reminders.add_reminder(vault, "works", clock.now() + HOUR, clock.now())
        assert reminders.get_reminder(vault, r.id).state == "upcoming"
    finally:
        vault.close()


def test_a_firing_cites_where_the_reminder_was_asked_for(vault, clock):
    from reverie.core import conversations, notes

    now = clock.now()
    note = notes.create_note(vault, "Pay rent on the 14th.", title="Money")
    conv = conversations.create_conversation(vault, "Plans")
    msg = conversations.add_message(vault, conv.id, "user", "Lena's dinner on the 14th at 8")
    from_note = reminders.add_reminder(vault, "Pay rent", now + HOUR, now, source_kind="note", source_id=note.id)
    from_msg = reminders.add_reminder(vault, "Lena's dinner", now + HOUR, now, source_kind="message", source_id=msg.id)
    own = reminders.add_reminder(vault, "stretch", now + HOUR, now)
    assert reminders.describe_reminder_source(vault, from_note) == "Note “Money”"
    assert reminders.describe_reminder_source(vault, from_msg) == "Conversation “Plans” (you)"
    assert reminders.describe_reminder_source(vault, own) == "You"
    notes.delete_note(vault, note.id)
    assert reminders.describe_reminder_source(vault, from_note) == "A note that was deleted"


def test_the_vault_closed_while_a_reminder_fires(paths, clock):
    vault = Vault.create(paths, KeyMode.KEYRING, clock=clock)
    now = clock.now()
    r = reminders.add_reminder(vault, "feed the cat", now + HOUR, now)
    seen = []

    def show_then_quit(firing):
        seen.append(firing.reminder.id)
        vault.close()  # the user quits while the notification is on its way

    sched = ReminderScheduler(vault, show_then_quit, clock=clock, tz=BERLIN)
    assert sched.tick(now + HOUR) == [] and seen == [r.id]  # no error escapes; nothing recorded as shown
    vault = Vault.open(paths, clock=clock)
    try:
        assert reminders.get_reminder(vault, r.id).state == "firing"  # claimed, not acknowledged
        again = []
        missed = ReminderScheduler(vault, again.append, clock=clock, tz=BERLIN).catch_up(now + 2 * HOUR)
        assert [(f.reminder.id, f.missed) for f in missed] == [(r.id, True)] and len(again) == 1
        assert [f["outcome"] for f in reminders.firings(vault, r.id)] == ["missed"]
    finally:
        vault.close()


@pytest.mark.parametrize(
    ("tz", "said"),
    [
        ("Europe/Berlin", (2026, 10, 24, 20, 0)),  # the night summer time ends
        ("America/New_York", (2027, 3, 13, 20, 0)),  # the night it starts
    ],
)
def test_tomorrow_at_9_fires_at_nine_local_across_the_change(vault, clock, tz, said):
    from datetime import datetime

    zone = ZoneInfo(tz)
    now = datetime(*said, tzinfo=zone).timestamp()
    r = reminders.remind_from_text(vault, "call the vet tomorrow at 9am", now, zone)
    shown = []
    sched = ReminderScheduler(vault, shown.append, clock=clock, tz=zone)
    assert sched.tick(r.due_at - 1) == []
    fired = sched.tick(r.due_at)
    assert [f.reminder.id for f in fired] == [r.id] and not fired[0].late
    assert datetime.fromtimestamp(fired[0].due_at, zone).strftime("%H:%M") == "09:00"


def test_snoozing_one_that_has_not_fired_puts_it_off_from_its_time(vault, clock):
    now = clock.now()
    r = reminders.add_reminder(vault, "call Sam", now + 5 * HOUR, now)
    assert reminders.snooze(vault, r.id, 2 * HOUR, now).next_at == now + 7 * HOUR
