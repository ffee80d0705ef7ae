"""A words-only searcher over the FTS5 index, used when the hybrid ``core.retrieval.Retriever`` is
not available. Same call shape: ``search(query, *, now, k, filters) -> result with .hits``.
Plain Python (no Qt); it runs on the database lane."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reverie.core.records import MEMORY_COLS, Memory
from reverie.core.textindex import index_text

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class WordFilters:
    kinds: tuple[str, ...] = ()
    since: float | None = None
    until: float | None = None
    archived: str = "exclude"  # "exclude" | "include" | "only"


@dataclass(frozen=True)
class WordHit:
    memory: Memory
    score: float
    breakdown: dict[str, float]
    source_title: str
    highlights: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class WordResult:
    hits: list[WordHit]
    query_text: str
    since: float | None = None
    until: float | None = None
    time_phrase: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def query_words(query: str) -> list[str]:
    """The words of a query, with every FTS5 operator and quote removed (so `"((` or `*` are safe)."""
    return _WORD.findall(index_text(query))


def match_expression(words: list[str], any_word: bool = False) -> str:
    quoted = ['"' + w.replace('"', "") + '"' for w in words]
    if quoted:
        quoted[-1] += "*"  # results as you type: the last word may be unfinished
    return (" OR " if any_word else " ").join(quoted)


def highlight_spans(text: str, words: list[str]) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    low = text.casefold()
    for w in {w.casefold() for w in words if w}:
        for m in re.finditer(r"(?<!\w)" + re.escape(w), low):
            spans.append((m.start(), m.start() + len(w)))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return tuple(merged)


def source_title(conn: Any, memory: Memory) -> str:
    if memory.source_kind == "note" and memory.source_id:
        row = conn.execute("SELECT title FROM notes WHERE id = ?", (memory.source_id,)).fetchone()
        return row[0] if row else "(deleted note)"
    if memory.source_kind == "message" and memory.source_id:
        row = conn.execute(
            "SELECT c.title FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ?",
            (memory.source_id,),
        ).fetchone()
        return (row[0] or "Conversation") if row else "(deleted message)"
    return memory.kind.capitalize()


class WordSearcher:
    def __init__(self, vault: Any) -> None:
        self.vault = vault

    def search(self, query: str, *, now: float, k: int = 10, filters: Any = None, mode: str = "words") -> WordResult:
        words = query_words(query)
        if not words:
            return WordResult([], query)
        f = filters or WordFilters()
        result = self._search(words, k, f, any_word=False)
        if not result and len(words) > 1:
            result = self._search(words, k, f, any_word=True)  # no passage has every word: any will do
        return WordResult(result, query)

    def _search(self, words: list[str], k: int, f: Any, *, any_word: bool) -> list[WordHit]:
        where = ["memories_fts MATCH ?"]
        params: list[Any] = [match_expression(words, any_word)]
        if f.kinds:
            where.append(f"m.kind IN ({','.join('?' * len(f.kinds))})")
            params += list(f.kinds)
        if f.since is not None:
            where.append("m.happened_at >= ?")
            params.append(f.since)
        if f.until is not None:
            where.append("m.happened_at < ?")
            params.append(f.until)
        if f.archived == "exclude":
            where.append("m.archived = 0")
        elif f.archived == "only":
            where.append("m.archived = 1")
        cols = ", ".join("m." + c.strip() for c in MEMORY_COLS.split(","))
        sql = (f"SELECT {cols}, bm25(memories_fts) AS rank FROM memories_fts "
               f"JOIN memories m ON m.id = memories_fts.rowid WHERE {' AND '.join(where)} ORDER BY rank LIMIT ?")
        params.append(int(k))
        with self.vault.read() as conn:
            rows = conn.execute(sql, params).fetchall()
            hits = []
            for r in rows:
                mem = Memory.from_row(r[:-1])
                hits.append(WordHit(mem, -float(r[-1]), {"bm25": -float(r[-1])}, source_title(conn, mem),
                                    highlight_spans(mem.text, words)))
        return hits
