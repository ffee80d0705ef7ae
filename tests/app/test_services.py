"""The screens use core.retrieval and core.answer when they exist, through the names and call
shapes agreed for them (Retriever.search, SearchFilters, Hit, Companion.answer, AnswerResult)."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass, field
from typing import Any

from uifakes import open_window

from reverie.app.ui.services import Services
from reverie.core import conversations, notes
from reverie.core.records import MEMORY_COLS, Memory


@dataclass(frozen=True)
class SearchFilters:
    kinds: tuple = ()
    since: float | None = None
    until: float | None = None
    archived: str = "exclude"


@dataclass(frozen=True)
class Hit:
    memory: Memory
    score: float
    breakdown: dict
    source_title: str
    highlights: tuple


@dataclass(frozen=True)
class SearchResult:
    hits: list
    query_text: str
    since: float | None = None
    until: float | None = None
    time_phrase: str | None = None


class Retriever:
    calls: list = []

    def __init__(self, vault: Any, embedder: Any = None) -> None:
        self.vault = vault

    def search(self, query: str, *, now: float, k: int = 10, filters: Any = None, mode: str = "hybrid") -> Any:
        Retriever.calls.append((query, k, filters, mode))
        with self.vault.read() as conn:
            row = conn.execute(f"SELECT {MEMORY_COLS} FROM memories WHERE kind = 'note' LIMIT 1").fetchone()  # noqa: S608
        mem = Memory.from_row(row)
        return SearchResult([Hit(mem, 1.0, {"bm25": 1.0}, "From the retriever", ((4, 9),))], query,
                            time_phrase="last week")


@dataclass
class Citation:
    n: int
    memory_id: int
    memory_uid: str
    source_title: str
    text: str


@dataclass
class AnswerResult:
    user_message: Any
    assistant_message: Any
    citations: list = field(default_factory=list)
    given: list = field(default_factory=list)
    dropped_citations: int = 0
    status: str = "ok"
    error: str | None = None


class Companion:
    made: list = []

    def __init__(self, vault: Any, model: Any, memories: Any, clock: Any) -> None:
        Companion.made.append((model, memories))
        self.vault, self.memories = vault, memories

    def answer(self, conversation_id: str, text: str, *, on_token: Any = None, cancel: Any = None) -> AnswerResult:
        hit = self.memories.search(text, now=self.vault.now(), k=5).hits[0]
        user = conversations.add_message(self.vault, conversation_id, "user", text)
        for piece in ("It is ", "in the note [1]."):
            on_token(piece)
        reply = conversations.add_message(self.vault, conversation_id, "assistant", "It is in the note [1].")
        cite = Citation(1, hit.memory.id, hit.memory.uid, hit.source_title, hit.memory.text)
        return AnswerResult(user, reply, [cite], [hit])


def test_the_agreed_modules_are_used_when_present(qtbot, paths, vault, monkeypatch):
    retrieval = types.ModuleType("reverie.core.retrieval")
    retrieval.Retriever, retrieval.SearchFilters = Retriever, SearchFilters
    answer = types.ModuleType("reverie.core.answer")
    answer.Companion = Companion
    monkeypatch.setitem(sys.modules, "reverie.core.retrieval", retrieval)
    monkeypatch.setitem(sys.modules, "reverie.core.answer", answer)
    import reverie.app.context as context

    monkeypatch.delattr(context, "build_retriever", raising=False)
    Retriever.calls.clear()
    Companion.made.clear()
    notes.create_note(vault, "The spare key hangs by the door.")
    services = Services(chat_model=object(), use_embedder=False)
    assert isinstance(services.filters(("note",), None, None, "include"), SearchFilters)
    window = open_window(qtbot, paths, vault)
    window.session.ui_services = services
    search = window.show_page("search")
    search.kind_boxes["note"].setChecked(True)
    search.query.setText("spare key")
    qtbot.waitUntil(lambda: search.model.rowCount() == 1, timeout=10_000)
    query, k, filters, _mode = Retriever.calls[-1]
    assert query == "spare key" and filters.kinds == ("note",) and filters.archived == "exclude"
    assert "From the retriever" in search.model.hits[0].source_title and "last week" in search.status.text()
    chat = window.show_page("chat")
    chat.composer.setPlainText("Where is the spare key?")
    chat.flow.send()
    qtbot.waitUntil(lambda: not chat.flow.running and bool(chat.thread.widgets)
                    and bool(chat.thread.widgets[-1].chips), timeout=10_000)
    assert Companion.made and isinstance(Companion.made[0][1], Retriever)
    assert chat.thread.widgets[-1].chips[0].text() == "[1] From the retriever"  # kept from the result
    assert chat.sources.rowCount() == 1 and chat.sources.rows[0].cited
