"""What the chat screen reads and writes, as plain functions run on the database lane."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from reverie.core import conversations
from reverie.core.records import MEMORY_COLS, Memory, Message
from reverie.core.sources import UNTITLED, cite_label, first_line_title

THREAD_LIMIT = 500  # the latest messages shown in a conversation


@dataclass(frozen=True)
class CiteRef:
    n: int
    uid: str
    title: str = ""
    excerpt: str = ""
    gone: bool = False
    label: str = ""  # the exact source, as its chip names it (core.sources.cite_label); else the title


@dataclass(frozen=True)
class MessageItem:
    id: str | None
    role: str
    content: str
    status: str = "complete"
    created_at: float = 0.0
    citations: tuple[CiteRef, ...] = ()
    remembered: bool = False
    forgotten: bool = False
    streaming: bool = False
    error: str | None = None
    note: str | None = None  # how Reverie wrote the reply (quoted from memories, or replaced)
    extra: dict[str, Any] = field(default_factory=dict)

    def with_(self, **changes: Any) -> MessageItem:
        return replace(self, **changes)


def error_of(status: str, meta: dict[str, Any]) -> str | None:
    """The sentence a failed answer was recorded with (None unless it failed)."""
    if status != "error":
        return None
    return str(meta.get("error") or "The answer failed.")


def note_of(role: str, meta: dict[str, Any]) -> str | None:
    """What the reply's footer says about how it was written (None for a model's own answer)."""
    if role != "assistant":
        return None
    if meta.get("replaced"):
        if meta.get("mode") == "memory":
            return "Quoted from your memories: the model's answer did not pass Reverie's checks."
        return "Written by Reverie: the model's reply did not pass Reverie's checks."
    if meta.get("composed") and meta.get("mode") == "memory":
        return "Quoted from your memories."
    return None


def memory_by_uid(conn: Any, uid: str) -> Memory | None:
    row = conn.execute(f"SELECT {MEMORY_COLS} FROM memories WHERE uid = ?", (uid,)).fetchone()
    return Memory.from_row(row) if row else None


def _cite_refs(
    conn: Any, message_id: str, meta: dict[str, Any], *, open_conversation: str | None, now: float
) -> tuple[CiteRef, ...]:
    pairs = [
        (int(r[0]), str(r[1]))
        for r in conn.execute(
            "SELECT n, memory_uid FROM citations WHERE message_id = ? ORDER BY n", (message_id,)
        ).fetchall()
    ]
    if not pairs:
        pairs = [(int(n), str(uid)) for n, uid in meta.get("citations", []) if uid]
    refs = []
    for n, uid in pairs:
        mem = memory_by_uid(conn, uid)
        if mem is None:
            refs.append(CiteRef(n, uid, gone=True))
        else:
            label = cite_label(conn, mem, open_conversation=open_conversation, now=now)
            refs.append(CiteRef(n, uid, label, mem.text[:300], label=label))
    return tuple(refs)


def source_labels(vault: Any, memories: list[Memory], open_conversation: str | None) -> dict[str, str]:
    """The exact source of each memory (by uid), as chips and the Sources panel name it."""
    now = vault.now()
    with vault.read() as conn:
        return {m.uid: cite_label(conn, m, open_conversation=open_conversation, now=now) for m in memories}


def message_item(m: Message, cites: tuple[CiteRef, ...] = ()) -> MessageItem:
    """A recorded message as the thread shows it."""
    meta = m.meta or {}
    return MessageItem(
        m.id,
        m.role,
        m.content,
        m.status,
        m.created_at,
        cites,
        bool(meta.get("remembered")),
        bool(meta.get("forgotten")),
        error=error_of(m.status, meta),
        note=note_of(m.role, meta),
    )


def load_thread(vault: Any, conversation_id: str) -> list[MessageItem]:
    msgs = conversations.list_messages(vault, conversation_id, limit=THREAD_LIMIT)
    now = vault.now()
    with vault.read() as conn:
        return [
            message_item(
                m,
                _cite_refs(conn, m.id, m.meta, open_conversation=conversation_id, now=now)
                if m.role == "assistant"
                else (),
            )
            for m in msgs
        ]


def resolve_citation(vault: Any, uid: str) -> Memory | None:
    """The cited memory, or None when its source was deleted."""
    with vault.read() as conn:
        return memory_by_uid(conn, uid)


def conversation_of(vault: Any, message_id: str) -> str:
    return conversations.get_message(vault, message_id).conversation_id


def ensure_title(vault: Any, conversation_id: str, text: str) -> None:
    """Name an untitled conversation after its first question."""
    conv = conversations.get_conversation(vault, conversation_id)
    if not conv.title.strip():
        conversations.rename_conversation(vault, conversation_id, first_line_title(text, UNTITLED["message"]))
