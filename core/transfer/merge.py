"""Per-record merge rules: how a record from a vault file compares with the vault (classify),
and how it is written (apply). All functions run inside the caller's transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from reverie.core import ingest
from reverie.core.consolidation.planner import OWN_NOTE_KEY
from reverie.core.transfer.markdown_import import legacy_properties

NEW, UPDATED, UNCHANGED, CONFLICTING = "new", "updated", "unchanged", "conflicting"
POLICIES = ("newer", "mine", "theirs")


def takes(status: str, policy: str) -> bool:
    """Whether a record with this status replaces the vault's under ``policy``."""
    if status == NEW:
        return True
    if status == UPDATED:
        return policy in ("newer", "theirs")
    return status == CONFLICTING and policy == "theirs"


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _load(text: Any) -> Any:
    try:
        return json.loads(text) if text is not None else None
    except (TypeError, ValueError):
        return text


def _newer(theirs: float, mine: float) -> str:
    return UPDATED if theirs > mine else CONFLICTING


@dataclass
class MergeState:
    """What one import pass remembers between tables (ids only, never whole records)."""

    policy: str = "newer"
    conv_updated: dict[str, float] = field(default_factory=dict)  # file's conversations
    first_new_memory: int = 0  # memories with a larger id were created by this import
    adopted: set[int] = field(default_factory=set)
    vector_ok: set[str] = field(default_factory=set)  # uids whose vault text matches the file
    supersede: list[tuple[str, str | None]] = field(default_factory=list)
    history_keys: set[bytes] | None = None
    skipped_memories: int = 0
    trusted: bool = False  # the file's trust is kept: a record it makes the user's own is an update


# -- conversations --------------------------------------------------------------------------
_CONV = ("title", "created_at", "updated_at", "origin", "meta")


def classify_conversation(conn: Any, r: dict[str, Any], st: MergeState) -> str:
    st.conv_updated[r["id"]] = r["updated_at"]
    row = conn.execute(
        "SELECT title, created_at, updated_at, origin, meta FROM conversations WHERE id = ?", (r["id"],)
    ).fetchone()
    if row is None:
        return NEW
    mine = dict(zip(_CONV, row, strict=True))
    mine["meta"] = _load(mine["meta"])
    if all(mine[k] == r[k] for k in _CONV):
        return UNCHANGED
    return _newer(r["updated_at"], mine["updated_at"])


def apply_conversation(conn: Any, r: dict[str, Any], status: str) -> None:
    vals = (r["title"], r["created_at"], r["updated_at"], r["origin"], _dump(r["meta"]), r["id"])
    if status == NEW:
        conn.execute(
            "INSERT INTO conversations(title, created_at, updated_at, origin, meta, id) VALUES (?,?,?,?,?,?)", vals
        )
    else:
        conn.execute("UPDATE conversations SET title=?, created_at=?, updated_at=?, origin=?, meta=? WHERE id=?", vals)


# -- messages -------------------------------------------------------------------------------
_MSG = ("conversation_id", "role", "speaker", "content", "status", "created_at", "happened_at", "origin", "meta")


def classify_message(conn: Any, r: dict[str, Any], st: MergeState) -> str:
    row = conn.execute(f"SELECT {', '.join(_MSG)} FROM messages WHERE id = ?", (r["id"],)).fetchone()
    if row is None:
        return NEW
    mine = dict(zip(_MSG, row, strict=True))
    mine["meta"] = _load(mine["meta"])
    if all(mine[k] == r[k] for k in _MSG):
        return UNCHANGED
    vault_conv = conn.execute(
        "SELECT updated_at FROM conversations WHERE id = ?", (mine["conversation_id"],)
    ).fetchone()
    return _newer(st.conv_updated.get(r["conversation_id"], 0.0), vault_conv[0] if vault_conv else 0.0)


def _free_seq(conn: Any, conversation_id: str, seq: int, message_id: str) -> int:
    row = conn.execute(
        "SELECT id FROM messages WHERE conversation_id = ? AND seq = ?", (conversation_id, seq)
    ).fetchone()
    if row is None or row[0] == message_id:
        return seq
    return int(
        conn.execute(
            "SELECT coalesce(max(seq), 0) + 1 FROM messages WHERE conversation_id = ?", (conversation_id,)
        ).fetchone()[0]
    )


