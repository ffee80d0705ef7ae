"""File → Bring in…: choose a folder or a file, see what it would do, bring it in, follow it.

``BringChooser`` lists what can be brought in and offers "Folder…" and "File…" (one file dialog
cannot pick both). ``BringDialog`` plans and previews off the GUI thread, on the bring-in lane (nothing is written):
what the source is ("Logseq graph, 1,204 files"), then new, changed, unchanged and skipped files
with the reasons, and whether these are the user's own notes. "Bring in" starts the job
(``BringRunner``): "Reading files: 1,234 of 10,000", then "Passages to embed: 120 of 480" from the
background embedder. Cancel stops after the batch in flight and says what was saved. The report
lists the files left out, with their reasons, in a box that scrolls and copies."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui.services import AppServices
from reverie.app.ui.session import Session
from reverie.app.ui.transfer.bring_api import (
    FILE_FILTER,
    WHAT_COMES_IN,
    counts_sentence,
    describe,
    progress_words,
    report_sentence,
    row_reason,
    source_name,
)
from reverie.app.ui.transfer.bring_run import BringJob, BringRunner
from reverie.app.ui.transfer.import_dialog import OWN_NOTES_HINT, OWN_NOTES_LABEL
from reverie.app.ui.uikit import ElidedLabel, alive

EXPANDED_ROWS = 500  # a group of more rows starts closed, and its rows are made when it is opened


def _fill(group: QTreeWidgetItem, rows: list[tuple[str, str]]) -> None:
    items = []
    for key, why in rows:
        item = QTreeWidgetItem([key, row_reason(key, why)])  # the File column names the file already
        item.setData(1, Qt.ItemDataRole.UserRole, why)  # the whole sentence, for the line under the list
        item.setToolTip(0, key)
        item.setToolTip(1, why)
        items.append(item)
    group.addChildren(items)  # at once


class BringChooser(QDialog):
    """What can be brought in, and two ways to point at it: a folder or a file."""

    def __init__(self, parent: QWidget | None = None, start: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Bring in")
        self.start = start or str(Path.home())
        self.path: str | None = None
        layout = QVBoxLayout(self)
        intro = QLabel("Bring notes and documents into Reverie. Nothing in the folder or file is changed.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        for head, detail in WHAT_COMES_IN:
            line = QLabel(f"<b>{head}</b><br>{detail}")
            line.setWordWrap(True)
            line.setTextFormat(Qt.TextFormat.RichText)
            layout.addWidget(line)
        after = QLabel("You see what would come in before anything is written.")
        after.setObjectName("muted")
        after.setWordWrap(True)
        layout.addWidget(after)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.folder_button = self.buttons.addButton("Folder…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.file_button = self.buttons.addButton("File…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.folder_button.setDefault(True)
        self.folder_button.clicked.connect(self.choose_folder)
        self.file_button.clicked.connect(self.choose_file)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.resize(480, self.layout().totalHeightForWidth(480))  # as tall as the wrapped lines at that width

    def choose_folder(self) -> None:
        self._chosen(QFileDialog.getExistingDirectory(self, "Bring in a folder", self.start))

    def choose_file(self) -> None:
        self._chosen(QFileDialog.getOpenFileName(self, "Bring in a file", self.start, FILE_FILTER)[0])

    def _chosen(self, path: str) -> None:
        if path:  # the file dialog was not cancelled
            self.path = path
            self.accept()


class _Relay(QObject):
    """Carries the preview's progress from the database lane to the GUI thread."""

    progressed = Signal(str, int, int)

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.progressed.emit(stage, done, total)


