"""Conversations and their messages. Each message is recorded, logged and indexed as turn
units in one transaction."""

from __future__ import annotations

import json
import uuid

from reverie.core import history, ingest
from reverie.core.errors import InputError, NotFoundError
from reverie.core.records import (
    CONVERSATION_COLS,
    MAX_TEXT_BYTES,
    MESSAGE_COLS,
    Conversation,
    Message,
    MessageStatus,
    Role,
)
from reverie.core.textutil import clean_text, human_size
from reverie.core.vault import Vault

ROLES = ("user", "assistant", "system")
_GONE = "That conversation no longer exists (it may have been deleted)."


def create_conversation(
    vault: Vault,
    title: str = "",
    *,
    created_at: float | None = None,
    origin: str | None = None,
    conversation_id: str | None = None,
    actor: str = "user",
) -> Conversation:
    now = vault.now()
    created = created_at if created_at is not None else now
    title = clean_text(title).strip()[:300]
    cid = conversation_id or uuid.uuid4().hex
    with vault.tx() as conn:
        conn.execute(
            f"INSERT INTO conversations({CONVERSATION_COLS}) VALUES (?,?,?,?,?)",
            (cid, title, created, created, origin),
        )
        history.log(conn, now, "conversation", cid, "create", actor=actor, after={"title": title})
    return Conversation(cid, title, created, created, origin, 0)


def get_conversation(vault: Vault, conversation_id: str) -> Conversation:
    with vault.read() as conn:
        row = conn.execute(
            f"SELECT {CONVERSATION_COLS}, (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id) "
            "FROM conversations c WHERE id = ?",
            (conversation_id,),
        ).fetchone()
    if row is None:
        raise NotFoundError(_GONE)
    return Conversation.from_row(row)


def list_conversations(vault: Vault, limit: int = 1000) -> list[Conversation]:
    with vault.read() as conn:
        rows = conn.execute(
            f"SELECT {CONVERSATION_COLS}, (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id) "
            "FROM conversations c ORDER BY updated_at DESC, id LIMIT ?",
            (limit,),
        ).fetchall()
    return [Conversation.from_row(r) for r in rows]


def rename_conversation(vault: Vault, conversation_id: str, title: str) -> Conversation:
    title = clean_text(title).strip()[:300]
    now = vault.now()
    with vault.tx() as conn:
        row = conn.execute("SELECT title FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        if row is None:
            raise NotFoundError(_GONE)
        conn.execute("UPDATE conversations SET title = ? WHERE id = ?", (title, conversation_id))
        history.log(
            conn, now, "conversation", conversation_id, "rename", before={"title": row[0]}, after={"title": title}
        )
    return get_conversation(vault, conversation_id)


def delete_conversation(vault: Vault, conversation_id: str, *, actor: str = "user") -> None:
    now = vault.now()
    with vault.tx() as conn:
        row = conn.execute("SELECT title FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        if row is None:
            raise NotFoundError(_GONE)
        mids = [
            r[0]
            for r in conn.execute(
                "SELECT m.id FROM memories m JOIN messages g ON m.source_kind = 'message' AND m.source_id = g.id "
                "WHERE g.conversation_id = ?",
                (conversation_id,),
            ).fetchall()
        ]
        ingest.delete_memories(conn, mids, now, actor=actor, reason="conversation deleted")
        count = conn.execute("SELECT count(*) FROM messages WHERE conversation_id = ?", (conversation_id,)).fetchone()[
            0
        ]
        conn.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))
        history.log(
            conn,
            now,
            "conversation",
            conversation_id,
            "delete",
            actor=actor,
            before={"title": row[0], "messages": count},
        )


def add_message(
    vault: Vault,
    conversation_id: str,
    role: Role,
    content: str,
    *,
    happened_at: float | None = None,
    speaker: str | None = None,
    status: MessageStatus = "complete",
    origin: str | None = None,
    meta: dict | None = None,
    message_id: str | None = None,
    index: bool = True,
    actor: str = "user",
) -> Message:
    if role not in ROLES:
        raise InputError(f"A message's role must be one of {', '.join(ROLES)}, not {role!r}.")
    content = clean_text(content)
    size = len(content.encode("utf-8"))
    if size > MAX_TEXT_BYTES:
        raise InputError(
            f"This message is {human_size(size)}; Reverie keeps messages up to "
            f"{human_size(MAX_TEXT_BYTES)}. Save it as a note in parts instead. Nothing was saved."
        )
    now = vault.now()
    happened = happened_at if happened_at is not None else now
    mid = message_id or uuid.uuid4().hex
    with vault.tx() as conn:
        crow = conn.execute("SELECT title FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
        if crow is None:
            raise NotFoundError(_GONE)
        seq = conn.execute(
            "SELECT coalesce(max(seq), 0) + 1 FROM messages WHERE conversation_id = ?", (conversation_id,)
        ).fetchone()[0]
        conn.execute(
            f"INSERT INTO messages({MESSAGE_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                mid,
                conversation_id,
                seq,
                role,
                content,
                now,
                happened,
                status,
                speaker,
                origin,
                json.dumps(meta or {}, ensure_ascii=False),
            ),
        )
        conn.execute("UPDATE conversations SET updated_at = max(updated_at, ?) WHERE id = ?", (now, conversation_id))
        if index and ingest.indexable_message(role, status, origin, meta):
            ingest.index_message(
                conn, now, mid, content, role, happened, speaker=speaker, conversation_title=crow[0], actor=actor
            )
        history.log(
            conn,
            now,
            "message",
            mid,
            "create",
            actor=actor,
            after={"conversation": conversation_id, "role": role, "chars": len(content)},
        )
    return Message(mid, conversation_id, seq, role, content, now, happened, status, speaker, origin, meta or {})


