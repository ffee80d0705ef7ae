"""Shared by the bring-in importers (Markdown/text folders, ChatGPT exports): stable ids derived
from where a record came from, and the ``import_files`` ledger that makes re-imports skip
unchanged files."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

_NAMESPACE = uuid.UUID("6f1c9a52-35d4-4c1e-9d0e-2b7f0c8a4e11")


def stable_id(*parts: str) -> str:
    """A record id that is the same every time the same source is imported."""
    return uuid.uuid5(_NAMESPACE, "\x1f".join(parts)).hex


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ledger_hash(conn: Any, source: str, path: str) -> str | None:
    row = conn.execute("SELECT sha256 FROM import_files WHERE source = ? AND path = ?", (source, path)).fetchone()
    return row[0] if row else None


def ledger_record(conn: Any, source: str, path: str, sha: str, kind: str, record_id: str, *, now: float) -> None:
    conn.execute(
        "INSERT INTO import_files(source, path, sha256, record_kind, record_id, imported_at) VALUES (?,?,?,?,?,?) "
        "ON CONFLICT(source, path) DO UPDATE SET sha256 = excluded.sha256, record_kind = excluded.record_kind, "
        "record_id = excluded.record_id, imported_at = excluded.imported_at",
        (source, path, sha, kind, record_id, now),
    )


@dataclass
class BringInSummary:
    """What a bring-in import did. ``problems`` holds one sentence per file that was left out."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    messages: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.messages)
