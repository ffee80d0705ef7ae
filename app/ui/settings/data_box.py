"""Settings: where the data lives, export and import, and the last background runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui import fmt
from reverie.app.ui.session import Session
from reverie.app.ui.settings.transfer import Transfers, describe
from reverie.app.ui.state import alive
from reverie.core.jobruns import JobRun

STATUS_TEXT = {"ok": "finished", "failed": "failed", "cancelled": "was cancelled", "skipped": "was skipped",
               "running": "is running"}


def run_line(run: JobRun) -> str:
    job = run.job.replace("_", " ").capitalize()
    took = f" in {run.duration:.0f} s" if run.duration is not None else ""
    counts = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in run.counts.items()) if run.counts else ""
    tail = f": {run.error}" if run.error else (f" ({counts})" if counts else "")
    return f"{fmt.when(run.started_at)}  {job} {STATUS_TEXT.get(run.status, run.status)}{took}{tail}"


class DataBox(QGroupBox):
    """Ask functions (file dialogs, passphrase, confirmation) are attributes so tests can answer them."""

    def __init__(self, session: Session, transfers: Transfers, parent: QWidget | None = None) -> None:
        super().__init__("Your data", parent)
        self.session = session
        self.transfers = transfers
        self.ask_save_path: Callable[[], str] = self._ask_save_path
        self.ask_open_path: Callable[[], str] = self._ask_open_path
        self.ask_folder: Callable[[], str] = self._ask_folder
        self.ask_file_passphrase: Callable[[str], str | None] = self._ask_file_passphrase
        self.confirm_import: Callable[[str], bool] = self._confirm_import
        lay = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Data folder:"))
        self.folder = QLineEdit(str(session.paths.folder))
        self.folder.setReadOnly(True)
        row.addWidget(self.folder, 1)
        self.open_folder = QPushButton("Open")
        self.open_folder.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(session.paths.folder))))
        row.addWidget(self.open_folder)
        lay.addLayout(row)
        hint = QLabel("To keep the vault elsewhere, move this folder and start Reverie with REVERIE_HOME set "
                      "to the folder that holds it (or reverie --home PATH).")
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        lay.addWidget(hint)
        buttons = QHBoxLayout()
        self.export_button = QPushButton("Export vault…")
        self.import_button = QPushButton("Import…")
        self.markdown_button = QPushButton("Export as Markdown…")
        for b in (self.export_button, self.import_button, self.markdown_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        self.message = QLabel("Exports are single files you can keep as a backup or import on another computer; "
                              "an import shows what it would change before it changes anything.")
        self.message.setObjectName("muted")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        runs_title = QLabel("Last background runs")
        runs_title.setObjectName("sectionTitle")
        lay.addWidget(runs_title)
        self.runs = QLabel("")
        self.runs.setWordWrap(True)
        self.runs.setObjectName("muted")
        lay.addWidget(self.runs)
        self.export_button.clicked.connect(self.export_vault)
        self.import_button.clicked.connect(self.import_vault)
        self.markdown_button.clicked.connect(self.export_markdown)

    def show_runs(self, runs: list[JobRun]) -> None:
        self.runs.setText("\n".join(run_line(r) for r in runs) if runs else
                          "Nothing has run yet. Consolidation runs each night at the time set above "
                          "(or when Reverie next starts, if the computer was off).")

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setObjectName("errorText" if error else "muted")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)

    def _error(self, message: str) -> None:
        self._say(message, error=True)

    # -- export ---------------------------------------------------------------------------
    def export_vault(self) -> None:
        path = self.ask_save_path()
        if not path:
            return
        passphrase = self.ask_file_passphrase("Protect the export file with a passphrase (leave empty for none):")
        if passphrase is None:
            return
        self._say("Exporting…")
        self.transfers.export_vault(path, passphrase, True, alive(self, lambda r: self._say(f"Exported to {path}.")),
                                    alive(self, self._error))

    def export_markdown(self) -> None:
        folder = self.ask_folder()
        if not folder:
            return
        self._say("Writing Markdown files…")
        self.transfers.export_markdown(
            folder, alive(self, lambda r: self._say(f"Notes and conversations written to {folder}.")),
            alive(self, self._error))

    # -- import ---------------------------------------------------------------------------
    def import_vault(self) -> None:
        path = self.ask_open_path()
        if not path:
            return
        passphrase = self.ask_file_passphrase("The export file's passphrase (leave empty if it has none):")
        if passphrase is None:
            return

        def previewed(preview: Any) -> None:
            text = describe(preview) or "The file can be imported."
            if not self.confirm_import(text):
                self._say("Import cancelled; nothing was changed.")
                return
            self._say("Importing…")
            self.transfers.import_vault(path, passphrase, alive(self, imported), alive(self, self._error))

        def imported(result: Any) -> None:
            self._say("Imported. " + describe(result))
            self.session.data_changed.emit("import")

        self._say("Reading the file…")
        self.transfers.import_preview(path, passphrase, alive(self, previewed), alive(self, self._error))

    # -- questions (replaced in tests) ----------------------------------------------------
    def _ask_save_path(self) -> str:
        path, _ = QFileDialog.getSaveFileName(self, "Export the vault", "reverie-export.reverie",
                                              "Reverie exports (*.reverie);;All files (*)")
        return path

    def _ask_open_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, "Import an export file", "",
                                              "Reverie exports (*.reverie);;All files (*)")
        return path

    def _ask_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self, "Write Markdown files into")

    def _ask_file_passphrase(self, prompt: str) -> str | None:
        text, ok = QInputDialog.getText(self, "Passphrase", prompt, QLineEdit.EchoMode.Password)
        return text if ok else None

    def _confirm_import(self, preview: str) -> bool:
        answer = QMessageBox.question(self, "Import this file?", f"{preview}\n\nImport it now? It is all or nothing.",
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes
