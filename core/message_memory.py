"""The "Remember this" and "Forget this" actions on a chat message.

Remember: the message's memory units are pinned (they never fade) and their importance is raised.
Forget: the message's memory units are deleted, so it is no longer searched or cited, but the
message itself stays in its conversation, marked as forgotten. Both are logged in history.
"""

from __future__ import annotations

import json

from reverie.core import history, ingest
from reverie.core.errors import NotFoundError
from reverie.core.vault import Vault

REMEMBERED_IMPORTANCE = 0.9
_GONE = "That message no longer exists (it may have been deleted)."


def _message_meta(conn: object, message_id: str) -> dict:
    row = conn.execute("SELECT meta FROM messages WHERE id = ?", (message_id,)).fetchone()  # type: ignore[attr-defined]
    if row is None:
        raise NotFoundError(_GONE)
    return json.loads(row[0] or "{}")


def _units(conn: object, message_id: str) -> list:
    return conn.execute(  # type: ignore[attr-defined]
        "SELECT id, uid, importance, pinned FROM memories WHERE source_kind = 'message' AND source_id = ?",
        (message_id,),
    ).fetchall()


def remember_message(vault: Vault, message_id: str, *, actor: str = "user") -> int:
    """Pin the message's memory units and raise their importance; returns how many."""
    now = vault.now()
    with vault.tx() as conn:
        meta = _message_meta(conn, message_id)
        rows = _units(conn, message_id)
        if not rows:  # Reverie's own reply: kept, it becomes a memory now
            msg = conn.execute(
                "SELECT content, role, happened_at, speaker FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
            ingest.index_message(conn, now, message_id, msg[0], msg[1], msg[2], speaker=msg[3], actor=actor)
            rows = _units(conn, message_id)
        for mid, uid, importance, pinned in rows:
            new_importance = max(float(importance), REMEMBERED_IMPORTANCE)
            conn.execute("UPDATE memories SET pinned = 1, importance = ? WHERE id = ?", (new_importance, mid))
            history.log(
                conn,
                now,
                "memory",
                uid,
                "pin",
                actor=actor,
                note="remember this message",
                before={"pinned": bool(pinned), "importance": importance},
                after={"pinned": True, "importance": new_importance},
            )
        meta.pop("forgotten", None)
        meta["remembered"] = True
        conn.execute("UPDATE messages SET meta = ? WHERE id = ?", (json.dumps(meta, ensure_ascii=False), message_id))
        history.log(conn, now, "message", message_id, "remember", actor=actor, after={"memories": len(rows)})
    return len(rows)


def forget_message(vault: Vault, message_id: str, *, actor: str = "user") -> int:
    """Delete the message's memory units (the message stays); returns how many were deleted."""
    now = vault.now()
    with vault.tx() as conn:
        meta = _message_meta(conn, message_id)
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM memories WHERE source_kind = 'message' AND source_id = ?", (message_id,)
            ).fetchall()
        ]
        ingest.delete_memories(conn, ids, now, actor=actor, reason="forget this message")
        meta.pop("remembered", None)
        meta["forgotten"] = True
        conn.execute("UPDATE messages SET meta = ? WHERE id = ?", (json.dumps(meta, ensure_ascii=False), message_id))
        history.log(conn, now, "message", message_id, "forget", actor=actor, after={"memories_deleted": len(ids)})
    return len(ids)
