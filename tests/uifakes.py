"""Fakes for the window tests: a chat model that answers from the numbered memories it is given."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from reverie.app.ui.services import AppServices

# "[1] text", "1. text", "Memory 1: text", "<memory n=1> text": how a prompt may number its memories
_NUMBERED = re.compile(
    r"^\s*(?:\[(\d+)\]|(\d+)[.)]|memory\s*#?(\d+):?|<memory[^>]*?(\d+)[^>]*>)[ \t]*(.*)$", re.M | re.I
)
_ANYWHERE = re.compile(r"\[(\d+)\][ \t:]*([^\n]*)")  # a number in brackets anywhere, then its line
_WORD = re.compile(r"\w{3,}")


class FakeChatModel:
    """Streams a short answer word by word, citing the given memory that shares most words with
    the question. With ``gate`` set to an unset Event, it waits after the first word until the
    event is set or the answer is cancelled (for Stop tests)."""

    name = "fake-chat"
    context_size = 4096

    def __init__(self, gate: threading.Event | None = None, fail: str | None = None) -> None:
        self.gate = gate
        self.fail = fail
        self.calls: list[Sequence[Any]] = []
        self.waiting = threading.Event()  # set while it holds its answer at the gate

    def count_tokens(self, text: str) -> int:
        return max(1, len(text.split()))

    def _pick(self, messages: Sequence[Any]) -> tuple[int, str] | None:
        last = messages[-1].content
        asked = last.rsplit("Message:", 1)[-1] if "Message:" in last else last  # the prompt's own words
        question = {w.lower() for w in _WORD.findall(asked[:5000])}
        best, best_score = None, 0
        for pattern in (_NUMBERED, _ANYWHERE):
            for m in messages:
                for *nums, line in pattern.findall(m.content):
                    num = next(n for n in nums if n)
                    score = len(question & {w.lower() for w in _WORD.findall(line)})
                    if score > best_score:
                        best, best_score = (int(num), line), score
            if best is not None:
                return best
        return best

    def stream(
        self,
        messages: Sequence[Any],
        *,
        max_tokens: int = 512,
        temperature: float = 0.2,
        stop: Sequence[str] = (),
        cancel: threading.Event | None = None,
        json_schema: dict[str, Any] | None = None,
    ) -> Iterator[str]:
        self.calls.append(messages)
        if self.fail:
            raise RuntimeError(self.fail)
        picked = self._pick(messages)
        if picked is None:
            text = "I have no memory that answers this."
        else:
            text = f"You wrote about this: {' '.join(picked[1].split()[:12])} [{picked[0]}]."
        for i, word in enumerate(text.split(" ")):
            if cancel is not None and cancel.is_set():
                return
            if i == 1 and self.gate is not None:
                self.waiting.set()
                while not self.gate.wait(0.01):
                    if cancel is not None and cancel.is_set():
                        return
            yield word if i == 0 else " " + word


def fake_services(session: Any, model: Any = None, embedder: Any = None, batch_size: int = 256) -> AppServices:
    return AppServices(
        session,
        chat_model=model or FakeChatModel(),
        embedder=embedder,
        use_embedder=embedder is not None,
        batch_size=batch_size,
    )


def open_window(
    qtbot: Any, paths: Any, vault: Any, model: Any = None, *, embedder: Any = None, batch_size: int = 256
) -> Any:
    """The real main window on an open vault, with the fake chat model (and, given one, an embedder)."""
    from reverie.app.ui.main_window import MainWindow
    from reverie.app.ui.session import Session

    session = Session(paths)
    window = MainWindow(session, fake_services(session, model, embedder, batch_size))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)  # shortcuts need the active window
    session.set_vault(vault)
    return window
