"""What the Reminders page shows, read on the database lane in one go, and the writes its buttons make
(each a function of the vault, run through ``Session.run_op``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from reverie.core import reminders
from reverie.core.records import MEMORY_COLS, Memory
from reverie.core.reminder_time import DEFAULT_HOUR, local_label
from reverie.core.reminders import Reminder
from reverie.core.vault import Vault

HOUR = 3600.0


@dataclass(frozen=True)
class Row:
    reminder: Reminder
    when: str  # local: "Mon 7 Dec at 17:00"
    source: str  # "Note “Trip”", "You"
    memory: Memory | None  # what opens the source (None: added directly, or deleted)


@dataclass(frozen=True)
class Lists:
    now: float
    upcoming: list[Row] = field(default_factory=list)
    missed: list[Row] = field(default_factory=list)  # missed, and shown but not done
    done: list[Row] = field(default_factory=list)


def source_memory(vault: Vault, reminder: Reminder) -> Memory | None:
    """The memory that shows where the reminder was asked for: the note's, the message's, or the
    memory itself (None for one added directly, or when the source was deleted)."""
    if reminder.source_kind == "user" or not reminder.source_id:
        return None
    params: tuple[str, ...]
    if reminder.source_kind == "memory":
        where, params = "uid = ?", (reminder.source_id,)
    else:
        where, params = "source_kind = ? AND source_id = ?", (reminder.source_kind, reminder.source_id)
    with vault.read() as conn:
        row = conn.execute(f"SELECT {MEMORY_COLS} FROM memories WHERE {where} ORDER BY seq LIMIT 1", params).fetchone()
    return None if row is None else Memory.from_row(row)


def load_lists(vault: Vault, tz: tzinfo | None) -> Lists:
    """Every list of the page (database lane)."""
    now = vault.now()
    found = reminders.reminder_lists(vault, now=now)

    def row(r: Reminder, at: float | None = None) -> Row:
        return Row(
            r,
            local_label(at if at is not None else r.next_at, now, tz),
            reminders.describe_reminder_source(vault, r),
            source_memory(vault, r),
        )

    return Lists(
        now,
        [row(r) for r in found.upcoming],
        [row(r) for r in found.due + found.missed],
        [row(r, r.done_at) for r in found.done],
    )


def tomorrow_seconds(now: float, tz: tzinfo | None) -> float:
    """Seconds from ``now`` to 09:00 tomorrow, local (a snooze "until tomorrow")."""
    local = datetime.fromtimestamp(now, tz)
    nxt = (local + timedelta(days=1)).replace(hour=DEFAULT_HOUR, minute=0, second=0, microsecond=0)
    return nxt.timestamp() - now


def snooze(vault: Vault, reminder_id: int, how: str, tz: tzinfo | None) -> Reminder:
    """Snooze "hour" or "tomorrow" (09:00 the next day). Like ``core.reminders.snooze``, from now for
    one that fired or was missed, from its own time for one still ahead."""
    now = vault.now()
    current = reminders.get_reminder(vault, reminder_id)
    start = current.next_at if current.state == "upcoming" and current.next_at > now else now
    seconds = HOUR if how == "hour" else tomorrow_seconds(start, tz)
    return reminders.snooze(vault, reminder_id, seconds, now)


def mark_done(vault: Vault, reminder_id: int) -> Reminder:
    return reminders.mark_done(vault, reminder_id, vault.now())


def cancel(vault: Vault, reminder_id: int) -> Reminder:
    return reminders.cancel(vault, reminder_id, vault.now())


def add(vault: Vault, text: str, due_at: float, tz: tzinfo | None) -> Reminder:
    return reminders.add_reminder(vault, text, due_at, vault.now(), tz=tz)
