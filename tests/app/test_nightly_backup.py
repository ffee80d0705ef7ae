"""The window's scheduler makes the daily backup when backups are on."""

from __future__ import annotations

from uifakes import open_window

from reverie.core import backup, notes
from reverie.core.settings import Settings, save_settings


def test_the_window_backs_up_at_start_when_backups_are_on(qtbot, paths, vault, tmp_path):
    folder = tmp_path / "backups"
    save_settings(vault, Settings(backup_enabled=True, backup_folder=str(folder), consolidation_enabled=False))
    notes.create_note(vault, "Plant the tulip bulbs before the first frost.")
    window = open_window(qtbot, paths, vault)
    with qtbot.waitSignal(window.nightly.backed_up, timeout=30_000) as blocker:
        pass
    run = blocker.args[0]
    assert run.status == "ok" and run.job == "backup", run.error
    assert {j.id for j in window.nightly.scheduler.jobs()} >= {"nightly", "backup"}
    (info,) = backup.list_backups(folder, vault.header.vault_id)
    assert info.counts["notes"] == 1
    window.close()


def test_no_backup_while_backups_are_off(qtbot, paths, vault, tmp_path):
    window = open_window(qtbot, paths, vault)
    qtbot.waitUntil(lambda: window.nightly.scheduler is not None, timeout=10_000)
    assert window.nightly.scheduler.tick_backup() == "not-due"
    assert vault.query("SELECT count(*) FROM job_runs WHERE job = 'backup'") == [(0,)]
    window.close()
