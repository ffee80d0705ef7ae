"""Notes: create, read, update, delete. Every change is logged and re-indexed in the same
transaction.

A note's tags are the tags it is given plus the ``#tags`` written in its text
(``core.mdsyntax.inline_tags``, the same reading as the Markdown import). Its properties (front
matter fields such as ``author`` or ``url``, ``core.properties``) are read with ``Note.properties``
and set with ``create_note(..., properties=)`` / ``update_note(..., properties=)``; they are searchable.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from reverie.core import attachments, history, ingest, sources
from reverie.core.errors import InputError, NotFoundError
from reverie.core.mdsyntax import inline_tags
from reverie.core.properties import check_properties
from reverie.core.records import MAX_TEXT_BYTES, NOTE_COLS, Note
from reverie.core.textutil import clean_text, human_size
from reverie.core.vault import Vault
from reverie.core.wikilinks import links_to, note_keys

MAX_TITLE_CHARS = 500
MAX_TAGS = 64


def _check_size(text: str, what: str) -> None:
    size = len(text.encode("utf-8", "replace"))
    if size > MAX_TEXT_BYTES:
        raise InputError(
            f"This {what} is {human_size(size)}; Reverie keeps {what}s up to "
            f"{human_size(MAX_TEXT_BYTES)}, so split it into several. Nothing was saved."
        )


def _clean_tags(tags: object) -> tuple[str, ...]:
    if tags is None:
        return ()
    if isinstance(tags, str):
        tags = tags.replace(",", " ").split()
    if not isinstance(tags, Iterable):
        raise InputError("Tags must be words or a list of words.")
    out: list[str] = []
    for t in tags:
        t = clean_text(str(t)).strip().lstrip("#")
        if t and t not in out:
            out.append(t[:64])
    if len(out) > MAX_TAGS:
        raise InputError(f"A note can have at most {MAX_TAGS} tags; this one has {len(out)}.")
    return tuple(out)


def _with_inline(tags: tuple[str, ...], body: str, dropped: Iterable[str] = ()) -> tuple[str, ...]:
    """``tags`` without ``dropped`` (tags the text no longer holds), then the text's ``#tags``."""
    gone = set(dropped)
    out = [t for t in tags if t not in gone]
    out += [t for t in inline_tags(body) if t not in out]
    if len(out) > MAX_TAGS:
        raise InputError(f"A note can have at most {MAX_TAGS} tags; this one has {len(out)}. Nothing was saved.")
    return tuple(out)


def _meta_with(meta: Mapping[str, Any], props: dict[str, str | list[str]]) -> dict[str, Any]:
    out = {k: v for k, v in meta.items() if k != "properties"}
    if props:
        out["properties"] = props
    return out


def create_note(
    vault: Vault,
    body: str,
    title: str | None = None,
    tags: object = None,
    *,
    happened_at: float | None = None,
    created_at: float | None = None,
    origin: str | None = None,
    note_id: str | None = None,
    trust: str = "user",
    actor: str = "user",
    properties: object = None,
    meta: Mapping[str, Any] | None = None,
) -> Note:
    """Write a new note. ``properties``: a mapping of names to a text or a list of texts (see
    ``core.properties.check_properties``); ``meta``: further bookkeeping kept with the note."""
    body = clean_text(body)
    _check_size(body, "note")
    title = clean_text(title).strip()[:MAX_TITLE_CHARS] if title else sources.first_line_title(body)
    tag_tuple = _with_inline(_clean_tags(tags), body)
    props = check_properties(properties)
    note_meta = _meta_with(meta or {}, props)
    now = vault.now()
    created = created_at if created_at is not None else now
    happened = happened_at if happened_at is not None else created
    nid = note_id or uuid.uuid4().hex
    with vault.tx() as conn:
        conn.execute(
            f"INSERT INTO notes({NOTE_COLS}) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                nid,
                title,
                body,
                json.dumps(list(tag_tuple), ensure_ascii=False),
                created,
                now,
                happened,
                origin,
                json.dumps(note_meta, ensure_ascii=False),
            ),
        )
        ingest.index_note(conn, now, nid, title, body, happened, trust=trust, actor=actor, properties=props)
        history.log(
            conn,
            now,
            "note",
            nid,
            "create",
            actor=actor,
            after={"title": title, "chars": len(body), "tags": list(tag_tuple), "properties": props},
        )
    return Note(nid, title, body, tag_tuple, created, now, happened, origin, note_meta)


