"""What Chat shows when no conversation is open or it has no message yet: how to ask, the model in
use and its tier, up to three other models found on this computer with a "Use" button, and where
to get a bigger one. Looking for models reads the disk and runs on the lanes (``model_choice``),
never on the GUI thread."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from reverie.app import context
from reverie.app.ui.changes import OpChanges
from reverie.app.ui.model_choice import GgufFinder, ModelRow, survey_models, use_model
from reverie.app.ui.session import Session
from reverie.app.ui.uikit import alive
from reverie.core.settings import Settings
from reverie.core.tiers import TIER_ABOUT
from reverie.models.catalog import ModelEntry, Survey

MAX_SHOWN = 3
LOCKED_MODEL = "The model in use shows here once the vault is unlocked."
GET_BIGGER = (
    "For answers in its own words, use a model of 1B parameters or more: download one with LM Studio "
    "or Ollama (Reverie finds it here), or point Reverie at an OpenAI-compatible server in Settings."
)


def worth_showing(sv: Survey, limit: int = MAX_SHOWN) -> list[ModelEntry]:
    """Other usable models, capable ones first, smaller (quicker) first within a tier."""
    others = [e for e in sv.entries if not e.in_use and not e.problem]
    others.sort(key=lambda e: (e.tier != "capable", e.parameters or e.size_bytes or 0, e.name.casefold()))
    return others[:limit]


class EmptyState(QScrollArea):
    def __init__(
        self, session: Session, finder: GgufFinder = context.find_ggufs, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("thread")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.session = session
        self.finder = finder
        self.survey: Survey | None = None
        self.rows: list[ModelRow] = []
        body = QWidget()
        body.setObjectName("threadBody")
        outer = QVBoxLayout(body)
        outer.setContentsMargins(24, 20, 24, 12)
        outer.setSpacing(10)
        self.title = QLabel("Ask Reverie about anything you have written or said.")
        self.title.setStyleSheet("font-weight: 600")
        self.title.setWordWrap(True)
        self.hint = QLabel(
            "Answers cite the memories they stand on. Enter sends, Shift+Enter starts a new line, Esc stops."
        )
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)
        outer.addWidget(self.title)
        outer.addWidget(self.hint)
        self.card = QFrame()
        self.card.setObjectName("message")
        self.card.setMaximumWidth(720)
        card = QVBoxLayout(self.card)
        card.setContentsMargins(14, 10, 14, 10)
        card.setSpacing(6)
        self.model_line = QLabel("Looking at the model in use…")
        self.model_line.setWordWrap(True)
        self.about = QLabel("")
        self.about.setObjectName("muted")
        self.about.setWordWrap(True)
        self.found_title = QLabel("Other models on this computer")
        self.found_title.setStyleSheet("font-weight: 600")
        self.rows_box = QWidget()
        self.rows_layout = QVBoxLayout(self.rows_box)
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        self.rows_layout.setSpacing(2)
        self.more = QLabel("")
        self.more.setObjectName("muted")
        self.message = QLabel("")
        self.message.setObjectName("errorText")
        self.message.setWordWrap(True)
        self.message.hide()
        self.get_bigger = QLabel(GET_BIGGER)
        self.get_bigger.setObjectName("muted")
        self.get_bigger.setWordWrap(True)
        for w in (
            self.model_line,
            self.about,
            self.found_title,
            self.rows_box,
            self.more,
            self.message,
            self.get_bigger,
        ):
            if w is self.found_title:
                card.addSpacing(4)
            card.addWidget(w)
        self.found_title.hide()
        self.more.hide()
        outer.addWidget(self.card)  # no alignment: the card takes the width there is (up to 720), and its
        # wrapped lines their height for that width (aligned, it kept its preferred width and was clipped)
        outer.addStretch(1)
        self.setWidget(body)
        session.vault_ready.connect(self._opened)  # methods: disconnected when the card goes
        session.changed.connect(self._data_changed)
        self.about.hide()  # until there is something to say
        if session.vault is not None:
            self.refresh()
        else:  # a locked vault: its settings (the model in use) cannot be read yet
            self.model_line.setText(LOCKED_MODEL)

    # -- showing it only when the thread is empty ---------------------------------------------
    def follow(self, messages: Any, thread: QWidget) -> None:
        """Show this instead of ``thread`` while ``messages`` has no row."""

        def sync(*_: Any) -> None:
            empty = messages.rowCount() == 0
            self.setVisible(empty)
            thread.setVisible(not empty)

        for signal in (messages.modelReset, messages.rowsInserted, messages.rowsRemoved):
            signal.connect(sync)
        sync()

    # -- the models --------------------------------------------------------------------------------
    def _opened(self, _vault: object) -> None:
        self.refresh()

    def _data_changed(self, changes: OpChanges) -> None:
        if changes.settings:
            self.refresh()

    def refresh(self) -> None:
        self.model_line.setText("Looking at the model in use…")
        survey_models(self.session, self.finder, on_done=alive(self, self._show), on_error=alive(self, self._failed))

    def _failed(self, message: str) -> None:
        self.model_line.setText(f"Reverie could not look at the models: {message}")

    def _show(self, sv: Survey, _settings: Settings) -> None:
        self.survey = sv
        current, tier = sv.in_use, sv.tier_in_use()
        if current is None or tier is None:
            self.model_line.setText("The chosen chat model was not found; choose one in Settings.")
            self.about.setText("")
        else:
            self.model_line.setText(f"Model in use: <b>{current.name}</b> · {tier}")
            self.about.setText(TIER_ABOUT[tier])
        self.about.setVisible(bool(self.about.text()))
        for row in self.rows:
            self.rows_layout.removeWidget(row)
            row.deleteLater()
        shown = worth_showing(sv)
        self.rows = []
        for entry in shown:
            row = ModelRow(entry, "Use")
            row.use_clicked.connect(self.use)
            self.rows_layout.addWidget(row)
            self.rows.append(row)
        self.found_title.setVisible(bool(shown))
        extra = len([e for e in sv.entries if not e.in_use and not e.problem]) - len(shown)
        self.more.setText(f"…and {extra} more in Settings." if extra > 0 else "")
        self.more.setVisible(extra > 0)
        self.get_bigger.setVisible(tier != "capable")

    def use(self, entry: ModelEntry) -> None:
        for row in self.rows:
            row.button.setEnabled(False)
        self.message.hide()
        use_model(self.session, entry, on_error=alive(self, self._use_failed))

    def _use_failed(self, message: str) -> None:
        self.message.setText(message)
        self.message.show()
        for row in self.rows:
            row.button.setEnabled(not row.entry.in_use)
