"""File → Bring in… on a real folder (a PDF written by fpdf2, a DOCX by python-docx, a Markdown note
and a broken PDF): the preview says what the source is and what would come in, with the reason a file
is left out; Bring in writes the notes and lists what was left out; Cancel stops after the batch in
flight, and the offer at the next start continues the job to its end."""

from __future__ import annotations

import re
import threading

from bring_docs_fixtures import docx_file, text_pdf
from helpers import record_threads
from uifakes import open_window

from reverie.core import notes
from reverie.core.bring.pipeline import BATCH_FILES, pending_jobs
from reverie.core.keys import KeyMode  # noqa: F401 - the vault fixture's mode
from reverie.core.vault import Vault


def _folder(tmp_path):
    folder = tmp_path / "Documents"
    folder.mkdir()
    text_pdf(folder)
    docx_file(folder)
    (folder / "garden.md").write_text("# Garden\n\nThe roses bloom in June.\n", encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not a PDF at all\n")
    return folder


def _rows(dialog):
    tree = dialog.files
    return {
        tree.topLevelItem(i).text(0): [
            (tree.topLevelItem(i).child(j).text(0), tree.topLevelItem(i).child(j).text(1))
            for j in range(tree.topLevelItem(i).childCount())
        ]
        for i in range(tree.topLevelItemCount())
    }


def test_bring_in_previews_a_real_folder_then_brings_it_in(qtbot, paths, vault, tmp_path):
    folder = _folder(tmp_path)
    window = open_window(qtbot, paths, vault)
    dialog = window.features["transfer"].bring_dialog(folder)
    qtbot.addWidget(dialog)
    assert dialog.preview is not None or not dialog.bring_button.isEnabled()  # not before the preview
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=30_000)
    assert dialog.what.text() == "Folder of documents, 4 files"
    assert dialog.message.text() == "3 new, 0 changed, 0 unchanged, 1 skipped."
    rows = _rows(dialog)
    assert sorted(f for f, _ in rows["New notes (3)"]) == ["garden.md", "lisbon.pdf", "plans.docx"]
    ((skipped, why),) = rows["Skipped (1)"]
    assert skipped == "broken.pdf" and "would be left out" in why and not why.startswith("broken.pdf")  # named once
    assert notes.list_notes(vault) == []  # the preview wrote nothing
    with qtbot.waitSignal(dialog.brought, timeout=60_000) as done:
        dialog.bring_button.click()
    report = done.args[0]
    assert (report.added, report.files, report.stopped) == (3, 4, False)  # 4 files read, 1 left out
    titles = sorted(n.title for n in notes.list_notes(vault))
    assert "Garden" in titles and "Lisbon journal" in titles and "Garden plans" in titles
    assert dialog.left_out.isVisible() and "broken.pdf" in dialog.left_out.toPlainText()
    assert dialog.left_out.isReadOnly()  # selectable and copyable, not editable
    dialog.copy_button.click()
    from PySide6.QtWidgets import QApplication

    assert QApplication.clipboard().text() == dialog.left_out.toPlainText()
    assert dialog.message.text().startswith("Brought in 3 new notes, updated 0, 0 unchanged.")
    assert "1 file was left out" in dialog.message.text()
    assert dialog.cancel_button.text() == "Close"
    assert pending_jobs(vault) == []
    dialog.reject()
    window.close()


def test_an_unreadable_choice_says_why_and_offers_nothing(qtbot, paths, vault, tmp_path):
    window = open_window(qtbot, paths, vault)
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    dialog = window.features["transfer"].bring_dialog(tmp_path / "photo.jpg")
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "not something Reverie can bring in" in dialog.message.text(), timeout=10_000)
    assert not dialog.bring_button.isEnabled() and dialog.what.text() == "Nothing to bring in"
    dialog.reject()
    window.close()


class _Gate:
    """Holds the bring-in on its lane at file ``at`` until released (the test presses Cancel meanwhile)."""

    def __init__(self, at: int) -> None:
        self.at, self.reached, self.release = at, threading.Event(), threading.Event()

    def wrap(self, bring_in):
        def gated(vault, source, progress=None, cancel=None, *, mine=False):
            def held(stage, done, total):
                if progress is not None:
                    progress(stage, done, total)
                if done == self.at and not self.release.is_set():
                    self.reached.set()
                    while not (self.release.wait(0.01) or (cancel is not None and cancel.is_set())):
                        pass  # held until released, or until the job is told to stop

            return bring_in(vault, source, held, cancel, mine=mine)

        return gated


