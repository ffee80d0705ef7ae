"""Writing a consolidation plan: one transaction, every change in history."""

from __future__ import annotations

import json
from collections.abc import Iterable

from reverie.core import history
from reverie.core.consolidation.planner import ConsolidationPlan, FactItem, SummaryItem
from reverie.core.consolidation.profile import write_profile
from reverie.core.ingest import insert_memory, set_memory_text
from reverie.core.sqltypes import Connection
from reverie.core.vault import Vault

ACTOR = "consolidation"


def link_sources(conn: Connection, memory_id: int, sources: Iterable[int]) -> None:
    """Link a consolidated memory to its sources (a source deleted meanwhile is skipped)."""
    conn.executemany(
        "INSERT OR IGNORE INTO memory_sources(memory_id, source_memory_id) SELECT ?, id FROM memories WHERE id = ?",
        [(memory_id, s) for s in sources if s != memory_id],
    )


def _uid_of(conn: Connection, mid: int) -> str | None:
    row = conn.execute("SELECT uid FROM memories WHERE id = ?", (mid,)).fetchone()
    return row[0] if row else None


def _summary(conn: Connection, now: float, s: SummaryItem, run_id: int | None) -> str:
    if s.existing_id is not None and _uid_of(conn, s.existing_id) is not None:
        old = conn.execute("SELECT text FROM memories WHERE id = ?", (s.existing_id,)).fetchone()[0]
        set_memory_text(conn, s.existing_id, s.text, s.context)
        conn.execute("DELETE FROM memory_sources WHERE memory_id = ?", (s.existing_id,))
        link_sources(conn, s.existing_id, s.sources)
        history.log(
            conn,
            now,
            "memory",
            s.uid,
            "update",
            actor=ACTOR,
            before={"text": old[:500]},
            after={"text": s.text[:500]},
            note=f"{s.scope} summary rewritten with new sources",
        )
        return "updated"
    mid = insert_memory(
        conn,
        now,
        kind="summary",
        source_kind="consolidation",
        source_id=f"run:{run_id}",
        text=s.text,
        context=s.context,
        happened_at=s.happened_at,
        uid=s.uid,
        actor=ACTOR,
        meta=json.dumps({"scope": s.scope}),
    )
    link_sources(conn, mid, s.sources)
    return "added"


def _fact(conn: Connection, now: float, f: FactItem, target: int | None, run_id: int | None) -> int:
    meta = json.dumps({"subject": f.subject, "value": f.value, "origin": f.origin}, ensure_ascii=False)
    if f.action == "noop" and target is not None:
        link_sources(conn, target, f.sources)
        return target
    if f.action == "update" and target is not None and _uid_of(conn, target):
        old = conn.execute("SELECT uid, text, meta FROM memories WHERE id = ?", (target,)).fetchone()
        set_memory_text(conn, target, f.text, "Fact")
        conn.execute("UPDATE memories SET meta = ? WHERE id = ?", (meta, target))
        link_sources(conn, target, f.sources)
        history.log(
            conn,
            now,
            "memory",
            old[0],
            "update",
            actor=ACTOR,
            before={"text": old[1]},
            after={"text": f.text},
            note=f"fact refined (similarity {f.similarity:.2f})",
        )
        return target
    mid = insert_memory(
        conn,
        now,
        kind="fact",
        source_kind="consolidation",
        source_id=f"run:{run_id}",
        text=f.text,
        context="Fact",
        happened_at=f.happened_at,
        valid_from=f.happened_at,
        actor=ACTOR,
        meta=meta,
    )
    link_sources(conn, mid, f.sources)
    if f.action == "supersede" and target is not None:
        row = conn.execute("SELECT uid, text, valid_from FROM memories WHERE id = ?", (target,)).fetchone()
        if row is not None:
            valid_to = max(f.happened_at, row[2] or f.happened_at)
            conn.execute("UPDATE memories SET valid_to = ?, superseded_by = ? WHERE id = ?", (valid_to, mid, target))
            history.log(
                conn,
                now,
                "memory",
                row[0],
                "supersede",
                actor=ACTOR,
                before={"text": row[1], "valid_to": None},
                after={"valid_to": valid_to, "superseded_by": _uid_of(conn, mid), "by_text": f.text},
            )
    return mid


