"""Merge rules for reminders in a vault file (``reminders.jsonl``, identified by ``uid``).

A reminder of the file that the vault lacks is added; one that differs replaces the vault's when it
was changed later (``updated_at``), as notes do. The firing record stays with the vault it happened
in: a reminder caught mid-firing (``firing``) comes in as ``missed``, so it is listed and none is lost.
Runs inside the importer's transaction."""

from __future__ import annotations

from typing import Any

from reverie.core.transfer.merge import NEW, UNCHANGED, MergeState, _dump, _load, _newer

_FIELDS = (
    "text",
    "due_at",
    "next_at",
    "created_at",
    "updated_at",
    "source_kind",
    "source_id",
    "state",
    "snoozed",
    "fired_at",
    "done_at",
    "origin",
    "meta",
)


def _incoming(r: dict[str, Any]) -> dict[str, Any]:
    return {**r, "state": "missed" if r["state"] == "firing" else r["state"]}


def classify_reminder(conn: Any, r: dict[str, Any], st: MergeState) -> str:
    row = conn.execute(f"SELECT {', '.join(_FIELDS)} FROM reminders WHERE uid = ?", (r["uid"],)).fetchone()
    if row is None:
        return NEW
    mine = dict(zip(_FIELDS, row, strict=True))
    mine["meta"] = _load(mine["meta"])
    theirs = _incoming(r)
    if all(mine[k] == theirs[k] for k in _FIELDS):
        return UNCHANGED
    return _newer(r["updated_at"], mine["updated_at"])


def apply_reminder(conn: Any, r: dict[str, Any], status: str) -> None:
    theirs = _incoming(r)
    vals = [_dump(theirs[k]) if k == "meta" else theirs[k] for k in _FIELDS]
    if status == NEW:
        conn.execute(
            f"INSERT INTO reminders({', '.join(_FIELDS)}, uid) VALUES ({', '.join('?' * (len(_FIELDS) + 1))})",
            (*vals, r["uid"]),
        )
    else:
        conn.execute(f"UPDATE reminders SET {', '.join(k + ' = ?' for k in _FIELDS)} WHERE uid = ?", (*vals, r["uid"]))