def test_cancel_keeps_what_was_read_and_the_next_start_offers_to_continue(qtbot, paths, vault, tmp_path):
    from reverie.app.ui.transfer import bring_api

    folder = tmp_path / "Journal"
    folder.mkdir()
    n = 2 * BATCH_FILES + 2
    for i in range(n):
        (folder / f"day-{i:03d}.md").write_text(f"# Day {i}\n\nWalked {i} km.\n", encoding="utf-8")
    window = open_window(qtbot, paths, vault)
    transfer = window.features["transfer"]
    real = bring_api.real_api()
    gate = _Gate(BATCH_FILES + 5)
    transfer.runner._api = bring_api.BringApi(
        real.plan, real.preview, gate.wrap(real.bring_in), real.pending_jobs, real.forget_job
    )
    dialog = transfer.bring_dialog(folder)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.bring_button.isEnabled, timeout=30_000)
    dialog.bring_button.click()
    qtbot.waitUntil(gate.reached.is_set, timeout=30_000)
    shown = re.compile(rf"Reading files: (\d+) of {n}")
    qtbot.waitUntil(  # the first count is 0; the next comes within the throttle's interval
        lambda: (m := shown.fullmatch(dialog.progress.text())) is not None and int(m.group(1)) > 0, timeout=10_000
    )
    assert 0 < int(shown.fullmatch(dialog.progress.text()).group(1)) <= BATCH_FILES + 5  # counted as it goes
    task = window.tasks.current()
    assert task.name == "Bringing in Journal: reading files" and task.total == n
    with qtbot.waitSignal(dialog.brought, timeout=30_000) as done:
        dialog.cancel_button.click()  # Cancel: stop after the batch in flight
        assert dialog.message.text().startswith("Stopping after the files being read now")
        gate.release.set()
    report = done.args[0]
    assert report.stopped and 0 < report.added < n
    saved = len(notes.list_notes(vault))
    assert saved == report.added
    assert dialog.message.text().startswith(f"Stopped after {report.files} files. What was read is saved")
    assert "The rest comes in when you bring this in again" in dialog.message.text()
    (job,) = pending_jobs(vault)
    assert (job.done, job.total) == (report.files, n)
    dialog.reject()
    window.close()  # quit

    again = Vault.open(paths)
    window = open_window(qtbot, paths, again)  # the next start
    transfer = window.features["transfer"]
    qtbot.waitUntil(lambda: bool(transfer.offers) and transfer.offers[0].isVisible(), timeout=10_000)
    offer = transfer.offers[0]
    assert not offer.isModal()  # the window stays usable
    assert offer.message.text() == f"Bringing in {folder} stopped at {report.files} of {n} files."
    said = []
    window.statusBar().messageChanged.connect(said.append)
    offer.continue_button.click()
    following = transfer.dialogs[-1]  # the bring-in window follows the continued job
    qtbot.addWidget(following)
    assert following.isVisible() and following.what.text() == "Continuing to bring in Journal"
    qtbot.waitUntil(lambda: any(m.startswith("Brought in Journal:") for m in said), timeout=60_000)
    qtbot.waitUntil(lambda: following.report is not None)
    assert following.message.text().startswith(f"Brought in {n - saved} new notes, updated 0, {saved} unchanged.")
    assert len(notes.list_notes(again)) == n
    assert pending_jobs(again) == []
    assert any(m == f"Brought in Journal: {n - saved} new, 0 updated." for m in said)
    window.close()