def update_message(
    vault: Vault,
    message_id: str,
    content: str,
    *,
    status: MessageStatus | None = None,
    meta: dict | None = None,
    actor: str = "user",
) -> Message:
    """Replace a message's content (e.g. a streamed answer when it completes) and re-index it."""
    content = clean_text(content)
    now = vault.now()
    with vault.tx() as conn:
        row = conn.execute(f"SELECT {MESSAGE_COLS} FROM messages WHERE id = ?", (message_id,)).fetchone()
        if row is None:
            raise NotFoundError("That message no longer exists.")
        old = Message.from_row(row)
        new_status = status or old.status
        new_meta = old.meta if meta is None else {**old.meta, **meta}
        conn.execute(
            "UPDATE messages SET content = ?, status = ?, meta = ? WHERE id = ?",
            (content, new_status, json.dumps(new_meta, ensure_ascii=False), message_id),
        )
        if ingest.indexable_message(old.role, new_status, old.origin, new_meta):
            ingest.index_message(
                conn, now, message_id, content, old.role, old.happened_at, speaker=old.speaker, actor=actor
            )
        else:
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM memories WHERE source_kind='message' AND source_id=?", (message_id,)
                ).fetchall()
            ]
            ingest.delete_memories(conn, ids, now, actor=actor, reason="message not kept as a memory")
        history.log(
            conn,
            now,
            "message",
            message_id,
            "update",
            actor=actor,
            before={"chars": len(old.content), "status": old.status},
            after={"chars": len(content), "status": new_status},
        )
    return Message(
        old.id,
        old.conversation_id,
        old.seq,
        old.role,
        content,
        old.created_at,
        old.happened_at,
        new_status,
        old.speaker,
        old.origin,
        new_meta,
    )


def index_unindexed(vault: Vault, conversation_id: str, *, actor: str = "user") -> int:
    """Make memories of the user's messages in the conversation that have none (a message is
    recorded first and indexed after the search it asks for, so it does not find itself; a crash in
    between leaves it unindexed until the next turn). Forgotten and failed messages stay as they are."""
    now = vault.now()
    with vault.tx() as conn:
        rows = conn.execute(
            "SELECT m.id, m.content, m.role, m.happened_at, m.speaker, m.status, m.origin, m.meta, c.title "
            "FROM messages m JOIN conversations c ON c.id = m.conversation_id "
            "WHERE m.conversation_id = ? AND m.role = 'user' AND NOT EXISTS ("
            "SELECT 1 FROM memories u WHERE u.source_kind = 'message' AND u.source_id = m.id)",
            (conversation_id,),
        ).fetchall()
        done = 0
        for mid, content, role, happened, speaker, status, origin, meta, title in rows:
            meta_d = json.loads(meta or "{}")
            if (
                meta_d.get("forgotten")
                or not content.strip()
                or not ingest.indexable_message(role, status, origin, meta_d)
            ):
                continue
            ingest.index_message(
                conn, now, mid, content, role, happened, speaker=speaker, conversation_title=title or "", actor=actor
            )
            done += 1
    return done


def get_message(vault: Vault, message_id: str) -> Message:
    with vault.read() as conn:
        row = conn.execute(f"SELECT {MESSAGE_COLS} FROM messages WHERE id = ?", (message_id,)).fetchone()
    if row is None:
        raise NotFoundError("That message no longer exists (it may have been deleted).")
    return Message.from_row(row)


def list_messages(vault: Vault, conversation_id: str, limit: int | None = None) -> list[Message]:
    """Messages in order; with ``limit``, the last ``limit`` of them."""
    with vault.read() as conn:
        if limit is None:
            rows = conn.execute(
                f"SELECT {MESSAGE_COLS} FROM messages WHERE conversation_id = ? ORDER BY seq",
                (conversation_id,),
            ).fetchall()
        else:
            rows = conn.execute(
                f"SELECT * FROM (SELECT {MESSAGE_COLS} FROM messages WHERE conversation_id = ? "
                "ORDER BY seq DESC LIMIT ?) ORDER BY seq",
                (conversation_id, limit),
            ).fetchall()
    return [Message.from_row(r) for r in rows]


def delete_message(vault: Vault, message_id: str, *, actor: str = "user") -> None:
    now = vault.now()
    with vault.tx() as conn:
        row = conn.execute("SELECT conversation_id, role, content FROM messages WHERE id = ?", (message_id,)).fetchone()
        if row is None:
            raise NotFoundError("That message no longer exists.")
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM memories WHERE source_kind = 'message' AND source_id = ?", (message_id,)
            ).fetchall()
        ]
        ingest.delete_memories(conn, ids, now, actor=actor, reason="message deleted")
        conn.execute("DELETE FROM messages WHERE id = ?", (message_id,))
        history.log(
            conn,
            now,
            "message",
            message_id,
            "delete",
            actor=actor,
            before={"conversation": row[0], "role": row[1], "content": row[2][:2000]},
        )
