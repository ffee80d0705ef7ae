"""Streamed tokens from the model lane to the GUI thread, coalesced: however fast the model
writes, the GUI gets at most one queued signal per turn of its event loop."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal


class TokenPump(QObject):
    ready = Signal()  # emitted from the worker thread; delivered queued on the GUI thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pieces: list[str] = []
        self._scheduled = False

    def push(self, piece: str) -> None:
        """Called on the model lane for every piece of the answer."""
        with self._lock:
            self._pieces.append(piece)
            if self._scheduled:
                return
            self._scheduled = True
        self.ready.emit()

    def take(self) -> str:
        """Called on the GUI thread: everything pushed since the last take."""
        with self._lock:
            text = "".join(self._pieces)
            self._pieces.clear()
            self._scheduled = False
        return text
