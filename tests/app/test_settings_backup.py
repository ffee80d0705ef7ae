"""Settings: the Recovery kit and Backups boxes on a real vault and lanes."""

from __future__ import annotations

import stat

import ui_fixtures
from PySide6.QtGui import QGuiApplication

from reverie.app.ui.settings.backup_box import BackupBox
from reverie.app.ui.settings.recovery_box import NO_KIT, RecoveryBox, RecoveryCodeDialog
from reverie.core import backup, notes, recovery
from reverie.core.settings import Settings
from reverie.core.vault import VaultHeader

ui_session = ui_fixtures.ui_session
settle = ui_fixtures.settle


def test_make_a_recovery_kit_shows_the_code_once_and_settings_says_when(qtbot, ui_session, vault, paths):
    box = RecoveryBox(ui_session)
    qtbot.addWidget(box)
    settle(qtbot, ui_session)
    assert box.state.text() == NO_KIT and not box.make.isHidden()
    shown: list[str] = []
    box.show_code = shown.append
    box.make.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    settle(qtbot, ui_session)
    assert box.state.text().startswith("A recovery kit was made on") and "opens the vault" in box.state.text()
    assert recovery.unwrap(VaultHeader.read(paths.header), shown[0]).secret == recovery.current_key(vault).secret


def test_the_code_dialog_copies_and_saves_a_private_text_file(qtbot, tmp_path):
    dlg = RecoveryCodeDialog("7K3Q-AAAA-BBBB-CCCC-DDDD-EEEE-FFFF")
    qtbot.addWidget(dlg)
    dlg.copy.click()
    assert QGuiApplication.clipboard().text() == "7K3Q-AAAA-BBBB-CCCC-DDDD-EEEE-FFFF"
    target = tmp_path / "code.txt"
    dlg.save_to(target)
    assert "7K3Q-AAAA" in target.read_text() and stat.S_IMODE(target.stat().st_mode) == 0o600
    dlg.save_to(tmp_path / "missing" / "code.txt")
    assert "could not be saved" in dlg.message.text()


def test_back_up_now_lists_the_backup_and_restore_replaces_the_vault(qtbot, ui_session, vault, tmp_path):
    folder = tmp_path / "backups"
    box = BackupBox(ui_session)
    qtbot.addWidget(box)
    box.back_up_now()
    assert "Choose a folder" in box.message.text()
    box.load(Settings(backup_folder=str(folder), backup_enabled=True))
    settle(qtbot, ui_session)
    assert box.list.item(0).text() == "No backups in this folder yet."
    assert box.last.text() == "No backup has been made yet."
    notes.create_note(vault, "Before the backup.")
    box.now.click()
    settle(qtbot, ui_session)
    settle(qtbot, ui_session)
    assert box.message.text().startswith("Backed up and verified") and box.list.count() == 1
    assert box.last.text().startswith("Last backup:") and box.last.text().endswith("checked and kept.")
    notes.create_note(vault, "After the backup.")
    asked = []
    box.confirm = lambda pv, needs: (asked.append(pv.lines()) or True, None)
    box.list.setCurrentRow(0)
    box.restore.click()
    qtbot.waitUntil(lambda: box.message.text().startswith("Restored"), timeout=20_000)
    assert asked == [
        ["Memories: 2 now, 1 in the backup", "Notes: 2 now, 1 in the backup", "Messages: 0 now, 0 in the backup"]
    ]
    new = ui_session.vault
    assert new is not vault and new.counts()["notes"] == 1
    assert len(backup.list_backups(folder)) == 1


def test_the_settings_page_saves_the_backup_fields(qtbot, ui_session, vault, tmp_path):
    from reverie.app.ui.settings import SettingsPage
    from reverie.app.ui.tasks import TaskTracker
    from reverie.core.settings import load_settings

    page = SettingsPage(ui_session, TaskTracker(), finder=lambda folders: [])
    qtbot.addWidget(page)
    page.reload()
    settle(qtbot, ui_session)
    page.backups.folder.setText(str(tmp_path / "b"))
    page.backups.enabled.setChecked(True)
    page.backups.keep_daily.setValue(3)
    page.save.click()
    settle(qtbot, ui_session)
    s = load_settings(vault)
    assert (s.backup_enabled, s.backup_folder, s.keep_daily, s.keep_weekly) == (True, str(tmp_path / "b"), 3, 4)
    assert page.recovery.title() == "Recovery kit"


def test_the_kit_line_says_when_the_kit_no_longer_opens_the_vault():
    from reverie.app.ui.settings.recovery_box import NOT_ENCRYPTED, kit_text
    from reverie.core.keys import KeyMode

    info = recovery.KitInfo(True, 1_795_000_000.0, KeyMode.KEYRING)
    assert kit_text(KeyMode.KEYRING, info, False).endswith("no longer opens it. Make a new kit.")
    assert kit_text(KeyMode.KEYRING, info, True).endswith("its code opens the vault.")
    assert "If you changed the passphrase since" in kit_text(KeyMode.PASSPHRASE, info, None)
    assert kit_text(KeyMode.NONE, recovery.KitInfo(False), None) == NOT_ENCRYPTED