def get_note(vault: Vault, note_id: str) -> Note:
    with vault.read() as conn:
        row = conn.execute(f"SELECT {NOTE_COLS} FROM notes WHERE id = ?", (note_id,)).fetchone()
    if row is None:
        raise NotFoundError("That note no longer exists (it may have been deleted).")
    return Note.from_row(row)


def find_note(vault: Vault, note_id: str) -> Note | None:
    try:
        return get_note(vault, note_id)
    except NotFoundError:
        return None


def list_notes(
    vault: Vault, text_filter: str = "", tag: str | None = None, limit: int = 1000, offset: int = 0
) -> list[Note]:
    sql = f"SELECT {NOTE_COLS} FROM notes"
    where: list[str] = []
    params: list[object] = []
    if text_filter:
        where.append(
            "(instr(lower(title), lower(?)) > 0 OR instr(lower(body), lower(?)) > 0 "
            "OR instr(lower(coalesce(json_extract(meta, '$.properties'), '')), lower(?)) > 0)"
        )
        params += [text_filter, text_filter, text_filter]
    if tag:
        where.append("EXISTS (SELECT 1 FROM json_each(notes.tags) WHERE value = ?)")
        params.append(tag)
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY updated_at DESC, id LIMIT ? OFFSET ?"
    params += [limit, offset]
    with vault.read() as conn:
        return [Note.from_row(r) for r in conn.execute(sql, params).fetchall()]


MAX_BACKLINKS = 500


def link_index(vault: Vault) -> dict[str, str]:
    """Which note a ``[[link]]`` names: each note's keys (title, imported file name; see
    ``core.wikilinks.note_keys``) to its id. When two notes share a key, the one edited last wins."""
    out: dict[str, str] = {}
    with vault.read() as conn:
        rows = conn.execute(
            "SELECT id, title, json_extract(meta, '$.path') FROM notes ORDER BY updated_at, id"
        ).fetchall()
    for nid, title, path in rows:
        for key in note_keys(title or "", {"path": path}):
            out[key] = nid
    return out


def backlinks(vault: Vault, note_id: str, limit: int = MAX_BACKLINKS) -> list[Note]:
    """The other notes whose text links to (or embeds) this one by its title or file name, edited
    last first."""
    note = get_note(vault, note_id)
    keys = note_keys(note.title, note.meta)
    if not keys:
        return []
    # A cheap filter in SQL (ASCII case folding), then the real reading of each candidate's links.
    ascii_keys = [k for k in keys if k.isascii()]
    where = "instr(body, '[[') > 0"
    params: list[object] = [note_id]
    if len(ascii_keys) == len(keys):
        where += " AND (" + " OR ".join("instr(lower(body), ?) > 0" for _ in ascii_keys) + ")"
        params += ascii_keys
    out: list[Note] = []
    with vault.read() as conn:
        cur = conn.execute(
            f"SELECT {NOTE_COLS} FROM notes WHERE id != ? AND {where} ORDER BY updated_at DESC, id", params
        )
        for row in cur:
            other = Note.from_row(row)
            if links_to(other.body, keys):
                out.append(other)
                if len(out) >= limit:
                    break
    return out


