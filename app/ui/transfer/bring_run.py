"""Running a bring-in (and its preview): on a lane of its own (pages keep reading the vault on the database lane while
10,000 files come in; the vault's lock keeps writes one at a time), with its progress in the status
bar and in whichever dialog follows it, and a Cancel that stops after the batch in flight.

A job reads files ("Reading files: 1,234 of 10,000"), then the background embedder embeds what
was written; the embedder's run is named after the job ("Bringing in Documents: passages to
embed"), so the two read as one job. Quitting stops the job after its batch: what was written stays,
and the next start offers to continue (``pending_jobs``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from reverie.app.ui.changes import IMPORTED
from reverie.app.ui.indexing import name_next_run
from reverie.app.ui.lanes import Lane
from reverie.app.ui.services import AppServices
from reverie.app.ui.session import Session
from reverie.app.ui.tasks import TaskHandle, TaskTracker
from reverie.app.ui.transfer.bring_api import BringApi, source_name


class Throttle:
    """Passes progress on at most every ``seconds`` (and always the first and the last): 10,000 files
    must not become 10,000 queued signals that the GUI thread then works through in one go. A value
    held back is passed on once ``seconds`` have gone by, so a count does not stay behind while a slow
    file is being read."""

    def __init__(self, emit: Callable[[str, int, int], None], seconds: float = 0.05) -> None:
        self.emit, self.seconds = emit, seconds
        self._last = -1.0
        self._held: tuple[str, int, int] | None = None
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def __call__(self, stage: str, done: int, total: int) -> None:
        with self._lock:
            now = time.monotonic()
            if done <= 0 or done >= total or now - self._last >= self.seconds:
                self._last, self._held = now, None
                if self._timer is not None:
                    self._timer.cancel()
                    self._timer = None
                self.emit(stage, done, total)
                return
            self._held = (stage, done, total)
            if self._timer is None:
                self._timer = threading.Timer(self.seconds - (now - self._last), self._flush)
                self._timer.daemon = True
                self._timer.start()

    def _flush(self) -> None:
        with self._lock:
            self._timer = None
            if self._held is not None:
                self._last = time.monotonic()
                self.emit(*self._held)
                self._held = None


class BringJob(QObject):
    """One bring-in: its progress, its end (a report, or the sentence of what went wrong)."""

    progressed = Signal(str, int, int)  # stage, done, total (from the lane's thread; queued to the GUI)
    finished = Signal(object)  # the BringReport
    failed = Signal(str)

    def __init__(self, path: str | Path, mine: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.mine = mine
        self.cancel = threading.Event()
        self.report: Any = None
        self.error: str | None = None
        self.handle: TaskHandle | None = None

    def _on_progress(self, _stage: str, done: int, total: int) -> None:  # the GUI thread (queued)
        if self.handle is not None:
            self.handle.progress(done, total)

    @property
    def name(self) -> str:
        return source_name(self.path)

    @property
    def running(self) -> bool:
        return self.report is None and self.error is None

    def stop(self) -> None:
        """Stop after the batch in flight (what was written stays; the rest comes in next time)."""
        self.cancel.set()


class BringRunner(QObject):
    """Starts bring-in jobs, one after the other on the "bring" lane."""

    started = Signal(object)  # BringJob

    def __init__(
        self, session: Session, services: AppServices | None, tracker: TaskTracker, api: BringApi | None = None
    ) -> None:
        super().__init__(session)
        self.session, self.services, self.tracker = session, services, tracker
        self._api = api
        self.lane = Lane("bring", self)
        self.jobs: list[BringJob] = []
        self._previews: list[threading.Event] = []  # the cancels of previews queued or running
        session.closing.connect(self.stop)

    @property
    def api(self) -> BringApi:
        if self._api is None:
            from reverie.app.ui.transfer.bring_api import real_api

            self._api = real_api()
        return self._api

    def running(self) -> list[BringJob]:
        return [j for j in self.jobs if j.running]

    def start(self, path: str | Path, *, mine: bool, source: Any = None) -> BringJob:
        """Bring ``path`` in (``source``: its plan, when a preview made one; else it is planned on the
        lane, as when a stopped job is continued). Returns the job at once."""
        job = BringJob(path, mine, self)
        self.jobs.append(job)
        job.handle = self.tracker.begin(f"Bringing in {job.name}: reading files", 0, job.stop)
        job.progressed.connect(job._on_progress)
        api, vault = self.api, self.session.vault

        def work() -> Any:
            planned = source if source is not None else api.plan(job.path)
            return api.bring_in(vault, planned, Throttle(job.progressed.emit), job.cancel, mine=job.mine)

        self.lane.submit(work, on_done=lambda r: self._done(job, r), on_error=lambda m: self._failed(job, m))
        self.started.emit(job)
        return job

    def preview(
        self, path: str | Path, *, mine: bool, progress: Any, cancel: threading.Event, on_done: Any, on_error: Any
    ) -> None:
        """Plan ``path`` and preview it on this lane (reading 10,000 files to say what is new must not
        hold the database lane, which every page reads through); nothing is written."""
        api, vault = self.api, self.session.vault
        self._previews = [c for c in self._previews if not c.is_set()] + [cancel]

        def work() -> Any:
            return api.preview(vault, api.plan(Path(path)), Throttle(progress), cancel, mine=mine)

        self.lane.submit(work, on_done=on_done, on_error=on_error)

    def _done(self, job: BringJob, report: Any) -> None:
        job.report = report
        if job.handle is not None:
            job.handle.finish(_status_sentence(job, report))
            job.handle = None
        passages = int(getattr(report, "passages", 0) or 0)
        if passages and self.services is not None:
            name_next_run(self.services, f"Bringing in {job.name}: passages to embed")
        if report.changed:
            self.session.publish(IMPORTED)  # every page reloads; the embedder wakes for the new passages
        job.finished.emit(report)

    def _failed(self, job: BringJob, message: str) -> None:
        job.error = message
        if job.handle is not None:
            job.handle.finish(message)
            job.handle = None
        job.failed.emit(message)

    def stop(self) -> None:
        """The window closes: running jobs stop after their batch, before the vault closes."""
        for job in self.jobs:
            job.stop()
        for cancel in self._previews:
            cancel.set()
        self.lane.shutdown(wait=True)


def _status_sentence(job: BringJob, report: Any) -> str:
    left = len(getattr(report, "skipped", ()) or ())
    left_out = f"; {left:,} left out" if left else ""
    if getattr(report, "stopped", False):
        return f"Bringing in {job.name} stopped: what was read is saved, the rest comes in next time{left_out}."
    return f"Brought in {job.name}: {report.added:,} new, {report.updated:,} updated{left_out}."
