"""Merge rules for attachments in a vault file (``attachments.jsonl`` plus one member of bytes each,
``attachments/<id>``; identified by ``id``, which their note and name give).

An attachment of the file that the vault lacks is added; one whose bytes, type or name differ
replaces the vault's when it was stored later (``created_at``), as notes do by ``updated_at``. The
bytes were read and checked against their checksum before (``Archive.attachment_data``). Runs inside
the importer's transaction."""

from __future__ import annotations

import hashlib
from typing import Any

from reverie.core.transfer.merge import NEW, UNCHANGED, MergeState, _dump, _load, _newer

_FIELDS = ("note_id", "name", "mime", "size", "sha256", "created_at", "meta")


def classify_attachment(conn: Any, r: dict[str, Any], st: MergeState) -> str:
    row = conn.execute(f"SELECT {', '.join(_FIELDS)} FROM attachments WHERE id = ?", (r["id"],)).fetchone()
    if row is None:
        return NEW
    mine = dict(zip(_FIELDS, row, strict=True))
    mine["meta"] = _load(mine["meta"])
    if all(mine[k] == r[k] for k in _FIELDS):
        return UNCHANGED
    return _newer(r["created_at"], mine["created_at"])


def apply_attachment(conn: Any, r: dict[str, Any], data: bytes, status: str) -> None:
    vals = [_dump(r[k]) if k == "meta" else r[k] for k in _FIELDS]
    if status == NEW:
        conn.execute(
            f"INSERT INTO attachments({', '.join(_FIELDS)}, data, id) VALUES ({', '.join('?' * (len(_FIELDS) + 2))})",
            (*vals, data, r["id"]),
        )
    else:
        conn.execute(
            f"UPDATE attachments SET {', '.join(k + ' = ?' for k in _FIELDS)}, data = ? WHERE id = ?",
            (*vals, data, r["id"]),
        )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
