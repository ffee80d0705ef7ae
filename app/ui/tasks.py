"""Background work in the status bar: what runs, how far it is, and a Cancel button.

``TaskTracker`` knows nothing about the core. Whoever starts background work (indexing,
re-embedding, consolidation, export) calls ``tracker.begin(name, total, cancel_callback)`` and
gets a ``TaskHandle``; ``handle.progress(done, total)`` and ``handle.finish()`` may be called
from any thread (they travel to the GUI thread as queued signals).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QStatusBar, QWidget


@dataclass
class TaskState:
    id: int
    name: str
    done: int
    total: int  # 0: unknown (busy indicator)
    cancel: Callable[[], None] | None
    cancelling: bool = False


class TaskHandle(QObject):
    """One piece of background work. Thread-safe: it only emits signals."""

    _progress = Signal(int, int, int)
    _finish = Signal(int, str)

    def __init__(self, tracker: TaskTracker, task_id: int) -> None:
        super().__init__()
        self.id = task_id
        self._progress.connect(tracker._on_progress, Qt.ConnectionType.QueuedConnection)
        self._finish.connect(tracker._on_finish, Qt.ConnectionType.QueuedConnection)

    def progress(self, done: int, total: int | None = None) -> None:
        self._progress.emit(self.id, int(done), -1 if total is None else int(total))

    def finish(self, message: str = "") -> None:
        self._finish.emit(self.id, message)


class TaskTracker(QObject):
    """The list of running tasks, on the GUI thread."""

    changed = Signal()
    finished = Signal(str, str)  # name, message (for the status line)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self.tasks: dict[int, TaskState] = {}
        self._handles: dict[int, TaskHandle] = {}

    def begin(self, name: str, total: int = 0, cancel_callback: Callable[[], None] | None = None) -> TaskHandle:
        tid = next(self._ids)
        self.tasks[tid] = TaskState(tid, name, 0, max(0, int(total)), cancel_callback)
        handle = TaskHandle(self, tid)
        self._handles[tid] = handle
        self.changed.emit()
        return handle

    def current(self) -> TaskState | None:
        return next(reversed(self.tasks.values()), None) if self.tasks else None

    def cancel(self, task_id: int) -> None:
        task = self.tasks.get(task_id)
        if task is None or task.cancel is None or task.cancelling:
            return
        task.cancelling = True
        self.changed.emit()
        task.cancel()

    def _on_progress(self, task_id: int, done: int, total: int) -> None:
        task = self.tasks.get(task_id)
        if task is None:
            return
        task.done = max(0, done)
        if total >= 0:
            task.total = total
        self.changed.emit()

    def _on_finish(self, task_id: int, message: str) -> None:
        task = self.tasks.pop(task_id, None)
        self._handles.pop(task_id, None)
        if task is None:
            return
        self.changed.emit()
        self.finished.emit(task.name, message)


class TaskBar(QWidget):
    """The status-bar widget: the newest task's name, a progress bar and Cancel.

    With ``status_bar``, one line is shown at a time: while the status bar shows a message (drawn
    on its left) the task's words step aside, and a task that begins replaces the message. The
    bar shows only once there is progress to show (an empty bar reads as a text field)."""

    def __init__(
        self, tracker: TaskTracker, status_bar: QStatusBar | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.tracker = tracker
        self.status_bar = status_bar
        self._message = ""  # the status bar's message, while it shows one
        self._shown: int | None = None  # the id of the task whose line is shown
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)  # the rest is the message's
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 4, 0)
        self.label = QLabel("")
        self.bar = QProgressBar()
        self.bar.setFixedWidth(160)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # never a wide bar
        self.cancel_button.clicked.connect(self._cancel)
        for w in (self.label, self.bar, self.cancel_button):
            lay.addWidget(w)
        tracker.changed.connect(self.refresh)
        if status_bar is not None:
            status_bar.messageChanged.connect(self._message_changed)
        self.refresh()

    def _message_changed(self, message: str) -> None:
        self._message = message
        self.refresh()

    def refresh(self) -> None:
        task = self.tracker.current()
        self.setVisible(task is not None)
        if task is None:
            self._shown = None
            return
        if task.id != self._shown:
            self._shown = task.id
            if self._message and self.status_bar is not None:
                self._message = ""
                self.status_bar.clearMessage()  # the new task's line replaces the message
        more = len(self.tracker.tasks) - 1
        text = task.name + ("…" if not task.cancelling else " (cancelling…)")
        if task.total:
            text += f" {task.done:,} of {task.total:,}"
        if more:
            text += f"  (+{more} more)"
        self.label.setText(text)
        if self.label.isHidden() != bool(self._message):
            self.label.setVisible(not self._message)  # a message is on the left: one line at a time
            self.updateGeometry()  # the status bar gives the room to the message (or back)
        self.bar.setRange(0, max(task.total, 1))
        self.bar.setValue(min(task.done, task.total))
        self.bar.setVisible(task.total > 0 and task.done > 0)  # no empty box while nothing is done
        self.cancel_button.setVisible(task.cancel is not None)
        self.cancel_button.setEnabled(not task.cancelling)

    def _cancel(self) -> None:
        task = self.tracker.current()
        if task is not None:
            self.tracker.cancel(task.id)