def update_note(
    vault: Vault,
    note_id: str,
    *,
    body: str | None = None,
    title: str | None = None,
    tags: object = None,
    properties: object = None,
    actor: str = "user",
) -> tuple[Note, ingest.ReindexResult]:
    """Change a note; only passages whose text changed are re-indexed. ``properties`` replaces
    all the note's properties (``{}`` removes them; None leaves them). Bad input raises an
    InputError and changes nothing. The tags are the ones given (or the note's, without the
    ``#tags`` its old text held and its new text does not) plus the new text's ``#tags``."""
    if body is not None:
        body = clean_text(body)
        _check_size(body, "note")
    if title is not None:
        title = clean_text(title).strip()[:MAX_TITLE_CHARS] or "Untitled"
    tag_tuple = _clean_tags(tags) if tags is not None else None
    props = check_properties(properties) if properties is not None else None
    now = vault.now()
    with vault.tx() as conn:
        row = conn.execute(f"SELECT {NOTE_COLS} FROM notes WHERE id = ?", (note_id,)).fetchone()
        if row is None:
            raise NotFoundError("That note no longer exists (it may have been deleted).")
        old = Note.from_row(row)
        new_title = old.title if title is None else title
        new_body = old.body if body is None else body
        if tag_tuple is not None:
            new_tags = _with_inline(tag_tuple, new_body)
        elif body is not None:
            new_tags = _with_inline(old.tags, new_body, dropped=inline_tags(old.body))
        else:
            new_tags = old.tags
        new_props = old.properties if props is None else props
        same_props = list(new_props.items()) == list(old.properties.items())  # the order is kept too
        if (new_title, new_body, new_tags) == (old.title, old.body, old.tags) and same_props:
            return old, ingest.ReindexResult(kept=0, added=0, removed=0)
        new_meta = _meta_with(old.meta, new_props)
        conn.execute(
            "UPDATE notes SET title = ?, body = ?, tags = ?, meta = ?, updated_at = ? WHERE id = ?",
            (
                new_title,
                new_body,
                json.dumps(list(new_tags), ensure_ascii=False),
                json.dumps(new_meta, ensure_ascii=False),
                now,
                note_id,
            ),
        )
        result = ingest.index_note(
            conn, now, note_id, new_title, new_body, old.happened_at, actor=actor, properties=new_props
        )
        before: dict[str, Any] = {"title": old.title, "chars": len(old.body), "tags": list(old.tags)}
        after: dict[str, Any] = {
            "title": new_title,
            "chars": len(new_body),
            "tags": list(new_tags),
            "passages_added": result.added,
            "passages_removed": result.removed,
        }
        if not same_props:
            before["properties"], after["properties"] = old.properties, new_props
        history.log(conn, now, "note", note_id, "update", actor=actor, before=before, after=after)
    return Note(
        note_id, new_title, new_body, new_tags, old.created_at, now, old.happened_at, old.origin, new_meta
    ), result


def delete_note(vault: Vault, note_id: str, *, actor: str = "user") -> Note:
    """Delete a note and its passages; returns the deleted note (to offer undo)."""
    now = vault.now()
    with vault.tx() as conn:
        row = conn.execute(f"SELECT {NOTE_COLS} FROM notes WHERE id = ?", (note_id,)).fetchone()
        if row is None:
            raise NotFoundError("That note no longer exists (it may have been deleted).")
        files = tuple(
            (r[0], r[1], bytes(r[2]))
            for r in conn.execute("SELECT name, mime, data FROM attachments WHERE note_id = ?", (note_id,)).fetchall()
        )
        note = dataclasses.replace(Note.from_row(row), files=files)
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM memories WHERE source_kind = 'note' AND source_id = ?", (note_id,)
            ).fetchall()
        ]
        ingest.delete_memories(conn, ids, now, actor=actor, reason="note deleted")
        conn.execute("DELETE FROM notes WHERE id = ?", (note_id,))
        history.log(conn, now, "note", note_id, "delete", actor=actor, before=note.as_dict())
    return note


def restore_note(vault: Vault, note: Note) -> Note:
    """Undo a delete: put the note back with its id, title, body, tags, properties, dates and attachments."""
    restored = create_note(
        vault,
        note.body,
        note.title,
        note.tags,
        happened_at=note.happened_at,
        created_at=note.created_at,
        origin=note.origin,
        note_id=note.id,
        properties=note.properties,
        meta=note.meta,
    )
    if note.files:
        with vault.tx() as conn:
            for name, mime, data in note.files:
                attachments.store(conn, vault.now(), note.id, name, mime, data, actor="user")
    return restored
