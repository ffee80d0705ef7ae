"""Worker lanes: the GUI thread never waits on SQL, embedding or generation.

A ``Lane`` is one worker thread that runs submitted callables in order (the database lane
owns the vault connection; the model lane owns the chat model). Results and errors come back
to the GUI thread through a queued Qt signal.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

from reverie.app.ui.qtfix import guard_singleton_refcounts
from reverie.core.errors import describe, user_error

log = logging.getLogger(__name__)
guard_singleton_refcounts()  # before any lane work: PySide6 6.12 on CPython 3.11 leaks refs to None/True

OnDone = Callable[[Any], None] | None
OnError = Callable[[str], None] | None


class _Relay(QObject):
    finished = Signal(object, object, object)  # future, on_done, on_error


class Lane(QObject):
    """Runs callables one at a time on its own thread; calls back on the GUI thread."""

    busy_changed = Signal(int)  # number of queued or running tasks
    error = Signal(str)  # a readable sentence, for tasks submitted without on_error

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"reverie-{name}")
        self._relay = _Relay()
        self._relay.finished.connect(self._deliver)
        self._pending = 0
        self._closed = False

    def submit(
        self, fn: Callable[..., Any], *args: Any, on_done: OnDone = None, on_error: OnError = None, **kwargs: Any
    ) -> Future[Any] | None:
        if self._closed:
            return None
        self._pending += 1
        self.busy_changed.emit(self._pending)
        fut = self._pool.submit(fn, *args, **kwargs)
        fut.add_done_callback(lambda f: self._relay.finished.emit(f, on_done, on_error))
        return fut

    @property
    def pending(self) -> int:
        return self._pending

    def _deliver(self, fut: Future[Any], on_done: OnDone, on_error: OnError) -> None:
        self._pending -= 1
        self.busy_changed.emit(self._pending)
        if fut.cancelled() or self._closed:
            return  # after shutdown the window is going away: no callbacks into closing widgets
        exc = fut.exception()
        if exc is None:
            if on_done is not None:
                on_done(fut.result())
            return
        if user_error(exc) is None:  # not one the user can act on (a busy vault is): the log keeps the trace
            log.error(
                "%s lane task failed:\n%s",
                self.name,
                "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
            )
        message = describe(exc)  # one sentence, the same as the command line's
        if on_error is not None:
            on_error(message)
        else:
            self.error.emit(message)

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking work; finish the running task (it commits or rolls back as a whole)."""
        self._closed = True
        self._pool.shutdown(wait=wait, cancel_futures=True)
