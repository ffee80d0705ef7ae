"""The morning recap (opt-in, at a chosen time): what is on today, what Reverie learned last night,
and what happened on this day in earlier years. ``compose_recap`` only reads; it returns data that the
window (a card, a notification) and ``reverie recap`` show.

- Today: reminders due today (not done or cancelled), statements whose time is today (a message's
  ``meta.when.at``, recorded by ``core.whenparse`` when it was said), and notes with a property
  holding today's date (``date: 2026-11-30``).
- Learned: the facts and summaries the latest consolidation run made (``job_runs``; its memories have
  ``source_id = 'run:<id>'``), when that run finished since yesterday's start.
- On this day: your own memories (chat and notes) from the same month and day in earlier years.
Days are local days in ``tz``; times are stored in UTC.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any, Literal

from reverie.core import reminders
from reverie.core.review import day_bounds
from reverie.core.sources import clip
from reverie.core.sqltypes import Connection
from reverie.core.vault import Vault

ItemKind = Literal["reminder", "event", "note", "fact", "summary", "memory"]
MAX_ITEMS = 10
MAX_YEARS_BACK = 30
TEXT_LIMIT = 200


@dataclass(frozen=True)
class RecapItem:
    kind: ItemKind
    text: str
    at: float | None  # UTC seconds, when it is (today) or happened (on this day)
    when: str  # local: "17:00", "all day", "2023"
    source_kind: str  # reminder, message, note, memory
    source_id: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Recap:
    day: str  # the local date, YYYY-MM-DD
    made_at: float
    today: list[RecapItem] = field(default_factory=list)
    learned: list[RecapItem] = field(default_factory=list)
    on_this_day: list[RecapItem] = field(default_factory=list)
    run_id: int | None = None  # the consolidation run "learned" comes from

    @property
    def empty(self) -> bool:
        return not (self.today or self.learned or self.on_this_day)

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day,
            "made_at": self.made_at,
            "run_id": self.run_id,
            "today": [i.as_dict() for i in self.today],
            "learned": [i.as_dict() for i in self.learned],
            "on_this_day": [i.as_dict() for i in self.on_this_day],
        }

    def lines(self) -> list[str]:
        """The recap as plain lines (the command line, a notification's text)."""
        out = [f"Your day, {self.day}"]
        sections = (
            ("Today", self.today, "Nothing planned that I know of."),
            ("Learned last night", self.learned, "Nothing new from last night."),
            ("On this day", self.on_this_day, "No memories from this day in earlier years."),
        )
        for title, items, none in sections:
            out.append(f"{title}:")
            out.extend(f"  {i.when + ': ' if i.when else ''}{i.text}" for i in items)
            if not items:
                out.append(f"  {none}")
        return out


def _hhmm(ts: float, tz: tzinfo | None) -> str:
    return datetime.fromtimestamp(ts, tz).strftime("%H:%M")


def _events(conn: Connection, start: float, end: float, tz: tzinfo | None) -> list[RecapItem]:
    rows = conn.execute(
        "SELECT id, content, json_extract(meta, '$.when.at'), json_extract(meta, '$.when.granularity') FROM messages "
        "WHERE role = 'user' AND json_valid(meta) AND json_extract(meta, '$.when.at') >= ? "
        "AND json_extract(meta, '$.when.at') < ? ORDER BY json_extract(meta, '$.when.at'), id LIMIT ?",
        (start, end, MAX_ITEMS),
    ).fetchall()
    return [
        RecapItem("event", clip(content, TEXT_LIMIT), float(at), _hhmm(at, tz) if gran == "minute" else "all day",
                  "message", mid)
        for mid, content, at, gran in rows
    ]  # fmt: skip


def _dated_notes(conn: Connection, day: str) -> list[RecapItem]:
    rows = conn.execute(
        "SELECT id, title, meta FROM notes WHERE instr(meta, ?) > 0 ORDER BY updated_at DESC LIMIT 50", (day,)
    ).fetchall()
    out = []
    for nid, title, raw in rows:
        try:
            props = json.loads(raw).get("properties") or {}
        except (ValueError, AttributeError):
            continue
        values = [v for value in props.values() for v in (value if isinstance(value, list) else [value])]
        if any(isinstance(v, str) and v.strip()[:10] == day for v in values):
            out.append(RecapItem("note", clip(title or "Untitled", TEXT_LIMIT), None, "all day", "note", nid))
    return out[:MAX_ITEMS]


def _learned(conn: Connection, since: float) -> tuple[int | None, list[RecapItem]]:
    row = conn.execute(
        "SELECT id FROM job_runs WHERE job = 'consolidation' AND status = 'ok' AND finished_at >= ? "
        "ORDER BY finished_at DESC, id DESC LIMIT 1",
        (since,),
    ).fetchone()
    if row is None:
        return None, []
    run_id = int(row[0])
    rows = conn.execute(
        "SELECT id, kind, text FROM memories WHERE source_kind = 'consolidation' AND source_id = ? AND archived = 0 "
        "ORDER BY CASE kind WHEN 'fact' THEN 0 ELSE 1 END, id LIMIT ?",
        (f"run:{run_id}", MAX_ITEMS),
    ).fetchall()
    kinds: dict[str, ItemKind] = {"fact": "fact", "summary": "summary"}
    return run_id, [
        RecapItem(kinds.get(kind, "fact"), clip(text, TEXT_LIMIT), None, "", "memory", str(mid))
        for mid, kind, text in rows
    ]


def _same_day_earlier(now: float, tz: tzinfo | None, first_year: int) -> list[tuple[int, float, float]]:
    local = datetime.fromtimestamp(now, tz)
    out = []
    for year in range(local.year - 1, max(first_year, local.year - MAX_YEARS_BACK) - 1, -1):
        try:
            then = local.replace(year=year)
        except ValueError:  # 29 February in a year without it
            continue
        start, end = day_bounds(then.timestamp(), tz)
        out.append((year, start, end))
    return out


def _on_this_day(conn: Connection, now: float, tz: tzinfo | None) -> list[RecapItem]:
    row = conn.execute("SELECT min(happened_at) FROM memories WHERE kind IN ('chat', 'note')").fetchone()
    if row is None or row[0] is None:
        return []
    try:
        first_year = datetime.fromtimestamp(float(row[0]), tz).year
    except (OverflowError, OSError, ValueError):
        first_year = datetime.fromtimestamp(now, tz).year - MAX_YEARS_BACK
    out: list[RecapItem] = []
    for year, start, end in _same_day_earlier(now, tz, first_year):
        rows = conn.execute(
            "SELECT id, text, happened_at FROM memories WHERE kind IN ('chat', 'note') AND archived = 0 "
            "AND trust != 'assistant' AND happened_at >= ? AND happened_at < ? ORDER BY importance DESC, happened_at, id "
            "LIMIT 3",
            (start, end),
        ).fetchall()
        out.extend(
            RecapItem("memory", clip(text, TEXT_LIMIT), float(at), str(year), "memory", str(mid))
            for mid, text, at in rows
        )
        if len(out) >= MAX_ITEMS:
            break
    return out[:MAX_ITEMS]


def compose_recap(vault: Vault, now: float, tz: tzinfo | None = None) -> Recap:
    """Today's recap at ``now`` (reads only)."""
    start, end = day_bounds(now, tz)
    yesterday = day_bounds(start - 1, tz)[0]
    day = datetime.fromtimestamp(now, tz).strftime("%Y-%m-%d")
    due = reminders.due_between(vault, start, end)
    today = [RecapItem("reminder", r.text, r.next_at, _hhmm(r.next_at, tz), "reminder", str(r.id)) for r in due]
    with vault.read() as conn:
        events = _events(conn, start, end, tz)
        dated = _dated_notes(conn, day)
        run_id, learned = _learned(conn, yesterday)
        earlier = _on_this_day(conn, now, tz)
    timed = sorted(today + events, key=lambda i: (i.at if i.at is not None else end, i.kind))
    return Recap(day, now, (timed + dated)[: 2 * MAX_ITEMS], learned, earlier, run_id)
