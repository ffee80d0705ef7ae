"""Reverie's own replies: kept in their conversations, never memories, found only when asked for.

Search shows them only with the "Reverie's replies" filter (``reverie search --kind reply``): a
words search over the replies' text (every content word of the query, in any order), newest
first. A hit carries a stand-in memory (id 0, kind ``reply``) whose source is the reply's message,
so opening it opens the conversation at that reply.
"""

from __future__ import annotations

from reverie.core import fts
from reverie.core.citations import content_words
from reverie.core.records import Memory, MemoryKind
from reverie.core.searchtypes import Hit
from reverie.core.vault import Vault

KIND: MemoryKind = "reply"
MAX_WORDS = 8


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_replies(
    vault: Vault, query: str, *, limit: int = 50, since: float | None = None, until: float | None = None
) -> list[Hit]:
    """Replies Reverie wrote that hold every content word of ``query`` (newest first)."""
    words = sorted(content_words(query), key=len, reverse=True)[:MAX_WORDS]
    if not words:
        return []
    where = ["m.role = 'assistant'", "coalesce(m.origin, '') = ''"]
    args: list[object] = []
    for w in words:
        where.append("m.content LIKE ? ESCAPE '\\'")
        args.append(_like(w))
    if since is not None:
        where.append("m.happened_at >= ?")
        args.append(since)
    if until is not None:
        where.append("m.happened_at < ?")
        args.append(until)
    args.append(limit)
    with vault.read() as conn:
        rows = conn.execute(
            "SELECT m.id, m.content, m.created_at, m.happened_at, c.title FROM messages m "
            "JOIN conversations c ON c.id = m.conversation_id "
            f"WHERE {' AND '.join(where)} ORDER BY m.created_at DESC LIMIT ?",
            args,
        ).fetchall()
    hits: list[Hit] = []
    for mid, content, created, happened, title in rows:
        memory = Memory(
            0,
            "",
            KIND,
            "message",
            mid,
            0,
            len(content),
            0,
            content,
            "Reverie:",
            "Reverie",
            created,
            happened,
            None,
            None,
            "",
            "assistant",
            0.0,
            0.0,
            None,
            0,
            False,
            False,
            None,
            None,
            {},
        )
        hits.append(Hit(memory, 1.0, {"reply": 1.0}, title or "Conversation", fts.highlight_spans(content, words)))
    return hits
