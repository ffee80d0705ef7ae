"""What a chat turn is embedded with: the turn, and the turns just before it.

A turn alone is often elliptical ("Yes, last Friday! It was so moving."): what it is about was
said in the turn before. A turn's meaning vector is therefore computed from its own text (with
its speaker line) followed by the ``window`` previous indexed turns of the same conversation,
most recent first, each cut to ``PREVIOUS_MAX_CHARS``. The turn's own text comes first so that
the embedder's input limit (256 word pieces for MiniLM) never cuts it for the sake of context.
The words index keeps the turn's own text only, so a word search still points at the turn that
says it.

``embedding_inputs`` gives the text to embed for each memory (notes and other kinds: their own
``embed_text``), for the embedding job and for the evaluation alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from reverie.core.records import embed_text

DEFAULT_WINDOW = 1
PREVIOUS_MAX_CHARS = 300

_ROWS = (
    "SELECT m.id, m.context, m.text, g.conversation_id, g.seq, m.seq "
    "FROM memories m LEFT JOIN messages g ON m.source_kind = 'message' AND g.id = m.source_id "
)


def _rows(conn: Any, conversation_ids: Iterable[str] | None) -> list[Any]:
    if conversation_ids is None:
        return conn.execute(_ROWS + "WHERE m.archived = 0 ORDER BY m.id").fetchall()
    ids = list(dict.fromkeys(conversation_ids))
    out: list[Any] = []
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        out += conn.execute(_ROWS + f"WHERE g.conversation_id IN ({marks}) ORDER BY m.id", chunk).fetchall()  # noqa: S608
    return out


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


def windowed(rows: list[Any], window: int = DEFAULT_WINDOW) -> dict[int, str]:
    """memory id -> its embedding input, from rows (id, context, text, conversation id, message
    seq, unit seq)."""
    own = {int(r[0]): embed_text(r[1], r[2]) for r in rows}
    if window <= 0:
        return own
    prev = previous_turns(rows)
    out: dict[int, str] = {}
    for mid, text in own.items():
        chain: list[str] = []
        m: int | None = mid
        for _ in range(window):
            m = prev.get(m) if m is not None else None
            if m is None:
                break
            chain.append(_cut(own[m], PREVIOUS_MAX_CHARS))
        out[mid] = "\n".join([text, *chain])
    return out


def embedding_inputs(conn: Any, *, window: int = DEFAULT_WINDOW,
                     conversation_ids: Iterable[str] | None = None) -> dict[int, str]:
    """The text to embed for every live memory (or those of some conversations)."""
    return windowed(_rows(conn, conversation_ids), window)
