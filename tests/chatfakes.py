"""Fakes for the companion's unit tests: a scripted chat model and a words-only memory source."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from reverie.core.citations import content_words
from reverie.core.errors import ModelError
from reverie.core.protocols import ChatMessage
from reverie.core.records import MEMORY_COLS, Memory
from reverie.core.textindex import index_text


class FakeChatModel:
    """Streams a scripted reply word by word; ``reply`` may be a function of the messages."""

    def __init__(
        self,
        reply: str | Callable[[Sequence[ChatMessage]], str] = "Hello.",
        *,
        context_size: int = 2048,
        fail_after: int | None = None,
        on_piece: Callable[[int], None] | None = None,
    ) -> None:
        self.reply = reply
        self._ctx = context_size
        self.fail_after = fail_after
        self.on_piece = on_piece
        self.calls: list[dict[str, Any]] = []

    @property
    def name(self) -> str:
        return "fake"

    @property
    def context_size(self) -> int:
        return self._ctx

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + text.count("\n")

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int = 512,
        temperature: float = 0.2,
        stop: Sequence[str] = (),
        cancel: threading.Event | None = None,
        json_schema: dict[str, Any] | None = None,
    ) -> Iterator[str]:
        self.calls.append({"messages": list(messages), "max_tokens": max_tokens, "stop": list(stop)})
        text = self.reply(messages) if callable(self.reply) else self.reply
        words = text.split(" ")
        for i, w in enumerate(words[:max_tokens]):
            if cancel is not None and cancel.is_set():
                return
            if self.fail_after is not None and i == self.fail_after:
                raise ModelError("The fake model failed while answering.")
            yield w if i == 0 else " " + w
            if self.on_piece is not None:
                self.on_piece(i)


@dataclass
class FakeHit:
    memory: Memory
    score: float
    source_title: str
    breakdown: dict[str, float] = field(default_factory=dict)


@dataclass
class FakeResult:
    hits: list[FakeHit]


class WordsMemories:
    """Words-only search over the vault's FTS index (OR of the query's content words)."""

    def __init__(self, vault: Any) -> None:
        self.vault = vault
        self.queries: list[str] = []

    def search(self, query: str, *, now: float, k: int = 10) -> FakeResult:
        self.queries.append(query)
        words = sorted(content_words(index_text(query)))
        if not words:
            return FakeResult([])
        match = " OR ".join('"' + w.replace('"', "") + '"' for w in words)
        cols = ", ".join("m." + c.strip() for c in MEMORY_COLS.split(","))
        with self.vault.read() as conn:
            rows = conn.execute(
                f"SELECT {cols}, bm25(memories_fts), coalesce(n.title, c.title, '') FROM memories_fts "
                "JOIN memories m ON m.id = memories_fts.rowid "
                "LEFT JOIN notes n ON m.source_kind = 'note' AND n.id = m.source_id "
                "LEFT JOIN messages g ON m.source_kind = 'message' AND g.id = m.source_id "
                "LEFT JOIN conversations c ON c.id = g.conversation_id "
                "WHERE memories_fts MATCH ? ORDER BY bm25(memories_fts) LIMIT ?",
                (match, k),
            ).fetchall()
        return FakeResult(
            [FakeHit(Memory.from_row(r[:-2]), -float(r[-2]), r[-1], {"bm25": -float(r[-2])}) for r in rows]
        )
