"""What a chat turn is embedded with: the turn, and the turns just before it.

A turn alone is often elliptical ("Yes, last Friday! It was so moving."): what it is about was
said in the turn before. A turn's meaning vector is therefore computed from its own text (with
its speaker line) followed by the ``window`` previous indexed turns of the same conversation,
most recent first, each cut to ``PREVIOUS_MAX_CHARS``. The turn's own text comes first so that
the embedder's input limit (256 word pieces for MiniLM) never cuts it for the sake of context.
The words index keeps the turn's own text only, so a word search still points at the turn that
says it.

``inputs_for`` gives the text to embed for some memories (notes and other kinds: their own
``embed_text``), for the embedding job and the evaluation alike. ``following`` names the turns
whose input includes some memory, so that editing or deleting a turn also refreshes the vector of
the turn after it (no trace of a deleted turn stays in its neighbour's vector).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from reverie.core.records import embed_text
from reverie.core.sqltypes import Connection

DEFAULT_WINDOW = 1
PREVIOUS_MAX_CHARS = 300

_ROWS = (
    "SELECT m.id, m.context, m.text, g.conversation_id, g.seq, m.seq "
    "FROM memories m LEFT JOIN messages g ON m.source_kind = 'message' AND g.id = m.source_id "
)


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit] + " …"


def previous_turns(rows: Iterable[Any]) -> dict[int, int]:
    """memory id -> the memory just before it in its conversation (message order, then unit order)."""
    by_conv: dict[str, list[tuple[int, int, int]]] = {}
    for r in rows:
        if r[3] is not None:
            by_conv.setdefault(r[3], []).append((int(r[4]), int(r[5]), int(r[0])))
    out: dict[int, int] = {}
    for items in by_conv.values():
        items.sort()
        for a, b in zip(items, items[1:], strict=False):
            out[b[2]] = a[2]
    return out


# The memories of the same conversation before (or after) a turn unit, nearest first.
_BEFORE = (
    "SELECT n.id, n.context, n.text FROM messages h "
    "JOIN memories n ON n.source_kind = 'message' AND n.source_id = h.id "
    "WHERE h.conversation_id = ? AND (h.seq < ? OR (h.seq = ? AND n.seq < ?)) "
    "ORDER BY h.seq DESC, n.seq DESC LIMIT ?"
)
_AFTER = (
    "SELECT n.id FROM messages h "
    "JOIN memories n ON n.source_kind = 'message' AND n.source_id = h.id "
    "WHERE h.conversation_id = ? AND (h.seq > ? OR (h.seq = ? AND n.seq > ?)) "
    "ORDER BY h.seq, n.seq LIMIT ?"
)


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _own_rows(conn: Connection, ids: Iterable[int]) -> list[Any]:
    out: list[Any] = []
    for chunk in _chunks(list(dict.fromkeys(int(i) for i in ids))):
        marks = ",".join("?" * len(chunk))
        out += conn.execute(_ROWS + f"WHERE m.id IN ({marks})", chunk).fetchall()
    return out


def inputs_for(conn: Connection, ids: Iterable[int], window: int = DEFAULT_WINDOW) -> dict[int, str]:
    """memory id -> its embedding input: its own text, then the ``window`` indexed turns before it
    in its conversation, most recent first, each cut to ``PREVIOUS_MAX_CHARS``."""
    out: dict[int, str] = {}
    for r in _own_rows(conn, ids):
        text = embed_text(r[1], r[2])
        chain: list[str] = []
        if window > 0 and r[3] is not None:
            chain = [
                _cut(embed_text(p[1], p[2]), PREVIOUS_MAX_CHARS)
                for p in conn.execute(_BEFORE, (r[3], r[4], r[4], r[5], window)).fetchall()
            ]
        out[int(r[0])] = "\n".join([text, *chain])
    return out


def following(conn: Connection, ids: Iterable[int], window: int = DEFAULT_WINDOW) -> set[int]:
    """The turn units (not among ``ids``) whose embedding input includes one of ``ids``."""
    if window <= 0:
        return set()
    wanted = {int(i) for i in ids}
    out: set[int] = set()
    for r in _own_rows(conn, wanted):
        if r[3] is not None:
            out.update(int(n[0]) for n in conn.execute(_AFTER, (r[3], r[4], r[4], r[5], window)).fetchall())
    return out - wanted
