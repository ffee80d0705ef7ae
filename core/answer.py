"""The companion: record the message, find memories, and reply with what passed a check.

``Companion.answer`` records the user's message first (it is kept whatever happens next), asks
the memory source for hits, decides how to reply, and records the reply (never as a memory:
Reverie's own words stay in the conversation and are not indexed, unless the user keeps one).

How it replies (``mode``), decided in code rather than left to a small model's wit:
- ``no_memory``: a question and no relevant memory: the fixed sentence ``NO_MEMORY``, no model.
- ``memory``: a question with relevant memories. A *tiny* model (``core/tiers.py``) is not asked:
  Reverie composes the reply from the memories (``core/compose.py``: the best memory quoted, who
  said it and when, up to two more as "also"). A *capable* model answers from the numbered
  memories; its reply streams a sentence at a time through the gate (``core/answer_stream.py``)
  and is checked whole (``core/gate.py``); a reply that fails is replaced by the composed one.
- ``statement``: Reverie acknowledges what it took in ("Noted: dentist, Thu 3 Dec at 14:30 [1]",
  citing the new message; a date or time is resolved and kept in the message's meta). A capable
  model may add one short sentence, shown only if it passes the gate; a tiny one is not asked.
- ``smalltalk``: no content words ("hi", "thanks"): a fixed friendly reply on a tiny model; a
  capable model's reply, gated.
Citations are checked (numbers not given are dropped and counted). When a capable model's
passing answer cites nothing: if it repeats a given memory's specific words, that memory's marker
is appended; else it used none of its memories, and Reverie composes the reply instead.
A hit is relevant when it shares a content word with the message, or its vector similarity is
at least ``VECTOR_MIN``, or it was found by time alone (no words or vector score at all).

Cancelling keeps what was shown: the reply is recorded with status ``partial``. A model failure
keeps what was shown with status ``error`` and the sentence; the user's message and the rest of
the vault are untouched.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any, Literal, Protocol

from reverie.core import conversations, recall
from reverie.core.answer_stream import Status, Streamed, stream_reply, texts
from reverie.core.citations import append_markers, check_citations, content_words, infer_citations, strip_markers
from reverie.core.clock import Clock
from reverie.core.compose import Composed, acknowledge, compose_answer, smalltalk_reply, source_texts
from reverie.core.errors import InputError, ReverieError
from reverie.core.gate import GateVerdict, Reason, check_reply, check_sentence
from reverie.core.prompt import QUOTE_PREFIX, RULES, GivenMemory, Prompt, assemble, extend, past_answer, system_text
from reverie.core.protocols import ChatModel
from reverie.core.records import Memory, Message
from reverie.core.sources import first_line_title
from reverie.core.tiers import Tier
from reverie.core.vault import Vault
from reverie.core.whenparse import When, find_when

log = logging.getLogger(__name__)

NO_MEMORY = "I have no memory of that: nothing in your notes or our conversations mentions it."
VECTOR_MIN = 0.40
SEARCH_K = 8
COMPOSED_K = 12
MAX_ANSWER_TOKENS = 160
MAX_SENTENCE_TOKENS = 48  # the one sentence a model may add to an acknowledgement
STATEMENT_CHARS = 2000  # what an acknowledgement reads of a statement (a pasted book is noted, not parsed)
QUERY_CHARS = 4000  # what a search reads of the message (a pasted log is kept whole, searched by its start)
SOURCE_CHARS = 100_000  # what the gate reads of the message (the model never sees more)
STOP = ("<memories>", "</memories>", "\nMessage:", "<|im_start|>", "<|im_end|>", "\nUser:", QUOTE_PREFIX.strip())
Mode = Literal["memory", "no_memory", "smalltalk", "statement"]
Kind = Literal["smalltalk", "question", "statement"]
_QUESTION_START = re.compile(
    r"(?i)^\s*(who|whom|whose|what|when|where|which|why|how|do|does|did|is|are|was|were|can|could|will|"
    r"would|should|have|has|had|tell|remind|list|show|find|search|give)\b"
)


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
    inferred: bool = False  # added by Reverie (a quote, an acknowledgement), not written by the model


@dataclass
class AnswerResult:
    user_message: Message
    assistant_message: Message
    citations: list[Citation]
    given: list[GivenMemory]
    dropped_citations: int = 0
    status: Status = "complete"
    error: str | None = None
    mode: Mode = "memory"
    timings: dict[str, float] = field(default_factory=dict)
    gate: GateVerdict | None = None  # the model's reply as judged (None when no model wrote one)
    replaced: bool = False  # the model's reply failed the gate and Reverie composed this one
    composed: bool = False  # Reverie wrote the reply (a quote, an acknowledgement, a fixed sentence)
    when: When | None = None  # the moment a statement names, resolved


def classify(text: str) -> Kind:
    """``smalltalk``, ``question`` or ``statement`` (pure)."""
    if not content_words(text):
        return "smalltalk"
    stripped = text.strip()
    if stripped.endswith("?") or _QUESTION_START.match(stripped):
        return "question"
    return "statement"


def states_something(text: str) -> bool:
    """A turn with at least one statement ("We're thinking about camping. Have you been?" states
    something; "Where is Maya?" or "thanks!" does not)."""
    parts = [p for p in re.split(r"(?<=[.!?])\s+|\n+", text.strip()) if p.strip()]
    return any(classify(p) == "statement" for p in parts) or classify(text) == "statement"


def is_relevant(text: str, hit: Any) -> bool:
    breakdown = getattr(hit, "breakdown", None) or {}
    vec = breakdown.get("vector")
    if isinstance(vec, (int, float)) and vec >= VECTOR_MIN:
        return True
    mem = hit.memory
    if content_words(text) & content_words(f"{mem.context}\n{mem.text}"):
        return True
    return bool(breakdown) and "vector" not in breakdown and "bm25" not in breakdown


@dataclass
class _Turn:
    """One answer in the making."""

    conversation_id: str
    user: Message
    kind: Kind
    cands: list[GivenMemory]
    history: list[Message]
    emit: Callable[[str], None]
    cancel: threading.Event | None
    t0: float
    timings: dict[str, float]
    when: When | None = None


class Companion:
    def __init__(
        self,
        vault: Vault,
        model: ChatModel,
        memories: MemorySource,
        clock: Clock,
        profile_provider: Callable[[], str] | None = None,
        *,
        tier: Tier = "capable",
        gate: bool = True,
        max_answer_tokens: int = MAX_ANSWER_TOKENS,
        search_k: int = SEARCH_K,
        cite_assistant: bool = False,
        temperature: float = 0.2,
        tz: tzinfo | None = None,
    ) -> None:
        self.vault = vault
        self.model = model
        self.memories = memories
        self.clock = clock
        self.profile_provider = profile_provider
        self.tier: Tier = tier
        self.gate = gate  # False only for the benchmark's raw-model baseline
        self.max_answer_tokens = max_answer_tokens
        self.search_k = search_k
        self.cite_assistant = cite_assistant
        self.temperature = temperature
        self.tz = tz
        # The last answered turn (conversation id, prompt, raw answer, answer id), continued by the next
        # turn of the same conversation so the model reuses what it already evaluated.
        self._thread: tuple[str, Prompt, str, str] | None = None

    # -- the parts --------------------------------------------------------------------
    def candidates(self, text: str, now: float, exclude_sources: set[str]) -> list[GivenMemory]:
        # A composed reply has no context budget: it may name every relevant memory of a wider pool
        # (up to ten sources), where a model's prompt takes the first ``search_k``.
        k = COMPOSED_K if self.tier == "tiny" and self.gate else self.search_k
        result = self.memories.search(text, now=now, k=k)
        hits: Sequence[Any] = getattr(result, "hits", result)
        out: list[GivenMemory] = []
        seen: set[int | str] = set()
        for h in hits:
            m = h.memory
            if (
                m.id in seen
                or m.content_hash in seen
                or (m.source_kind == "message" and m.source_id in exclude_sources)
            ):
                continue
            if m.trust == "assistant" and not (self.cite_assistant or m.pinned):
                continue  # Reverie cites what the user said or wrote, or a reply the user kept
            if m.kind == "chat" and not states_something(m.text):
                continue  # an earlier question or a greeting supports no answer
            if not is_relevant(text, h):
                continue
            seen.update((m.id, m.content_hash))  # the same words twice are given once
            out.append(GivenMemory(len(out) + 1, m, h.source_title, float(h.score)))
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
    def answer(
        self,
        conversation_id: str,
        text: str,
        *,
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> AnswerResult:
        """Reply to ``text`` in the conversation. ``on_token`` gets the reply's pieces as they are
        shown; when the gate replaces a reply, ``assistant_message.content`` (always authoritative)
        differs from what was streamed. Set ``cancel`` to stop."""
        if not text or not text.strip():
            raise InputError("Write something first: the message is empty.")
        t0 = time.perf_counter()
        history = conversations.list_messages(self.vault, conversation_id, limit=12)
        now = self.clock.now()
        kind = classify(
            text if len(text) <= 2 * STATEMENT_CHARS else f"{text[:STATEMENT_CHARS]} {text[-STATEMENT_CHARS:]}"
        )
        when = find_when(text[:STATEMENT_CHARS], now, self.tz) if kind == "statement" else None
        meta = {"when": when.as_meta(now, self.tz)} if when is not None else None
        # Recorded first, indexed after its search: a message that finds itself crowds out the words
        # of every other match. ``index_unindexed`` makes the memory even if the search fails.
        user = conversations.add_message(self.vault, conversation_id, "user", text, meta=meta, index=False)
        turn = _Turn(conversation_id, user, kind, [], history, on_token or (lambda _piece: None), cancel, t0, {}, when)
        try:
            # A statement to a tiny model is acknowledged by Reverie alone: nothing to search for.
            needs = kind == "question" or (kind == "statement" and not (self.tier == "tiny" and self.gate))
            turn.cands = self.candidates(user.content[:QUERY_CHARS], now, {user.id}) if needs else []
        except ReverieError as exc:
            log.warning("memory search failed: %s", exc)
        finally:
            conversations.index_unindexed(self.vault, conversation_id, actor="user")
        turn.timings["retrieval_s"] = time.perf_counter() - t0
        if kind == "statement":
            return self._statement(turn)
        if kind == "smalltalk":
            if self.tier == "tiny":
                return self._record_composed(turn, "smalltalk", Composed(smalltalk_reply(text), []), [])
            return self._free(turn, "smalltalk")
        if not turn.cands:
            return self._record_composed(turn, "no_memory", Composed(NO_MEMORY, []), [])
        if self.tier == "tiny" and self.gate:
            return self._record_composed(turn, "memory", compose_answer(text, turn.cands, now, self.tz), turn.cands)
        return self._free(turn, "memory")

    # -- a model's free reply, gated ----------------------------------------------------------
    def _free(self, turn: _Turn, mode: Mode) -> AnswerResult:
        try:
            prompt = self._prompt(turn.conversation_id, turn.user.content, turn.cands, turn.history)
        except ReverieError as exc:
            return self._record(turn, mode, "", [], [], status="error", error=str(exc))
        if prompt.memories_dropped or prompt.cut:
            log.info(
                "context budget: %d memories dropped, %d turns dropped, cut %s",
                prompt.memories_dropped,
                prompt.history_dropped,
                prompt.cut,
            )
        turn.timings["assembly_s"] = time.perf_counter() - turn.t0
        self._prompt_timings(turn, prompt)
        given = prompt.given
        numbers = {g.n: g for g in given}
        sources = self._sources(turn, given)
        started = time.perf_counter()
        streamed = stream_reply(
            self.model,
            prompt.messages,
            max_tokens=prompt.max_tokens,
            temperature=self.temperature,
            stop=STOP,
            emit=turn.emit,
            cancel=turn.cancel,
            sources=sources,
            instructions=self._instructions(),
            gated=self.gate,
            earlier=self._earlier(turn),
            memories={g.n: g.memory.text for g in given},
        )
        self._timings(turn, streamed, started)
        check = check_citations(streamed.shown if self.gate else streamed.raw, numbers)
        if check.dropped:
            log.warning("dropped %d citation(s) of memories not given: %s", len(check.dropped), check.dropped)
        if streamed.status != "complete":
            return self._record(
                turn,
                mode,
                check.text,
                given,
                check.cited,
                status=streamed.status,
                error=streamed.error,
                dropped=check.dropped,
            )
        current = [numbers[n] for n in prompt.current]
        if not self.gate:
            return self._continue(
                prompt,
                turn,
                self._record(turn, mode, check.text, given, check.cited, dropped=check.dropped),
                streamed.raw,
            )
        verdict = streamed.failed or check_reply(
            streamed.raw,
            question=turn.user.content,
            memories={g.n: g.memory.text for g in given},
            context=sources,
            instructions=self._instructions(),
            earlier=self._earlier(turn),
            stopped_early=streamed.stopped_early,
        )
        if not verdict.ok:
            log.info("reply replaced by the gate: %s %s", verdict.reasons, verdict.unsupported)
            fallback = (
                compose_answer(turn.user.content, current, self.clock.now(), self.tz)
                if current
                else Composed(smalltalk_reply(turn.user.content) if mode == "smalltalk" else NO_MEMORY, [])
            )
            return self._continue(
                prompt, turn, self._record_composed(turn, mode, fallback, given, verdict=verdict, replaced=True)
            )
        text, cited, inferred = check.text, list(check.cited), []
        if not cited and current:
            inferred = infer_citations(text, turn.user.content, [(g.n, g.memory.text) for g in current])
            cited = inferred
        problem = self._citation_problem(turn.user.content, mode, cited, current, numbers)
        if problem is not None:  # an answer that uses none of its memories, or ones beside the question
            fallback = compose_answer(turn.user.content, current, self.clock.now(), self.tz)
            return self._continue(
                prompt,
                turn,
                self._record_composed(turn, mode, fallback, given, verdict=GateVerdict((problem,)), replaced=True),
            )
        if inferred:
            before = text.rstrip()
            text = append_markers(text, inferred)
            turn.emit(text[len(before) :])
        result = self._record(turn, mode, text, given, cited, inferred=inferred, verdict=verdict, dropped=check.dropped)
        return self._continue(prompt, turn, result, streamed.raw)

    # -- a statement: acknowledged by Reverie, one gated sentence from the model ----------------
    def _statement(self, turn: _Turn) -> AnswerResult:
        now = self.clock.now()
        own = self._own_memory(turn.user)
        ack = acknowledge(
            turn.user.content[:STATEMENT_CHARS], turn.when, now, self.tz, n=1 if own is not None else None
        )
        turn.emit(ack.text)
        turn.timings["first_token_s"] = time.perf_counter() - turn.t0
        text, verdict = ack.text, None
        prompt: Prompt | None = None
        streamed: Streamed | None = None
        if self.tier == "capable" or not self.gate:  # a tiny model's free sentence is not worth the risk
            try:
                prompt = self._prompt(
                    turn.conversation_id,
                    turn.user.content,
                    turn.cands,
                    turn.history,
                    max_answer_tokens=MAX_SENTENCE_TOKENS,
                )
            except ReverieError as exc:
                log.info("no room for the model's sentence: %s", exc)
        if prompt is not None:
            self._prompt_timings(turn, prompt)
            sources = self._sources(turn, prompt.given)
            started = time.perf_counter()
            streamed = stream_reply(
                self.model,
                prompt.messages,
                max_tokens=min(prompt.max_tokens, MAX_SENTENCE_TOKENS),
                temperature=self.temperature,
                stop=STOP,
                emit=lambda _p: None,
                cancel=turn.cancel,
                sources=sources,
                instructions=self._instructions(),
                gated=self.gate,
                one_sentence=True,
                earlier=self._earlier(turn),
            )
            self._timings(turn, streamed, started, first=False)
            sentence = strip_markers(streamed.shown).strip()  # Reverie's [1] is the new message
            if streamed.status == "complete" and sentence:
                verdict = (
                    check_sentence(
                        sentence, sources=sources, instructions=self._instructions(), earlier=self._earlier(turn)
                    )
                    if self.gate
                    else GateVerdict()
                )
                if verdict.ok:
                    text = f"{ack.text}\n\n{sentence}"
                    turn.emit(f"\n\n{sentence}")
            elif streamed.failed is not None:
                verdict = streamed.failed
        title = first_line_title(turn.user.content, "Your message")
        cites = [GivenMemory(1, own, title, 1.0)] if own is not None and ack.cited else []
        result = self._record(
            turn,
            "statement",
            text,
            cites,
            [1] if cites else [],
            inferred=[1] if cites else [],
            verdict=verdict,
            composed=True,
        )
        if prompt is not None and streamed is not None and streamed.status == "complete":
            self._continue(prompt, turn, result, streamed.raw if verdict is not None and verdict.ok else "")
        return result

    @staticmethod
    def _citation_problem(
        question: str, mode: Mode, cited: Sequence[int], current: Sequence[GivenMemory], numbers: dict[int, GivenMemory]
    ) -> Reason | None:
        """Whether a question's answer stands on the memories that answer it: it cites one (or
        repeats its words), and when some memory shares words with the question, a cited one does
        (a small model copies whichever memory it saw last)."""
        if mode != "memory" or not current:
            return None
        if not cited:
            return "uncited"
        asked = content_words(question)
        on_topic = {g.n for g in current if asked & content_words(f"{g.memory.context}\n{g.memory.text}")}
        if (
            on_topic
            and not on_topic & set(cited)
            and not any(asked & content_words(numbers[n].memory.text) for n in cited if n in numbers)
        ):
            return "off_topic"
        return None

    def _continue(self, prompt: Prompt, turn: _Turn, result: AnswerResult, raw: str = "") -> AnswerResult:
        """Keep this turn's prompt for the next one. The model then sees its own words when they
        passed (every token it generated is reused), else the reply that was shown."""
        said = raw if raw.strip() else past_answer(result.assistant_message.content)
        self._thread = (turn.conversation_id, prompt, said, result.assistant_message.id)
        return result

    def _own_memory(self, user: Message) -> Memory | None:
        with self.vault.read() as conn:
            row = conn.execute(
                "SELECT * FROM memories WHERE source_kind = 'message' AND source_id = ? ORDER BY seq LIMIT 1",
                (user.id,),
            ).fetchone()
        return Memory.from_row(row) if row is not None else None

    # -- helpers --------------------------------------------------------------------------------
    def _instructions(self) -> list[str]:
        return [RULES]

    @staticmethod
    def _prompt_timings(turn: _Turn, prompt: Prompt) -> None:
        turn.timings["prompt_tokens"] = float(prompt.prompt_tokens)
        turn.timings["continued"] = float(prompt.continued)

    @staticmethod
    def _earlier(turn: _Turn) -> list[str]:
        return [m.content for m in turn.history if m.role == "assistant"]

    def _sources(self, turn: _Turn, given: Sequence[GivenMemory]) -> list[str]:
        """What a reply may repeat: the message, the memories given (in number order), then the
        conversation and the profile."""
        return [
            turn.user.content[:SOURCE_CHARS],
            *source_texts(given, self.clock.now(), self.tz),
            *texts(m.content for m in turn.history),
            self._profile(),
        ]

    def _timings(self, turn: _Turn, streamed: Streamed, started: float, *, first: bool = True) -> None:
        """``model_first_token_s``: from the message to the model's first token (what prefix reuse
        speeds up); ``first_token_s``: to the first text shown."""
        if streamed.first_token_s is not None:
            turn.timings["model_first_token_s"] = started - turn.t0 + streamed.first_token_s
            if first:
                turn.timings["first_token_s"] = turn.timings["model_first_token_s"]
        turn.timings["tokens"] = float(streamed.pieces)
        turn.timings["generate_s"] = streamed.timings.get("generate_s", 0.0)

    def _prompt(
        self,
        conversation_id: str,
        text: str,
        cands: list[GivenMemory],
        history: list[Message],
        *,
        max_answer_tokens: int | None = None,
    ) -> Prompt:
        profile = self._profile()
        budget = max_answer_tokens or self.max_answer_tokens
        thread, self._thread = self._thread, None
        if (
            thread is not None
            and thread[0] == conversation_id
            and history
            and history[-1].id == thread[3]
            and thread[1].messages[0].content == system_text(profile)
        ):
            prompt = extend(
                thread[1],
                thread[2],
                question=text,
                candidates=cands,
                context_size=self.model.context_size,
                count_tokens=self.model.count_tokens,
                max_answer_tokens=budget,
            )
            if prompt is not None:
                return prompt
        return assemble(
            question=text,
            candidates=cands,
            history=history,
            profile=profile,
            context_size=self.model.context_size,
            count_tokens=self.model.count_tokens,
            max_answer_tokens=budget,
            with_memories=bool(cands),
        )

    def _record_composed(
        self,
        turn: _Turn,
        mode: Mode,
        reply: Composed,
        given: Sequence[GivenMemory],
        *,
        verdict: GateVerdict | None = None,
        replaced: bool = False,
    ) -> AnswerResult:
        if not replaced:
            turn.emit(reply.text)
            turn.timings.setdefault("first_token_s", time.perf_counter() - turn.t0)
        return self._record(
            turn,
            mode,
            reply.text,
            given,
            reply.cited,
            inferred=list(reply.cited),
            verdict=verdict,
            replaced=replaced,
            composed=True,
        )

    def _record(
        self,
        turn: _Turn,
        mode: Mode,
        text: str,
        given: Sequence[GivenMemory],
        cited: Sequence[int],
        *,
        status: Status = "complete",
        error: str | None = None,
        inferred: Sequence[int] = (),
        verdict: GateVerdict | None = None,
        replaced: bool = False,
        composed: bool = False,
        dropped: Sequence[int] = (),
    ) -> AnswerResult:
        numbers = {g.n: g for g in given}
        meta: dict[str, Any] = {"mode": mode, "model": self.model.name, "tier": self.tier}
        if dropped:
            meta["dropped_citations"] = list(dropped)
        if inferred:
            meta["citations_inferred"] = list(inferred)
        if verdict is not None:
            meta["gate"] = verdict.as_meta()
        if replaced:
            meta["replaced"] = True
        if composed:
            meta["composed"] = True
        if error:
            meta["error"] = error
        # Reverie's own words stay in the conversation; they are not memories ("Remember this" makes one).
        msg = conversations.add_message(
            self.vault, turn.conversation_id, "assistant", text, status=status, meta=meta, index=False, actor="reverie"
        )
        citations = [
            Citation(
                n,
                numbers[n].memory.id,
                numbers[n].memory.uid,
                numbers[n].source_title,
                numbers[n].memory.text,
                n in inferred,
            )
            for n in cited
            if n in numbers
        ]
        if citations:
            self._record_citations(msg, citations)
        turn.timings["total_s"] = time.perf_counter() - turn.t0
        return AnswerResult(
            turn.user,
            msg,
            citations,
            list(given),
            len(dropped),
            status,
            error,
            mode,
            turn.timings,
            verdict,
            replaced,
            composed,
            turn.when,
        )

    def _record_citations(self, msg: Message, citations: list[Citation]) -> None:
        now = self.clock.now()
        with self.vault.tx() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO citations(message_id, n, memory_uid) VALUES (?,?,?)",
                [(msg.id, c.n, c.memory_uid) for c in citations],
            )
            recall.reinforce_in(
                conn, [c.memory_id for c in citations], now, reason=f"cited in answer {msg.id}", actor="reverie"
            )