def _merge(conn: Connection, now: float, keep: int, dup: int, reason: str) -> bool:
    row = conn.execute(
        "SELECT uid, archived, pinned, recall_count, strength, importance FROM memories WHERE id = ?", (dup,)
    ).fetchone()
    keeper = _uid_of(conn, keep)
    if row is None or keeper is None or row[1] or row[2]:
        return False
    conn.execute(
        "UPDATE memories SET archived = 1, archived_at = ?, meta = json_set(meta, '$.merged_into', ?) WHERE id = ?",
        (now, keeper, dup),
    )
    conn.execute(
        "UPDATE memories SET recall_count = recall_count + ?, strength = max(strength, ?), "
        "importance = max(importance, ?) WHERE id = ?",
        (row[3], row[4], row[5], keep),
    )
    link_sources(conn, keep, [dup])
    conn.execute(
        "INSERT OR IGNORE INTO memory_sources(memory_id, source_memory_id) "
        "SELECT memory_id, ? FROM memory_sources WHERE source_memory_id = ? AND memory_id != ?",
        (keep, dup, keep),
    )
    history.log(
        conn,
        now,
        "memory",
        row[0],
        "merge",
        actor=ACTOR,
        before={"archived": 0},
        after={"archived": 1, "merged_into": keeper},
        note=f"{reason} duplicate",
    )
    return True


def _retract(conn: Connection, now: float, fact_id: int, reason: str) -> bool:
    """Put away a fact consolidation wrote earlier (archived with the reason; restorable)."""
    row = conn.execute(
        "SELECT uid, archived, pinned FROM memories WHERE id = ? AND kind = 'fact'", (fact_id,)
    ).fetchone()
    if row is None or row[1] or row[2]:
        return False
    conn.execute(
        "UPDATE memories SET archived = 1, archived_at = ?, meta = json_set(meta, '$.retracted', ?) WHERE id = ?",
        (now, reason, fact_id),
    )
    history.log(
        conn,
        now,
        "memory",
        row[0],
        "archive",
        actor=ACTOR,
        before={"archived": 0},
        after={"archived": 1, "retracted": reason},
        note=f"fact retracted: {reason}",
    )
    return True


def apply_plan(
    vault: Vault, plan: ConsolidationPlan, run_id: int | None = None, old_profile: str = ""
) -> dict[str, int]:
    counts = {
        "summaries_added": 0,
        "summaries_updated": 0,
        "facts_added": 0,
        "facts_updated": 0,
        "facts_superseded": 0,
        "facts_noop": 0,
        "facts_retracted": 0,
        "duplicates_merged": 0,
        "profile_updated": 0,
    }
    now = plan.now
    with vault.tx() as conn:
        for r in plan.retractions:
            counts["facts_retracted"] += _retract(conn, now, r.fact_id, r.reason)
        for s in plan.summaries:
            counts["summaries_" + _summary(conn, now, s, run_id)] += 1
        ids: list[int] = []
        for f in plan.facts:
            target = (
                f.target_id
                if f.target_id is not None
                else (ids[f.target_index] if f.target_index is not None else None)
            )
            ids.append(_fact(conn, now, f, target, run_id))
            key = {"add": "facts_added", "update": "facts_updated", "supersede": "facts_superseded"}.get(
                f.action, "facts_noop"
            )
            counts[key] += 1
        for m in plan.merges:
            counts["duplicates_merged"] += _merge(conn, now, m.keep_id, m.dup_id, m.reason)
        if plan.profile is not None:
            write_profile(conn, now, plan.profile, plan.profile_auto, old_profile)
            counts["profile_updated"] = 1
        conn.executemany(
            "INSERT OR IGNORE INTO consolidation_marks(memory_id, run_id, at) SELECT id, ?, ? FROM memories WHERE id = ?",
            [(run_id, now, i) for i in plan.mark_ids],
        )
    return counts
