"""How times, retention and kinds read in the window."""

from __future__ import annotations

from datetime import datetime

KIND_LABELS = {"chat": "Conversation", "note": "Note", "fact": "Fact", "summary": "Summary"}
KIND_SHORT = {
    "chat": ("turn", "turns"),
    "note": ("note", "notes"),
    "fact": ("fact", "facts"),
    "summary": ("summary", "summaries"),
}


def when(ts: float | None, with_time: bool = True) -> str:
    """``Mon 21 Nov 2026, 14:05`` (the detail panes); ``never`` when there is no time."""
    if ts is None:
        return "never"
    d = datetime.fromtimestamp(ts)
    return d.strftime("%a %d %b %Y, %H:%M") if with_time else d.strftime("%a %d %b %Y")


def stamp(ts: float | None) -> str:
    """``2026-11-21 14:05`` (list rows and chat bubbles); empty when there is no time."""
    if not ts:
        return ""
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


def short_date(ts: float, now: float | None = None) -> str:
    """``21 Nov`` this year, ``21 Nov 2025`` otherwise."""
    d = datetime.fromtimestamp(ts)
    if now is not None and datetime.fromtimestamp(now).year == d.year:
        return d.strftime("%d %b")
    return d.strftime("%d %b %Y")


def day_title(day: str) -> str:
    return datetime.strptime(day, "%Y-%m-%d").strftime("%a %d %b")


def count_kind(kind: str, n: int) -> str:
    one, many = KIND_SHORT.get(kind, (kind, kind))
    return f"{n} {one if n == 1 else many}"


def percent(x: float) -> str:
    return f"{round(100 * x):d} %"


def days(x: float, short: bool = False) -> str:
    if x >= 365:
        return f"{x / 365:.1f} y" if short else f"{x / 365:.1f} years"
    if short:
        return f"{x:.0f} d"
    return f"{x:.0f} day" + ("" if round(x) == 1 else "s")
