"""Notes imported from Markdown by an older version kept their front matter hidden in their meta
(``front_matter``, names lower-cased). It becomes the note's properties (``meta["properties"]``,
see ``core/properties.py``), which are shown, editable and indexed for search (one passage each)."""

from __future__ import annotations

import json
from typing import Any

from reverie.core import history, ingest


def apply(conn: Any, now: float) -> None:
    from reverie.core.transfer.merge import note_meta  # the same conversion as a vault import's

    rows = conn.execute(
        "SELECT id, title, body, happened_at, meta FROM notes WHERE json_valid(meta) "
        "AND json_type(meta, '$.front_matter') = 'object' AND json_type(meta, '$.properties') IS NULL"
    ).fetchall()
    for note_id, title, body, happened_at, raw in rows:
        meta = note_meta(json.loads(raw))
        conn.execute("UPDATE notes SET meta = ? WHERE id = ?", (json.dumps(meta, ensure_ascii=False), note_id))
        props = meta.get("properties") or {}
        if props:
            ingest.index_note(conn, now, note_id, title, body, happened_at, actor="reverie", properties=props)
            history.log(
                conn,
                now,
                "note",
                note_id,
                "update",
                actor="reverie",
                after={"properties": props},
                note="front matter kept as properties",
            )
