"""Time, passed in. Domain rules take ``now`` as an argument; tests never read the wall clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime
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


def to_datetime(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=UTC)


def iso(ts: float | None) -> str | None:
    """An ISO-8601 UTC string for a timestamp (None stays None)."""
    if ts is None:
        return None
    return to_datetime(ts).isoformat(timespec="seconds").replace("+00:00", "Z")


def local_date(ts: float) -> str:
    """The local calendar date of a timestamp, ``YYYY-MM-DD``."""
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d")
