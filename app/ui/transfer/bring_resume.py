"""At start, a bring-in that stopped (cancelled, the window closed, the machine went down) is offered
again: "Bringing in ~/Documents stopped at 3,200 of 10,000 files." — Continue, Not now, Forget it.

The offer is a small window that does not block the main one. Continue plans the folder again and
brings it in (the ledger skips what already came in, so it continues where it stopped); Not now
leaves the job for the next start; Forget it drops the job (what came in stays)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from reverie.app.ui.session import Session
from reverie.app.ui.transfer.bring_api import stopped_sentence
from reverie.app.ui.transfer.bring_run import BringJob, BringRunner


class ResumeOffer(QDialog):
    """The offer to continue one stopped bring-in (non-modal)."""

    continued = Signal(object)  # the BringJob it started

    def __init__(self, job: Any, session: Session, runner: BringRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pending, self.session, self.runner = job, session, runner
        self.setWindowTitle("Continue bringing in?")
        self.setModal(False)
        self.setWindowModality(Qt.WindowModality.NonModal)
        layout = QVBoxLayout(self)
        self.message = QLabel(stopped_sentence(job))
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        detail = QLabel("What came in before is in the vault. Continue reads the rest; files already in are skipped.")
        detail.setWordWrap(True)
        detail.setObjectName("muted")
        layout.addWidget(detail)
        # Continue (the default) · Not now, then Forget it set apart: the one that drops the job is not
        # between the two that keep it (a button box orders by role, which put it in the middle).
        self.continue_button = QPushButton("Continue")
        self.later_button = QPushButton("Not now")
        self.forget_button = QPushButton("Forget it")
        self.forget_button.setToolTip("Do not offer this again; what already came in stays.")
        self.continue_button.setDefault(True)
        self.continue_button.clicked.connect(self.resume)
        self.later_button.clicked.connect(self.reject)
        self.forget_button.clicked.connect(self.forget)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.continue_button)
        self.buttons.addWidget(self.later_button)
        self.buttons.addSpacing(24)
        self.buttons.addWidget(self.forget_button)
        layout.addLayout(self.buttons)
        self.setMinimumWidth(460)
        self.resize(460, self.layout().totalHeightForWidth(460))  # as tall as the wrapped lines at that width

    def resume(self) -> BringJob:
        job = self.runner.start(self.pending.path, mine=bool(self.pending.mine))
        self.continued.emit(job)
        self.accept()
        return job

    def forget(self) -> None:
        if self.session.vault is not None:
            self.session.db.submit(self.runner.api.forget_job, self.session.vault, self.pending.path)
        self.reject()
