"""The Settings page: models, nightly consolidation, forgetting, look, encryption and data.

Settings are read and saved on the database lane (``core.settings``); a value the core refuses
comes back as one sentence under the Save button and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from reverie.app import context
from reverie.app.ui.changes import SETTINGS, OpChanges
from reverie.app.ui.locked import LockedNotice
from reverie.app.ui.services import AppServices
from reverie.app.ui.session import Session
from reverie.app.ui.settings.backup_box import BackupBox
from reverie.app.ui.settings.companion_box import CompanionBox
from reverie.app.ui.settings.connected_box import ConnectedBox
from reverie.app.ui.settings.data_box import DataBox
from reverie.app.ui.settings.embedder_box import SearchModelBox
from reverie.app.ui.settings.models_box import ChatModelBox
from reverie.app.ui.settings.recovery_box import RecoveryBox
from reverie.app.ui.settings.security import EncryptionBox
from reverie.app.ui.settings.watch_box import WatchBox
from reverie.app.ui.shell import Action, Page, Shell
from reverie.app.ui.tasks import TaskTracker
from reverie.app.ui.theme import apply_theme
from reverie.app.ui.uikit import alive
from reverie.app.ui.watching import WatchRuntime
from reverie.core import jobruns
from reverie.core.errors import ReverieError
from reverie.core.settings import Settings, load_settings, save_settings
from reverie.core.vault import Vault
from reverie.models.defaults import default_embedder_location
from reverie.models.registry import build_embedder, describe_embedder, embedder_label

LOCKED_SETTINGS = "The vault is locked. Its settings are kept inside it and show here once you unlock it."
THEMES = [("Follow the system", "system"), ("Light", "light"), ("Dark", "dark")]


def _form(box: QGroupBox) -> QFormLayout:
    form = QFormLayout(box)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
    return form


def _spin(lo: float, hi: float, step: float, decimals: int, suffix: str = "") -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setMinimumWidth(120)
    box.setRange(lo, hi)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    box.setSuffix(suffix)
    return box


def embedder_line(vault: Vault, in_use: Any = None) -> str:
    """The search model (``in_use``, the window's embedder, else the one the settings choose) and how
    far the vault is embedded with it (database lane: counts and index lookups; nothing is loaded or
    asked of a server)."""
    from reverie.core.embedding import pending_count, vector_id

    settings = load_settings(vault)
    if settings.embedder_kind == "default":
        loc = default_embedder_location()
        name, state = loc.name, "ready" if loc.found else f"missing ({loc.problem})"
    else:
        name, state = describe_embedder(settings), "chosen"
    try:
        model_id = in_use.model_id if in_use is not None else build_embedder(settings).model_id
    except ReverieError as exc:
        return f"{name}: {exc}"
    tag = vector_id(model_id)
    memories = vault.counts().get("memories", 0)
    waiting = pending_count(vault, tag)
    with vault.read() as conn:  # vectors of another model: the vault is being embedded again
        other = conn.execute(
            "SELECT EXISTS(SELECT 1 FROM vectors WHERE model_id < ?) OR EXISTS(SELECT 1 FROM vectors WHERE model_id > ?)",
            (tag, tag),
        ).fetchone()[0]
    if waiting and other:
        return (
            f"Re-embedding for {embedder_label(settings)}: {memories - waiting:,} of {memories:,}; search works by "
            "words and by the memories embedded so far meanwhile."
        )
    tail = (
        f"; {waiting} of {memories} memories wait to be embedded (they are already found by words)"
        if waiting
        else f"; all {memories} memories are searchable by meaning"
    )
    return f"{name}: {state}{tail}."


class SettingsPage(QWidget):
    def __init__(
        self,
        session: Session,
        tracker: TaskTracker,
        finder: Callable[[Sequence[str]], list[Any]] = context.find_ggufs,
        actions: Callable[[str], Action | None] = lambda _key: None,
        parent: QWidget | None = None,
        shell: Shell | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = Settings()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        # While the vault is locked its settings cannot be read: say so, offer Unlock, and show
        # no form that would pretend to load ("Looking at the model in use…" forever).
        self.locked = QWidget()
        ll = QVBoxLayout(self.locked)
        ll.setContentsMargins(24, 16, 24, 16)
        locked_title = QLabel("Settings")
        locked_title.setObjectName("pageTitle")
        ll.addWidget(locked_title)
        self.locked_notice = LockedNotice(session, shell) if shell is not None else None
        if self.locked_notice is not None:
            self.locked_notice.label.setText(LOCKED_SETTINGS)
            ll.addWidget(self.locked_notice)
        else:
            ll.addWidget(QLabel(LOCKED_SETTINGS, wordWrap=True))
        ll.addStretch(1)
        outer.addWidget(self.locked, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        body.setMaximumWidth(860)
        lay = QVBoxLayout(body)
        lay.setContentsMargins(24, 16, 24, 16)
        lay.setSpacing(14)
        title = QLabel("Settings")
        title.setObjectName("pageTitle")
        lay.addWidget(title)

        self.model_box = ChatModelBox(finder, session.model.submit, session=session)
        lay.addWidget(self.model_box)
        self.search_model = SearchModelBox()
        self.embedder = self.search_model.status
        lay.addWidget(self.search_model)

        nightly = QGroupBox("Nightly consolidation")
        nf = _form(nightly)
        self.consolidate = QCheckBox("Summarise the day, extract facts and merge duplicates each night")
        self.time = QTimeEdit()
        self.time.setDisplayFormat("HH:mm")
        self.idle = QSpinBox()
        self.idle.setRange(0, 240)
        self.idle.setSuffix(" minutes")
        self.idle.setMinimumWidth(120)
        self.time.setMinimumWidth(120)
        nf.addRow(self.consolidate)
        nf.addRow("Run at:", self.time)
        nf.addRow("Only after the computer is idle for:", self.idle)
        lay.addWidget(nightly)

        decay = QGroupBox("Forgetting")
        df = _form(decay)
        intro = QLabel(
            "Memories fade unless recalled (retention = e^(−days / strength)); faded ones are archived, "
            "never deleted. Pinned memories never fade."
        )
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        df.addRow(intro)
        self.base_strength = _spin(0.5, 365, 1, 1, " days")
        self.recall_growth = _spin(1.0, 5.0, 0.1, 2, " ×")
        self.archive_threshold = _spin(1, 99, 1, 0, " %")
        self.archive_importance = _spin(0.0, 1.0, 0.05, 2)
        df.addRow("Strength of a new memory:", self.base_strength)
        df.addRow("Each recall multiplies strength by:", self.recall_growth)
        df.addRow("Archive when retention falls below:", self.archive_threshold)
        df.addRow("…and importance is at most:", self.archive_importance)
        lay.addWidget(decay)

        look = QGroupBox("Look")
        lf = _form(look)
        self.theme = QComboBox()
        for label, _ in THEMES:
            self.theme.addItem(label)
        lf.addRow("Theme:", self.theme)
        lay.addWidget(look)
        self.companion = CompanionBox()
        lay.addWidget(self.companion)

        self.encryption = EncryptionBox(session)
        lay.addWidget(self.encryption)
        self.recovery = RecoveryBox(session)
        lay.addWidget(self.recovery)
        self.backups = BackupBox(session)
        lay.addWidget(self.backups)
        self.data = DataBox(session, actions)
        lay.addWidget(self.data)
        self.watched = WatchBox(session)
        lay.addWidget(self.watched)
        self.connected = ConnectedBox(session)
        lay.addWidget(self.connected)
        lay.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.scroll = scroll

        self.bar = QWidget()
        bar = QHBoxLayout(self.bar)
        bar.setContentsMargins(24, 6, 24, 10)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.revert = QPushButton("Revert")
        self.save = QPushButton("Save settings")
        self.save.setDefault(True)
        bar.addWidget(self.message, 1)
        bar.addWidget(self.revert)
        bar.addWidget(self.save)
        outer.addWidget(self.bar)
        self._show_locked(not session.is_open)
        self.save.clicked.connect(self.save_settings)
        self.revert.clicked.connect(self.reload)
        session.vault_ready.connect(lambda _: self.reload())
        session.changed.connect(self._on_changes)

    def _show_locked(self, locked: bool) -> None:
        self.locked.setVisible(locked)
        self.scroll.setVisible(not locked)
        self.bar.setVisible(not locked)

    def _on_changes(self, changes: OpChanges) -> None:
        if changes.content or changes.new_memories:
            self._load_status()

    def follow_indexer(self, services: AppServices) -> None:
        """Count the memories still waiting for vectors again as the indexer writes them and when its
        run ends (the embedder line said "26 of 26 wait" after all were embedded)."""
        services.indexing.progress.connect(self._indexer_moved, Qt.ConnectionType.QueuedConnection)
        services.indexing.idle.connect(self._indexer_moved, Qt.ConnectionType.QueuedConnection)
        self.search_model.follow(services)

    def _indexer_moved(self, *_counts: int) -> None:
        self._load_status()

    # -- load -----------------------------------------------------------------------------
    def reload(self) -> None:
        self._show_locked(self.session.vault is None)
        if self.session.vault is None:
            return
        self.session.db.submit(
            load_settings, self.session.vault, on_done=alive(self, self._show), on_error=alive(self, self._error)
        )
        self._load_status()

    def _load_status(self) -> None:
        if self.session.vault is None:
            return

        def status(vault: Vault) -> tuple[str, list[jobruns.JobRun], float]:
            return (
                embedder_line(vault, self.search_model.in_use()),
                jobruns.list_job_runs(vault, 8, "consolidation"),
                vault.now(),
            )

        def show(result: tuple[str, list[jobruns.JobRun], float]) -> None:
            self.embedder.setText(result[0])
            self.data.show_runs(result[1], result[2])

        self.session.db.submit(
            status, self.session.vault, on_done=alive(self, show), on_error=alive(self, self.embedder.setText)
        )

    def _show(self, s: Settings) -> None:
        self.settings = s
        self.model_box.load(s)
        self.search_model.load(s)
        self.consolidate.setChecked(s.consolidation_enabled)
        h, _, m = s.consolidation_time.partition(":")
        self.time.setTime(QTime(int(h), int(m)))
        self.idle.setValue(s.idle_minutes)
        self.base_strength.setValue(s.base_strength_days)
        self.recall_growth.setValue(s.recall_growth)
        self.archive_threshold.setValue(round(s.archive_threshold * 100))
        self.archive_importance.setValue(s.archive_max_importance)
        self.theme.setCurrentIndex(next((i for i, (_, v) in enumerate(THEMES) if v == s.theme), 0))
        self.backups.load(s)
        self.companion.load(s)
        self._say("")
        self._apply_theme(s.theme)

    # -- save -----------------------------------------------------------------------------
    def collect(self) -> Settings:
        """The settings as the form shows them; raises ReverieError with a sentence when unusable."""
        s = Settings.from_dict(self.settings.to_dict())
        problem = self.model_box.store(s) or self.search_model.store(s)
        if problem:
            raise ReverieError(problem)
        s.consolidation_enabled = self.consolidate.isChecked()
        s.consolidation_time = self.time.time().toString("HH:mm")
        s.idle_minutes = self.idle.value()
        s.base_strength_days = self.base_strength.value()
        s.recall_growth = self.recall_growth.value()
        s.archive_threshold = self.archive_threshold.value() / 100
        s.archive_max_importance = self.archive_importance.value()
        s.theme = THEMES[self.theme.currentIndex()][1]
        self.backups.store(s)
        self.companion.store(s)
        return s.validate()

    def save_settings(self) -> None:
        if self.session.vault is None:
            return
        try:
            s = self.collect()
        except ReverieError as exc:
            self._error(str(exc))
            return

        def done(saved: Settings) -> None:
            self.settings = saved
            self._apply_theme(saved.theme)
            self._say("Saved.")

        self.session.run_op(
            save_settings,
            self.session.vault,
            s,
            changes=SETTINGS,
            on_done=alive(self, done),
            on_error=alive(self, self._error),
        )

    def _apply_theme(self, theme: str) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setObjectName("errorText" if error else "muted")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)

    def _error(self, message: str) -> None:
        self._say(message, error=True)


def install(shell: Shell, services: AppServices) -> SettingsPage:
    page = SettingsPage(services.session, shell.tasks, actions=shell.action, shell=shell)
    page.follow_indexer(services)
    page.watched.attach(WatchRuntime(services.session, shell.tasks, parent=page))
    page.watched.offer(shell)
    shell.add_page(Page("settings", "Settings", page))
    return page
