"""Background indexing in the status bar: progress of the embedding worker, with Cancel.

The worker calls back from its own thread; the signals here carry that to the GUI thread.
Cancel stops the current run after its batch; search keeps working by words, and the rest is
embedded when new memories arrive or at the next start. After the search model was changed the
run is named "Re-embedding for <model>". A run that fails (a search model server that is down)
ends with its one sentence in the status line; search works by words meanwhile.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt

from reverie.app.ui.services import AppServices
from reverie.app.ui.tasks import TaskHandle, TaskTracker

NAME = "Indexing memories by meaning"
NEXT_RUN = "next_run_name"  # a dynamic property of services.indexing: the name of the next run, once


def name_next_run(services: AppServices, name: str) -> None:
    """Name the next embedding run after the work that made it ("Bringing in Documents: passages to
    embed"), so the status line reads the two as one job."""
    services.indexing.setProperty(NEXT_RUN, name)


class IndexingStatus(QObject):
    def __init__(self, tracker: TaskTracker, services: AppServices, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tracker = tracker
        self.services = services
        self.handle: TaskHandle | None = None
        self._name = NAME  # the running handle's name
        self._cancelled = False
        self._run_name: str | None = None  # the name the worker gave its current run
        services.indexing.started.connect(self._on_started, Qt.ConnectionType.QueuedConnection)
        services.indexing.progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        services.indexing.idle.connect(self._on_idle, Qt.ConnectionType.QueuedConnection)
        services.indexing.error.connect(self._on_error, Qt.ConnectionType.QueuedConnection)

    def _on_started(self, name: str) -> None:
        self._run_name = name

    def _on_progress(self, done: int, total: int) -> None:
        name = self.services.indexing.property(NEXT_RUN) or self._run_name or NAME
        if self.handle is not None and done == 0 and name != self._name:
            # A new run (another search model) began before the last one's idle arrived: it gets its own name.
            old, self.handle = self.handle, None
            old.finish()
        if self.handle is None:
            if done >= total:
                return  # a single small batch: nothing worth showing
            self._cancelled = False
            self._name = name
            self.handle = self.tracker.begin(name, total, self._cancel)
        self.handle.progress(done, total)

    def _cancel(self) -> None:
        self._cancelled = True
        self.services.pause_indexing()

    def _on_error(self, message: str) -> None:
        """A run failed, or the search model could not be built: its sentence in the status line."""
        handle, self.handle = self.handle, None
        if handle is None:
            handle = self.tracker.begin(self._run_name or NAME)
        handle.finish(message)  # the run's idle that follows finds no handle: the sentence stays

    def _on_idle(self, count: int) -> None:
        self.services.indexing.setProperty(NEXT_RUN, None)
        if self.handle is None:
            return
        self.handle.finish(
            "Indexing paused; search works by words meanwhile."
            if self._cancelled
            else f"{count:,} memories indexed by meaning."
        )
        self.handle = None
