"""Reminder times: phrases resolved with core.whenparse, stored in UTC, computed on the local wall clock."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from reverie.core.errors import InputError
from reverie.core.reminder_time import parse_duration, resolve_reminder_time, suggest_reminder
from reverie.core.whenparse import find_when

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def at(tz, *args):
    return datetime(*args, tzinfo=tz).timestamp()


def local(ts, tz):
    return datetime.fromtimestamp(ts, tz).replace(tzinfo=None)


NOW = at(BERLIN, 2026, 11, 30, 8, 0)  # Monday 30 Nov 2026, 08:00 in Berlin


def test_phrases_resolve_to_the_moment_a_person_means():
    cases = {
        "pick up my prescription Monday before 6pm": datetime(2026, 11, 30, 17, 0),  # an hour before the deadline
        "Lena's dinner on the 14th at 8": datetime(2026, 12, 14, 20, 0),  # dinner: evening
        "call the bank next Friday": datetime(2026, 12, 4, 9, 0),  # a day alone: 09:00
        "pay rent on the 14th": datetime(2026, 12, 14, 9, 0),
        "take the cake out in two hours": datetime(2026, 11, 30, 10, 0),
        "check the oven in 45 minutes": datetime(2026, 11, 30, 8, 45),
        "water the plants in half an hour": datetime(2026, 11, 30, 8, 30),
        "dentist tomorrow at 2:30pm": datetime(2026, 12, 1, 14, 30),
    }
    for text, expected in cases.items():
        s = suggest_reminder(text, NOW, BERLIN)
        assert s is not None, text
        assert local(s.due_at, BERLIN) == expected, text
        assert not s.ambiguous, text


def test_the_reminder_text_leaves_out_the_time_words():
    s = suggest_reminder("Remind me to pick up my prescription Monday before 6pm", NOW, BERLIN)
    assert s.text == "pick up my prescription"
    assert s.label == "Mon 30 Nov at 17:00 (an hour before 18:00)"
    assert suggest_reminder("Lena's dinner on the 14th at 8", NOW, BERLIN).text == "Lena's dinner"


def test_an_hour_without_am_or_pm_is_the_first_to_come_and_asks():
    morning = suggest_reminder("call Sam at 7", NOW, BERLIN)  # said at 08:00: 07:00 is past, 19:00 is next
    assert local(morning.due_at, BERLIN) == datetime(2026, 11, 30, 19, 0)
    assert morning.ambiguous and local(morning.alternative, BERLIN) == datetime(2026, 12, 1, 7, 0)
    assert morning.question == "19:00 or 07:00?"
    evening = suggest_reminder("call Sam at 7", at(BERLIN, 2026, 11, 30, 20, 0), BERLIN)
    assert local(evening.due_at, BERLIN) == datetime(2026, 12, 1, 7, 0) and evening.ambiguous
    early = suggest_reminder("call Sam at 7", at(BERLIN, 2026, 11, 30, 6, 0), BERLIN)
    assert local(early.due_at, BERLIN) == datetime(2026, 11, 30, 7, 0)
    nine = suggest_reminder("standup tomorrow at 9", NOW, BERLIN)
    assert local(nine.due_at, BERLIN) == datetime(2026, 12, 1, 9, 0) and nine.ambiguous
    assert local(nine.alternative, BERLIN) == datetime(2026, 12, 1, 21, 0)
    assert not suggest_reminder("call Sam at 7pm", NOW, BERLIN).ambiguous
    assert not suggest_reminder("call Sam at 19:00", NOW, BERLIN).ambiguous


def test_statements_keep_their_reading_of_a_bare_hour():
    when = find_when("Lena's dinner on the 14th at 8", NOW, BERLIN)
    assert not when.ambiguous and local(when.at, BERLIN) == datetime(2026, 12, 14, 20, 0)
    assert find_when("meet Tom at 7", NOW, BERLIN).ambiguous  # the flag is new; the time stays 19:00
    assert local(find_when("meet Tom at 7", NOW, BERLIN).at, BERLIN) == datetime(2026, 11, 30, 19, 0)


@pytest.mark.parametrize(
    ("tz", "said", "expected_utc"),
    [
        # Berlin leaves summer time on Sun 25 Oct 2026 (03:00 CEST -> 02:00 CET)
        (BERLIN, datetime(2026, 10, 24, 20, 0), datetime(2026, 10, 25, 8, 0)),  # 09:00 CET = 08:00 UTC
        # and enters it on Sun 28 Mar 2027 (02:00 CET -> 03:00 CEST)
        (BERLIN, datetime(2027, 3, 27, 20, 0), datetime(2027, 3, 28, 7, 0)),  # 09:00 CEST = 07:00 UTC
        # New York: 1 Nov 2026 (EDT -> EST) and 14 Mar 2027 (EST -> EDT)
        (NEW_YORK, datetime(2026, 10, 31, 20, 0), datetime(2026, 11, 1, 14, 0)),  # 09:00 EST
        (NEW_YORK, datetime(2027, 3, 13, 20, 0), datetime(2027, 3, 14, 13, 0)),  # 09:00 EDT
    ],
)
def test_tomorrow_at_9_across_a_daylight_saving_change(tz, said, expected_utc):
    now = said.replace(tzinfo=tz).timestamp()
    s = resolve_reminder_time("tomorrow at 9am", now, tz)
    assert datetime.fromtimestamp(s.due_at, UTC).replace(tzinfo=None) == expected_utc
    assert local(s.due_at, tz).hour == 9  # shown in local time: still nine o'clock
    assert s.label.endswith("at 09:00")
    assert s.due_at - now != 13 * 3600  # not "13 hours later": the change moved the clock


def test_a_time_in_the_gap_of_spring_forward_is_kept_ahead():
    now = at(BERLIN, 2027, 3, 27, 20, 0)
    s = resolve_reminder_time("tomorrow at 2:30am", now, BERLIN)  # 02:30 does not exist that night
    assert s.due_at > now and local(s.due_at, BERLIN).date() == datetime(2027, 3, 28).date()


def test_phrases_in_the_past_and_too_far_ahead_are_refused_with_a_sentence():
    for text in ("I went there yesterday at 5", "last Monday", "on 2026-11-02"):
        assert suggest_reminder(text, NOW, BERLIN) is None, text
    with pytest.raises(InputError, match="already past"):
        resolve_reminder_time("yesterday at 5pm", NOW, BERLIN)
    with pytest.raises(InputError, match="at most 10 years ahead"):
        resolve_reminder_time("on 3 Dec 2076", NOW, BERLIN)
    with pytest.raises(InputError, match="No time was found"):
        resolve_reminder_time("buy milk", NOW, BERLIN)
    assert suggest_reminder("buy milk", NOW, BERLIN) is None


def test_a_month_alone_asks_which_day():
    s = suggest_reminder("renew the passport in February", NOW, BERLIN)
    assert local(s.due_at, BERLIN) == datetime(2027, 2, 1, 9, 0) and s.ambiguous and "Which day" in s.question


def test_snooze_durations():
    assert parse_duration("1h") == 3600 and parse_duration("10m") == 600 and parse_duration("2 days") == 172800
    for bad in ("", "soon", "0m", "500w"):
        with pytest.raises(InputError):
            parse_duration(bad)


def test_no_chip_for_a_past_sentence_with_only_a_time():
    assert suggest_reminder("I went to the dentist at 7", NOW, BERLIN) is None
    assert suggest_reminder("We had dinner at 8pm", NOW, BERLIN) is None
    # said explicitly, it is still a reminder; and a past word with a future date is one too
    assert resolve_reminder_time("I went to the dentist at 7", NOW, BERLIN).due_at > NOW
    assert suggest_reminder("Mum was ill; call her tomorrow at 10am", NOW, BERLIN) is not None
