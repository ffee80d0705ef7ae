"""Reminders, kept in the vault: what, when (UTC seconds), where it was said, and every firing.

A reminder is ``upcoming`` until its time (``next_at``: the time asked for, or the end of a snooze).
A firing is claimed in one transaction before anyone is told (state ``firing``, a
``reminder_firings`` row with outcome ``pending``), and acknowledged once the notification was shown
(state ``fired``). So a crash, or a vault closed, between the two loses nothing and shows nothing
twice: at the next start (``recover``) the claimed-but-unacknowledged firing becomes ``missed`` and is
shown once, with its time, as is every reminder that fell due while Reverie was closed. Each
round (a snooze starts a new one) can be claimed only once (``UNIQUE(reminder_id, round)``), so a
clock set backwards, or a second scheduler, never fires a reminder twice. The user ends a reminder
with ``mark_done`` or moves it with ``snooze``; ``cancel`` takes it off the list.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any, Literal

from reverie.core import history, sources
from reverie.core.errors import InputError, NotFoundError
from reverie.core.records import MEMORY_COLS, Memory
from reverie.core.reminder_time import MAX_AHEAD_SECONDS, MAX_YEARS_AHEAD, local_label, resolve_reminder_time
from reverie.core.sqltypes import Connection, inserted_id
from reverie.core.vault import Vault

State = Literal["upcoming", "firing", "fired", "missed", "done", "cancelled"]
SourceKind = Literal["user", "message", "note", "memory"]
SOURCE_KINDS = ("user", "message", "note", "memory")
MAX_TEXT_CHARS = 2000
LATE_AFTER = 120.0  # a firing more than two minutes after its time (the machine slept) is "late"

_COLS = (
    "id, uid, text, due_at, next_at, created_at, updated_at, source_kind, source_id, state, snoozed, fired_at, done_at"
)


@dataclass(frozen=True)
class Reminder:
    id: int
    uid: str
    text: str
    due_at: float  # UTC seconds: the time asked for
    next_at: float  # UTC seconds: when it fires (due_at, or the end of a snooze)
    created_at: float
    updated_at: float
    source_kind: str
    source_id: str | None
    state: State
    snoozed: int
    fired_at: float | None
    done_at: float | None

    @classmethod
    def from_row(cls, r: Sequence[Any]) -> Reminder:
        return cls(
            int(r[0]), r[1], r[2], float(r[3]), float(r[4]), float(r[5]), float(r[6]), r[7], r[8], r[9], int(r[10]),
            r[11], r[12],
        )  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Firing:
    """One showing of a reminder: on time, late (the machine slept), or missed (Reverie was closed,
    or it stopped before the notification was shown)."""

    id: int
    reminder: Reminder
    due_at: float
    claimed_at: float
    late: bool
    missed: bool

    def as_dict(self) -> dict[str, Any]:
        return {**self.reminder.as_dict(), "firing_id": self.id, "late": self.late, "missed": self.missed}


@dataclass(frozen=True)
class ReminderLists:
    upcoming: list[Reminder] = field(default_factory=list)
    due: list[Reminder] = field(default_factory=list)  # shown, not yet done
    missed: list[Reminder] = field(default_factory=list)
    done: list[Reminder] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {k: [r.as_dict() for r in getattr(self, k)] for k in ("upcoming", "due", "missed", "done")}


def _get(conn: Connection, reminder_id: int) -> Reminder:
    row = conn.execute(f"SELECT {_COLS} FROM reminders WHERE id = ?", (int(reminder_id),)).fetchone()
    if row is None:
        raise NotFoundError(f"There is no reminder {reminder_id}.")
    return Reminder.from_row(row)


def get_reminder(vault: Vault, reminder_id: int) -> Reminder:
    with vault.read() as conn:
        return _get(conn, reminder_id)


def check_due(due_at: float, now: float, tz: tzinfo | None = None) -> None:
    """Refuse a time in the past or more than ``MAX_YEARS_AHEAD`` years ahead (one sentence)."""
    if due_at != due_at or due_at <= now:
        raise InputError(f"{local_label(due_at, now, tz)} is already past; a reminder needs a time ahead.")
    if due_at - now > MAX_AHEAD_SECONDS:
        raise InputError(f"A reminder can be at most {MAX_YEARS_AHEAD} years ahead.")


def add_reminder(
    vault: Vault,
    text: str,
    due_at: float,
    now: float,
    *,
    tz: tzinfo | None = None,
    source_kind: str = "user",
    source_id: str | None = None,
    actor: str = "user",
) -> Reminder:
    """Store a reminder; nothing is stored when the text or the time is refused."""
    text = " ".join((text or "").split())
    if not text:
        raise InputError("A reminder needs some words: what should Reverie remind you of?")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"A reminder's text can be at most {MAX_TEXT_CHARS} characters.")
    if source_kind not in SOURCE_KINDS:
        raise InputError("A reminder comes from you, a message, a note or a memory.")
    check_due(due_at, now, tz)
    uid = uuid.uuid4().hex
    with vault.tx() as conn:
        rid = inserted_id(
            conn.execute(
                "INSERT INTO reminders(uid, text, due_at, next_at, created_at, updated_at, source_kind, source_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (uid, text, due_at, due_at, now, now, source_kind, source_id),
            )
        )
        history.log(conn, now, "reminder", uid, "create", actor=actor, after={"text": text, "due_at": due_at})
        return _get(conn, rid)


def remind_from_text(
    vault: Vault,
    text: str,
    now: float,
    tz: tzinfo | None,
    *,
    at: str | None = None,
    source_kind: str = "user",
    source_id: str | None = None,
) -> Reminder:
    """``reverie remind "text" --at "monday 6pm"``: the time from ``at``, or else from the text."""
    suggestion = resolve_reminder_time(at if at else text, now, tz)
    words = text if at else suggestion.text
    return add_reminder(vault, words, suggestion.due_at, now, tz=tz, source_kind=source_kind, source_id=source_id)


def _close_open_firings(conn: Connection, reminder_id: int, now: float) -> None:
    """The user acted on the reminder: its pending or unshown firings count as shown."""
    conn.execute(
        "UPDATE reminder_firings SET acked_at = ?, outcome = CASE outcome WHEN 'pending' THEN 'shown' ELSE outcome END "
        "WHERE reminder_id = ? AND acked_at IS NULL",
        (now, reminder_id),
    )


def _change(vault: Vault, reminder_id: int, now: float, action: str, sql: str, params: tuple[Any, ...]) -> Reminder:
    with vault.tx() as conn:
        before = _get(conn, reminder_id)
        if before.state in ("done", "cancelled") and action != "reopen":
            raise InputError(f"Reminder {reminder_id} is already {before.state}.")
        conn.execute(sql, (*params, now, before.id))
        _close_open_firings(conn, before.id, now)
        after = _get(conn, before.id)
        history.log(
            conn,
            now,
            "reminder",
            before.uid,
            action,
            before={"state": before.state, "next_at": before.next_at},
            after={"state": after.state, "next_at": after.next_at},
        )
        return after


def mark_done(vault: Vault, reminder_id: int, now: float) -> Reminder:
    return _change(
        vault, reminder_id, now, "done", "UPDATE reminders SET state = 'done', done_at = ?, updated_at = ? WHERE id = ?",
        (now,),
    )  # fmt: skip


def cancel(vault: Vault, reminder_id: int, now: float) -> Reminder:
    return _change(
        vault, reminder_id, now, "cancel", "UPDATE reminders SET state = 'cancelled', updated_at = ? WHERE id = ?", ()
    )


def snooze(vault: Vault, reminder_id: int, seconds: float, now: float) -> Reminder:
    """Fire again ``seconds`` from now (a new round: it can fire once more); one that has not fired
    yet is put off by ``seconds`` from its time."""
    if not seconds > 0:
        raise InputError("A snooze must be some time ahead.")
    current = get_reminder(vault, reminder_id)
    start = current.next_at if current.state == "upcoming" and current.next_at > now else now
    until = start + seconds
    check_due(until, now)
    return _change(
        vault,
        reminder_id,
        now,
        "snooze",
        "UPDATE reminders SET state = 'upcoming', next_at = ?, snoozed = snoozed + 1, updated_at = ? WHERE id = ?",
        (until,),
    )


def reminder_lists(vault: Vault, *, now: float | None = None, done_limit: int = 50) -> ReminderLists:
    """The Reminders list: upcoming (soonest first), due (shown, not done), missed, done (latest first).
    With ``now`` (a reader with no scheduler, the command line), an upcoming one whose time has
    passed is listed as missed; nothing is written."""
    with vault.read() as conn:
        rows = conn.execute(
            f"SELECT {_COLS} FROM reminders WHERE state IN ('upcoming', 'firing', 'fired', 'missed') ORDER BY next_at, id"
        ).fetchall()
        done = conn.execute(
            f"SELECT {_COLS} FROM reminders WHERE state = 'done' ORDER BY done_at DESC, id DESC LIMIT ?", (done_limit,)
        ).fetchall()
    items = [Reminder.from_row(r) for r in rows]

    def overdue(r: Reminder) -> bool:
        return now is not None and r.next_at <= now

    return ReminderLists(
        upcoming=[r for r in items if r.state == "upcoming" and not overdue(r)],
        due=[r for r in items if r.state in ("firing", "fired")],
        missed=[r for r in items if r.state == "missed" or (r.state == "upcoming" and overdue(r))],
        done=[Reminder.from_row(r) for r in done],
    )


def due_between(vault: Vault, start: float, end: float) -> list[Reminder]:
    """Reminders not done or cancelled whose time falls in ``[start, end)`` (a recap's "today")."""
    with vault.read() as conn:
        rows = conn.execute(
            f"SELECT {_COLS} FROM reminders WHERE state NOT IN ('done', 'cancelled') AND next_at >= ? AND next_at < ? "
            "ORDER BY next_at, id",
            (start, end),
        ).fetchall()
    return [Reminder.from_row(r) for r in rows]


def upcoming_times(vault: Vault, limit: int = 1000) -> list[tuple[int, float]]:
    """(id, next_at) of the upcoming reminders, soonest first: what the scheduler schedules."""
    with vault.read() as conn:
        rows = conn.execute(
            "SELECT id, next_at FROM reminders WHERE state = 'upcoming' ORDER BY next_at, id LIMIT ?", (limit,)
        ).fetchall()
    return [(int(r[0]), float(r[1])) for r in rows]


# -- firing ----------------------------------------------------------------------------------------


def _firings(conn: Connection, where: str, params: tuple[Any, ...]) -> list[Firing]:
    rows = conn.execute(
        f"SELECT f.id, f.due_at, f.claimed_at, f.late, f.outcome, {', '.join('r.' + c for c in _COLS.split(', '))} "
        f"FROM reminder_firings f JOIN reminders r ON r.id = f.reminder_id WHERE {where} ORDER BY f.due_at, f.id",
        params,
    ).fetchall()
    return [
        Firing(int(r[0]), Reminder.from_row(r[5:]), float(r[1]), float(r[2]), bool(r[3]), r[4] == "missed")
        for r in rows
    ]


def claim_due(vault: Vault, now: float, *, missed: bool = False) -> list[Firing]:
    """Claim every upcoming reminder whose time has come, in one transaction, before anyone is told.
    ``missed``: they fell due while Reverie was closed (shown once as missed)."""
    outcome, state = ("missed", "missed") if missed else ("pending", "firing")
    with vault.tx() as conn:
        due = conn.execute(
            "SELECT id, next_at, snoozed FROM reminders WHERE state = 'upcoming' AND next_at <= ?", (now,)
        ).fetchall()
        ids = []
        for rid, next_at, round_ in due:
            cur = conn.execute(
                "INSERT OR IGNORE INTO reminder_firings(reminder_id, round, due_at, claimed_at, outcome, late) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (rid, round_, next_at, now, outcome, int(missed or now - next_at > LATE_AFTER)),
            )
            # a round already claimed (by another scheduler) is not claimed again
            if cur.rowcount:
                conn.execute("UPDATE reminders SET state = ?, fired_at = ? WHERE id = ?", (state, now, rid))
                ids.append(inserted_id(cur))
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        return _firings(conn, f"f.id IN ({marks})", tuple(ids))


def acknowledge(vault: Vault, firing_id: int, now: float) -> bool:
    """The notification (or the missed notice) was shown: it will not be shown again."""
    with vault.tx() as conn:
        row = conn.execute(
            "SELECT reminder_id, outcome FROM reminder_firings WHERE id = ? AND acked_at IS NULL", (firing_id,)
        ).fetchone()
        if row is None:
            return False
        rid, outcome = row
        conn.execute(
            "UPDATE reminder_firings SET acked_at = ?, outcome = CASE outcome WHEN 'pending' THEN 'shown' ELSE outcome END "
            "WHERE id = ?",
            (now, firing_id),
        )
        if outcome == "pending":
            conn.execute("UPDATE reminders SET state = 'fired' WHERE id = ? AND state = 'firing'", (rid,))
        return True


def recover(vault: Vault, now: float) -> list[Firing]:
    """At start: a firing claimed but never shown (a crash, a vault closed) becomes missed, every
    reminder that fell due while Reverie was closed is claimed as missed, and all the missed ones not
    yet shown are returned, to be shown once (``acknowledge`` each)."""
    with vault.tx() as conn:
        conn.execute(
            "UPDATE reminders SET state = 'missed' WHERE state = 'firing' AND id IN "
            "(SELECT reminder_id FROM reminder_firings WHERE outcome = 'pending')"
        )
        conn.execute("UPDATE reminder_firings SET outcome = 'missed', late = 1 WHERE outcome = 'pending'")
    claim_due(vault, now, missed=True)
    return unshown_missed(vault)


def unshown_missed(vault: Vault) -> list[Firing]:
    with vault.read() as conn:
        return _firings(conn, "f.outcome = 'missed' AND f.acked_at IS NULL AND r.state = 'missed'", ())


def firings(vault: Vault, reminder_id: int) -> list[dict[str, Any]]:
    """The firing record of one reminder, oldest first."""
    with vault.read() as conn:
        rows = conn.execute(
            "SELECT id, round, due_at, claimed_at, acked_at, outcome, late FROM reminder_firings WHERE reminder_id = ? "
            "ORDER BY round, id",
            (reminder_id,),
        ).fetchall()
    keys = ("id", "round", "due_at", "claimed_at", "acked_at", "outcome", "late")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def describe_reminder_source(vault: Vault, reminder: Reminder) -> str:
    """Where the reminder was asked for, as a citation names it ('Note “Trip”', 'Conversation “Plans”
    (you)', via ``core.sources``); "You" for one added directly. ``source_id`` is a note's or a
    message's id, or a memory's uid."""
    if reminder.source_kind == "user" or not reminder.source_id:
        return "You"
    with vault.read() as conn:
        params: tuple[str, ...]
        if reminder.source_kind == "memory":  # a memory is named by its uid, which exports keep
            where, params = "uid = ?", (reminder.source_id,)
        else:
            where, params = "source_kind = ? AND source_id = ?", (reminder.source_kind, reminder.source_id)
        row = conn.execute(f"SELECT {MEMORY_COLS} FROM memories WHERE {where} ORDER BY seq LIMIT 1", params).fetchone()
        if row is not None:
            return sources.describe_source(conn, Memory.from_row(row))
    return sources.DELETED.get(reminder.source_kind, "A memory that was deleted")
