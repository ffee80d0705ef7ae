"""Choosing the chat model in one step, shared by Settings and Chat's empty state.

``survey_models`` reads the settings on the database lane, then looks for models (a disk scan, GGUF
headers, a short request to a configured server) on the model lane, and hands a ``Survey`` back on
the GUI thread. ``use_model`` saves settings that choose an entry, on the database lane, and
publishes ``OpChanges(settings=True)``: the app's services then drop the chat model on the model
lane (the next answer loads the new one). ``ModelRow`` shows one model with its size, parameter
count and tier, and a button to use it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from reverie.app.ui.changes import SETTINGS
from reverie.app.ui.session import Session
from reverie.core.settings import Settings, load_settings, save_settings
from reverie.core.textutil import human_size
from reverie.core.vault import Vault
from reverie.models.catalog import ModelEntry, Survey, survey, use
from reverie.models.gguf import read_gguf_header
from reverie.models.naming import format_parameters

GgufFinder = Callable[[Sequence[str]], list[Any]]


def entry_facts(e: ModelEntry) -> str:
    """``103.0 MB · 135M parameters · tiny · bundled``."""
    bits = []
    if e.size_bytes:
        bits.append(human_size(e.size_bytes))
    if e.parameters:
        bits.append(f"{format_parameters(e.parameters)} parameters")
    bits.append(e.tier)
    bits.append(e.url if e.kind == "server" else e.where)
    return " · ".join(bits)


def survey_models(
    session: Session,
    finder: GgufFinder,
    on_done: Callable[[Survey, Settings], None],
    on_error: Callable[[str], None],
    settings: Settings | None = None,
) -> None:
    """Settings (db lane), then the models found (model lane), then ``on_done(survey, settings)``."""

    def scan(s: Settings) -> None:
        session.model.submit(
            lambda: (survey(s, list(finder(list(s.model_folders)))), s),
            on_done=lambda result: on_done(*result),
            on_error=on_error,
        )

    if settings is not None:
        scan(settings)
    elif session.vault is not None:
        session.db.submit(load_settings, session.vault, on_done=scan, on_error=on_error)


def use_model(
    session: Session,
    entry: ModelEntry,
    on_done: Callable[[Settings], None] | None = None,
    on_error: Callable[[str], None] | None = None,
) -> None:
    """Save settings that choose ``entry`` (db lane); every page hears ``OpChanges(settings=True)``."""
    if session.vault is None:
        return

    def save(vault: Vault) -> Settings:
        if entry.kind == "gguf" and entry.path is not None:
            read_gguf_header(entry.path)  # it may have gone since it was listed: its sentence, nothing saved
        return save_settings(vault, use(load_settings(vault), entry))

    session.run_op(save, session.vault, changes=SETTINGS, on_done=on_done, on_error=on_error)


class ModelRow(QWidget):
    """One model: its name, what it is, and "Use this model" (or "In use")."""

    use_clicked = Signal(object)  # ModelEntry

    def __init__(self, entry: ModelEntry, button_text: str = "Use this model", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 2, 0, 2)
        text = QVBoxLayout()
        text.setSpacing(0)
        self.title = QLabel(entry.name)
        self.title.setStyleSheet("font-weight: 600")
        self.title.setWordWrap(True)
        self.title.setToolTip(entry.location or entry.name)
        self.facts = QLabel(entry_facts(entry) + (f" — {entry.problem}" if entry.problem else ""))
        self.facts.setObjectName("muted")
        self.facts.setWordWrap(True)
        text.addWidget(self.title)
        text.addWidget(self.facts)
        lay.addLayout(text, 1)
        self.button = QPushButton("In use" if entry.in_use else button_text)
        self.button.setEnabled(not entry.in_use and not entry.problem)
        self.button.clicked.connect(lambda: self.use_clicked.emit(self.entry))
        lay.addWidget(self.button)
