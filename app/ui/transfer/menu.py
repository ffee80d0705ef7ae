"""The File menu: Export, Export as Markdown, Import a vault file, Bring in… (folders, documents,
journals and note-app exports), Import a ChatGPT export, and Change lock. Every action runs on the
database lane (a bring-in on a lane of its own); the GUI never waits. When the vault opens with a
bring-in that stopped before its end, the window offers to continue it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui.changes import IMPORTED
from reverie.app.ui.services import AppServices
from reverie.app.ui.session import Session
from reverie.app.ui.shell import Shell
from reverie.app.ui.transfer.bring_api import BringApi
from reverie.app.ui.transfer.bring_dialog import BringChooser, BringDialog
from reverie.app.ui.transfer.bring_resume import ResumeOffer
from reverie.app.ui.transfer.bring_run import BringJob, BringRunner
from reverie.app.ui.transfer.import_dialog import ImportDialog, ProgressRelay
from reverie.core.keys import KeyMode
from reverie.core.transfer import export_vault
from reverie.core.transfer.chatgpt_import import import_chatgpt
from reverie.core.transfer.markdown_export import export_markdown
from reverie.core.transfer.rekey import change_lock
from reverie.core.vault import Vault


class TransferActions:
    """The File menu's actions; each ``do_*`` method takes its path, so it is testable without a file dialog."""

    def __init__(
        self, shell: Shell, session: Session, services: AppServices | None = None, api: BringApi | None = None
    ) -> None:
        self.shell, self.session, self.services = shell, session, services
        self.window = window = shell.window()  # the parent of the dialogs and actions
        self.runner = BringRunner(session, services, shell.tasks, api)
        self.offers: list[ResumeOffer] = []  # stopped bring-ins offered at start
        self.dialogs: list[BringDialog] = []  # bring-in dialogs open (or hidden while their job runs)
        session.vault_ready.connect(self.check_pending)
        self.relay = ProgressRelay()
        self.relay.progressed.connect(
            lambda stage, done, total: shell.show_message(f"{stage}: {100 * done // max(total, 1)}%", 2000)
        )
        menu = shell.add_menu("&File")
        self.actions: dict[str, QAction] = {}
        for key, label, slot, shortcut in (
            ("export", "&Export vault…", self.ask_export, "Ctrl+Shift+E"),
            ("export_markdown", "Export as &Markdown…", self.ask_export_markdown, None),
            ("import", "&Import vault file…", self.ask_import, "Ctrl+Shift+I"),
            ("bring_in", "&Bring in…", self.ask_bring_in, None),
            ("import_chatgpt", "Import &ChatGPT export…", self.ask_import_chatgpt, None),
            ("lock", "Change &lock (passphrase, keyring)…", self.ask_lock, None),
        ):
            action = QAction(label, window)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            menu.addAction(action)
            self.actions[key] = action
            # Settings' "Your data" buttons run the same commands (looked up when pressed).
            shell.register_action(key, self._command(key))
            if key in ("export_markdown", "import_chatgpt"):
                menu.addSeparator()

    # -- helpers ---------------------------------------------------------------------------
    def _command(self, key: str) -> Callable[[], None]:
        """``ask_<key>``, looked up when it runs."""

        def run() -> None:
            getattr(self, f"ask_{key}")()

        return run

    def _ready(self) -> bool:
        if self.session.vault is None:
            self.shell.show_message("The vault is not open yet.")
            return False
        return True

    def _run(self, fn: Any, *args: Any, done: Any, **kwargs: Any) -> None:
        self.session.db.submit(fn, *args, on_done=done, on_error=self.shell.show_message, **kwargs)

    def _changed(self, message: str) -> None:
        self.session.publish(IMPORTED)  # every page reloads; the new memories get their vectors
        self.shell.show_message(message)

    # -- export ----------------------------------------------------------------------------
    def ask_export(self) -> None:
        if not self._ready():
            return
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export vault", str(Path.home() / "memory.reverie"), "Reverie vault file (*.reverie)"
        )
        if not path:
            return
        secret, ok = QInputDialog.getText(
            self.window,
            "Protect the file",
            "Passphrase (at least 8 characters; leave empty for none):",
            QLineEdit.EchoMode.Password,
        )
        if ok:
            self.do_export(path, secret or None)

    def do_export(self, path: str | Path, passphrase: str | None = None) -> None:
        self._run(
            export_vault,
            self.session.vault,
            path,
            passphrase=passphrase,
            progress=self.relay,
            done=lambda s: self.shell.show_message(
                f"Exported {s.counts.get('memories', 0)} memories to {s.path}{' (encrypted)' if s.encrypted else ''}."
            ),
        )

    def ask_export_markdown(self) -> None:
        if self._ready():
            folder = QFileDialog.getExistingDirectory(self.window, "Choose an empty folder for the Markdown files")
            if folder:
                self.do_export_markdown(folder)

    def do_export_markdown(self, folder: str | Path) -> None:
        self._run(
            export_markdown,
            self.session.vault,
            folder,
            done=lambda s: self.shell.show_message(
                f"Wrote {s.notes} notes and {s.conversations} conversations to {s.folder}."
            ),
        )

    # -- import ----------------------------------------------------------------------------
    def ask_import(self) -> None:
        if self._ready():
            path, _ = QFileDialog.getOpenFileName(
                self.window, "Import vault file", str(Path.home()), "Reverie vault file (*.reverie);;All files (*)"
            )
            if path:
                self.open_import_dialog(path).show()

    def open_import_dialog(self, path: str | Path) -> ImportDialog:
        dialog = ImportDialog(self.session, path, self.window)
        dialog.check()
        return dialog

    # -- bring in --------------------------------------------------------------------------
    def ask_bring_in(self) -> None:
        """What can be brought in, then a folder or a file, then its preview."""
        if self._ready():
            chooser = BringChooser(self.window)
            if chooser.exec() == QDialog.DialogCode.Accepted and chooser.path:
                self.bring_dialog(chooser.path).show()

    def bring_dialog(self, path: str | Path) -> BringDialog:
        """The preview of bringing ``path`` in (read on the database lane; nothing written until
        Bring in is pressed), which then follows the job to its report."""
        dialog = BringDialog(path, self.session, self.runner, self.services, self.window)
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _r: self._forget_dialog(dialog))
        dialog.brought.connect(self._brought)
        dialog.check()
        return dialog

    def do_bring_in(self, path: str | Path, mine: bool = False) -> None:
        """Bring ``path`` in without a preview (planned on the bring-in lane); the status bar follows it."""
        if self._ready():
            self.runner.start(path, mine=mine)

    def _forget_dialog(self, dialog: BringDialog) -> None:
        if dialog in self.dialogs and (dialog.job is None or not dialog.job.running):
            self.dialogs.remove(dialog)

    def _brought(self, report: Any) -> None:
        """A dialog hidden while its job ran comes back when files were left out: its report says why."""
        for dialog in list(self.dialogs):
            if dialog.report is report:
                if report.problems and not dialog.isVisible():
                    dialog.show()
                if not dialog.isVisible():
                    self.dialogs.remove(dialog)

    def check_pending(self, vault: Vault | None = None) -> None:
        """Ask the vault (database lane) for bring-ins that stopped before their end; offer each."""
        vault = vault or self.session.vault
        if vault is None:
            return
        runner = self.runner

        def pending(v: Vault) -> list[Any]:
            return runner.api.pending_jobs(v)

        self.session.db.submit(pending, vault, on_done=self._offer, on_error=lambda _m: None)

    def _offer(self, jobs: list[Any]) -> None:
        offered = {o.pending.path for o in self.offers if o.isVisible()}
        running = {str(j.path) for j in self.runner.running()}
        for job in jobs:
            if job.path in offered or job.path in running:
                continue
            offer = ResumeOffer(job, self.session, self.runner, self.window)
            offer.continued.connect(self._follow)
            self.offers.append(offer)
            offer.show()

    def _follow(self, job: BringJob) -> None:
        """A continued job gets the bring-in window, with its progress and then its report."""
        dialog = BringDialog(job.path, self.session, self.runner, self.services, self.window)
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _r: self._forget_dialog(dialog))
        dialog.brought.connect(self._brought)
        dialog.follow(job)
        dialog.show()

    def ask_import_chatgpt(self) -> None:
        if self._ready():
            path, _ = QFileDialog.getOpenFileName(
                self.window, "Import a ChatGPT export (conversations.json)", str(Path.home()), "ChatGPT export (*.json)"
            )
            if path:
                self.do_import_chatgpt(path)

    def do_import_chatgpt(self, path: str | Path) -> None:
        self._run(
            import_chatgpt,
            self.session.vault,
            path,
            progress=self.relay,
            done=lambda s: self._changed(
                f"Imported {s.added} conversations ({s.messages} messages), {s.unchanged} unchanged."
            ),
        )

    # -- lock ------------------------------------------------------------------------------
    def ask_lock(self) -> None:
        if self._ready():
            dialog = LockDialog(self.session.vault.key_mode, self.window)
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.do_lock(dialog.mode(), dialog.secret())

    def do_lock(self, mode: KeyMode, passphrase: str | None = None) -> None:
        def done(vault: Vault) -> None:
            if vault is not self.session.vault:
                self.session.set_vault(vault)
            self.shell.show_message(f"The vault is now {LOCK_WORDS[vault.key_mode]}.")

        self._run(change_lock, self.session.vault, mode, passphrase, done=done)