def apply_message(conn: Any, r: dict[str, Any], status: str, now: float, trust: str | None = None) -> None:
    seq = _free_seq(conn, r["conversation_id"], r["seq"], r["id"])
    vals = (
        r["conversation_id"],
        seq,
        r["role"],
        r["speaker"],
        r["content"],
        r["status"],
        r["created_at"],
        r["happened_at"],
        r["origin"],
        _dump(r["meta"]),
        r["id"],
    )
    if status == NEW:
        conn.execute(
            "INSERT INTO messages(conversation_id, seq, role, speaker, content, status, created_at, "
            "happened_at, origin, meta, id) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            vals,
        )
    else:
        conn.execute(
            "UPDATE messages SET conversation_id=?, seq=?, role=?, speaker=?, content=?, status=?, "
            "created_at=?, happened_at=?, origin=?, meta=? WHERE id=?",
            vals,
        )
    meta = r["meta"] if isinstance(r["meta"], dict) else json.loads(r["meta"] or "{}")
    if ingest.indexable_message(r["role"], r["status"], r["origin"], meta):
        ingest.index_message(
            conn,
            now,
            r["id"],
            r["content"],
            r["role"],
            r["happened_at"],
            speaker=r["speaker"],
            actor="import",
            trust=trust,
        )
    else:
        old = [
            x[0]
            for x in conn.execute("SELECT id FROM memories WHERE source_kind = 'message' AND source_id = ?", (r["id"],))
        ]
        ingest.delete_memories(conn, old, now, actor="import", reason="message replaced by import")


# -- notes ----------------------------------------------------------------------------------
_NOTE = ("title", "body", "tags", "created_at", "updated_at", "happened_at", "origin", "meta")


def classify_note(conn: Any, r: dict[str, Any], st: MergeState) -> str:
    row = conn.execute(f"SELECT {', '.join(_NOTE)} FROM notes WHERE id = ?", (r["id"],)).fetchone()
    if row is None:
        return NEW
    mine = dict(zip(_NOTE, row, strict=True))
    mine["meta"], mine["tags"] = _load(mine["meta"]), _load(mine["tags"])
    if all(mine[k] == r[k] for k in _NOTE):
        return UNCHANGED
    if st.trusted and _only_marked_own(mine, r):
        return UPDATED
    return _newer(r["updated_at"], mine["updated_at"])


def _only_marked_own(mine: dict[str, Any], r: dict[str, Any]) -> bool:
    """The file's note is the vault's with the mark of the user's own writing added."""
    meta = r["meta"]
    if not isinstance(meta, dict) or meta.get(OWN_NOTE_KEY) is not True or not isinstance(mine["meta"], dict):
        return False
    unmarked = {k: v for k, v in meta.items() if k != OWN_NOTE_KEY}
    return mine["meta"] == unmarked and all(mine[k] == r[k] for k in _NOTE if k != "meta")


def apply_note(conn: Any, r: dict[str, Any], status: str, now: float, trust: str = "user") -> None:
    meta = note_meta(r["meta"])
    vals = (
        r["title"],
        r["body"],
        _dump(r["tags"]),
        r["created_at"],
        r["updated_at"],
        r["happened_at"],
        r["origin"],
        _dump(meta),
        r["id"],
    )
    if status == NEW:
        conn.execute(
            "INSERT INTO notes(title, body, tags, created_at, updated_at, happened_at, origin, meta, id) "
            "VALUES (?,?,?,?,?,?,?,?,?)",
            vals,
        )
    else:
        conn.execute(
            "UPDATE notes SET title=?, body=?, tags=?, created_at=?, updated_at=?, happened_at=?, "
            "origin=?, meta=? WHERE id=?",
            vals,
        )
    ingest.index_note(
        conn,
        now,
        r["id"],
        r["title"],
        r["body"],
        r["happened_at"],
        actor="import",
        trust=trust,
        properties=meta.get("properties"),
    )


def note_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """A note's meta as this Reverie keeps it: the front matter an older Markdown import kept
    (``front_matter``, names lower-cased) becomes the note's properties."""
    legacy = meta.get("front_matter")
    if not isinstance(legacy, dict) or "properties" in meta:
        return meta
    out = {k: v for k, v in meta.items() if k != "front_matter"}
    props = legacy_properties(legacy)
    if props:
        out["properties"] = props
    return out


