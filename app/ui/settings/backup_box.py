"""Settings: automatic encrypted backups. A folder, on/off, how many to keep (saved with the page's
Save button), "Back up now", and the list of backups with "Restore…" (a preview of what differs,
then the vault is replaced, keeping the current one until the restored one opens)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from reverie.app import context
from reverie.app.ui.changes import SETTINGS
from reverie.app.ui.session import Session
from reverie.app.ui.uikit import alive
from reverie.core import backup, jobruns, recovery, restore
from reverie.core.errors import ReverieError
from reverie.core.keys import KeyMode
from reverie.core.scheduler import local_tz
from reverie.core.settings import Settings
from reverie.core.vault import Vault

NO_FOLDER = "Choose a folder for the backups (another disk, or a folder your cloud drive syncs)."


def _n(count: int, one: str) -> str:
    many = "memories" if one == "memory" else one + "s"
    return f"{count:,} {one if count == 1 else many}"


def backup_line(b: backup.BackupInfo) -> str:
    c = b.counts
    when = datetime.fromtimestamp(b.created_at).strftime("%Y-%m-%d %H:%M")
    return (
        f"{when} — {_n(c.get('memories', 0), 'memory')}, "
        f"{_n(c.get('notes', 0), 'note')}, {_n(c.get('messages', 0), 'message')} ({b.size / 1_048_576:.1f} MB)"
    )


def last_backup_text(run: jobruns.RunRecord | None) -> str:
    if run is None:
        return "No backup has been made yet."
    when = datetime.fromtimestamp(run.started_at).strftime("%d %B %Y at %H:%M")
    if run.status == "ok":
        return f"Last backup: {when}, checked and kept."
    return f"The backup of {when} failed: {run.error or 'no reason was recorded.'}"


class RestoreDialog(QDialog):
    """What restoring a backup changes, and (for a passphrase vault) the passphrase to open it again."""

    def __init__(self, pv: restore.RestorePreview, needs_passphrase: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore a backup")
        self.setMinimumWidth(480)
        lay = QVBoxLayout(self)
        when = datetime.fromtimestamp(pv.backup.created_at).strftime("%d %B %Y at %H:%M")
        intro = QLabel(
            f"The vault will be replaced by the backup of {when}. Whatever was written since is lost, unless "
            "you export it first. The current vault is kept until the restored one opens."
        )
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.diff = QLabel("<br>".join(pv.lines()))
        lay.addWidget(self.diff)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("The vault's passphrase")
        self.passphrase.setVisible(needs_passphrase)
        lay.addWidget(self.passphrase)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton("Replace the vault", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)


def _restore_on_lane(vault: Vault, path: Path, passphrase: str | None) -> tuple[Vault, str | None]:
    """The vault to use from now on, and None or the sentence saying why the restore did not happen."""
    if vault.key_mode is KeyMode.PASSPHRASE:
        recovery.current_key(vault, passphrase)  # a wrong passphrase: one sentence, nothing touched
    paths = vault.paths
    try:
        return restore.restore(vault, path, lambda: context.open_vault(paths, passphrase)), None
    except ReverieError as exc:
        if not vault.closed:
            raise
        # failed once the vault was closed: the old database is in place; open it again
        return context.open_vault(paths, passphrase), str(exc)


class BackupBox(QGroupBox):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Backups", parent)
        self.session = session
        self.confirm: Callable[[restore.RestorePreview, bool], tuple[bool, str | None]] = self._confirm
        lay = QVBoxLayout(self)
        intro = QLabel(
            "A copy of the vault each day, encrypted like the vault itself and checked after it is written. "
            "The newest of each of the last days and weeks are kept."
        )
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        lay.addWidget(intro)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.enabled = QCheckBox("Back up the vault every day")
        form.addRow(self.enabled)
        folder_row = QHBoxLayout()
        self.folder = QLineEdit()
        self.folder.setPlaceholderText(NO_FOLDER)
        self.choose = QPushButton("Choose…")
        self.choose.clicked.connect(self._choose)
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose)
        form.addRow("Folder:", folder_row)
        self.keep_daily = QSpinBox()
        self.keep_daily.setRange(0, 365)
        self.keep_weekly = QSpinBox()
        self.keep_weekly.setRange(0, 520)
        for spin in (self.keep_daily, self.keep_weekly):
            spin.setMinimumWidth(120)
            spin.setMaximumWidth(160)
        form.addRow("Keep daily backups:", self.keep_daily)
        form.addRow("Keep weekly backups:", self.keep_weekly)
        lay.addLayout(form)
        self.last = QLabel("")
        self.last.setWordWrap(True)
        lay.addWidget(self.last)
        row = QHBoxLayout()
        self.now = QPushButton("Back up now")
        self.now.clicked.connect(self.back_up_now)
        row.addWidget(self.now)
        row.addStretch(1)
        lay.addLayout(row)
        self.list = QListWidget()
        self.list.setMaximumHeight(160)
        lay.addWidget(self.list)
        restore_row = QHBoxLayout()
        self.restore = QPushButton("Restore…")
        self.restore.clicked.connect(self.restore_selected)
        self.list.itemSelectionChanged.connect(lambda: self.restore.setEnabled(bool(self.list.selectedItems())))
        self.restore.setEnabled(False)
        restore_row.addStretch(1)
        restore_row.addWidget(self.restore)
        lay.addLayout(restore_row)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        lay.addWidget(self.message)

    # -- the page's load / save --------------------------------------------------------------------
    def load(self, s: Settings) -> None:
        self.enabled.setChecked(s.backup_enabled)
        self.folder.setText(s.backup_folder)
        self.keep_daily.setValue(s.keep_daily)
        self.keep_weekly.setValue(s.keep_weekly)
        self.refresh()

    def store(self, s: Settings) -> None:
        s.backup_enabled = self.enabled.isChecked()
        s.backup_folder = self.folder.text().strip()
        s.keep_daily = self.keep_daily.value()
        s.keep_weekly = self.keep_weekly.value()

    def _choose(self) -> None:
        start = self.folder.text().strip() or str(Path.home())
        chosen = QFileDialog.getExistingDirectory(self, "Folder for the backups", start)
        if chosen:
            self.folder.setText(chosen)
            self.enabled.setChecked(True)
            self.say("Save the settings to back up into this folder every day.")
            self.refresh()

    # -- list ----------------------------------------------------------------------------------------
    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt naming
        self.refresh()  # the daily backup may have run since
        super().showEvent(event)  # type: ignore[arg-type]

    def refresh(self) -> None:
        vault = self.session.vault
        text = self.folder.text().strip()
        if vault is None or vault.closed:
            self.list.clear()
            return
        self.session.db.submit(
            jobruns.recent_runs, vault, backup.JOB, 1, on_done=alive(self, self._show_last)
        )  # fmt: skip
        if not text:
            self.list.clear()
            return
        vault_id = vault.header.vault_id
        self.session.db.submit(
            backup.list_backups, Path(text).expanduser(), vault_id, on_done=alive(self, self._show_list)
        )

    def _show_last(self, runs: list[jobruns.RunRecord]) -> None:
        self.last.setText(last_backup_text(runs[0] if runs else None))

    def _show_list(self, items: list[backup.BackupInfo]) -> None:
        if items and self.last.text() == last_backup_text(None):
            self.last.setText("")  # backups made elsewhere (or by an older run) are listed below
        self.list.clear()
        for b in items:
            item = QListWidgetItem(backup_line(b))
            item.setData(Qt.ItemDataRole.UserRole, str(b.path))
            self.list.addItem(item)
        if not items:
            empty = QListWidgetItem("No backups in this folder yet.")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(empty)

    # -- back up now -----------------------------------------------------------------------------------
    def back_up_now(self) -> None:
        vault = self.session.vault
        if vault is None or vault.closed:
            return
        if not self.folder.text().strip():
            self.say(NO_FOLDER, error=True)
            return
        form = Settings()
        self.store(form)
        self.now.setEnabled(False)
        self.say("Backing up…")

        def work(v: Vault) -> jobruns.RunRecord:
            from reverie.core.settings import load_settings

            s = dataclasses.replace(load_settings(v), backup_folder=form.backup_folder)
            s.keep_daily, s.keep_weekly = form.keep_daily, form.keep_weekly
            return backup.run_backup(v, s, v.now(), local_tz())

        def done(run: jobruns.RunRecord) -> None:
            self.now.setEnabled(True)
            if run.status == "ok":
                self.say("Backed up and verified. " + (run.log[0] if run.log else ""))
            else:
                self.say(run.error or "The backup failed.", error=True)
            self.refresh()

        def failed(message: str) -> None:
            self.now.setEnabled(True)
            self.say(message, error=True)

        self.session.db.submit(work, vault, on_done=alive(self, done), on_error=alive(self, failed))

    # -- restore ----------------------------------------------------------------------------------------
    def _confirm(self, pv: restore.RestorePreview, needs_passphrase: bool) -> tuple[bool, str | None]:
        dlg = RestoreDialog(pv, needs_passphrase, self)
        ok = dlg.exec() == QDialog.DialogCode.Accepted
        return ok, (dlg.passphrase.text() or None)

    def restore_selected(self) -> None:
        vault = self.session.vault
        items = self.list.selectedItems()
        if vault is None or vault.closed or not items or not items[0].data(Qt.ItemDataRole.UserRole):
            return
        path = Path(str(items[0].data(Qt.ItemDataRole.UserRole)))
        self.session.db.submit(
            restore.preview, vault, path, on_done=alive(self, lambda pv: self._restore(vault, pv)),
            on_error=alive(self, lambda m: self.say(m, error=True)),
        )  # fmt: skip

    def _restore(self, vault: Vault, pv: restore.RestorePreview) -> None:
        ok, passphrase = self.confirm(pv, vault.key_mode is KeyMode.PASSPHRASE)
        if not ok:
            return
        self.say("Restoring…")
        self.restore.setEnabled(False)

        def done(result: tuple[Vault, str | None]) -> None:
            new_vault, problem = result
            self.session.set_vault(new_vault)
            self.session.publish(SETTINGS)
            self.restore.setEnabled(True)
            if problem:
                self.say(f"{problem} The vault was not restored.", error=True)
            else:
                self.say("Restored: the vault now holds the backup.")

        def failed(message: str) -> None:
            self.restore.setEnabled(True)
            self.say(message, error=True)

        self.session.db.submit(
            _restore_on_lane, vault, pv.backup.path, passphrase, on_done=alive(self, done),
            on_error=alive(self, failed),
        )  # fmt: skip

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setObjectName("errorText" if error else "muted")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))
