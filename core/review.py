"""The review of fading memories: forgetting as a conversation, not a silent archive.

Memories whose retention (``core.retention``: ``R = exp(-t / S)``) has fallen into a band just above
the archive threshold (``REVIEW_BAND_TOP`` down to ``DecayParams.threshold``; and those already below
it that the nightly decay has not archived yet), not pinned, not archived, not superseded, and not
too important to be archived at all, come up in a short daily review, at most ``per_day`` a local day
(reviews already made that day count against it). The closest to the threshold come first, weighted
by importance and by how recent the memory is (``review_score``).

For each the user chooses (``review``), every choice a ``history`` row (action ``review``):
- keep: a recall (``core.recall``): strength grows, the curve starts again;
- pin: it never fades;
- fade: archived now (it can be restored from the archive);
- correct: new words, and a recall.

``review_history`` gives, per local day, how many of each were chosen (Insights).
Pure of the wall clock: ``now`` and ``tz`` are passed in.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any, Literal, get_args

from reverie.core import history, ingest
from reverie.core.decay import DecayParams
from reverie.core.errors import InputError, NotFoundError
from reverie.core.recall import reinforce_in
from reverie.core.records import MAX_TEXT_BYTES, MEMORY_COLS, Memory
from reverie.core.retention import DAY, retention_at
from reverie.core.sqltypes import Connection
from reverie.core.textutil import clean_text
from reverie.core.vault import Vault

Choice = Literal["keep", "pin", "fade", "correct"]
CHOICES: tuple[str, ...] = get_args(Choice)
REVIEW_BAND_TOP = 0.25  # retention at or below this is "fading"
PER_DAY = 10
CANDIDATE_LIMIT = 500  # read at most this many of the most faded, then rank them


@dataclass(frozen=True)
class ReviewItem:
    memory: Memory
    retention: float
    days_left: float  # until it falls below the archive threshold (0 when it already has)
    score: float

    def as_dict(self) -> dict[str, Any]:
        m = self.memory
        return {
            "id": m.id,
            "uid": m.uid,
            "kind": m.kind,
            "text": m.text,
            "happened_at": m.happened_at,
            "importance": m.importance,
            "retention": round(self.retention, 4),
            "days_left": round(self.days_left, 1),
            "score": round(self.score, 4),
        }


@dataclass(frozen=True)
class ReviewDay:
    day: str  # local date, YYYY-MM-DD
    keep: int = 0
    pin: int = 0
    fade: int = 0
    correct: int = 0

    @property
    def total(self) -> int:
        return self.keep + self.pin + self.fade + self.correct

    def as_dict(self) -> dict[str, Any]:
        return {"day": self.day, "keep": self.keep, "pin": self.pin, "fade": self.fade, "correct": self.correct}


def review_score(retention: float, importance: float, age_days: float, threshold: float, top: float) -> float:
    """Higher first: closeness to the archive threshold (half), importance (0.3), recency (0.2, a
    memory from this year before one from ten years ago)."""
    span = max(top - threshold, 1e-9)
    urgency = min(1.0, max(0.0, (top - retention) / span))
    recency = math.exp(-max(age_days, 0.0) / 365.0)
    return 0.5 * urgency + 0.3 * min(1.0, max(0.0, importance)) + 0.2 * recency


def days_until_archive(retention: float, strength_days: float, threshold: float) -> float:
    """Days until ``retention`` (now) falls below ``threshold`` with this strength (0 when it has)."""
    if retention <= threshold:
        return 0.0
    return strength_days * (math.log(retention) - math.log(threshold))


def day_bounds(now: float, tz: tzinfo | None) -> tuple[float, float]:
    """The local day around ``now``: its first second and the next day's (a wall-clock day, 23 or 25
    hours on a daylight-saving change)."""
    local = datetime.fromtimestamp(now, tz)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    nxt = (start + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return start.timestamp(), nxt.timestamp()


def reviewed_between(conn: Connection, start: float, end: float) -> int:
    row = conn.execute(
        "SELECT count(*) FROM history WHERE entity = 'memory' AND action = 'review' AND at >= ? AND at < ?",
        (start, end),
    ).fetchone()
    return int(row[0])


def candidates(conn: Connection, now: float, params: DecayParams, top: float = REVIEW_BAND_TOP) -> list[ReviewItem]:
    """Every memory in the fading band at ``now``, ranked (best first)."""
    low = -math.log(top) * DAY  # R <= top  <=>  t >= -ln(top) * S
    # the ids first (the sort carries no text), then the rows of those few
    ids = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM memories WHERE archived = 0 AND pinned = 0 AND superseded_by IS NULL "
            "AND importance <= :max_imp AND (:now - coalesce(last_recalled_at, recorded_at)) >= :low * strength "
            "ORDER BY (:now - coalesce(last_recalled_at, recorded_at)) / strength DESC, id LIMIT :limit",
            {"now": now, "max_imp": params.max_importance, "low": low, "limit": CANDIDATE_LIMIT},
        )
    ]
    rows = (
        conn.execute(f"SELECT {MEMORY_COLS} FROM memories WHERE id IN ({', '.join('?' * len(ids))})", ids).fetchall()
        if ids
        else []
    )
    out = []
    for row in rows:
        m = Memory.from_row(row)
        r = retention_at(now, m.recorded_at, m.last_recalled_at, m.strength, m.pinned)
        score = review_score(r, m.importance, (now - m.happened_at) / DAY, params.threshold, top)
        out.append(ReviewItem(m, r, days_until_archive(r, m.strength, params.threshold), score))
    out.sort(key=lambda item: (-item.score, item.memory.id))
    return out


def review_queue(
    vault: Vault,
    now: float,
    tz: tzinfo | None = None,
    *,
    per_day: int = PER_DAY,
    params: DecayParams | None = None,
    top: float = REVIEW_BAND_TOP,
) -> list[ReviewItem]:
    """Today's review: the best-ranked fading memories, at most ``per_day`` less those reviewed today."""
    params = params or DecayParams()
    start, end = day_bounds(now, tz)
    with vault.read() as conn:
        left = max(0, per_day - reviewed_between(conn, start, end))
        if left == 0:
            return []
        return candidates(conn, now, params, top)[:left]


