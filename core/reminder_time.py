"""When a reminder is for: a phrase in a message or a note ("pick up my prescription Monday before
6pm") resolved to one moment in UTC, with the parser statements already use (``core.whenparse``).

- A time with a date is that moment; a time alone is the next one ("at 6pm" said at 8pm is tomorrow).
- An hour without am/pm ("at 7") is the next 7:00 or 19:00, whichever comes first, and the
  suggestion is marked ``ambiguous``: the window asks before it keeps it.
- A day without a time ("on the 14th") reminds at 09:00 that day; a month alone ("in February")
  reminds at 09:00 on its first day and is marked ambiguous (no day was said).
- A deadline ("before 6pm", "by Friday 5pm") reminds an hour before it, or at the deadline when the
  hour before has already passed.
- A moment in the past, or more than ``MAX_YEARS_AHEAD`` years ahead, is refused with a sentence.

Pure: ``now`` (Unix seconds) and ``tz`` are passed in; times are computed on the local wall clock
(zoneinfo), so "tomorrow at 9" stays 09:00 across a daylight-saving change, and stored in UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from reverie.core.errors import InputError
from reverie.core.whenparse import When, find_when, speaks_of_past

DEFAULT_HOUR = 9  # a reminder for a day without a time rings at 09:00 local
DEADLINE_LEAD = 3600.0  # "before 6pm" rings at 17:00
MAX_YEARS_AHEAD = 10
MAX_AHEAD_SECONDS = MAX_YEARS_AHEAD * 365.25 * 86400.0
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_LEAD_IN = re.compile(
    r"(?i)^\s*(?:please\s+)?(?:remind\s+me\s+(?:to\s+|about\s+|that\s+)?|don'?t\s+forget\s+(?:to\s+)?)"
)


@dataclass(frozen=True)
class ReminderSuggestion:
    """A "Remind me" offer: when (UTC seconds), how to say it, and whether to ask first."""

    due_at: float
    label: str  # local: "Mon 7 Dec at 17:00"
    phrase: str  # the words the time came from ("Monday before 6pm")
    text: str  # what to be reminded of, the time phrase taken out ("pick up my prescription")
    ambiguous: bool = False
    question: str = ""  # for an ambiguous one: what to confirm ("7:00 in the morning, or 19:00?")
    alternative: float | None = None  # the other reading of an ambiguous hour (UTC seconds)

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def local_label(ts: float, now: float, tz: tzinfo | None) -> str:
    """ "Mon 7 Dec at 17:00" in local time ("Mon 7 Dec 2027 at 17:00" in another year)."""
    dt = datetime.fromtimestamp(ts, tz)
    day = f"{dt.strftime('%a')} {dt.day} {_MONTHS[dt.month - 1]}"
    if dt.year != datetime.fromtimestamp(now, tz).year:
        day += f" {dt.year}"
    return f"{day} at {dt.strftime('%H:%M')}"


def _wall(dt: datetime, hour: int, minute: int) -> datetime:
    """The same local day at ``hour:minute`` (a wall-clock time; its UTC offset is that day's)."""
    return dt.replace(hour=hour, minute=minute, second=0, microsecond=0)


def _ambiguous_choice(when: When, now: float, tz: tzinfo | None) -> tuple[float, float | None]:
    """The next of the two readings of an hour said without am/pm, and the other one."""
    at = datetime.fromtimestamp(when.at, tz)
    hour, minute = at.hour % 12, at.minute
    days = [at]
    if len(when.spans) == 1:  # a time alone: today's or tomorrow's, whichever comes first
        today = datetime.fromtimestamp(now, tz)
        days = [today, today + timedelta(days=1)]
    options = sorted(
        {_wall(d, h, minute).timestamp() for d in days for h in (hour, hour + 12)},
    )
    future = [t for t in options if t > now]
    if not future:
        return when.at, None
    first = future[0]
    others = [t for t in future[1:] if abs(t - first) < 86400]
    return first, (others[0] if others else None)


def strip_phrase(text: str, when: When) -> str:
    """The text without the words that said when, and without "remind me to"."""
    out, last = [], 0
    for start, end in when.spans:
        out.append(text[last:start])
        last = end
    out.append(text[last:])
    rest = re.sub(r"\s+", " ", "".join(out))
    rest = re.sub(r"\s+([,.;:!?])", r"\1", rest)
    rest = re.sub(r"(?i)\b(?:on|at|by|before)\s*$", "", rest.strip()).strip(" ,;:-")
    rest = _LEAD_IN.sub("", rest).strip()
    return rest or text.strip()


def resolve_reminder_time(text: str, now: float, tz: tzinfo | None) -> ReminderSuggestion:
    """The moment ``text`` asks to be reminded at; ``InputError`` (one sentence) when it names none,
    names a moment in the past, or one more than ``MAX_YEARS_AHEAD`` years ahead."""
    when = find_when(text, now, tz)
    if when is None:
        raise InputError('No time was found in this text; say when, for example "tomorrow at 9" or "in two hours".')
    due, alternative, ambiguous, question = when.at, None, False, ""
    if when.granularity == "minute":
        if when.ambiguous:
            due, alternative = _ambiguous_choice(when, now, tz)
            ambiguous = alternative is not None
            if ambiguous and alternative is not None:
                question = (
                    f"{datetime.fromtimestamp(due, tz).strftime('%H:%M')} or "
                    f"{datetime.fromtimestamp(alternative, tz).strftime('%H:%M')}?"
                )
        if when.deadline and due - DEADLINE_LEAD > now:
            due -= DEADLINE_LEAD
    else:
        due = _wall(datetime.fromtimestamp(when.at, tz), DEFAULT_HOUR, 0).timestamp()
        if when.granularity == "month":
            ambiguous, question = True, "Which day? No day was said; the first of the month is suggested."
    if due <= now:
        raise InputError(
            f'"{when.phrase}" is already past ({local_label(due, now, tz)}); a reminder needs a time ahead.'
        )
    if due - now > MAX_AHEAD_SECONDS:
        raise InputError(
            f"A reminder can be at most {MAX_YEARS_AHEAD} years ahead; "
            f"{local_label(due, now, tz)} is further than that."
        )
    label = local_label(due, now, tz)
    if when.deadline and when.granularity == "minute" and due != when.at:
        label += f" (an hour before {datetime.fromtimestamp(when.at, tz).strftime('%H:%M')})"
    return ReminderSuggestion(due, label, when.phrase, strip_phrase(text, when), ambiguous, question, alternative)


def suggest_reminder(text: str, now: float, tz: tzinfo | None) -> ReminderSuggestion | None:
    """A "Remind me" offer for a message or a note, or None (no time, or none that can be kept). A
    sentence about the past that names only a time ("I went to the dentist at 7") is offered none."""
    try:
        found = resolve_reminder_time(text, now, tz)
    except InputError:
        return None
    when = find_when(text, now, tz)
    if when is not None and len(when.spans) == 1 and when.granularity == "minute" and speaks_of_past(text):
        if re.search(r"(?i)\b(?:at|before|by|around)\b", text[when.spans[0][0] : when.spans[0][1]]):
            return None
    return found


_DURATION = re.compile(
    r"^\s*(?P<n>\d{1,4}(?:\.\d+)?)\s*(?P<unit>m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|weeks?)\s*$",
    re.IGNORECASE,
)
_UNIT_SECONDS = {"m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
MAX_SNOOZE = 366 * 86400.0


def parse_duration(text: str) -> float:
    """Seconds in "10m", "1h", "2 hours", "1d", "1w" (a snooze); ``InputError`` otherwise."""
    m = _DURATION.match(text or "")
    if not m:
        raise InputError('Say how long, for example "10m", "1h", "2 hours" or "1d".')
    seconds = float(m.group("n")) * _UNIT_SECONDS[m.group("unit")[0].lower()]
    if not 0 < seconds <= MAX_SNOOZE:
        raise InputError("A snooze is between a minute and a year.")
    return seconds