def test_forget_it_drops_the_offer_and_keeps_what_came_in(qtbot, paths, vault, tmp_path):
    from reverie.core.bring.pipeline import bring_in, plan

    folder = tmp_path / "Notes"
    folder.mkdir()
    for i in range(3):
        (folder / f"n{i}.md").write_text(f"# N{i}\n\ntext {i}\n", encoding="utf-8")
    stop = threading.Event()
    stop.set()
    bring_in(vault, plan(folder), cancel=stop)  # stopped before the first file: a pending job
    assert len(pending_jobs(vault)) == 1
    window = open_window(qtbot, paths, vault)
    transfer = window.features["transfer"]
    qtbot.waitUntil(lambda: bool(transfer.offers), timeout=10_000)
    transfer.offers[0].forget_button.click()
    qtbot.waitUntil(lambda: window.session.db.pending == 0)
    assert pending_jobs(vault) == [] and not transfer.offers[0].isVisible()
    transfer.check_pending()  # asked again: nothing to offer
    qtbot.waitUntil(lambda: window.session.db.pending == 0)
    assert len(transfer.offers) == 1
    window.close()


def _gated_window(qtbot, paths, vault, gate, **kwargs):
    from reverie.app.ui.transfer import bring_api

    window = open_window(qtbot, paths, vault, **kwargs)
    transfer = window.features["transfer"]
    real = bring_api.real_api()
    transfer.runner._api = bring_api.BringApi(
        real.plan, real.preview, gate.wrap(real.bring_in), real.pending_jobs, real.forget_job
    )
    return window, transfer


def test_quitting_mid_run_stops_after_the_batch_and_leaves_the_job_to_continue(qtbot, paths, vault, tmp_path):
    folder = tmp_path / "Journal"
    folder.mkdir()
    n = 2 * BATCH_FILES
    for i in range(n):
        (folder / f"day-{i:03d}.md").write_text(f"# Day {i}\n\nWalked {i} km.\n", encoding="utf-8")
    gate = _Gate(BATCH_FILES + 3)
    window, transfer = _gated_window(qtbot, paths, vault, gate)
    job = transfer.runner.start(folder, mine=False)  # File → Bring in…, then Hide: the job runs on
    qtbot.waitUntil(gate.reached.is_set, timeout=30_000)
    window.close()  # quit: the job is told to stop, and the window waits for its batch only
    assert job.cancel.is_set() and not gate.release.is_set()
    again = Vault.open(paths)  # the next start
    try:
        kept = len(notes.list_notes(again))
        assert BATCH_FILES <= kept < n
        (pending,) = pending_jobs(again)
        assert (pending.done, pending.total) == (kept, n)
    finally:
        again.close()


def test_the_gui_thread_never_reads_and_the_embedding_reads_as_the_same_job(qtbot, paths, vault, tmp_path):
    from embedfakes import FakeEmbedder

    folder = tmp_path / "Journal"
    folder.mkdir()
    for i in range(6):
        (folder / f"day-{i}.md").write_text(f"# Day {i}\n\nWalked {i} km by the river.\n", encoding="utf-8")
    seen = record_threads(vault)
    holding, release = threading.Event(), threading.Event()

    def hold(texts):
        if any("river" in t for t in texts):
            holding.set()
            release.wait(30)

    window = open_window(qtbot, paths, vault, embedder=FakeEmbedder(hook=hold), batch_size=2)
    transfer = window.features["transfer"]
    dialog = transfer.bring_dialog(folder)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.bring_button.isEnabled, timeout=30_000)
    with qtbot.waitSignal(dialog.brought, timeout=30_000) as done:
        dialog.bring_button.click()
    assert done.args[0].passages >= 6
    qtbot.waitUntil(holding.is_set, timeout=30_000)
    qtbot.waitUntil(
        lambda: window.tasks.current() is not None and window.tasks.current().name.endswith("passages to embed"),
        timeout=10_000,
    )
    assert window.tasks.current().name == "Bringing in Journal: passages to embed"  # one job, its second part
    assert not dialog.progress.isHidden() and dialog.progress.text().startswith("Passages to embed: ")
    release.set()
    qtbot.waitUntil(lambda: "Every passage is embedded" in dialog.message.text(), timeout=30_000)
    assert dialog.progress.isHidden()
    qtbot.waitUntil(lambda: window.tasks.current() is None)  # the status line's job ended too
    transfer.check_pending()
    qtbot.waitUntil(lambda: window.session.db.pending == 0 and transfer.runner.lane.pending == 0)
    del vault.tx, vault.read
    assert seen and threading.main_thread().name not in seen  # the window never waited on the vault
    assert any(name.startswith("reverie-bring") for name in seen)  # preview and bring-in: their own lane
    window.close()


