"""What a consolidation run reads (``gather``, under the vault lock, quickly) and the plan it
builds from it (no lock held: the model may run for minutes)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from reverie.core.profile import text_setting
from reverie.core.sqltypes import Connection

PROFILE_KEY = "profile"
PROFILE_AUTO_KEY = "profile_auto"  # the profile text consolidation wrote last (to tell user edits apart)


@dataclass(frozen=True)
class Unit:
    id: int
    kind: str
    text: str
    speaker: str | None
    trust: str
    happened_at: float
    source_kind: str
    source_id: str | None
    conversation_id: str | None
    conversation_title: str
    day: str
    new: bool
    own: bool = False  # the user's own words: their chat turns, notes written in Reverie or marked theirs


@dataclass(frozen=True)
class ExistingFact:
    id: int
    text: str
    subject: str | None
    value: str | None
    happened_at: float
    origin: str | None = None  # "rule" | "model" for facts consolidation extracted
    sources: int = 0  # how many memories it stands on
    own_sources: int = 0  # how many of those are the user's own words
    kept_by_user: bool = False  # pinned, edited or restored by the user


@dataclass(frozen=True)
class ExistingSummary:
    id: int
    text: str
    sources: frozenset[int]


@dataclass
class Inputs:
    now: float
    new_ids: list[int]
    days: dict[str, list[Unit]]
    summaries: dict[str, ExistingSummary]  # by uid
    facts: list[ExistingFact]
    exact_groups: list[list[int]]  # ids sharing kind and content hash, keeper first
    profile: str
    profile_auto: str


@dataclass(frozen=True)
class SummaryItem:
    uid: str
    scope: str  # "day" | "session"
    context: str
    text: str
    happened_at: float
    sources: tuple[int, ...]
    existing_id: int | None  # None: add; else update that summary


@dataclass
class FactItem:
    text: str
    sources: tuple[int, ...]
    happened_at: float
    subject: str | None
    value: str | None
    origin: str  # "rule" | "model"
    action: str = "add"  # add | update | supersede | noop
    target_id: int | None = None  # an existing fact
    target_index: int | None = None  # or a fact earlier in this plan
    similarity: float = 0.0


@dataclass(frozen=True)
class Merge:
    keep_id: int
    dup_id: int
    reason: str  # "exact" | "near 0.93"


@dataclass(frozen=True)
class Retraction:
    fact_id: int
    text: str
    reason: str


@dataclass
class ConsolidationPlan:
    now: float
    mark_ids: list[int]
    summaries: list[SummaryItem] = field(default_factory=list)
    facts: list[FactItem] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)
    profile: str | None = None  # the new profile text, or None to leave it
    profile_auto: str | None = None
    rejections: list[str] = field(default_factory=list)
    retractions: list[Retraction] = field(default_factory=list)


def day_of(ts: float, tz: tzinfo | None) -> str:
    return datetime.fromtimestamp(ts, tz).strftime("%Y-%m-%d")


def day_bounds(day: str, tz: tzinfo | None) -> tuple[float, float]:
    start = datetime.strptime(day, "%Y-%m-%d")
    start = start.replace(tzinfo=tz) if tz is not None else start
    end = start + timedelta(days=1)
    return start.timestamp(), end.timestamp()


OWN_NOTE_KEY = "own_words"  # notes.meta: true when an imported note was marked as the user's own writing


def own_words_sql(m: str = "m") -> str:
    """An SQL condition on memory ``m``: it holds the user's own words. A chat turn is theirs when
    its message has role ``user`` (Reverie's replies never are; a ChatGPT export's user turns
    are); a note passage is theirs when the note was written in Reverie (no ``origin``) or was
    marked, at import, as their own writing."""
    return (
        f"(({m}.source_kind = 'message' AND EXISTS (SELECT 1 FROM messages ow_m WHERE ow_m.id = {m}.source_id "
        "AND ow_m.role = 'user')) "
        f"OR ({m}.source_kind = 'note' AND EXISTS (SELECT 1 FROM notes ow_n WHERE ow_n.id = {m}.source_id "
        f"AND (ow_n.origin IS NULL OR CASE WHEN json_valid(ow_n.meta) THEN json_extract(ow_n.meta, '$.{OWN_NOTE_KEY}') "
        "END = 1))))"
    )


_UNIT_SQL = (
    "SELECT m.id, m.kind, m.text, m.speaker, m.trust, m.happened_at, m.source_kind, m.source_id, "
    "msg.conversation_id, coalesce(c.title, ''), "
    "EXISTS (SELECT 1 FROM consolidation_marks k WHERE k.memory_id = m.id), "
    f"{own_words_sql('m')} "
    "FROM memories m LEFT JOIN messages msg ON m.source_kind = 'message' AND msg.id = m.source_id "
    "LEFT JOIN conversations c ON c.id = msg.conversation_id "
    "WHERE m.kind IN ('chat', 'note') AND m.archived = 0 "
)

_FACT_SQL = (
    "SELECT m.id, m.text, m.meta, m.happened_at, "
    "(SELECT count(*) FROM memory_sources s WHERE s.memory_id = m.id), "
    "(SELECT count(*) FROM memory_sources s JOIN memories src ON src.id = s.source_memory_id "
    f"WHERE s.memory_id = m.id AND {own_words_sql('src')}), "
    "m.pinned OR EXISTS (SELECT 1 FROM history h WHERE h.entity = 'memory' AND h.entity_id = m.uid "
    "AND h.actor = 'user') "
    "FROM memories m WHERE m.kind = 'fact' AND m.archived = 0 "
    "AND m.superseded_by IS NULL AND m.valid_to IS NULL ORDER BY m.id"
)


def count_waiting(conn: Connection) -> int:
    """How many chat and note units no consolidation has read yet."""
    return int(
        conn.execute(
            "SELECT count(*) FROM memories m WHERE m.kind IN ('chat', 'note') AND m.archived = 0 "
            "AND NOT EXISTS (SELECT 1 FROM consolidation_marks k WHERE k.memory_id = m.id)"
        ).fetchone()[0]
    )


def gather(conn: Connection, now: float, tz: tzinfo | None, *, max_units: int = 5000) -> Inputs:
    """Read what consolidation needs: the units not consolidated yet and every unit of their
    days, the day and session summaries already written, the current facts, exact duplicates."""
    new_rows = conn.execute(
        "SELECT m.id, m.happened_at FROM memories m WHERE m.kind IN ('chat', 'note') AND m.archived = 0 "
        "AND NOT EXISTS (SELECT 1 FROM consolidation_marks k WHERE k.memory_id = m.id) "
        "ORDER BY m.happened_at, m.id LIMIT ?",
        (max_units,),
    ).fetchall()
    new_ids = [int(r[0]) for r in new_rows]
    day_names = sorted({day_of(r[1], tz) for r in new_rows})
    days: dict[str, list[Unit]] = {}
    for day in day_names:
        start, end = day_bounds(day, tz)
        rows = conn.execute(
            _UNIT_SQL + "AND m.happened_at >= ? AND m.happened_at < ? ORDER BY m.happened_at, m.id", (start, end)
        ).fetchall()
        days[day] = [
            Unit(int(r[0]), r[1], r[2], r[3], r[4], float(r[5]), r[6], r[7], r[8], r[9], day, not r[10], bool(r[11]))
            for r in rows
        ]
    uids = [f"summary:day:{d}" for d in day_names]
    uids += sorted(
        {f"summary:session:{u.conversation_id}:{d}" for d, us in days.items() for u in us if u.conversation_id}
    )
    summaries: dict[str, ExistingSummary] = {}
    for i in range(0, len(uids), 400):
        chunk = uids[i : i + 400]
        marks = ",".join("?" * len(chunk))
        for mid, uid, text in conn.execute(
            f"SELECT id, uid, text FROM memories WHERE uid IN ({marks})", chunk
        ).fetchall():
            srcs = frozenset(
                r[0] for r in conn.execute("SELECT source_memory_id FROM memory_sources WHERE memory_id = ?", (mid,))
            )
            summaries[uid] = ExistingSummary(int(mid), text, srcs)
    facts = []
    for mid, text, meta, happened, n_src, n_own, kept in conn.execute(_FACT_SQL).fetchall():
        m = json.loads(meta or "{}")
        facts.append(
            ExistingFact(
                int(mid),
                text,
                m.get("subject"),
                m.get("value"),
                float(happened),
                m.get("origin"),
                int(n_src),
                int(n_own),
                bool(kept),
            )
        )
    groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for kind, trust, h, mid in conn.execute(
        "SELECT kind, trust, content_hash, id FROM memories WHERE archived = 0 AND superseded_by IS NULL "
        "AND (kind, trust, content_hash) IN (SELECT kind, trust, content_hash FROM memories "
        "WHERE archived = 0 AND superseded_by IS NULL GROUP BY kind, trust, content_hash HAVING count(*) > 1) "
        "ORDER BY kind, trust, content_hash, pinned DESC, recall_count DESC, id"
    ).fetchall():
        groups[(kind, trust, h)].append(int(mid))
    return Inputs(
        now,
        new_ids,
        days,
        summaries,
        facts,
        list(groups.values()),
        text_setting(conn, PROFILE_KEY),
        text_setting(conn, PROFILE_AUTO_KEY),
    )
