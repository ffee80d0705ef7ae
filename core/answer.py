"""The companion: record the message, find memories, answer with a streamed, cited reply.

``Companion.answer`` records the user's message first (it is kept whatever happens next), asks
the memory source for hits, decides how to answer, streams the model, checks the citations,
then records the answer, its citations and the reinforcement of the memories it cited.

How it answers (``mode``), decided in code rather than left to a small model's wit:
- ``smalltalk``: no content words ("hi", "thanks"): the model replies, no memories, no citations.
- ``no_memory``: a question and no relevant memory: the fixed sentence ``NO_MEMORY``, no model.
- ``memory``: a question with relevant memories, numbered in the prompt; the model answers.
- ``chat``: a statement, not a question: the model replies, with memories if any are relevant.
Citations are checked (numbers not given are dropped and counted). When a complete answer
cites nothing: if it repeats a given memory's specific words, that memory's marker is appended;
else, in ``memory`` mode, the best memory is quoted verbatim after it with its marker, so a
question with a relevant memory always shows it, whatever a small model wrote.
A hit is relevant when it shares a content word with the message, or its vector similarity is
at least ``VECTOR_MIN``, or it was found by time alone (no words or vector score at all).

Cancelling keeps what was streamed: the answer is recorded with status ``partial`` (its valid
citations kept). A model failure records what was streamed with status ``error`` and the
sentence; the user's message and the rest of the vault are untouched.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from reverie.core import conversations, recall
from reverie.core.citations import append_markers, check_citations, content_words, infer_citations
from reverie.core.clock import Clock
from reverie.core.errors import InputError, ReverieError
from reverie.core.prompt import QUOTE_PREFIX, GivenMemory, Prompt, assemble, extend, system_text
from reverie.core.protocols import ChatModel
from reverie.core.records import Memory, Message
from reverie.core.vault import Vault

log = logging.getLogger(__name__)

NO_MEMORY = "I have no memory of that: nothing in your notes or our conversations mentions it."
VECTOR_MIN = 0.40
SEARCH_K = 8
MAX_ANSWER_TOKENS = 160
STOP = ("<memories>", "</memories>", "\nMessage:", "<|im_start|>", "<|im_end|>", "\nUser:", QUOTE_PREFIX.strip())
LOOP_WINDOW = 40
_QUESTION_START = re.compile(
    r"(?i)^\s*(who|whom|whose|what|when|where|which|why|how|do|does|did|is|are|was|were|can|could|will|"
    r"would|should|have|has|had|tell|remind|list|show|find|search|give)\b")


class MemoryHit(Protocol):
    memory: Memory
    score: float
    source_title: str


class MemorySource(Protocol):
    """What the companion needs from retrieval (``core.retrieval.Retriever`` fits)."""

    def search(self, query: str, *, now: float, k: int = 10) -> Any:
        """A result with ``.hits`` (or a list) of objects with ``memory``, ``score``, ``source_title``."""


@dataclass(frozen=True)
class Citation:
    n: int
    memory_id: int
    memory_uid: str
    source_title: str
    text: str
    inferred: bool = False  # appended by Reverie: the answer repeats this memory's words


@dataclass
class AnswerResult:
    user_message: Message
    assistant_message: Message
    citations: list[Citation]
    given: list[GivenMemory]
    dropped_citations: int = 0
    status: str = "complete"  # "complete" | "partial" | "error"
    error: str | None = None
    mode: str = "memory"  # "memory" | "no_memory" | "smalltalk" | "chat"
    timings: dict[str, float] = field(default_factory=dict)


def classify(text: str) -> str:
    """``smalltalk``, ``question`` or ``statement`` (pure)."""
    if not content_words(text):
        return "smalltalk"
    stripped = text.strip()
    if stripped.endswith("?") or _QUESTION_START.match(stripped):
        return "question"
    return "statement"


def is_relevant(text: str, hit: Any) -> bool:
    breakdown = getattr(hit, "breakdown", None) or {}
    vec = breakdown.get("vector")
    if isinstance(vec, (int, float)) and vec >= VECTOR_MIN:
        return True
    mem = hit.memory
    if content_words(text) & content_words(f"{mem.context}\n{mem.text}"):
        return True
    return bool(breakdown) and "vector" not in breakdown and "bm25" not in breakdown


def _looping(text: str) -> bool:
    """The tail repeats something already said: a small model in a loop."""
    return len(text) > 3 * LOOP_WINDOW and text[-LOOP_WINDOW:] in text[:-LOOP_WINDOW]


class Companion:
    def __init__(self, vault: Vault, model: ChatModel, memories: MemorySource, clock: Clock,
                 profile_provider: Callable[[], str] | None = None, *,
                 max_answer_tokens: int = MAX_ANSWER_TOKENS, search_k: int = SEARCH_K,
                 cite_assistant: bool = False, temperature: float = 0.2) -> None:
        self.vault = vault
        self.model = model
        self.memories = memories
        self.clock = clock
        self.profile_provider = profile_provider
        self.max_answer_tokens = max_answer_tokens
        self.search_k = search_k
        self.cite_assistant = cite_assistant
        self.temperature = temperature
        # The last answered turn (conversation id, prompt, raw answer, answer id), continued by the next
        # turn of the same conversation so the model reuses what it already evaluated.
        self._thread: tuple[str, Prompt, str, str] | None = None

    # -- the parts --------------------------------------------------------------------
    def candidates(self, text: str, now: float, exclude_sources: set[str]) -> list[GivenMemory]:
        result = self.memories.search(text, now=now, k=self.search_k)
        hits: Sequence[Any] = getattr(result, "hits", result)
        out: list[GivenMemory] = []
        seen: set[int | str] = set()
        for h in hits:
            m = h.memory
            if m.id in seen or m.content_hash in seen or (
                    m.source_kind == "message" and m.source_id in exclude_sources):
                continue
            if m.trust == "assistant" and not self.cite_assistant:
                continue  # Reverie cites what the user said or wrote, not its own earlier answers
            if m.kind == "chat" and classify(m.text) != "statement":
                continue  # an earlier question or a greeting supports no answer
            if not is_relevant(text, h):
                continue
            seen.update((m.id, m.content_hash))  # the same words twice are given once
            out.append(GivenMemory(0, m, h.source_title, float(h.score)))
        return out

    def _profile(self) -> str:
        if self.profile_provider is None:
            return ""
        try:
            return self.profile_provider() or ""
        except ReverieError as exc:
            log.warning("profile unavailable: %s", exc)
            return ""

    # -- the answer -------------------------------------------------------------------
    def answer(self, conversation_id: str, text: str, *, on_token: Callable[[str], None] | None = None,
               cancel: threading.Event | None = None) -> AnswerResult:
        """Answer ``text`` in the conversation. ``on_token`` gets the model's pieces as they come, then any
        suffix Reverie appends (markers, a quoted memory); ``assistant_message.content`` is authoritative
        (citation markers of memories not given are removed from it). Set ``cancel`` to stop."""
        if not text or not text.strip():
            raise InputError("Write something first: the message is empty.")
        t0 = time.perf_counter()
        history = conversations.list_messages(self.vault, conversation_id, limit=12)
        user = conversations.add_message(self.vault, conversation_id, "user", text)
        now = self.clock.now()
        emit = on_token or (lambda _piece: None)
        kind = classify(user.content)
        timings: dict[str, float] = {}
        try:
            cands = [] if kind == "smalltalk" else self.candidates(user.content, now, {user.id})
        except ReverieError as exc:
            log.warning("memory search failed: %s", exc)
            cands = []
        timings["retrieval_s"] = time.perf_counter() - t0
        if kind == "question" and not cands:
            emit(NO_MEMORY)
            msg = conversations.add_message(self.vault, conversation_id, "assistant", NO_MEMORY,
                                            meta={"mode": "no_memory"}, index=False, actor="reverie")
            timings["total_s"] = time.perf_counter() - t0
            return AnswerResult(user, msg, [], [], mode="no_memory", timings=timings)
        mode = "smalltalk" if kind == "smalltalk" else ("memory" if kind == "question" else "chat")
        try:
            prompt = self._prompt(conversation_id, user.content, cands, history)
        except ReverieError as exc:
            return self._finish(user, None, "", "error", str(exc), mode, timings, t0)
        if prompt.memories_dropped or prompt.cut:
            log.info("context budget: %d memories dropped, %d turns dropped, cut %s",
                     prompt.memories_dropped, prompt.history_dropped, prompt.cut)
        timings["assembly_s"] = time.perf_counter() - t0
        pieces: list[str] = []
        status, error = "complete", None
        stop_loop = threading.Event()
        try:
            for piece in self.model.stream(prompt.messages, max_tokens=prompt.max_tokens,
                                           temperature=self.temperature, stop=STOP, cancel=_either(cancel, stop_loop)):
                if not pieces:
                    timings["first_token_s"] = time.perf_counter() - t0
                pieces.append(piece)
                emit(piece)
                if _looping("".join(pieces[-64:])):
                    stop_loop.set()
                if cancel is not None and cancel.is_set():
                    break
            if cancel is not None and cancel.is_set():
                status = "partial"
        except ReverieError as exc:
            status, error = "error", str(exc)
        except Exception as exc:  # noqa: BLE001 - an adapter's surprise must not lose the turn
            log.exception("chat model failed")
            status, error = "error", f"The chat model failed while answering ({type(exc).__name__}: {exc})."
        timings["tokens"] = float(len(pieces))
        raw = "".join(pieces)
        result = self._finish(user, prompt, raw, status, error, mode, timings, t0, emit)
        if status == "complete" and not stop_loop.is_set() and raw.strip():
            self._thread = (conversation_id, prompt, raw, result.assistant_message.id)
        return result

    def _prompt(self, conversation_id: str, text: str, cands: list[GivenMemory], history: list[Message]) -> Prompt:
        profile = self._profile()
        thread, self._thread = self._thread, None
        if (thread is not None and thread[0] == conversation_id and history and history[-1].id == thread[3]
                and thread[1].messages[0].content == system_text(profile)):
            prompt = extend(thread[1], thread[2], question=text, candidates=cands,
                            context_size=self.model.context_size, count_tokens=self.model.count_tokens,
                            max_answer_tokens=self.max_answer_tokens)
            if prompt is not None:
                return prompt
        return assemble(question=text, candidates=cands, history=history, profile=profile,
                        context_size=self.model.context_size, count_tokens=self.model.count_tokens,
                        max_answer_tokens=self.max_answer_tokens, with_memories=bool(cands))

    def _finish(self, user: Message, prompt: Prompt | None, raw: str, status: str, error: str | None,
                mode: str, timings: dict[str, float], t0: float,
                emit: Callable[[str], None] | None = None) -> AnswerResult:
        given = prompt.given if prompt else []
        numbers = {g.n: g for g in given}
        check = check_citations(_trim_loop(raw), numbers)
        text, cited = check.text, list(check.cited)
        inferred: list[int] = []
        meta_quoted = False
        if check.dropped:
            log.warning("dropped %d citation(s) of memories not given: %s", len(check.dropped), check.dropped)
        current = [numbers[n] for n in prompt.current] if prompt else []
        if status == "complete" and not cited and current:
            inferred = infer_citations(text, user.content, [(g.n, g.memory.text) for g in current]) \
                if text.strip() else []
            before = text.rstrip()
            if inferred:
                text = append_markers(text, inferred)
            elif mode == "memory":  # the model used none of them: quote the best one, verbatim
                inferred = [current[0].n]
                text = f"{before}\n\n{quote(current[0])}".lstrip()
                meta_quoted = True
            cited = inferred
            if emit is not None and inferred:
                emit(text[len(before):])
        meta: dict[str, Any] = {"mode": mode, "model": self.model.name}
        if check.dropped:
            meta["dropped_citations"] = check.dropped
        if inferred:
            meta["citations_inferred"] = inferred
        if meta_quoted:
            meta["quoted_memory"] = True
        if error:
            meta["error"] = error
        msg = conversations.add_message(self.vault, user.conversation_id, "assistant", text, status=status,
                                        meta=meta, index=bool(text.strip()), actor="reverie")
        citations = [Citation(n, numbers[n].memory.id, numbers[n].memory.uid, numbers[n].source_title,
                              numbers[n].memory.text, n in inferred) for n in cited]
        if citations:
            self._record_citations(msg, citations)
        timings["total_s"] = time.perf_counter() - t0
        return AnswerResult(user, msg, citations, given, len(check.dropped), status, error, mode, timings)

    def _record_citations(self, msg: Message, citations: list[Citation]) -> None:
        now = self.clock.now()
        with self.vault.tx() as conn:
            conn.executemany("INSERT OR IGNORE INTO citations(message_id, n, memory_uid) VALUES (?,?,?)",
                             [(msg.id, c.n, c.memory_uid) for c in citations])
            recall.reinforce_in(conn, [c.memory_id for c in citations], now,
                                reason=f"cited in answer {msg.id}", actor="reverie")


def quote(g: GivenMemory) -> str:
    """A memory quoted verbatim with its marker, when the model's own words cited none."""
    text = " ".join(g.memory.text.split())
    if len(text) > 400:
        text = text[:399].rstrip() + "…"
    return f"{QUOTE_PREFIX}“{text}” [{g.n}]"


def _trim_loop(text: str) -> str:
    """Cut a looping tail back to the first time it was said."""
    if not _looping(text):
        return text
    tail = text[-LOOP_WINDOW:]
    first = text.find(tail)
    return text[: first + LOOP_WINDOW].rstrip()


class _either:  # noqa: N801 - behaves like a threading.Event for the model
    """An event that is set when either of two events is."""

    def __init__(self, a: threading.Event | None, b: threading.Event) -> None:
        self._a, self._b = a, b

    def is_set(self) -> bool:
        return self._b.is_set() or (self._a is not None and self._a.is_set())

    def wait(self, timeout: float | None = None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.is_set():
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
        return True
