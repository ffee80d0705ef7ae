"""Where a memory came from, in words: the one place that names sources and makes titles.

Every screen and the CLI call these, so a deleted note reads the same everywhere and a title made
from a first line is cut the same way everywhere.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Final

from reverie.core import notesource
from reverie.core.records import Memory
from reverie.core.sqltypes import Connection

TITLE_LIMIT: Final = 80
"""The longest title made from text (a note's first line, a conversation's first question)."""

CITE_TITLE_LIMIT: Final = 32
"""The longest conversation title a citation chip names after who spoke and when."""
UNTITLED: Final = {"note": "Untitled note", "message": "Conversation", "import": "Imported"}
DELETED: Final = {"note": "A note that was deleted", "message": "A conversation that was deleted"}


def first_line_title(text: str, fallback: str = "Untitled", limit: int = TITLE_LIMIT) -> str:
    """The first line that holds words, without Markdown heading marks and with its spaces collapsed.

    A line longer than ``limit`` is cut at the last word that fits and ends with "…"."""
    for raw in text.splitlines():
        line = " ".join(raw.strip().lstrip("#").split())
        if line:
            return clip(line, limit)
    return fallback


def clip(text: str, limit: int = TITLE_LIMIT) -> str:
    """``text`` on one line, at most ``limit`` characters; a longer text is cut at a word and ends with "…"."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"


def title_or_fallback(source_kind: str, memory_kind: str, title: str | None) -> str:
    """A source's title as stored, or the name for an untitled one of its kind."""
    if title and title.strip():
        return title
    if source_kind == "consolidation":
        return memory_kind.title()
    return UNTITLED.get(source_kind, source_kind.title())


APP_ORIGIN: Final = "mcp:"
"""A note's ``origin`` when another app recorded it over MCP: ``mcp:<the app's name>``."""


def app_origin(app_name: str) -> str:
    """The ``origin`` of a note that the app ``app_name`` recorded (``reverie mcp``'s ``remember``)."""
    return APP_ORIGIN + app_name


def origin_app(origin: str | None) -> str | None:
    """The name of the app that recorded a note, from its ``origin``; None for the user's own notes."""
    if origin and origin.startswith(APP_ORIGIN) and origin[len(APP_ORIGIN) :].strip():
        return origin[len(APP_ORIGIN) :].strip()
    return None


def source_title(conn: Connection, memory: Memory) -> str:
    """The short name of where ``memory`` came from: the note's title or the conversation's title.

    A source that was deleted reads as such ("A note that was deleted")."""
    if memory.source_kind == "note" and memory.source_id:
        row = conn.execute("SELECT title FROM notes WHERE id = ?", (memory.source_id,)).fetchone()
        return title_or_fallback("note", memory.kind, row[0]) if row else DELETED["note"]
    if memory.source_kind == "message" and memory.source_id:
        row = conn.execute(
            "SELECT c.title FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ?",
            (memory.source_id,),
        ).fetchone()
        return title_or_fallback("message", memory.kind, row[0]) if row else DELETED["message"]
    return title_or_fallback(memory.source_kind, memory.kind, None)  # a fact or summary: "Fact", "Summary"


def describe_source(conn: Connection, memory: Memory) -> str:
    """A sentence-sized name for the source: 'Note “Trip”', 'Conversation “Plans” (you)'."""
    if memory.source_kind == "note" and memory.source_id:
        row = conn.execute("SELECT title, origin FROM notes WHERE id = ?", (memory.source_id,)).fetchone()
        if row is None:
            return DELETED["note"]
        app = origin_app(row[1])
        return f"Note “{title_or_fallback('note', memory.kind, row[0])}”" + (f" (from {app})" if app else "")
    if memory.source_kind == "message" and memory.source_id:
        row = conn.execute(
            "SELECT c.title, m.role FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ?",
            (memory.source_id,),
        ).fetchone()
        if row is None:
            return DELETED["message"]
        who = "you" if row[1] == "user" else "Reverie"
        return f"Conversation “{title_or_fallback('message', memory.kind, row[0])}” ({who})"
    if memory.source_kind == "consolidation":
        return "Nightly consolidation"
    return "An import"


def spoken_when(ts: float, now: float) -> str:
    """When a message was said, as short as it can be read: ``Today 14:02``, ``Tue 14:02`` within
    the last week, ``3 Dec`` this year, ``3 Dec 2025`` before (local time)."""
    d, today = datetime.fromtimestamp(ts), datetime.fromtimestamp(now)
    days_ago = (today.date() - d.date()).days
    if days_ago == 0:
        return f"Today {d:%H:%M}"
    if 0 < days_ago < 7:
        return f"{d:%a %H:%M}"
    if d.year == today.year:
        return f"{d.day} {d:%b}"
    return f"{d.day} {d:%b %Y}"


def cite_label(conn: Connection, memory: Memory, *, open_conversation: str | None, now: float) -> str:
    """What a citation chip names: the exact source of ``memory``.

    A message: who said it and when ("You · 3 Dec", "Maya · Tue 14:02"), and the conversation's
    title when it is not ``open_conversation``; a passage of a PDF note: the file and its page
    ("report.pdf p. 3", ``core.notesource.cite_name``); another note: its title; a fact or summary: its kind; a
    source that was deleted says so."""
    if memory.source_kind == "message" and memory.source_id:
        row = conn.execute(
            "SELECT m.role, m.speaker, m.happened_at, m.created_at, c.id, c.title FROM messages m "
            "JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ?",
            (memory.source_id,),
        ).fetchone()
        if row is None:
            return DELETED["message"]
        role, speaker, happened, created, cid, title = row
        who = speaker.strip() if speaker and speaker.strip() else "You" if role == "user" else "Reverie"
        label = f"{who} · {spoken_when(float(happened or created), now)}"
        if cid != open_conversation:
            label += f" · {clip(title_or_fallback('message', memory.kind, title), CITE_TITLE_LIMIT)}"
        return label
    if memory.source_kind == "note" and memory.source_id:
        row = conn.execute("SELECT origin, meta FROM notes WHERE id = ?", (memory.source_id,)).fetchone()
        page = (
            notesource.cite_name(row[0], json.loads(row[1] or "{}"), memory.span_start, memory.span_end)
            if row
            else None
        )
        if page:
            return page  # a passage of a PDF: "report.pdf p. 3"
    return source_title(conn, memory)
