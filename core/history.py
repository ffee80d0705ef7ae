"""The audit trail: every change to a record or a memory leaves a row in ``history``."""

from __future__ import annotations

import json
from typing import Any

from reverie.core.sqltypes import Connection


def log(
    conn: Connection,
    now: float,
    entity: str,
    entity_id: str | int,
    action: str,
    *,
    actor: str = "user",
    before: Any = None,
    after: Any = None,
    note: str | None = None,
) -> None:
    conn.execute(
        "INSERT INTO history(at, entity, entity_id, action, actor, before, after, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            now,
            entity,
            str(entity_id),
            action,
            actor,
            None if before is None else json.dumps(before, ensure_ascii=False, default=str),
            None if after is None else json.dumps(after, ensure_ascii=False, default=str),
            note,
        ),
    )


def entries(conn: Connection, entity: str, entity_id: str | int, limit: int = 200) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT id, at, action, actor, before, after, note FROM history "
        "WHERE entity = ? AND entity_id = ? ORDER BY at DESC, id DESC LIMIT ?",
        (entity, str(entity_id), limit),
    ).fetchall()
    out = []
    for r in rows:
        out.append(
            {
                "id": r[0],
                "at": r[1],
                "action": r[2],
                "actor": r[3],
                "before": json.loads(r[4]) if r[4] else None,
                "after": json.loads(r[5]) if r[5] else None,
                "note": r[6],
            }
        )
    return out
