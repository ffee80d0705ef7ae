"""The status bar shows one line at a time: a task that begins replaces the message, a message that
arrives while a task runs moves its words aside, numbers read "0 of 1,216", and the bar shows only
once something is done (an empty bar looked like a text field)."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow

from reverie.app.ui.tasks import TaskBar, TaskTracker


def test_one_line_at_a_time_with_separated_numbers_and_no_empty_bar(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    tracker = TaskTracker()
    status = window.statusBar()
    bar = TaskBar(tracker, status)
    status.addPermanentWidget(bar)
    window.resize(800, 600)
    window.show()
    status.showMessage("Bringing in Many stopped: 1,216 of 2,000 files came in.", 8000)
    handle = tracker.begin("Bringing in Many: passages to embed", 1216, lambda: None)
    assert status.currentMessage() == ""  # the job's line replaces the message, not beside it
    assert bar.label.text() == "Bringing in Many: passages to embed… 0 of 1,216" and bar.label.isVisible()
    assert not bar.bar.isVisible()  # 0 done: no empty box
    handle.progress(768, 1216)
    qtbot.waitUntil(lambda: bar.bar.isVisible())
    assert bar.label.text().endswith("768 of 1,216") and bar.bar.value() == 768
    status.showMessage("Saved.", 8000)  # a message while the task runs: the task's words step aside
    assert not bar.label.isVisible() and bar.bar.isVisible() and bar.cancel_button.isVisible()
    status.clearMessage()
    assert bar.label.isVisible()
    handle.progress(1216, 1216)  # progress of the same task does not clear a message
    status.showMessage("Kept.", 8000)
    qtbot.waitUntil(lambda: bar.label.text().endswith("1,216 of 1,216"))
    assert status.currentMessage() == "Kept." and not bar.label.isVisible()
    busy = tracker.begin("Consolidating")  # no total: no bar
    assert status.currentMessage() == "" and not bar.bar.isVisible() and bar.label.text().startswith("Consolidating")
    busy.finish()
    handle.finish()


def _indexing(qtbot):
    """The status bar's indexing line on the window's real signals, with a stand-in for the services."""
    from reverie.app.ui.indexing import IndexingStatus
    from reverie.app.ui.services import IndexerEvents

    events = {"indexing": IndexerEvents(), "pause_indexing": lambda s: None}
    services = type("Services", (), events)()
    tracker = TaskTracker()
    bar = TaskBar(tracker)
    qtbot.addWidget(bar)
    return services, tracker, bar, IndexingStatus(tracker, services)


def test_the_indexing_line_reads_its_numbers_with_separators(qtbot):
    from reverie.app.ui.indexing import NAME

    services, tracker, bar, status = _indexing(qtbot)
    services.indexing.progress.emit(768, 1216)
    qtbot.waitUntil(lambda: bar.label.text() == f"{NAME}… 768 of 1,216")
    with qtbot.waitSignal(tracker.finished) as done:
        services.indexing.idle.emit(1216)
    assert done.args == [NAME, "1,216 memories indexed by meaning."]
    assert status.handle is None


def test_a_run_keeps_the_name_it_began_with_when_a_later_run_renames_the_indexer(qtbot):
    """The worker names each run when it begins; the window reads the queued progress later. A
    re-embedding run followed at once by a run with nothing left of the old model (which names
    itself plain indexing) still shows as the re-embedding it was (seen once in a loaded test run)."""
    services, tracker, bar, status = _indexing(qtbot)
    names: list[str] = []
    tracker.changed.connect(lambda: names.append(tracker.current().name if tracker.current() else ""))
    services.indexing.started.emit("Re-embedding for minilm-768")
    services.indexing.progress.emit(0, 4)
    services.indexing.progress.emit(2, 4)
    qtbot.waitUntil(lambda: bar.label.text() == "Re-embedding for minilm-768… 2 of 4")
    assert set(names) == {"Re-embedding for minilm-768"} and status.handle is not None
