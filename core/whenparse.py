"""When a statement says something happens: "Dec 3 at 2:30", "Monday before 6pm", "on the 14th at 8".

``find_when(text, now, tz)`` finds the first date and/or time in a statement and resolves it to a
moment, the way a calendar app reads what you type:
- a date without a year is its nearest occurrence (Dec 3, said on 30 Nov, is in three days; Nov 2
  is four weeks ago; "in February" is next February);
- a weekday alone is the coming one, unless the sentence speaks of the past ("went", "last", "ago");
- "tomorrow", "tonight", "next week", "this weekend", "in 3 days";
- a time: "at 2:30", "6pm", "14:30", "noon"; an hour from 1 to 7 without am/pm is afternoon
  (nobody books the dentist at 2:30 in the night), as is any hour said with "dinner", "evening",
  "tonight" or "party";
- "before 6pm" and "by 6" keep their word: the moment is a deadline;
- "in two hours", "in 30 minutes", "in half an hour": an exact moment from now;
- an hour said without am/pm and without an evening word ("at 7") is marked ``ambiguous``
  (a reminder asks which one is meant; ``core.reminder_time``).
Pure: ``now`` and ``tz`` are passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Literal

from reverie.core.timeparse import MONTHS, WEEKDAYS

Granularity = Literal["minute", "day", "month"]

_MON = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WD = r"(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
_TIME = (
    r"(?:(?P<tword>at|before|by|until|from|around|after)\s+)?"
    r"(?:(?P<noon>noon|midday|midnight)|(?P<h>[012]?\d)(?:[:.h](?P<m>[0-5]\d))?\s*(?P<ampm>a\.?m\.?|p\.?m\.?)?)"
)
_SHORT_WD = {"mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6}
_DATE_PATTERNS = (
    ("iso", re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<mo>[01]\d)-(?P<d>[0-3]\d)\b")),
    ("month_day", re.compile(r"\b(?:on\s+)?" + _MON + r"\s+" + _DAY + r"\b" + _YEAR, re.IGNORECASE)),
    (
        "day_month",
        re.compile(r"\b(?:on\s+)?(?:the\s+)?" + _DAY + r"(?:\s+of)?\s+" + _MON + r"\b" + _YEAR, re.IGNORECASE),
    ),
    ("the_day", re.compile(r"\b(?:on\s+)?the\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)\b", re.IGNORECASE)),
    (
        "relative",
        re.compile(
            r"\b(?P<rel>the day after tomorrow|tomorrow|tonight|today|this (?:evening|afternoon|morning)|"
            r"next week|next month|this weekend|next weekend|yesterday)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "in_n",
        re.compile(
            r"\bin\s+(?P<n>\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|"
            r"thirty|forty[- ]five|forty|fifty|half an?)\s+(?P<unit>minute|min|hour|hr|day|week|month)s?\b",
            re.IGNORECASE,
        ),
    ),
    ("weekday", re.compile(r"\b(?:(?P<which>next|this|last|on)\s+)?" + _WD + r"\b", re.IGNORECASE)),
    (
        "month",
        re.compile(
            r"\b(?P<prep>in|by|until|from|since|during|next|this|last)\s+" + _MON + r"\b" + _YEAR, re.IGNORECASE
        ),
    ),
)
_TIME_RE = re.compile(r"\b" + _TIME + r"\b", re.IGNORECASE)
_PAST = re.compile(
    r"(?i)\b(?:was|were|went|did|had|met|saw|got|came|left|ago|last|yesterday|used to|'ve been|"
    r"have been)\b"
)
_EVENING = re.compile(r"(?i)\b(?:dinner|evening|tonight|night|party|drinks|concert|movie|show)\b")
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "forty five": 45,
    "fifty": 50,
}
_MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class When:
    """A resolved moment: ``at`` (Unix seconds), how precise it is, and the words it came from."""

    at: float
    phrase: str
    granularity: Granularity
    future: bool
    deadline: bool = False  # "before 6pm", "by Friday"
    spans: tuple[tuple[int, int], ...] = ()  # where the date and the time were said
    ambiguous: bool = False  # an hour said without am/pm ("at 7"): morning or evening cannot be told

    def label(self, now: float, tz: tzinfo | None = None) -> str:
        """ "Thu 3 Dec at 14:30", "Mon 7 Dec before 18:00", "Feb 2027" (the year when not this year)."""
        dt = datetime.fromtimestamp(self.at, tz)
        this_year = datetime.fromtimestamp(now, tz).year
        if self.granularity == "month":
            return f"{_MONTH_NAMES[dt.month - 1]} {dt.year}"
        day = f"{dt.strftime('%a')} {dt.day} {_MONTH_NAMES[dt.month - 1]}"
        if dt.year != this_year:
            day += f" {dt.year}"
        if self.granularity == "minute":
            return f"{day} {'before' if self.deadline else 'at'} {dt.strftime('%H:%M')}"
        return day

    def as_meta(self, now: float, tz: tzinfo | None = None) -> dict[str, object]:
        return {
            "at": self.at,
            "phrase": self.phrase,
            "granularity": self.granularity,
            "future": self.future,
            "deadline": self.deadline,
            "label": self.label(now, tz),
        }


def _nearest(now: datetime, month: int, day: int) -> datetime | None:
    best: datetime | None = None
    for year in (now.year - 1, now.year, now.year + 1):
        try:
            cand = now.replace(year=year, month=month, day=day, hour=0, minute=0, second=0, microsecond=0)
        except ValueError:
            continue
        if best is None or abs((cand - now).total_seconds()) < abs((best - now).total_seconds()):
            best = cand
    return best


def _date(kind: str, m: re.Match[str], now: datetime, past: bool) -> tuple[datetime, Granularity] | None:
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    g = m.groupdict()
    if kind == "iso":
        try:
            return today.replace(year=int(g["y"]), month=int(g["mo"]), day=int(g["d"])), "day"
        except ValueError:
            return None
    if kind in ("month_day", "day_month"):
        month, day = MONTHS[g["mon"].lower().rstrip(".")], int(g["day"])
        if g.get("year"):
            try:
                return today.replace(year=int(g["year"]), month=month, day=day), "day"
            except ValueError:
                return None
        found = _nearest(now, month, day)
        return (found, "day") if found else None
    if kind == "the_day":
        day = int(g["day"])
        for add in range(0, 3):  # this month's, or the next month that has that day
            y, mo = now.year + (now.month + add - 1) // 12, (now.month + add - 1) % 12 + 1
            try:
                cand = today.replace(year=y, month=mo, day=day)
            except ValueError:
                continue
            if cand >= today or past:
                return cand, "day"
        return None
    if kind == "relative":
        rel = g["rel"].lower()
        offsets = {"today": 0, "tonight": 0, "tomorrow": 1, "the day after tomorrow": 2, "yesterday": -1}
        if rel in offsets:
            return today + timedelta(days=offsets[rel]), "day"
        if rel.startswith("this ") and rel != "this weekend":
            return today, "day"
        if rel == "next week":
            return today + timedelta(days=7 - today.weekday()), "day"
        if rel == "next month":
            return today.replace(year=today.year + today.month // 12, month=today.month % 12 + 1, day=1), "month"
        ahead = (5 - today.weekday()) % 7 + (7 if rel == "next weekend" else 0)
        return today + timedelta(days=ahead), "day"
    if kind == "in_n":
        said = g["n"].lower()
        unit = g["unit"].lower()
        if said.startswith("half"):  # "in half an hour"
            if unit not in ("hour", "hr"):
                return None
            return now.replace(second=0, microsecond=0) + timedelta(minutes=30), "minute"
        n = int(said) if said.isdigit() else _NUMBER_WORDS[said]
        if unit in ("minute", "min", "hour", "hr"):  # an exact moment: "in two hours"
            step = timedelta(hours=n) if unit in ("hour", "hr") else timedelta(minutes=n)
            return now.replace(second=0, microsecond=0) + step, "minute"
        if unit == "month":
            mo = today.month - 1 + n
            return today.replace(year=today.year + mo // 12, month=mo % 12 + 1, day=1), "month"
        return today + timedelta(days=n * (7 if unit == "week" else 1)), "day"
    if kind == "weekday":
        name = g["wd"].lower()
        wd = WEEKDAYS.get(name, _SHORT_WD.get(name, 0))
        which = (g.get("which") or "").lower()
        if which == "last" or (past and which != "next"):
            back = (today.weekday() - wd) % 7 or 7
            return today - timedelta(days=back), "day"
        ahead = (wd - today.weekday()) % 7
        if which == "next" and ahead == 0:
            ahead = 7
        return today + timedelta(days=ahead), "day"
    if kind == "month":
        month = MONTHS[g["mon"].lower().rstrip(".")]
        if g.get("year"):
            return today.replace(year=int(g["year"]), month=month, day=1), "month"
        prep = g["prep"].lower()
        if prep == "last" or (past and prep != "next"):
            year = now.year if month < now.month else now.year - 1
        elif prep == "this":
            year = now.year
        else:
            year = now.year if month > now.month else now.year + 1
        return today.replace(year=year, month=month, day=1), "month"
    return None


def _time(text: str, evening: bool) -> tuple[int, int, bool, str, tuple[int, int], bool] | None:
    """(hour, minute, deadline, words, span, ambiguous) of the first time said."""
    for m in _TIME_RE.finditer(text):
        g = m.groupdict()
        if g["noon"]:
            return (0 if g["noon"].lower() == "midnight" else 12), 0, False, m.group(0), m.span(), False
        hour = int(g["h"])
        ampm = (g["ampm"] or "").lower().replace(".", "")
        # a bare number is a time only after "at"/"before"/"by"… or with minutes or am/pm
        if not (g["tword"] or g["m"] or ampm) or hour > 23:
            continue
        if g["tword"] and not (g["m"] or ampm) and hour > 12:
            continue
        # "at 7", "by 9:30": morning or evening? (an evening word, "dinner at 8", tells)
        ambiguous = not ampm and 1 <= hour <= 11 and not evening
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        elif not ampm and hour <= 12 and (1 <= hour <= 7 or (evening and hour <= 11)):
            hour += 12
        deadline = (g["tword"] or "").lower() in ("before", "by", "until")
        return hour, int(g["m"] or 0), deadline, m.group(0), m.span(), ambiguous
    return None


def speaks_of_past(text: str) -> bool:
    """Whether the sentence tells of the past ("went", "was", "ago", "last", "yesterday")."""
    return bool(_PAST.search(text))


def find_when(text: str, now: float, tz: tzinfo | None = None) -> When | None:
    """The first date and/or time the statement names, resolved (None when it names none)."""
    dt_now = datetime.fromtimestamp(now, tz)
    past = bool(_PAST.search(text))
    found: tuple[datetime, Granularity, str, int, int] | None = None
    for kind, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if kind == "weekday" and len(m.group("wd")) <= 3 and not m.group("which"):
                continue  # "sat", "wed" alone are too often words
            if kind == "relative" and m.group("rel").lower() == "today" and not _TIME_RE.search(text):
                continue  # "I feel tired today" names no moment worth keeping
            got = _date(kind, m, dt_now, past)
            if got is not None and (found is None or m.start() < found[3]):
                found = (got[0], got[1], m.group(0).strip(), m.start(), m.end())
            break
    clock = _time(text, bool(_EVENING.search(text)))
    if found is None and clock is None:
        return None
    spans: list[tuple[int, int]] = []
    granularity: Granularity
    if found is None:
        base = dt_now.replace(hour=0, minute=0, second=0, microsecond=0)
        day, granularity, phrase = base, "day", ""
    else:
        day, granularity, phrase, start, end = found
        spans.append((start, end))
    deadline = bool(re.match(r"(?i)(?:by|until|before)\b", phrase))
    ambiguous = False
    if clock is not None and granularity == "day":
        hour, minute, deadline, said, span, ambiguous = clock
        at = day.replace(hour=hour, minute=minute)
        if found is None and at < dt_now:
            at += timedelta(days=1)  # "at 6pm" said at 8pm: tomorrow
        phrase = f"{phrase} {said}".strip()
        granularity = "minute"
        spans.append(span)
    else:
        at = day
    future = at >= dt_now.replace(hour=0, minute=0, second=0, microsecond=0) and not (
        past and found is not None and at < dt_now
    )
    return When(at.timestamp(), phrase, granularity, future, deadline, tuple(sorted(spans)), ambiguous)
