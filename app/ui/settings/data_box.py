"""Settings: where the data lives, export and import, and the last background runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui import fmt
from reverie.app.ui.session import Session
from reverie.app.ui.settings.attachments_line import AttachmentsLine
from reverie.app.ui.shell import Action
from reverie.core.consolidation.outcome import describe_run, details
from reverie.core.jobruns import JobRun

STATUS_TEXT = {
    "ok": "finished",
    "failed": "failed",
    "cancelled": "was cancelled",
    "skipped": "was skipped",
    "running": "is running",
}


def run_line(run: JobRun) -> str:
    """One run as a line: when, what, how long, and what it did in a sentence."""
    job = run.job.replace("_", " ").capitalize()
    took = f" in {run.duration:.0f} s" if run.duration is not None else ""
    return f"{fmt.when(run.started_at)}  {job} {STATUS_TEXT.get(run.status, run.status)}{took}: " + describe_run(
        run.status, run.counts, run.error
    )


def when_words(started: float, now: float) -> str:
    """ "Last night", "This morning", "Today", "Yesterday", "On Mon 21 Nov": when a run started, as
    one says it (local time; a run between 18:00 and 06:00 before this morning is last night's)."""
    start, today = datetime.fromtimestamp(started), datetime.fromtimestamp(now)
    days_ago = (today.date() - start.date()).days
    night = start.hour >= 18 if days_ago == 1 else start.hour < 6
    if days_ago == 0 and night and today.hour >= 6 or days_ago == 1 and night and today.hour < 18:
        return "Last night"
    if days_ago == 0:
        return "This morning" if start.hour < 12 and today.hour < 18 else "Today"
    if days_ago == 1:
        return "Yesterday"
    return "On " + start.strftime("%a %d %b" if start.year == today.year else "%a %d %b %Y")


def took_words(seconds: float | None) -> str:
    """ "45 s", "2 min", "1 h 5 min"."""
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h" + (f" {minutes % 60} min" if minutes % 60 else "")


def what_it_did(run: JobRun) -> str:
    """What a finished run did that a user cares about, as short counts ("12 facts learned, 3 summaries
    written, 40 memories archived"); a stopped or failed run says why in a sentence."""
    if run.status != "ok":
        return describe_run(run.status, run.counts, run.error)
    c = run.counts or {}

    def n(*keys: str) -> int:
        total = 0
        for key in keys:
            try:
                total += int(c.get(key, 0) or 0)
            except (TypeError, ValueError):
                continue
        return total

    parts = [
        f"{k} {one if k == 1 else many}"
        for k, one, many in (
            (n("facts_added"), "fact learned", "facts learned"),
            (n("facts_updated", "facts_superseded"), "fact updated", "facts updated"),
            (n("summaries_added", "summaries_updated"), "summary written", "summaries written"),
            (n("duplicates_merged"), "duplicate merged", "duplicates merged"),
            (n("archived"), "memory archived", "memories archived"),
        )
        if k
    ]
    if n("profile_updated"):
        parts.append("profile updated")
    return (", ".join(parts) + ".") if parts else "nothing new to learn."


def last_run_line(run: JobRun, now: float) -> str:
    """ "Last night (03:00, 2 min): 12 facts learned, 3 summaries written, 40 memories archived." """
    start = datetime.fromtimestamp(run.started_at).strftime("%H:%M")
    took = took_words(run.duration)
    return f"{when_words(run.started_at, now)} ({start}{', ' + took if took else ''}): {what_it_did(run)}"


def details_text(run: JobRun) -> str:
    """The counts behind a run's sentence, one labelled line each."""
    lines = [f"{label}: {n}" for label, n in details(run.counts)]
    return "\n".join(lines) if lines else "No counts for this run."


class DataBox(QGroupBox):
    """Where the data lives, export and import (the File menu's actions), and the last background runs."""

    def __init__(
        self,
        session: Session,
        actions: Callable[[str], Action | None] = lambda _key: None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Your data", parent)
        self.session = session
        # The commands other features offer through the window (Shell.action): the File menu's
        # export and import, and "consolidate"; looked up when a button is pressed.
        self.command_for = actions  # (not ``actions``: that is QWidget.actions)
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Data folder:"))
        self.folder = QLineEdit(str(session.paths.folder))
        self.folder.setReadOnly(True)
        row.addWidget(self.folder, 1)
        self.open_folder = QPushButton("Open")
        self.open_folder.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(session.paths.folder)))
        )
        row.addWidget(self.open_folder)
        lay.addLayout(row)
        hint = QLabel(
            "To keep the vault elsewhere, move this folder and start Reverie with REVERIE_HOME set "
            "to the folder that holds it (or reverie --home PATH)."
        )
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        lay.addWidget(hint)
        self.attachments = AttachmentsLine(session)
        lay.addWidget(self.attachments)
        self.buttons: dict[str, QPushButton] = {}
        for line in (
            (("export", "Export vault…"), ("import", "Import vault file…"), ("export_markdown", "Export as Markdown…")),
            (("bring_in", "Bring in…"), ("import_chatgpt", "Import ChatGPT export…")),
        ):
            buttons = QHBoxLayout()
            for key, label in line:
                b = QPushButton(label)
                b.clicked.connect(lambda _=False, k=key: self.run(k))
                self.buttons[key] = b
                buttons.addWidget(b)
            buttons.addStretch(1)
            lay.addLayout(buttons)
        self.message = QLabel(
            "Exports are single files you can keep as a backup or import on another computer "
            "(also in the File menu); an import shows what it would change before it changes "
            "anything."
        )
        self.message.setObjectName("muted")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        runs_row = QHBoxLayout()
        runs_title = QLabel("Last background runs")
        runs_title.setObjectName("sectionTitle")
        runs_row.addWidget(runs_title)
        runs_row.addStretch(1)
        self.consolidate_button = QPushButton("Consolidate now")
        self.consolidate_button.setToolTip(
            "Summaries, facts, duplicates and fading, as each night; progress and Cancel in the status bar."
        )
        self.consolidate_button.clicked.connect(self.consolidate)
        runs_row.addWidget(self.consolidate_button)
        lay.addLayout(runs_row)
        self.last_run = QLabel("")
        self.last_run.setWordWrap(True)
        lay.addWidget(self.last_run)
        self.details_button = QPushButton("Show details")
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._toggle_details)
        self.details_button.setVisible(False)
        details_row = QHBoxLayout()
        details_row.addWidget(self.details_button)
        details_row.addStretch(1)
        lay.addLayout(details_row)
        self.details = QFrame()
        dl = QVBoxLayout(self.details)
        dl.setContentsMargins(12, 0, 0, 0)
        self.counts = QLabel("")
        self.counts.setWordWrap(True)
        self.counts.setObjectName("muted")
        self.counts.setTextInteractionFlags(
            self.counts.textInteractionFlags() | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        dl.addWidget(self.counts)
        earlier = QLabel("Earlier runs")
        earlier.setObjectName("sectionTitle")
        dl.addWidget(earlier)
        self.runs = QLabel("")
        self.runs.setWordWrap(True)
        self.runs.setObjectName("muted")
        dl.addWidget(self.runs)
        self.details.setVisible(False)
        lay.addWidget(self.details)

    def run(self, key: str) -> None:
        action = self.command_for(key)
        if action is None:
            self.message.setText("Export and import are in the main window's File menu.")
            return
        action()

    def consolidate(self) -> None:
        action = self.command_for("consolidate")
        if action is None or not action():
            self.message.setText("Consolidation is already running, or the vault is not open yet.")

    def _toggle_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setText("Hide details" if shown else "Show details")

    def show_runs(self, runs: list[JobRun], now: float | None = None) -> None:
        """The last run in words; its counts and the earlier runs behind "Show details"."""
        self.details_button.setVisible(bool(runs))
        if not runs:
            self.last_run.setText(
                "Nothing has run yet. Consolidation runs each night at the time set above "
                "(or when Reverie next starts, if the computer was off)."
            )
            self.counts.setText("")
            self.runs.setText("")
            return
        last = runs[0]
        self.last_run.setText(last_run_line(last, last.started_at if now is None else now))
        self.counts.setText(f"{run_line(last)}\n\n{details_text(last)}")
        self.runs.setText("\n".join(run_line(r) for r in runs[1:]) or "None.")