# -- memories -------------------------------------------------------------------------------
_STATE = (
    "span_start",
    "span_end",
    "seq",
    "speaker",
    "recorded_at",
    "happened_at",
    "valid_from",
    "valid_to",
    "trust",
    "importance",
    "strength",
    "last_recalled_at",
    "recall_count",
    "pinned",
    "archived",
    "archived_at",
    "meta",
)
_MEM = ("kind", "source_kind", "source_id", "text", "context", "content_hash", *_STATE)


def _activity(m: dict[str, Any]) -> float:
    return max(m["recorded_at"], m["last_recalled_at"] or 0.0, m["archived_at"] or 0.0)


def classify_memory(conn: Any, r: dict[str, Any], st: MergeState) -> tuple[str, int | None]:
    row = conn.execute(
        f"SELECT m.id, {', '.join('m.' + c for c in _MEM)}, s.uid FROM memories m "
        "LEFT JOIN memories s ON s.id = m.superseded_by WHERE m.uid = ?",
        (r["uid"],),
    ).fetchone()
    if row is None:
        return NEW, None
    mine = dict(zip((*_MEM, "superseded_by"), row[1:], strict=True))
    mine["meta"] = _load(mine["meta"])
    if all(mine[k] == r[k] for k in (*_MEM, "superseded_by")):
        return UNCHANGED, int(row[0])
    if (
        st.trusted
        and mine["trust"] == "imported"
        and r["trust"] != "imported"
        and all(mine[k] == r[k] for k in (*_MEM, "superseded_by") if k != "trust")
    ):
        return UPDATED, int(row[0])  # the user says the file is theirs: its trust replaces "imported"
    return _newer(_activity(r), _activity(mine)), int(row[0])


def _set_state(conn: Any, mid: int, r: dict[str, Any]) -> None:
    vals = [_dump(r[c]) if c == "meta" else r[c] for c in _STATE]
    conn.execute(
        f"UPDATE memories SET uid = ?, {', '.join(c + ' = ?' for c in _STATE)} WHERE id = ?", (r["uid"], *vals, mid)
    )


def apply_memory(conn: Any, r: dict[str, Any], status: str, mid: int | None, now: float, st: MergeState) -> bool:
    """Write one memory; returns False when it was skipped (its record version was not taken)."""
    if mid is None and r["source_kind"] in ("note", "message"):
        # The record was (re-)indexed by this import: adopt the fresh unit with the same place and text.
        for (cand,) in conn.execute(
            "SELECT id FROM memories WHERE source_kind = ? AND source_id = ? AND seq = ? AND text = ? AND id >= ?",
            (r["source_kind"], r["source_id"], r["seq"], r["text"], st.first_new_memory),
        ).fetchall():
            if cand not in st.adopted:
                mid = cand
                break
        if mid is None:
            st.skipped_memories += 1
            return False
        st.adopted.add(mid)
    elif mid is None:
        mid = ingest.insert_memory(
            conn,
            now,
            kind=r["kind"],
            source_kind=r["source_kind"],
            source_id=r["source_id"],
            text=r["text"],
            context=r["context"],
            uid=r["uid"],
            actor="import",
            log_history=False,
        )
    else:
        mine = conn.execute("SELECT kind, text, context FROM memories WHERE id = ?", (mid,)).fetchone()
        if mine[0] != r["kind"] or (r["kind"] in ("note", "chat") and mine[1] != r["text"]):
            st.skipped_memories += 1  # a unit of another version of its record, or another kind
            return False
        if r["kind"] not in ("note", "chat") and (mine[1], mine[2]) != (r["text"], r["context"]):
            ingest.set_memory_text(conn, mid, r["text"], r["context"])
    _set_state(conn, mid, r)
    st.vector_ok.add(r["uid"])
    st.supersede.append((r["uid"], r["superseded_by"]))
    return True


def finish_memories(conn: Any, st: MergeState) -> None:
    for uid, target in st.supersede:
        conn.execute(
            "UPDATE memories SET superseded_by = (SELECT id FROM memories WHERE uid = ?) WHERE uid = ?", (target, uid)
        )
    st.supersede.clear()
