"""The nightly scheduler while the window is open, and "Consolidate now" with progress and Cancel.

The same scheduler makes the daily backup (core/backup.py) when backups are on: checked at start
and every hour, run on the scheduler's thread, recorded in job runs.

The scheduler (core, APScheduler) runs consolidation and decay at the chosen time when the user
is idle; idleness comes from the window's own input events. A night missed while Reverie was
closed is caught up once. Starting and stopping touch the vault, so they run on the database
lane; a run itself happens on its own thread (the vault's lock keeps writes one at a time).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication

from reverie.app import context
from reverie.app.ui.changes import OpChanges
from reverie.app.ui.session import Session
from reverie.app.ui.tasks import TaskHandle, TaskTracker
from reverie.core import backup
from reverie.core.consolidation.outcome import describe_run
from reverie.core.settings import load_settings

log = logging.getLogger(__name__)
START_DELAY_MS = 3000
_INPUT = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel}


class Nightly(QObject):
    finished = Signal(object)  # the ConsolidationReport of a run started here
    backed_up = Signal(object)  # the RunRecord of a daily backup
    _done = Signal(object)

    def __init__(self, session: Session, tracker: TaskTracker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.tracker = tracker
        self.scheduler: Any = None
        self.handle: TaskHandle | None = None
        self._last_input = time.monotonic()
        self._done.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._closed = False
        # Started a moment after the vault opens, so the first screens load first.
        session.vault_ready.connect(
            lambda vault: QTimer.singleShot(START_DELAY_MS, lambda: session.db.submit(self._start, vault))
        )
        session.changed.connect(self._changed)  # a new consolidation time applies at once
        session.closing.connect(self.stop)  # cancels a running consolidation at once
        session.at_close(lambda _vault: self.stop())  # and once more after the lanes stopped

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if event.type() in _INPUT:
            self._last_input = time.monotonic()
        return False

    def idle_seconds(self, _now: float) -> float:
        return time.monotonic() - self._last_input

    def _changed(self, changes: OpChanges) -> None:
        if changes.settings and self.scheduler is not None:
            self.session.db.submit(self._reschedule)

    def _reschedule(self) -> None:  # database lane: reads the saved settings
        if self.scheduler is not None and not self._closed:
            self.scheduler.reschedule()

    def _start(self, vault: Any) -> None:  # database lane
        if self._closed:
            return
        if self.scheduler is not None:
            self.scheduler.shutdown()
        scheduler = context.build_scheduler(vault, idle_seconds=self.idle_seconds)
        scheduler.backup_job = lambda now: self._backup(vault, scheduler, now)
        scheduler.start()
        self.scheduler = scheduler

    def _backup(self, vault: Any, scheduler: Any, now: float) -> Any:  # the scheduler's thread
        run = backup.run_backup(vault, load_settings(vault), now, scheduler.tz)
        if run.status != "ok":
            log.warning("the daily backup failed: %s", run.error)
        self.backed_up.emit(run)
        return run

    @property
    def running(self) -> bool:
        return self.handle is not None

    def run_now(self) -> bool:
        """Consolidate now (the button); False when a run is already going or the vault is not open."""
        if self.scheduler is None or self.handle is not None:
            return False
        scheduler = self.scheduler
        handle = self.tracker.begin("Consolidating memories", 100, scheduler.cancel)
        self.handle = handle

        def progress(stage: str, fraction: float) -> None:
            handle.progress(int(100 * max(0.0, min(1.0, fraction))), 100)

        def work() -> None:
            try:
                report = scheduler.run_now(progress)
            except Exception as exc:
                log.exception("consolidation failed")
                report = exc
            self._done.emit(report)

        threading.Thread(target=work, name="reverie-consolidate", daemon=True).start()
        return True

    def _finished(self, report: Any) -> None:
        if self.handle is not None:
            status = getattr(report, "status", "failed")
            sentence = describe_run(
                status,
                getattr(report, "counts", {}) or {},
                getattr(report, "error", None) or (None if status in ("ok", "cancelled") else str(report)),
            )
            message = f"Consolidation: {sentence}"
            self.handle.finish(message)
            self.handle = None
        self.session.publish(OpChanges(memories=True))  # facts, summaries, the profile, archived memories
        self.finished.emit(report)

    def stop(self) -> None:
        """At close: cancel a running consolidation and stop the scheduler (it waits for the run)."""
        self._closed = True
        if self.scheduler is not None:
            self.scheduler.shutdown()
            self.scheduler = None
