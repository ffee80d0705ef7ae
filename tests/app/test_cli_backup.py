"""The command line for backups and the recovery kit, on a real vault and a memory keyring."""

from __future__ import annotations

import re

from reverie.app.cli import main
from reverie.core import backup, jobruns
from reverie.core.paths import vault_paths
from reverie.core.vault import VaultHeader


def jobruns_of(job):
    from reverie.app import context

    vault = context.open_vault(vault_paths())
    try:
        return jobruns.recent_runs(vault, job)
    finally:
        vault.close()


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_recovery_kit_then_recover_after_the_keyring_entry_is_lost(capsys, memory_keyring, monkeypatch):
    assert run(capsys, "note", "add", "Anna's birthday is March 3")[0] == 0
    code, out, _ = run(capsys, "recovery-kit")
    assert code == 0 and "shown only now" in out
    kit = re.search(r"([0-9A-Z]{4}(?:-[0-9A-Z]{4}){6})", out)
    assert kit is not None
    assert VaultHeader.read(vault_paths().header).recovery is not None
    memory_keyring.store.clear()
    code, _, err = run(capsys, "notes")
    assert code == 2 and "not in the system keyring" in err
    monkeypatch.setenv("REVERIE_RECOVERY_CODE", "0000-0000-0000-0000-0000-0000-0000")
    code, _, err = run(capsys, "recover")
    assert code == 2 and ("typo" in err or "does not open this vault" in err)
    monkeypatch.setenv("REVERIE_RECOVERY_CODE", kit.group(1).lower())
    code, out, _ = run(capsys, "unlock", "--recovery-code")
    assert code == 0 and "back in the system keyring" in out
    code, out, _ = run(capsys, "notes")
    assert code == 0 and "Anna" in out


def test_backup_list_and_restore(capsys, tmp_path):
    folder = tmp_path / "backups"
    run(capsys, "note", "add", "Before the backup")
    code, _, err = run(capsys, "backup")
    assert code == 2 and "No backup folder is chosen" in err
    assert run(capsys, "config", "set", "backup_folder", str(folder))[0] == 0
    code, out, _ = run(capsys, "backup")
    assert code == 0 and "Backed up and verified" in out
    (info,) = backup.list_backups(folder)
    assert [r.status for r in jobruns_of(backup.JOB)] == ["ok"]  # logged like the daily one
    code, out, _ = run(capsys, "backups")
    assert info.path.name in out and "1 note," in out
    run(capsys, "note", "add", "After the backup")
    code, out, err = run(capsys, "restore", str(info.path))  # no terminal, no --yes: nothing changes
    assert code == 2 and "Notes: 2 now, 1 in the backup" in out and "--yes" in err
    assert "After the backup" in run(capsys, "notes")[1]
    code, out, _ = run(capsys, "restore", "--yes", str(info.path))
    assert code == 0 and "Restored" in out
    notes = run(capsys, "notes")[1]
    assert "Before the backup" in notes and "After the backup" not in notes