LOCK_WORDS = {
    KeyMode.NONE: "not encrypted",
    KeyMode.KEYRING: "locked with a key in your system keyring",
    KeyMode.PASSPHRASE: "locked with a passphrase",
}
NOW_WORDS = {
    KeyMode.NONE: "not encrypted",
    KeyMode.KEYRING: "a key in your system keyring",
    KeyMode.PASSPHRASE: "a passphrase",
}


class LockDialog(QDialog):
    """Choose how the vault is locked: the system keyring, a passphrase, or (explicitly) nothing."""

    def __init__(self, current: KeyMode, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Change how the vault is locked")
        layout = QVBoxLayout(self)
        self.now = QLabel(f"Now: {NOW_WORDS[current]}.")
        layout.addWidget(self.now)
        self.group = QButtonGroup(self)
        self.buttons: dict[KeyMode, QRadioButton] = {}
        for mode, label in (
            (KeyMode.KEYRING, "Key in the system keyring"),
            (KeyMode.PASSPHRASE, "A passphrase I type"),
            (KeyMode.NONE, "No encryption (anyone with the files can read them)"),
        ):
            b = QRadioButton(label)
            b.toggled.connect(self._mode_changed)
            self.group.addButton(b)
            self.buttons[mode] = b
            layout.addWidget(b)
        self.buttons[current].setChecked(True)
        self.first, self.second = QLineEdit(), QLineEdit()
        for field, hint in ((self.first, "new passphrase"), (self.second, "type it again")):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setPlaceholderText(hint)
            layout.addWidget(field)
        self.error = QLabel("")
        layout.addWidget(self.error)
        self._mode_changed()
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self._accept)
        box.rejected.connect(self.reject)
        layout.addWidget(box)

    def mode(self) -> KeyMode:
        return next(m for m, b in self.buttons.items() if b.isChecked())

    def _mode_changed(self, _checked: bool = False) -> None:
        """The passphrase fields show only while "A passphrase I type" is chosen."""
        if not hasattr(self, "second"):  # still being built
            return
        wanted = self.mode() is KeyMode.PASSPHRASE
        for field in (self.first, self.second):
            field.setVisible(wanted)
        self.error.setText("")
        self.adjustSize()

    def secret(self) -> str | None:
        return self.first.text() if self.mode() is KeyMode.PASSPHRASE else None

    def _accept(self) -> None:
        if self.mode() is KeyMode.PASSPHRASE and self.first.text() != self.second.text():
            self.error.setText("The two passphrases differ.")
            return
        self.accept()


def install(shell: Shell, services: AppServices) -> TransferActions:
    """The File menu; its commands are also offered by name (``shell.action("export")``)."""
    return TransferActions(shell, services.session, services)
