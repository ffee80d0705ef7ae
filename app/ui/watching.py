"""Watched folders while the window runs: one watchdog ``Observer`` for every folder that is on,
a catch-up look per folder when the vault opens, and the files that changed since carried in.

Threads: watchdog's observer thread only notes which paths its events name (``Debouncer.touch``). The
watcher thread (``reverie-watch``) looks every ``tick`` seconds for paths that have been quiet for
``quiet`` seconds and whose size and time stopped changing (a file written slowly in chunks waits
until it settles), and hands each folder's batch to ``watch_apply.apply_events`` on the database
lane, waiting there for it to finish. The catch-up at open reads the ledger on the database lane,
compares it with the folder on the watcher thread (hashing only what changed), and applies the plan
on the lane in parts, so the window's own reads run in between. The GUI thread never waits: it
gets the status line (``status``) and the folders (``folders``) as queued signals.

Reverie never writes into a watched folder.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import CancelledError
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

from reverie.app.ui.changes import OpChanges
from reverie.app.ui.session import Session
from reverie.app.ui.tasks import TaskHandle, TaskTracker
from reverie.app.ui.watchdebounce import QUIET_S, Debouncer
from reverie.core.bring import watch, watch_apply, watch_files
from reverie.core.bring.watch import WatchedFolder
from reverie.core.bring.watch_apply import WatchReport
from reverie.core.errors import NotFoundError, ReverieError
from reverie.core.vault import Vault

log = logging.getLogger(__name__)
PART = 100  # files read per lane task while catching up
BROUGHT_IN = OpChanges(notes=True, memories=True, new_memories=True)


def short(path: str) -> str:
    """A folder as the user reads it: ``~/Notes`` for a folder under the home folder."""
    home = str(Path.home())
    return "~" + path[len(home) :] if path == home or path.startswith(home + "/") else path


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


class _StoppedError(Exception):
    pass


class _Handler(FileSystemEventHandler):
    """Notes the paths of one watched folder's events (watchdog's thread)."""

    def __init__(self, root: str, debouncer: Debouncer, clock: Callable[[], float], wake: threading.Event) -> None:
        self.root, self.debouncer, self.clock, self.wake = root, debouncer, clock, wake

    def _relevant(self, path: str, directory: bool) -> bool:
        rel = os.path.relpath(path, self.root).replace(os.sep, "/")
        if rel == "." or rel.startswith("../"):
            return False
        if any(part.startswith(".") for part in rel.split("/")):
            return False
        return directory or not watch_files.ignored(rel)

    def on_any_event(self, event: FileSystemEvent) -> None:
        kind = event.event_type
        if kind in ("opened", "closed_no_write") or (event.is_directory and kind == "modified"):
            return
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        for raw in paths:
            path = os.fsdecode(raw) if raw else ""
            if path and self._relevant(path, event.is_directory):
                self.debouncer.touch(self.root, path, self.clock())
                self.wake.set()


class WatchRuntime(QObject):
    """Follows the watched folders of the open vault; ``reload()`` after the list changed."""

    status = Signal(str)  # the status line: "Watching 2 folders · up to date"
    folders = Signal(list)  # list[WatchedFolder], after each look
    applied = Signal(str, object)  # folder, WatchReport: what a look or a batch of events changed
    _progress = Signal(str, int, int)  # folder, done, total (watcher thread -> GUI thread)
    _changed = Signal()

    def __init__(
        self,
        session: Session,
        tracker: TaskTracker | None = None,
        *,
        quiet: float = QUIET_S,
        tick: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.tracker = tracker
        self.debouncer = Debouncer(quiet)
        self.tick = tick if tick is not None else min(0.25, quiet / 4)
        self.clock = clock
        self.text = ""
        self.vault: Vault | None = None
        self._observer: BaseObserver | None = None
        self._watches: dict[str, ObservedWatch] = {}
        self._observing = threading.Lock()  # the observer and its watches (watcher thread, GUI thread at stop)
        self._known: list[WatchedFolder] = []
        self._caught: set[str] = set()
        self._problems: dict[str, str] = {}
        self._catching: tuple[str, int, int] | None = None
        self._reload = threading.Event()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._handle: TaskHandle | None = None
        self._progress.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)
        self._changed.connect(lambda: session.publish(BROUGHT_IN), Qt.ConnectionType.QueuedConnection)
        session.vault_ready.connect(self.start)
        session.closing.connect(self.stop)
        if session.is_open and session.vault is not None:
            self.start(session.vault)

    # -- GUI thread ------------------------------------------------------------------------------
    def start(self, vault: Vault) -> None:
        """Catch up on every folder that is on, then follow them (a new vault: start again)."""
        self.stop()
        self._stop = threading.Event()
        self.vault = vault
        self._known, self._problems = [], {}
        self._caught = set()  # the folders caught up on since this start
        self._reload.set()
        self._thread = threading.Thread(target=self._run, args=(vault, self._stop), name="reverie-watch", daemon=True)
        self._thread.start()

    def reload(self) -> None:
        """The list of folders changed (added, removed, paused, resumed): look at it again."""
        self._reload.set()
        self._wake.set()

    def stop(self) -> None:
        """At quit or lock: no more looks; the part being applied finishes (it is one transaction)."""
        self._stop.set()
        self._wake.set()
        self._thread = None  # it ends by itself: a lane task it waits for is cancelled as the lane shuts down
        self._stop_observer()
        self.vault = None
        if self._handle is not None:
            self._handle.finish("")
            self._handle = None

    def _show_progress(self, root: str, done: int, total: int) -> None:
        if self.tracker is None:
            return
        if done >= total or self._stop.is_set():
            if self._handle is not None:
                self._handle.finish(f"Caught up on {short(root)}." if total >= 0 else "")
                self._handle = None
            return
        if self._handle is None:
            self._handle = self.tracker.begin(f"Catching up on {short(root)}", total)
        self._handle.progress(done, total)

    # -- watcher thread --------------------------------------------------------------------------------
    def _lane(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        fut = self.session.db.submit(fn, *args, **kwargs)
        if fut is None:
            raise _StoppedError
        try:
            return fut.result()
        except CancelledError as exc:
            raise _StoppedError from exc

    def _run(self, vault: Vault, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                if self._reload.is_set():
                    self._reload.clear()
                    self._refresh(vault, stop)
                for root, paths in self.debouncer.due(self.clock()).items():
                    if stop.is_set():
                        break
                    if any(f.path == root and f.watching for f in self._known):
                        self._apply_events(vault, root, paths)
                self._say()
                waiting = self.debouncer.waiting
                self._wake.wait(self.tick if waiting else 5.0)
                self._wake.clear()
        except _StoppedError:
            pass
        except Exception:
            if stop.is_set():
                return  # the vault closed under it: nothing to say
            log.exception("watching folders stopped")
            self.text = "Watching stopped after an error; it starts again at the next start."
            self.status.emit(self.text)

    def _refresh(self, vault: Vault, stop: threading.Event) -> None:
        """Follow the folders that are on, and catch up on those not looked at since this start."""
        folders: list[WatchedFolder] = self._lane(watch.list_folders, vault)
        self._known = folders
        on = [f for f in folders if f.watching]
        self._caught &= {f.path for f in on}  # a folder paused or removed is caught up on again when back
        for path in list(self._watches):
            if path not in {f.path for f in on}:
                self._unschedule(path)
        for f in on:
            if f.path not in self._watches:
                self._schedule(f.path, stop)
        self.folders.emit(folders)
        for f in on:
            if stop.is_set():
                return
            if f.path not in self._caught:
                self._caught.add(f.path)
                try:
                    self._catch_up(vault, f.path, stop)
                except NotFoundError:
                    pass  # removed meanwhile
                except ReverieError as exc:
                    self._problems[f.path] = str(exc)
                finally:
                    if self._catching is not None:  # stopped by an error: its progress ends too
                        self._progress.emit(f.path, -1, -1)
                    self._catching = None
        self._known = self._lane(watch.list_folders, vault)  # a folder added meanwhile: its reload follows
        self.folders.emit(self._known)

    def _catch_up(self, vault: Vault, root: str, stop: threading.Event) -> None:
        known, cache = self._lane(watch.folder_state, vault, root)
        self._catching = (root, 0, 0)
        self._say()
        plan = watch.look(root, known, cache)  # this thread: hashing never holds up the lane
        parts = plan.split(PART)
        total, done = plan.files, 0
        summary = WatchReport()
        for part in parts:
            if stop.is_set():
                break
            self._catching = (root, done, total)
            self._say()
            if total:
                self._progress.emit(root, done, total)
            report: WatchReport = self._lane(watch_apply.apply, vault, root, part, batch=PART, cancel=stop)
            done += part.files
            _add(summary, report)
            if report.changed:
                self._changed.emit()
        if total:
            self._progress.emit(root, total, total)
        self._problems[root] = plan.problem
        self._catching = None
        self.applied.emit(root, summary)

    def _apply_events(self, vault: Vault, root: str, paths: list[str]) -> None:
        try:
            report: WatchReport = self._lane(watch_apply.apply_events, vault, root, paths, batch=PART)
        except NotFoundError:
            return  # removed meanwhile
        except ReverieError as exc:  # the vault busy elsewhere, ...: the next start catches up
            self._problems[root] = str(exc)
            return
        if report.changed:
            self._changed.emit()
            self._known = self._lane(watch.list_folders, vault)
            self.folders.emit(self._known)
        self.applied.emit(root, report)

    def _schedule(self, root: str, stop: threading.Event) -> None:
        with self._observing:
            if stop.is_set():
                return
            if self._observer is None:
                self._observer = Observer()
                self._observer.daemon = True
                self._observer.start()
            try:
                self._watches[root] = self._observer.schedule(
                    _Handler(root, self.debouncer, self.clock, self._wake), root, recursive=True
                )
                self._problems.pop(root, None)
            except OSError as exc:  # not there, or too many folders for the system's watch limit
                self._problems[root] = (
                    f"{short(root)} cannot be followed ({exc.strerror or exc}); it is caught up at each start."
                )

    def _unschedule(self, root: str) -> None:
        with self._observing:
            found = self._watches.pop(root, None)
            self.debouncer.drop(root)
            if found is not None and self._observer is not None:
                try:
                    self._observer.unschedule(found)
                except (KeyError, OSError):
                    pass

    def _stop_observer(self) -> None:
        with self._observing:
            observer, self._observer = self._observer, None
            self._watches.clear()
        if observer is not None:
            observer.stop()
            observer.join(timeout=5)

    def _say(self) -> None:
        text = status_text(self._known, self._catching, self.debouncer.waiting, self._problems)
        if text != self.text:
            self.text = text
            self.status.emit(text)


def _add(total: WatchReport, part: WatchReport) -> None:
    for name in ("added", "updated", "unchanged", "moved", "archived", "restored", "files"):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    total.problems.extend(part.problems)
    total.stopped = total.stopped or part.stopped


def status_text(
    folders: list[WatchedFolder],
    catching: tuple[str, int, int] | None = None,
    waiting: int = 0,
    problems: dict[str, str] | None = None,
) -> str:
    """The status line: "Watching 2 folders · up to date", "Catching up on ~/Notes: 120 of 1,000 files"."""
    if catching is not None:
        root, done, total = catching
        if total:
            return f"Catching up on {short(root)}: {done:,} of {plural(total, 'file')}"
        return f"Catching up on {short(root)}…"
    on = [f for f in folders if f.watching]
    paused = len(folders) - len(on)
    if not folders:
        return "No folder is watched."
    head = f"Watching {plural(len(on), 'folder')}" if on else "Watching is paused"
    if on and paused:
        head += f" ({paused:,} paused)"
    trouble = [p for p in (problems or {}).values() if p] + [f.problem for f in on if f.problem]
    if trouble:
        return f"{head} · {trouble[0]}"
    if waiting:
        return f"{head} · {plural(waiting, 'change')} waiting to settle"
    return f"{head} · up to date" if on else head
