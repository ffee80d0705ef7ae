"""Reverie's own replies are not memories: the memory units of replies Reverie wrote (assistant turns
with no origin elsewhere) are deleted, unless the user kept the reply ("Remember this"). The replies
stay in their conversations; each deletion is logged in history like any other."""

from __future__ import annotations

from typing import Any

from reverie.core import ingest


def apply(conn: Any, now: float) -> None:
    ids = [
        r[0]
        for r in conn.execute(
            "SELECT mem.id FROM memories mem JOIN messages msg ON mem.source_kind = 'message' AND mem.source_id = msg.id "
            "WHERE msg.role = 'assistant' AND coalesce(msg.origin, '') = '' "
            "AND coalesce(json_extract(msg.meta, '$.remembered'), 0) = 0"
        ).fetchall()
    ]
    ingest.delete_memories(conn, ids, now, actor="reverie", reason="Reverie's own replies are not memories")
