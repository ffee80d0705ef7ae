"""Merge rules for the records that only refer to others: citations, history rows and vectors
(see ``merge`` for notes, messages, conversations and memories)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from reverie.core.transfer.merge import CONFLICTING, NEW, UNCHANGED, MergeState, _dump, _load


def classify_citation(conn: Any, r: dict[str, Any], st: MergeState) -> str:
    row = conn.execute(
        "SELECT memory_uid FROM citations WHERE message_id = ? AND n = ?", (r["message_id"], r["n"])
    ).fetchone()
    return NEW if row is None else UNCHANGED if row[0] == r["memory_uid"] else CONFLICTING


def apply_citation(conn: Any, r: dict[str, Any], status: str) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO citations(message_id, n, memory_uid) VALUES (?,?,?)",
        (r["message_id"], r["n"], r["memory_uid"]),
    )


def history_key(
    at: float, entity: str, entity_id: str, action: str, actor: str, *, before: Any, after: Any, note: Any
) -> bytes:
    canon = json.dumps(
        [at, entity, entity_id, action, actor, before, after, note],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canon.encode("utf-8", "surrogatepass")).digest()[:16]


def classify_history(conn: Any, r: dict[str, Any], st: MergeState) -> str:
    if st.history_keys is None:
        st.history_keys = set()
        for row in conn.execute("SELECT at, entity, entity_id, action, actor, before, after, note FROM history"):
            st.history_keys.add(
                history_key(
                    row[0], row[1], row[2], row[3], row[4], before=_load(row[5]), after=_load(row[6]), note=row[7]
                )
            )
    key = _record_history_key(r)
    return UNCHANGED if key in st.history_keys else NEW


def _record_history_key(r: dict[str, Any]) -> bytes:
    """The key of a history record read from an export (see ``history_key``)."""
    return history_key(
        r["at"],
        r["entity"],
        r["entity_id"],
        r["action"],
        r["actor"],
        before=r["before"],
        after=r["after"],
        note=r["note"],
    )


def apply_history(conn: Any, r: dict[str, Any], st: MergeState) -> None:
    conn.execute(
        "INSERT INTO history(at, entity, entity_id, action, actor, before, after, note) VALUES (?,?,?,?,?,?,?,?)",
        (
            r["at"],
            r["entity"],
            r["entity_id"],
            r["action"],
            r["actor"],
            None if r["before"] is None else _dump(r["before"]),
            None if r["after"] is None else _dump(r["after"]),
            r["note"],
        ),
    )
    assert st.history_keys is not None
    st.history_keys.add(_record_history_key(r))


def classify_vector(conn: Any, r: dict[str, Any], st: MergeState) -> tuple[str, int | None]:
    row = conn.execute(
        "SELECT m.id, v.model_id, v.vec FROM memories m LEFT JOIN vectors v ON v.memory_id = m.id WHERE m.uid = ?",
        (r["memory_uid"],),
    ).fetchone()
    if row is None:
        return NEW, None
    if row[1] is None:
        return NEW, int(row[0])
    same = row[1] == r["model_id"] and bytes(row[2]) == r["vec"]
    return (UNCHANGED if same else CONFLICTING), int(row[0])


def apply_vector(conn: Any, r: dict[str, Any], mid: int) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO vectors(memory_id, model_id, dim, vec) VALUES (?,?,?,?)",
        (mid, r["model_id"], r["dim"], r["vec"]),
    )
