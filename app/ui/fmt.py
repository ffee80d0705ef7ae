"""How times, retention and kinds read in the window."""

from __future__ import annotations

from datetime import datetime

KIND_LABELS = {"chat": "Conversation", "note": "Note", "fact": "Fact", "summary": "Summary"}
KIND_PLURALS = {"chat": "conversation turns", "note": "note passages", "fact": "facts", "summary": "summaries"}
SOURCE_LABELS = {"message": "a conversation", "note": "a note", "consolidation": "nightly consolidation",
                 "import": "an import"}


def when(ts: float | None, with_time: bool = True) -> str:
    if ts is None:
        return "never"
    d = datetime.fromtimestamp(ts)
    return d.strftime("%a %d %b %Y, %H:%M") if with_time else d.strftime("%a %d %b %Y")


def short_date(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%d %b %Y")


def day_title(day: str) -> str:
    return datetime.strptime(day, "%Y-%m-%d").strftime("%a %d %b")


def percent(x: float) -> str:
    return f"{round(100 * x):d} %"


def days(x: float) -> str:
    if x >= 365:
        return f"{x / 365:.1f} years"
    return f"{x:.0f} day" + ("" if round(x) == 1 else "s")