def _memory(conn: Connection, memory_id: int) -> Memory:
    row = conn.execute(f"SELECT {MEMORY_COLS} FROM memories WHERE id = ?", (int(memory_id),)).fetchone()
    if row is None:
        raise NotFoundError(f"There is no memory {memory_id} (it may have been deleted).")
    return Memory.from_row(row)


def review(
    vault: Vault, memory_id: int, choice: str, now: float, *, text: str | None = None, actor: str = "user"
) -> Memory:
    """Apply the user's choice for one memory, in one transaction; returns the memory after it."""
    if choice not in CHOICES:
        raise InputError("Choose keep, pin, fade or correct.")
    new_text = ""
    if choice == "correct":
        new_text = clean_text(text or "").strip()
        if not new_text:
            raise InputError("Give the corrected words; nothing was changed.")
        if len(new_text.encode("utf-8")) > MAX_TEXT_BYTES:
            raise InputError("This text is too large for one memory; nothing was changed.")
    with vault.tx() as conn:
        m = _memory(conn, memory_id)
        if m.archived:
            raise InputError("This memory is already archived; restore it from the archive first.")
        before = {"strength": m.strength, "pinned": m.pinned, "text": m.text[:500]}
        if choice in ("keep", "correct"):
            if choice == "correct" and new_text != m.text:
                ingest.set_memory_text(conn, m.id, new_text, m.context)
                history.log(
                    conn, now, "memory", m.uid, "edit", actor=actor, before={"text": m.text}, after={"text": new_text}
                )
            reinforce_in(conn, [m.id], now, reason=f"{choice} in the review of fading memories", actor=actor)
        elif choice == "pin" and not m.pinned:
            conn.execute("UPDATE memories SET pinned = 1 WHERE id = ?", (m.id,))
            history.log(
                conn, now, "memory", m.uid, "pin", actor=actor, before={"pinned": False}, after={"pinned": True}
            )
        elif choice == "fade":
            conn.execute("UPDATE memories SET archived = 1, archived_at = ? WHERE id = ?", (now, m.id))
            history.log(
                conn, now, "memory", m.uid, "archive", actor=actor, note="let fade in the review",
                before={"archived": False}, after={"archived": True, "archived_at": now},
            )  # fmt: skip
        after = _memory(conn, m.id)
        history.log(
            conn,
            now,
            "memory",
            m.uid,
            "review",
            actor=actor,
            before=before,
            after={"choice": choice, "strength": after.strength, "pinned": after.pinned, "archived": after.archived},
        )
        return after


def review_history(vault: Vault, tz: tzinfo | None = None, *, since: float | None = None) -> list[ReviewDay]:
    """Per local day (oldest first), how many memories were kept, pinned, let fade and corrected."""
    with vault.read() as conn:
        rows = conn.execute(
            "SELECT at, after FROM history WHERE entity = 'memory' AND action = 'review' AND at >= ? ORDER BY at",
            (since if since is not None else float("-inf"),),
        ).fetchall()
    days: dict[str, dict[str, int]] = {}
    for at, after in rows:
        try:
            choice = json.loads(after or "{}").get("choice")
        except (ValueError, AttributeError):
            continue
        if choice not in CHOICES:
            continue
        day = datetime.fromtimestamp(at, tz).strftime("%Y-%m-%d")
        counts = days.setdefault(day, dict.fromkeys(CHOICES, 0))
        counts[choice] += 1
    return [ReviewDay(day, **counts) for day, counts in sorted(days.items())]
