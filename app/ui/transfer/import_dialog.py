"""Import a vault file: a preview first (new / updated / unchanged / conflicting per table), a
merge policy, then an all-or-nothing import with a progress bar and a Cancel button. The work
runs on the database lane; progress comes back through a queued signal.

The words about one's own notes are shared with File → Bring in… (``bring_dialog``): Reverie learns
facts about the user only from their own words."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reverie.app import context
from reverie.app.ui.changes import IMPORTED
from reverie.app.ui.session import Session
from reverie.core.transfer import ImportPreview, ImportSummary, import_preview, import_vault

OWN_NOTES_LABEL = "These are my own notes"
OWN_NOTES_HINT = (
    "Tick this if you wrote these files yourself (a journal, your own notes): Reverie will learn "
    "facts about you from them. Leave it off for documentation, articles, recipes or other people's "
    "writing: they are kept and searchable, but never taken as facts about you."
)
OWN_EXPORT_HINT = (
    "Tick this if the file holds your own notes and memories (a backup of yours): they keep the trust "
    "they had. Leave it off for someone else's file: everything in it is kept as imported, never taken "
    "as your own words. A file exported from this vault is always recognised as yours."
)
POLICIES = (("newer", "Keep the newer version"), ("mine", "Keep mine"), ("theirs", "Take theirs"))
COLUMNS = ("new", "updated", "unchanged", "conflicting")


def _with_tag(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` (an import or its preview) called with the tag of the vault's chosen search model,
    read on the database lane like everything else the dialog asks of the vault."""

    def run(vault: Any, path: Path, **kwargs: Any) -> Any:
        return fn(vault, path, embedder_id=context.vectors_tag(vault), **kwargs)

    return run


class ProgressRelay(QObject):
    """Carries progress from the worker thread to the GUI thread (a queued connection)."""

    progressed = Signal(str, int, int)

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.progressed.emit(stage, done, total)


class ImportDialog(QDialog):
    finished_import = Signal(object)  # ImportSummary

    def __init__(self, session: Session, path: str | Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.path = Path(path)
        self.preview: ImportPreview | None = None
        self.summary: ImportSummary | None = None
        self._cancel = threading.Event()
        self.setWindowTitle(f"Import {self.path.name}")
        self.message = QLabel("Checking the file…")
        self.message.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([c.capitalize() for c in COLUMNS])
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("the passphrase of this file")
        self.policy = QComboBox()
        for key, label in POLICIES:
            self.policy.addItem(label, key)
        self.mine = QCheckBox(OWN_NOTES_LABEL)
        self.mine.setChecked(False)
        self.mine.setToolTip(OWN_EXPORT_HINT)
        form = QFormLayout()
        form.addRow("Passphrase:", self.passphrase)
        form.addRow("When both changed:", self.policy)
        form.addRow("", self.mine)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        self.check_button = self.buttons.addButton("Check again", QDialogButtonBox.ButtonRole.ActionRole)
        self.import_button.clicked.connect(self.start_import)
        self.check_button.clicked.connect(self.check)
        self.buttons.rejected.connect(self._cancel_or_close)
        layout = QVBoxLayout(self)
        for w in (self.message, self.table):
            layout.addWidget(w)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self.relay = ProgressRelay()
        self.relay.progressed.connect(self._progressed)
        self.resize(560, 420)

    def _secret(self) -> str | None:
        return self.passphrase.text() or None

    def check(self) -> None:
        self.import_button.setEnabled(False)
        self.message.setText("Checking the file…")
        vault = self.session.vault
        self.session.db.submit(
            _with_tag(import_preview),
            vault,
            self.path,
            passphrase=self._secret(),
            progress=self.relay,
            mine=self.mine.isChecked(),
            on_done=self._previewed,
            on_error=self._failed,
        )

    def _previewed(self, preview: ImportPreview) -> None:
        self.preview = preview
        self.table.setRowCount(len(preview.tables))
        self.table.setVerticalHeaderLabels(list(preview.tables))
        for row, counts in enumerate(preview.tables.values()):
            for col, name in enumerate(COLUMNS):
                self.table.setItem(row, col, QTableWidgetItem(str(getattr(counts, name))))
        text = (
            f"{preview.total('new')} new, {preview.total('updated')} updated, {preview.total('unchanged')} "
            f"unchanged and {preview.total('conflicting')} conflicting records."
        )
        if not preview.vectors_usable:
            text += " The file was made with another embedder; its memories will be embedded again."
        if preview.own_export:
            text += " This is an export of this vault: its records keep their trust."
        elif not self.mine.isChecked():
            text += f" Its memories will be kept as imported (tick “{OWN_NOTES_LABEL}” if this file is yours)."
        self.message.setText(text)
        self.import_button.setEnabled(True)

    def start_import(self) -> None:
        self.import_button.setEnabled(False)
        self.check_button.setEnabled(False)
        self.mine.setEnabled(False)
        self.progress.setVisible(True)
        self._cancel.clear()
        self.session.db.submit(
            _with_tag(import_vault),
            self.session.vault,
            self.path,
            policy=self.policy.currentData(),
            mine=self.mine.isChecked(),
            passphrase=self._secret(),
            progress=self.relay,
            cancel=self._cancel,
            on_done=self._imported,
            on_error=self._failed,
        )

    def _progressed(self, stage: str, done: int, total: int) -> None:
        self.progress.setFormat(f"{stage}: %p%")
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))

    def _imported(self, summary: ImportSummary) -> None:
        self.summary = summary
        self.progress.setVisible(False)
        added, replaced = sum(summary.added.values()), sum(summary.replaced.values())
        text = (
            f"Imported: {added} records added, {replaced} replaced."
            if summary.changed
            else "Nothing to import: the vault already holds everything in this file."
        )
        if summary.needs_embedding:
            text += f" {summary.needs_embedding} memories will be embedded in the background."
        self.message.setText(text)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Close")
        self.session.publish(IMPORTED)  # every page reloads; what came without usable vectors is embedded
        self.finished_import.emit(summary)

    def _failed(self, message: str) -> None:
        self.progress.setVisible(False)
        self.check_button.setEnabled(True)
        self.mine.setEnabled(True)
        self.message.setText(message)

    def _cancel_or_close(self) -> None:
        if self.progress.isVisible():
            self._cancel.set()
            self.message.setText("Cancelling…")
            return
        self.reject()
