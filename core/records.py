"""Plain records: conversations, messages, notes and memories, as the core hands them out."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

# The values the schema's CHECK constraints allow (core/migrations/m0001_initial.py).
Role = Literal["user", "assistant", "system"]
MessageStatus = Literal["complete", "partial", "error"]
MemoryKind = Literal["chat", "note", "fact", "summary", "reply"]  # reply: shown in search only, never stored
SourceKind = Literal["message", "note", "consolidation", "import"]
Trust = Literal["user", "assistant", "imported"]

MAX_TEXT_BYTES = 16 * 1024 * 1024  # a note or a message larger than this is refused


@dataclass(frozen=True)
class Conversation:
    id: str
    title: str
    created_at: float
    updated_at: float
    origin: str | None = None
    message_count: int = 0

    @classmethod
    def from_row(cls, r: Any) -> Conversation:
        return cls(r[0], r[1], r[2], r[3], r[4], int(r[5]) if len(r) > 5 and r[5] is not None else 0)


CONVERSATION_COLS = "id, title, created_at, updated_at, origin"


@dataclass(frozen=True)
class Message:
    id: str
    conversation_id: str
    seq: int
    role: Role
    content: str
    created_at: float
    happened_at: float
    status: MessageStatus = "complete"
    speaker: str | None = None
    origin: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, r: Any) -> Message:
        return cls(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], json.loads(r[10] or "{}"))


MESSAGE_COLS = "id, conversation_id, seq, role, content, created_at, happened_at, status, speaker, origin, meta"


@dataclass(frozen=True)
class Note:
    id: str
    title: str
    body: str
    tags: tuple[str, ...]
    created_at: float
    updated_at: float
    happened_at: float
    origin: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    # A deleted note's attachments (name, mime, bytes), held only to undo the delete.
    files: tuple[tuple[str, str, bytes], ...] = field(default=(), repr=False, compare=False)

    @classmethod
    def from_row(cls, r: Any) -> Note:
        return cls(
            r[0],
            r[1],
            r[2],
            tuple(json.loads(r[3] or "[]")),
            r[4],
            r[5],
            r[6],
            r[7],
            json.loads(r[8] or "{}"),
        )

    @property
    def properties(self) -> dict[str, str | list[str]]:
        """The note's properties (front matter fields other than title and tags), in their order:
        each a text or a list of texts, as they came in (``core.properties``)."""
        props = self.meta.get("properties")
        return dict(props) if isinstance(props, dict) else {}

    @property
    def folder(self) -> str:
        """The folder (``/``-separated, relative) of the file the note was imported from; "" for a
        note written in Reverie or imported from the top of a folder."""
        path = self.meta.get("path")
        return path.rpartition("/")[0] if isinstance(path, str) else ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "body": self.body,
            "tags": list(self.tags),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "happened_at": self.happened_at,
            "origin": self.origin,
            "properties": self.properties,
            "folder": self.folder,
        }


NOTE_COLS = "id, title, body, tags, created_at, updated_at, happened_at, origin, meta"


@dataclass(frozen=True)
class Memory:
    id: int
    uid: str
    kind: MemoryKind
    source_kind: SourceKind
    source_id: str | None
    span_start: int | None
    span_end: int | None
    seq: int
    text: str
    context: str
    speaker: str | None
    recorded_at: float
    happened_at: float
    valid_from: float | None
    valid_to: float | None
    content_hash: str
    trust: Trust
    importance: float
    strength: float
    last_recalled_at: float | None
    recall_count: int
    pinned: bool
    archived: bool
    archived_at: float | None
    superseded_by: int | None
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, r: Any) -> Memory:
        vals = list(r)
        vals[21] = bool(vals[21])
        vals[22] = bool(vals[22])
        vals[25] = json.loads(vals[25] or "{}")
        return cls(*vals)

    def embed_text(self) -> str:
        return embed_text(self.context, self.text)

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


MEMORY_COLS = (
    "id, uid, kind, source_kind, source_id, span_start, span_end, seq, text, context, speaker, "
    "recorded_at, happened_at, valid_from, valid_to, content_hash, trust, importance, strength, "
    "last_recalled_at, recall_count, pinned, archived, archived_at, superseded_by, meta"
)


def embed_text(context: str, text: str) -> str:
    """The text a memory is embedded and indexed by: its context line, then its text."""
    return f"{context}\n{text}" if context else text
