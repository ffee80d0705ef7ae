"""Time, passed in. Domain rules take ``now`` as an argument; tests never read the wall clock.

Reverie keeps times as Unix seconds. Every time that comes in from outside (a vault file, a
Markdown file's front matter, a ChatGPT export) must lie in ``MIN_TIME``..``MAX_TIME`` (the years
1900 to 2200, ``in_range``); the formatting functions here are total all the same, because an older
vault may already hold a time outside that range: such a time is shown clamped to the range
(``to_datetime``, ``iso``) or as ``UNKNOWN_DATE`` when it is no number at all.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the Unix epoch (UTC)."""


class SystemClock:
    def now(self) -> float:
        return time.time()


class FixedClock:
    """A clock for tests: it only moves when told to."""

    def __init__(self, start: float = 1_795_000_000.0) -> None:
        self._t = float(start)

    def now(self) -> float:
        return self._t

    def set(self, t: float) -> None:
        self._t = float(t)

    def advance(self, seconds: float = 0.0, *, days: float = 0.0) -> float:
        self._t += seconds + days * 86400.0
        return self._t


DAY = 86400.0
MIN_YEAR, MAX_YEAR = 1900, 2200
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MIN_TIME = datetime(MIN_YEAR, 1, 1, tzinfo=UTC).timestamp()  # 1900-01-01T00:00:00Z
MAX_TIME = datetime(MAX_YEAR, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()  # 2200-12-31T23:59:59Z
UNKNOWN_DATE = "unknown date"


def in_range(ts: object) -> bool:
    """Whether ``ts`` is a time Reverie accepts: a finite number of seconds in the years 1900–2200."""
    if isinstance(ts, bool) or not isinstance(ts, int | float):
        return False
    try:
        return MIN_TIME <= float(ts) <= MAX_TIME
    except OverflowError:  # an int too large for a float
        return False


def clamp(ts: float) -> float:
    """``ts`` moved into ``MIN_TIME``..``MAX_TIME`` (NaN becomes ``MIN_TIME``)."""
    try:
        value = float(ts)
    except (OverflowError, TypeError, ValueError):
        return MAX_TIME if isinstance(ts, int) and ts > 0 else MIN_TIME
    if math.isnan(value):
        return MIN_TIME
    return min(max(value, MIN_TIME), MAX_TIME)


def to_datetime(ts: float) -> datetime:
    """The UTC datetime of a timestamp (clamped to the years 1900–2200; never raises)."""
    return _EPOCH + timedelta(seconds=clamp(ts))  # also where negative times are refused (Windows)


def iso(ts: float | None) -> str | None:
    """An ISO-8601 UTC string for a timestamp (None stays None; out of range is clamped)."""
    if ts is None:
        return None
    if not _is_number(ts):
        return UNKNOWN_DATE
    return to_datetime(ts).isoformat(timespec="seconds").replace("+00:00", "Z")


def local_date(ts: float) -> str:
    """The local calendar date of a timestamp, ``YYYY-MM-DD`` (``UNKNOWN_DATE`` when it is out of range)."""
    if not in_range(ts):
        return UNKNOWN_DATE
    try:
        return datetime.fromtimestamp(ts).strftime("%Y-%m-%d")
    except (OverflowError, OSError, ValueError):  # a platform that cannot place the time locally
        return to_datetime(ts).strftime("%Y-%m-%d")


def _is_number(ts: object) -> bool:
    if isinstance(ts, bool) or not isinstance(ts, int | float):
        return False
    try:
        return not math.isnan(float(ts))
    except OverflowError:
        return True
