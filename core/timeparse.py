"""Time phrases in a search ("last Tuesday", "notes from March", "two weeks ago") as date ranges.

``parse_time_phrase(query, now, tz)`` finds one time phrase, turns it into a half-open range
``[since, until)`` of Unix seconds relative to ``now`` (calendar days in ``tz``, the local time
zone by default) and returns the query without it. Pure: nothing reads the clock.

The ranges, with ``now`` on Wednesday 18 November 2026:

- ``today``, ``yesterday``, ``the day before yesterday``: that calendar day;
- ``Tuesday``, ``on Tuesday``: the latest Tuesday up to today; ``last Tuesday``: the latest one
  before today; ``this week|month|year``: from its start until now;
- ``last week|month|year|weekend``: the previous calendar week (Monday to Sunday), month, year, weekend;
  ``this weekend``: on Saturday, Sunday or Monday the latest weekend, from Tuesday to Friday the coming one;
- ``N days ago``: that day; ``N weeks ago``: the 7 days centred on that day; ``N months ago``:
  that calendar month; ``N years ago``: that calendar year;
- ``past|last N days|weeks|months``: from that many days back (start of day) until now;
- ``in March``, ``from March``, ``March 2025``, ``March 3``, ``3 March 2025``, ``2025-03-03``,
  ``in 2025``: the month, day or year (a month without a year is the latest one not in the
  future). "March" and "May" need a preposition, a day or a year, as they are also common words;
- ``since X`` / ``after X`` / ``before X``: open ranges from the start of X / the end of X / until X.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo

NUMBERS = {
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
    "eleven": 11,
    "twelve": 12,
    "a couple of": 2,
    "a few": 3,
    "couple of": 2,
    "few": 3,
}
MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november december".split()
    )
}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}

_NUM = (
    r"(?P<n>\d{1,3}|a couple of|couple of|a few|few|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
)
_UNIT = r"(?P<unit>day|week|month|year)s?"
_MON = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WD = r"(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?"
_PREP = r"(?:(?P<prep>in|on|from|during|since|after|before|of|at)\s+)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
Range = tuple[float | None, float | None]


def _start_of_day(dt: datetime) -> datetime:
    return dt.replace(hour=0, minute=0, second=0, microsecond=0)


def _month_range(year: int, month: int, tz: tzinfo) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def _day_range(d: datetime) -> tuple[datetime, datetime]:
    s = _start_of_day(d)
    return s, s + timedelta(days=1)


def _num(text: str) -> int:
    text = " ".join(text.lower().split())
    return int(text) if text.isdigit() else NUMBERS[text]


def _months_back(now: datetime, n: int) -> tuple[int, int]:
    total = now.year * 12 + (now.month - 1) - n
    return total // 12, total % 12 + 1


class _Ctx:
    def __init__(self, now: datetime) -> None:
        self.now = now
        self.today = _start_of_day(now)


def _ago(m: re.Match[str], c: _Ctx) -> tuple[datetime, datetime] | None:
    n, unit = _num(m.group("n")), m.group("unit").lower()
    if unit == "day":
        return _day_range(c.now - timedelta(days=n))
    if unit == "week":
        centre = c.today - timedelta(days=7 * n)
        return centre - timedelta(days=3), centre + timedelta(days=4)
    if unit == "month":
        y, mo = _months_back(c.now, n)
        return _month_range(y, mo, c.now.tzinfo)  # type: ignore[arg-type]
    y = c.now.year - n
    return datetime(y, 1, 1, tzinfo=c.now.tzinfo), datetime(y + 1, 1, 1, tzinfo=c.now.tzinfo)


def _past(m: re.Match[str], c: _Ctx) -> tuple[datetime, datetime] | None:
    n, unit = _num(m.group("n") or "1"), m.group("unit").lower().rstrip("s")
    if unit == "day":
        start = c.today - timedelta(days=n - 1 if n > 0 else 0)
    elif unit == "week":
        start = c.today - timedelta(days=7 * n)
    elif unit == "month":
        y, mo = _months_back(c.now, n)
        start = c.today.replace(year=y, month=mo, day=min(c.today.day, 28))
    else:
        start = c.today.replace(year=c.now.year - n, day=min(c.today.day, 28))
    return start, c.now


def _relative_day(m: re.Match[str], c: _Ctx) -> tuple[datetime, datetime] | None:
    word = " ".join(m.group(0).lower().split())
    back = 2 if "before" in word else 1 if "yesterday" in word else 0
    return _day_range(c.now - timedelta(days=back))


def _weekday(m: re.Match[str], c: _Ctx) -> tuple[datetime, datetime] | None:
    target = WEEKDAYS[m.group("wd").lower()]
    back = (c.now.weekday() - target) % 7
    which = (m.group("which") or "").lower()
    if which == "last" and back == 0:
        back = 7
    if which == "this":
        back = c.now.weekday() - target  # may be negative (later this week)
    return _day_range(c.now - timedelta(days=back))


def _period(m: re.Match[str], c: _Ctx) -> tuple[datetime, datetime] | None:
    which, unit = m.group("which").lower(), m.group("period").lower()
    tz = c.now.tzinfo
    if unit == "week":
        start = c.today - timedelta(days=c.now.weekday())
        return (start, c.now) if which == "this" else (start - timedelta(days=7), start)
    if unit == "weekend":
        saturday = c.today - timedelta(days=(c.now.weekday() - 5) % 7)
        if which == "last" and saturday + timedelta(days=2) > c.now:
            saturday -= timedelta(days=7)
        if which == "this" and 1 <= c.now.weekday() <= 4:
            # From Tuesday to Friday "this weekend" is the coming one: nothing has happened in it
            # yet (a search then looks at any time).
            saturday += timedelta(days=7)
            return saturday, saturday + timedelta(days=2)
        return saturday, min(saturday + timedelta(days=2), c.now) if which == "this" else saturday + timedelta(days=2)
    if unit == "month":
        if which == "this":
            return _month_range(c.now.year, c.now.month, tz)[0], c.now  # type: ignore[arg-type]
        y, mo = _months_back(c.now, 1)
        return _month_range(y, mo, tz)  # type: ignore[arg-type]
    y = c.now.year if which == "this" else c.now.year - 1
    start = datetime(y, 1, 1, tzinfo=tz)
    return (start, c.now) if which == "this" else (start, datetime(y + 1, 1, 1, tzinfo=tz))


def _calendar(m: re.Match[str], c: _Ctx) -> tuple[datetime, datetime] | None:
    g = m.groupdict()
    if g.get("iso"):
        try:
            d = datetime.strptime(g["iso"], "%Y-%m-%d").replace(tzinfo=c.now.tzinfo)
        except ValueError:
            return None
        return _day_range(d)
    mon = MONTHS[g["mon"].lower()] if g.get("mon") else None
    day = int(g["day"]) if g.get("day") else None
    year = int(g["year"]) if g.get("year") else None
    if mon is None:  # "in 2025"
        if year is None:
            return None
        return datetime(year, 1, 1, tzinfo=c.now.tzinfo), datetime(year + 1, 1, 1, tzinfo=c.now.tzinfo)
    if g["mon"].lower() in ("march", "may", "mar") and not (g.get("prep") or g.get("which") or day or year):
        return None  # "march" and "may" are also ordinary words
    if year is None:
        year = c.now.year
        if (
            (mon, day or 1) > (c.now.month, c.now.day)
            or (g.get("which") or "").lower() == "last"
            and mon == c.now.month
        ):
            year -= 1
    if day is not None:
        try:
            return _day_range(datetime(year, mon, day, tzinfo=c.now.tzinfo))
        except ValueError:
            return None
    return _month_range(year, mon, c.now.tzinfo)  # type: ignore[arg-type]


_B = r"(?<![\w-])"
_E = r"(?![\w-]|['’]\w)"
_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str], _Ctx], tuple[datetime, datetime] | None]]] = [
    (re.compile(_B + _PREP + _NUM + r"\s+" + _UNIT + r"\s+ago" + _E, re.I), _ago),
    (
        re.compile(
            _B
            + _PREP
            + r"(?:the\s+)?(?:last|past|previous)\s+(?:"
            + _NUM
            + r"\s+)?"
            + r"(?P<unit>days|weeks|months|years)"
            + _E,
            re.I,
        ),
        _past,
    ),
    (
        re.compile(
            _B
            + _PREP
            + r"(?:the\s+day\s+before\s+yesterday|yesterday|today|tonight|this\s+morning|this\s+evening)"
            + _E,
            re.I,
        ),
        _relative_day,
    ),
    (re.compile(_B + _PREP + r"(?:(?P<which>last|this|past)\s+)?" + _WD + _E, re.I), _weekday),
    (
        re.compile(_B + _PREP + r"(?P<which>last|this|past|previous)\s+(?P<period>week|weekend|month|year)" + _E, re.I),
        _period,
    ),
    (re.compile(_B + _PREP + r"(?P<iso>\d{4}-\d{2}-\d{2})" + _E, re.I), _calendar),
    (
        re.compile(
            _B + _PREP + r"(?:(?P<which>last)\s+)?" + _MON + r"(?:\s+" + _DAY + r")?(?:,?\s+" + _YEAR + r")?" + _E, re.I
        ),
        _calendar,
    ),
    (
        re.compile(
            _B + _PREP + r"(?:the\s+)?" + _DAY + r"(?:\s+of)?\s+" + _MON + r"(?:,?\s+" + _YEAR + r")?" + _E, re.I
        ),
        _calendar,
    ),
    (re.compile(_B + r"(?P<prep>in|from|during|since|after|before|of)\s+" + _YEAR + _E, re.I), _calendar),
]


def parse_time_phrase(
    query: str, now: float, tz: tzinfo | None = None
) -> tuple[str, float | None, float | None, str | None]:
    """Return ``(remaining_text, since, until, phrase)``; ``phrase`` is None when the query has
    no time phrase (then ``since`` and ``until`` are None and the text is unchanged)."""
    now_dt = datetime.fromtimestamp(now, tz) if tz is not None else datetime.fromtimestamp(now).astimezone()
    ctx = _Ctx(now_dt)
    best: tuple[int, int, re.Match[str], Callable[..., tuple[datetime, datetime] | None]] | None = None
    for pattern, handler in _PATTERNS:
        for m in pattern.finditer(query):
            if m.end() <= m.start():
                continue
            key = (m.end() - m.start(), -m.start())
            if best is None or key > (best[0], best[1]):
                if handler(m, ctx) is not None:
                    best = (key[0], key[1], m, handler)
    if best is None:
        return query, None, None, None
    m, handler = best[2], best[3]
    rng = handler(m, ctx)
    assert rng is not None
    start, end = rng
    prep = (m.groupdict().get("prep") or "").lower()
    since: float | None = start.timestamp()
    until: float | None = end.timestamp()
    if prep == "since":
        until = None
    elif prep == "after":
        since, until = end.timestamp(), None
    elif prep == "before":
        since, until = None, start.timestamp()
    remaining = (query[: m.start()] + " " + query[m.end() :]).strip()
    remaining = re.sub(r"\s+([?.!,;:])", r"\1", " ".join(remaining.split()))
    return remaining, since, until, " ".join(m.group(0).split())
