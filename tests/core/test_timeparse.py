"""Time phrases become date ranges relative to a fixed now, and leave the text query."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reverie.core.timeparse import parse_time_phrase

NOW = datetime(2026, 11, 18, 15, 30, tzinfo=UTC).timestamp()  # a Wednesday


def d(y, m, day, h=0, mi=0):
    return datetime(y, m, day, h, mi, tzinfo=UTC).timestamp()


TABLE = [
    # query, remaining text, since, until, phrase
    (
        "what did I decide about the trip last Tuesday",
        "what did I decide about the trip",
        d(2026, 11, 17),
        d(2026, 11, 18),
        "last Tuesday",
    ),
    ("notes from March", "notes", d(2026, 3, 1), d(2026, 4, 1), "from March"),
    ("two weeks ago", "", d(2026, 11, 1), d(2026, 11, 8), "two weeks ago"),
    ("dinner 3 days ago?", "dinner?", d(2026, 11, 15), d(2026, 11, 16), "3 days ago"),
    ("a month ago", "", d(2026, 10, 1), d(2026, 11, 1), "a month ago"),
    ("a year ago", "", d(2025, 1, 1), d(2026, 1, 1), "a year ago"),
    ("yesterday", "", d(2026, 11, 17), d(2026, 11, 18), "yesterday"),
    ("Today's plan", "Today's plan", None, None, None),
    ("what happened today", "what happened", d(2026, 11, 18), d(2026, 11, 19), "today"),
    ("the day before yesterday", "", d(2026, 11, 16), d(2026, 11, 17), "the day before yesterday"),
    ("on Tuesday", "", d(2026, 11, 17), d(2026, 11, 18), "on Tuesday"),
    ("Wednesday", "", d(2026, 11, 18), d(2026, 11, 19), "Wednesday"),
    ("last Wednesday", "", d(2026, 11, 11), d(2026, 11, 12), "last Wednesday"),
    ("last week", "", d(2026, 11, 9), d(2026, 11, 16), "last week"),
    ("this week", "", d(2026, 11, 16), NOW, "this week"),
    ("last weekend", "", d(2026, 11, 14), d(2026, 11, 16), "last weekend"),
    ("my visit to the shop this weekend", "my visit to the shop", d(2026, 11, 21), d(2026, 11, 23), "this weekend"),
    ("last month", "", d(2026, 10, 1), d(2026, 11, 1), "last month"),
    ("this year", "", d(2026, 1, 1), NOW, "this year"),
    ("last year", "", d(2025, 1, 1), d(2026, 1, 1), "last year"),
    ("past 2 weeks", "", d(2026, 11, 4), NOW, "past 2 weeks"),
    ("in the last 3 days", "", d(2026, 11, 16), NOW, "in the last 3 days"),
    ("in May", "", d(2026, 5, 1), d(2026, 6, 1), "in May"),
    ("December", "", d(2025, 12, 1), d(2026, 1, 1), "December"),
    ("March 3", "", d(2026, 3, 3), d(2026, 3, 4), "March 3"),
    ("the 3rd of March 2025", "", d(2025, 3, 3), d(2025, 3, 4), "the 3rd of March 2025"),
    ("Anna's party on 2025-06-01", "Anna's party", d(2025, 6, 1), d(2025, 6, 2), "on 2025-06-01"),
    ("in 2025", "", d(2025, 1, 1), d(2026, 1, 1), "in 2025"),
    ("since March", "", d(2026, 3, 1), None, "since March"),
    ("before 2026-01-05", "", None, d(2026, 1, 5), "before 2026-01-05"),
    ("after last week", "", d(2026, 11, 16), None, "after last week"),
    # not time phrases
    ("what may I do", "what may I do", None, None, None),
    ("march on", "march on", None, None, None),
    ("2025-02-30", "2025-02-30", None, None, None),
    ("room 2025", "room 2025", None, None, None),
    ("", "", None, None, None),
]


@pytest.mark.parametrize(("query", "text", "since", "until", "phrase"), TABLE)
def test_time_phrases(query, text, since, until, phrase):
    assert parse_time_phrase(query, NOW, UTC) == (text, since, until, phrase)


def test_time_zone_moves_day_boundaries():
    from datetime import timedelta, timezone

    tokyo = timezone(timedelta(hours=9))
    _, since, until, _ = parse_time_phrase("yesterday", NOW, tokyo)  # 2026-11-19 00:30 in Tokyo
    assert since == datetime(2026, 11, 18, tzinfo=tokyo).timestamp()
    assert until - since == 86400


def test_pure_and_total():
    for q in ("\x00", "ago ago", "99999 days ago", "last", "in", "since"):
        parse_time_phrase(q, NOW, UTC)  # never raises


def test_this_weekend_is_the_latest_one_until_monday_then_the_coming_one():
    monday, sunday = d(2026, 11, 16, 9), d(2026, 11, 22, 9)
    assert parse_time_phrase("this weekend", monday, UTC)[1:3] == (d(2026, 11, 14), d(2026, 11, 16))
    assert parse_time_phrase("this weekend", sunday, UTC)[1:3] == (d(2026, 11, 21), sunday)
    assert parse_time_phrase("this weekend", d(2026, 11, 20, 9), UTC)[1:3] == (d(2026, 11, 21), d(2026, 11, 23))