class BringDialog(QDialog):
    """Preview, then bring in, then the report (the same dialog, in three states)."""

    previewed = Signal(object)  # BringPreview
    brought = Signal(object)  # BringReport

    def __init__(
        self,
        path: str | Path,
        session: Session,
        runner: BringRunner,
        services: AppServices | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.session, self.runner, self.services = session, runner, services
        self.preview: Any = None
        self.job: BringJob | None = None
        self.report: Any = None
        self._generation = 0
        self._preview_cancel = threading.Event()
        self._embedding = False
        self.setWindowTitle(f"Bring in {source_name(self.path)}")
        layout = QVBoxLayout(self)
        self.what = QLabel("Looking at what this is…")
        self.what.setObjectName("title")
        layout.addWidget(self.what)
        self.where = ElidedLabel(str(self.path), mode=Qt.TextElideMode.ElideMiddle)
        self.where.setObjectName("muted")
        layout.addWidget(self.where)
        self.message = QLabel("Reading the list of files…")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.files = QTreeWidget()
        self.files.setHeaderLabels(["File", "What happens"])
        self.files.setUniformRowHeights(True)
        self.files.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.files.header()
        header.setStretchLastSection(True)  # the reasons get the room; a path is cut in the middle
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 260)
        self.files.currentItemChanged.connect(self._show_row)
        self.files.itemExpanded.connect(self._expanded)
        self._unfilled: dict[int, list[tuple[str, str]]] = {}  # groups whose rows are made when opened
        layout.addWidget(self.files, 1)
        self.row = QLabel("")  # the chosen row in full: a long reason does not fit its column
        self.row.setWordWrap(True)
        self.row.setObjectName("muted")
        self.row.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.row.setVisible(False)
        layout.addWidget(self.row)
        self.left_out_title = QLabel("")
        self.copy_button = QPushButton("Copy the list")
        self.copy_button.setToolTip("Copy the files left out, with why, to paste them elsewhere.")
        self.copy_button.clicked.connect(self.copy_left_out)
        title_row = QHBoxLayout()
        title_row.addWidget(self.left_out_title, 1)
        title_row.addWidget(self.copy_button)
        for w in (self.left_out_title, self.copy_button):
            w.setVisible(False)
        layout.addLayout(title_row)
        self.left_out = QPlainTextEdit()  # the report's files left out: scrolls, selects, copies
        self.left_out.setReadOnly(True)
        self.left_out.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)  # a long reason wraps, no scrollbar
        self.left_out.setVisible(False)
        layout.addWidget(self.left_out, 1)
        self.mine = QCheckBox(OWN_NOTES_LABEL)
        layout.addWidget(self.mine)
        self.hint = QLabel(OWN_NOTES_HINT)
        self.hint.setWordWrap(True)
        self.hint.setObjectName("muted")
        layout.addWidget(self.hint)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        layout.addStretch(0)  # with the list and the box hidden, the lines sit together at the top
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.bring_button = self.buttons.addButton("Bring in", QDialogButtonBox.ButtonRole.AcceptRole)
        self.bring_button.setEnabled(False)
        self.bring_button.setDefault(True)
        self.hide_button: QPushButton = self.buttons.addButton("Hide", QDialogButtonBox.ButtonRole.ActionRole)
        self.hide_button.setToolTip("Keep bringing in while you work; the status bar shows how far it is.")
        self.hide_button.setVisible(False)
        self.hide_button.clicked.connect(self.hide)
        self.bring_button.clicked.connect(self.start)
        self.buttons.rejected.connect(self._cancel_or_close)
        layout.addWidget(self.buttons)
        self.mine.toggled.connect(lambda _: self.check())  # one's own notes change what is updated
        self.relay = _Relay(self)
        self.relay.progressed.connect(self._preview_progressed)
        if services is not None:
            services.indexing.progress.connect(self._embedding_progressed, Qt.ConnectionType.QueuedConnection)
            services.indexing.idle.connect(self._embedding_idle, Qt.ConnectionType.QueuedConnection)
        self.resize(640, 520)

    @property
    def cancel_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Cancel)

    def own_notes(self) -> bool:
        return self.mine.isChecked()

    # -- preview (the bring-in lane; nothing is written) ---------------------------------------
    def check(self) -> None:
        if self.session.vault is None or self.job is not None:
            return
        self._generation += 1
        gen = self._generation
        self._preview_cancel.set()  # a preview still running for the other choice stops
        self._preview_cancel = cancel = threading.Event()
        self.bring_button.setEnabled(False)
        self.message.setText("Reading the list of files…")
        self.runner.preview(
            self.path,
            mine=self.own_notes(),
            progress=self.relay,
            cancel=cancel,
            on_done=alive(self, lambda p: self._previewed(gen, p)),
            on_error=alive(self, lambda m: self._failed(gen, m)),
        )

    def _preview_progressed(self, stage: str, done: int, total: int) -> None:
        if self.job is None and self.preview is None and total:
            self.message.setText(progress_words(stage, done, total))

    def _previewed(self, gen: int, preview: Any) -> None:
        if gen != self._generation:
            return
        self.preview = preview
        self.what.setText(describe(preview.source, preview))
        self.message.setText(counts_sentence(preview))
        self.files.clear()
        self._unfilled.clear()
        groups = (
            ("New notes", [(f, "comes in as a new note") for f in preview.new]),
            ("Changed", list(preview.changed)),
            ("Skipped", list(preview.skipped)),
            ("Unchanged", [(f, "already in the vault") for f in preview.unchanged]),
        )
        for title, rows in groups:
            if not rows:
                continue
            group = QTreeWidgetItem([f"{title} ({len(rows):,})", ""])
            self.files.addTopLevelItem(group)
            if title != "Unchanged" and len(rows) <= EXPANDED_ROWS:
                _fill(group, rows)
                group.setExpanded(True)
            else:  # its rows are made when it is opened: 10,000 of them cost the GUI thread a moment
                self._unfilled[id(group)] = rows
                group.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)
        first_skipped = next(
            (
                self.files.topLevelItem(i).child(0)
                for i in range(self.files.topLevelItemCount())
                if self.files.topLevelItem(i).text(0).startswith("Skipped")
            ),
            None,
        )
        if first_skipped is not None:
            self.files.setCurrentItem(first_skipped)  # why the first file is left out, in full
        self.bring_button.setEnabled(preview.changes_anything)
        self.previewed.emit(preview)

    def _expanded(self, group: QTreeWidgetItem) -> None:
        rows = self._unfilled.pop(id(group), None)
        if rows is not None:
            _fill(group, rows)

    def _show_row(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None = None) -> None:
        why = str(item.data(1, Qt.ItemDataRole.UserRole) or item.text(1)) if item is not None else ""
        if item is not None and why and item.text(0) not in why:
            why = f"{item.text(0)}: {why}"  # a reason that does not name its file
        self.row.setText(why)
        self.row.setVisible(bool(why) and self.files.isVisible())
        if item is not None and self.isVisible():
            # The reason's line takes its room from the list at once, and the row stays in view
            # (scrolled to before that line was there, the last row of a long list fell out of it).
            layout = self.layout()
            if layout is not None:
                layout.activate()
            self.files.scrollToItem(item)

    def _failed(self, gen: int, message: str) -> None:
        if gen == self._generation:
            self.preview = None
            self.files.clear()
            self.row.setVisible(False)
            self.what.setText("Nothing to bring in")
            self.message.setText(message)
            self.bring_button.setEnabled(False)

    # -- bringing in ---------------------------------------------------------------------------
    def start(self) -> None:
        if self.preview is None or self.job is not None:
            return
        self.job = job = self.runner.start(self.path, mine=self.own_notes(), source=self.preview.source)
        self.follow(job)

    def follow(self, job: BringJob) -> None:
        """Show ``job``'s progress here (also for a job continued from the start-up offer)."""
        self.job = job
        if self.preview is None:  # continued from the offer at start: no preview, the job itself
            self.what.setText(f"Continuing to bring in {job.name}")
            self.files.setVisible(False)
            self.mine.setVisible(False)
            self.hint.setVisible(False)
        self.bring_button.setVisible(False)
        self.mine.setEnabled(False)
        self.hide_button.setVisible(True)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.progress.setFormat("Reading files…")
        self.message.setText("Bringing in… You can hide this window; the status bar shows how far it is.")
        self._refit()
        job.progressed.connect(self._progressed)
        job.finished.connect(self._brought)
        job.failed.connect(self._job_failed)

    def _progressed(self, stage: str, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        self.progress.setFormat(progress_words(stage, done, total))

    def _brought(self, report: Any) -> None:
        self.report = report
        assert self.job is not None
        self.message.setText(report_sentence(report, self.job.mine))
        self.what.setText("Stopped" if getattr(report, "stopped", False) else "Brought in")
        self.cancel_button.setText("Close")
        self.cancel_button.setEnabled(True)
        self.hide_button.setVisible(False)
        self.files.setVisible(False)
        self.row.setVisible(False)
        self.mine.setVisible(False)
        self.hint.setVisible(False)
        if report.problems:
            # problems: each left-out file's sentence, a missing library's once, and what came in with a change
            left = len(getattr(report, "skipped", ()) or ())
            self.left_out_title.setText(f"Left out ({left:,}), with why:" if left else "Brought in, with these notes:")
            self.left_out_title.setVisible(True)
            self.copy_button.setVisible(True)
            self.left_out.setPlainText("\n".join(report.problems))
            self.left_out.setVisible(True)
        passages = int(getattr(report, "passages", 0) or 0)
        if passages and self.services is not None and self.services.embedder_in_use is not None:
            self._embedding = True
            self.progress.setRange(0, passages)
            self.progress.setValue(0)
            self.progress.setFormat(f"Passages to embed: 0 of {passages:,}")
        else:
            self.progress.setVisible(False)
        self._refit()
        self.brought.emit(report)

    def _refit(self) -> None:
        """With neither the list nor the left-out box shown, the dialog is as tall as its lines."""
        if self.files.isHidden() and self.left_out.isHidden():
            self.fit_height()

    def fit_height(self) -> None:
        """As tall as the shown lines need at this width (no list: no empty band in the middle)."""
        layout = self.layout()
        layout.activate()
        need = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else layout.sizeHint().height()
        self.resize(self.width(), max(need, layout.totalMinimumSize().height()))

    def copy_left_out(self) -> None:
        QApplication.clipboard().setText(self.left_out.toPlainText())
        self.copy_button.setText("Copied")

    def _embedding_progressed(self, done: int, total: int) -> None:
        if self._embedding and total:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            self.progress.setFormat(f"Passages to embed: {done:,} of {total:,}")

    def _embedding_idle(self, _count: int) -> None:
        if self._embedding:
            self._embedding = False
            self.progress.setVisible(False)
            self.message.setText(self.message.text() + " Every passage is embedded: search finds them by meaning.")
            self._refit()  # the sentence grew

    def _job_failed(self, message: str) -> None:
        self.progress.setVisible(False)
        self.hide_button.setVisible(False)
        self.cancel_button.setText("Close")
        self.cancel_button.setEnabled(True)
        self.message.setText(message)
        self._refit()

    def _cancel_or_close(self) -> None:
        if self.job is not None and self.job.running:
            self.job.stop()
            self.cancel_button.setEnabled(False)
            self.message.setText("Stopping after the files being read now; what was read is kept…")
            return
        self._preview_cancel.set()
        self.reject()
