"""Streaming a model's reply through the gate, a sentence at a time.

The model's pieces are held back until a sentence is complete; a complete sentence is shown only
when it is not filler, not an echo of the instructions, makes no claim beyond the sources, and
does not repeat what came before. The first sentence that fails stops the model: what it wrote
will be replaced by a reply Reverie composes. With ``gated=False`` (the benchmark's raw-model
baseline) every piece is shown as it comes.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from reverie.core import gate
from reverie.core.errors import ReverieError
from reverie.core.injection import followed
from reverie.core.protocols import ChatMessage, ChatModel

log = logging.getLogger(__name__)

LOOP_WINDOW = 40
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'”’)\]]*(?:\s*\[\d+(?:\s*,\s*\d+)*\])*\s+|\n\s*")

Status = Literal["complete", "partial", "error"]


@dataclass
class Streamed:
    raw: str  # everything the model wrote (the loop trimmed)
    shown: str  # what was shown while streaming
    status: Status = "complete"
    error: str | None = None
    stopped_early: bool = False  # the token limit or the loop guard ended it
    failed: gate.GateVerdict | None = None  # the first sentence the gate refused
    pieces: int = 0
    first_token_s: float | None = None
    timings: dict[str, float] = field(default_factory=dict)


def looping(text: str) -> bool:
    """The tail repeats something already said: a small model in a loop."""
    return len(text) > 3 * LOOP_WINDOW and text[-LOOP_WINDOW:] in text[:-LOOP_WINDOW]


def trim_loop(text: str) -> str:
    """Cut a looping tail back to the first time it was said."""
    if not looping(text):
        return text
    tail = text[-LOOP_WINDOW:]
    first = text.find(tail)
    return text[: first + LOOP_WINDOW].rstrip()


class _Either:
    """An event that is set when either of two events is (passed to the model as its cancel)."""

    def __init__(self, a: threading.Event | None, b: threading.Event) -> None:
        self._a, self._b = a, b

    def is_set(self) -> bool:
        return self._b.is_set() or (self._a is not None and self._a.is_set())

    def set(self) -> None:
        self._b.set()

    def clear(self) -> None:
        self._b.clear()

    def wait(self, timeout: float | None = None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.is_set():
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
        return True


def stream_reply(
    model: ChatModel,
    messages: Sequence[ChatMessage],
    *,
    max_tokens: int,
    temperature: float,
    stop: Sequence[str],
    emit: Callable[[str], None],
    cancel: threading.Event | None,
    sources: Sequence[str],
    instructions: Sequence[str],
    gated: bool = True,
    one_sentence: bool = False,
    earlier: Sequence[str] = (),
    memories: Mapping[int, str] | None = None,
) -> Streamed:
    """Run the model and show what passes (see the module doc). ``sources`` are the texts a claim
    may come from (question, memories, conversation), ``earlier`` the replies given before (not to be
    repeated), ``memories`` the memories given by number (a sentence saying what an instruction in
    one demands is not shown); ``one_sentence`` stops after the first."""
    t0 = time.perf_counter()
    halt = threading.Event()
    either = _Either(cancel, halt)
    out = Streamed("", "")
    pieces: list[str] = []
    pending = ""
    shown: list[str] = []

    def release(sentence: str) -> bool:
        if not gated:
            return True
        candidate = "".join(shown) + sentence
        verdict = gate.GateVerdict()
        reasons: list[gate.Reason] = []
        if gate.is_filler(sentence):
            reasons.append("filler")
        if gate.echoes(sentence, instructions):
            reasons.append("echo")
        if gate.is_looping(candidate):
            reasons.append("loop")
        if gate.repeats_earlier(sentence, earlier, sources):
            reasons.append("loop")
        missing = gate.unsupported_claims(sentence, sources) + gate.misquotes(sentence, sources)
        if missing:
            reasons.append("unsupported")
        if memories and followed(candidate, memories, sources[0] if sources else ""):
            reasons.append("obeyed")
        if reasons:
            verdict = gate.GateVerdict(tuple(reasons), tuple(missing))
            out.failed = verdict
            halt.set()
            return False
        shown.append(sentence)
        emit(sentence)
        return True

    try:
        for piece in model.stream(messages, max_tokens=max_tokens, temperature=temperature, stop=stop, cancel=either):
            if not pieces:
                out.first_token_s = time.perf_counter() - t0
            pieces.append(piece)
            if not gated:
                emit(piece)
            else:
                pending += piece
                while out.failed is None:
                    m = _BOUNDARY.search(pending)
                    if m is None or m.end() == 0:
                        break
                    sentence, pending = pending[: m.end()], pending[m.end() :]
                    if sentence.strip() and not release(sentence):
                        break
                    if one_sentence and shown:
                        halt.set()
                        break
            if looping("".join(pieces[-64:])):
                out.stopped_early = True
                halt.set()
            if either.is_set():
                break
        if cancel is not None and cancel.is_set():
            out.status = "partial"
    except ReverieError as exc:
        out.status, out.error = "error", str(exc)
    except Exception as exc:
        log.exception("chat model failed")
        out.status, out.error = "error", f"The chat model failed while answering ({type(exc).__name__}: {exc})."
    out.pieces = len(pieces)
    if out.pieces >= max_tokens - 1 and not halt.is_set():
        out.stopped_early = True  # the token limit: the reply was cut off
    out.raw = trim_loop("".join(pieces))
    if gated and out.failed is None and pending.strip() and not (one_sentence and shown):
        release(pending)  # the last words, complete or not (the whole-reply gate judges the ending)
    if not gated:
        shown = ["".join(pieces)]
    out.shown = "".join(shown)
    out.timings["generate_s"] = time.perf_counter() - t0
    return out


def texts(items: Iterable[str]) -> list[str]:
    return [t for t in items if t and t.strip()]