def test_progress_is_passed_on_sparingly_but_always_the_first_and_the_last():
    from reverie.app.ui.transfer.bring_run import Throttle

    got = []
    throttle = Throttle(lambda *a: got.append(a), seconds=3600)
    for i in range(10_001):
        throttle("reading files", i, 10_000)
    assert got == [("reading files", 0, 10_000), ("reading files", 10_000, 10_000)]


def test_a_count_held_back_is_passed_on_when_no_newer_one_comes():
    import threading

    from reverie.app.ui.transfer.bring_run import Throttle

    got, arrived = [], threading.Event()

    def emit(*a):
        got.append(a)
        if a[1] == 69:
            arrived.set()

    throttle = Throttle(emit, seconds=0.05)
    for i in range(70):  # read at once; then a slow file holds the run
        throttle("reading files", i, 130)
    assert arrived.wait(10)  # no newer count came: the last one held back is shown
    assert got[0] == ("reading files", 0, 130) and got[-1] == ("reading files", 69, 130)


def test_a_big_group_of_rows_is_made_only_when_opened(qtbot, paths, vault, tmp_path):
    from reverie.app.ui.session import Session
    from reverie.app.ui.tasks import TaskTracker
    from reverie.app.ui.transfer.bring_dialog import EXPANDED_ROWS, BringDialog
    from reverie.app.ui.transfer.bring_run import BringRunner

    folder = tmp_path / "Many"
    folder.mkdir()
    for i in range(EXPANDED_ROWS + 1):
        (folder / f"n{i:04d}.md").write_text(f"# N{i}\n\ntext\n", encoding="utf-8")
    session = Session(paths)
    session.set_vault(vault)
    dialog = BringDialog(folder, session, BringRunner(session, None, TaskTracker()))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.check()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=30_000)
    group = dialog.files.topLevelItem(0)
    assert group.text(0) == f"New notes ({EXPANDED_ROWS + 1:,})" and not group.isExpanded()
    assert group.childCount() == 0  # not made yet
    group.setExpanded(True)
    assert group.childCount() == EXPANDED_ROWS + 1 and group.child(0).text(0) == "n0000.md"
    session.close()


def test_the_report_counts_files_left_out_not_sentences():
    from reverie.app.ui.transfer.bring_api import report_sentence
    from reverie.core.bring.write import BringReport

    need = "Reading PDF files needs pypdf: pip install 'reverie[documents]'"
    report = BringReport(added=2, skipped=[("a.pdf", need), ("b.pdf", need), ("c.pdf", need)], problems=[need])
    assert "3 files were left out (listed below)." in report_sentence(report, False)
    aside = BringReport(added=1, problems=["old.md: its date is a date outside the years 1900-2200, so …"])
    assert "left out" not in report_sentence(aside, False) and "set aside" in report_sentence(aside, False)


def test_the_first_file_left_out_is_shown_in_the_list_when_many_come_in(qtbot, paths, vault, tmp_path):
    """The preview chooses the first skipped file, to say why in full under the list; with hundreds of
    new files above it, the list still scrolls to show that row (the line of its reason, shown once it
    was chosen, took the room the row was scrolled into)."""
    from reverie.app.ui.session import Session
    from reverie.app.ui.tasks import TaskTracker
    from reverie.app.ui.transfer.bring_dialog import BringDialog
    from reverie.app.ui.transfer.bring_run import BringRunner

    folder = tmp_path / "Many"
    folder.mkdir()
    for i in range(300):
        (folder / f"n{i:04d}.md").write_text(f"# N{i}\n\ntext\n", encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not a PDF at all\n")
    session = Session(paths)
    session.set_vault(vault)
    dialog = BringDialog(folder, session, BringRunner(session, None, TaskTracker()))
    qtbot.addWidget(dialog)
    dialog.resize(640, 520)
    dialog.show()
    dialog.check()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=30_000)
    qtbot.wait(200)  # the layout settles: the reason's line is shown under the list
    current = dialog.files.currentItem()
    assert current is not None and current.text(0) == "broken.pdf"
    assert dialog.row.isVisible() and "broken.pdf" in dialog.row.text()
    shown = dialog.files.visualItemRect(current)
    assert shown.isValid() and dialog.files.viewport().rect().contains(shown), (shown, dialog.files.viewport().rect())
    session.close()
