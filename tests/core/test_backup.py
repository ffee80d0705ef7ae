"""Automatic backups: a verified, encrypted snapshot, rotated; restore with a preview and a safety copy."""

from __future__ import annotations

import stat
from datetime import UTC, datetime

import pytest
from transfer_helpers import dump, populate

from reverie.core import backup, jobruns, notes, recovery, restore
from reverie.core.errors import DataFolderError, TransferError, VaultError
from reverie.core.keys import KeyMode
from reverie.core.settings import Settings
from reverie.core.vault import Vault

DAY = 86_400.0


def _ts(y: int, m: int, d: int, h: int = 3) -> float:
    return datetime(y, m, d, h, tzinfo=UTC).timestamp()


def test_a_backup_is_encrypted_private_verified_and_listed(vault, clock, tmp_path):
    populate(vault, clock, sentinel="XYZZY-BACKUP")
    folder = tmp_path / "backups"
    info = backup.make_backup(vault, folder, clock.now(), UTC)
    assert info.path.name.startswith(f"reverie-{vault.header.vault_id[:8]}-2026")
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o600 and stat.S_IMODE(info.meta_path.stat().st_mode) == 0o600
    data = info.path.read_bytes()
    assert not data.startswith(b"SQLite format 3") and b"XYZZY-BACKUP" not in data
    assert info.counts == {k: v for k, v in vault.counts().items() if k in backup.COUNTED}
    assert info.header["key_mode"] == "keyring"
    assert backup.list_backups(folder, vault.header.vault_id) == [info]
    assert backup.list_backups(folder, "another") == []
    assert sorted(p.name for p in folder.iterdir()) == sorted([info.path.name, info.meta_path.name])


def test_a_damaged_or_foreign_file_is_refused_with_a_sentence(vault, clock, tmp_path, paths):
    folder = tmp_path / "b"
    info = backup.make_backup(vault, folder, clock.now(), UTC)
    raw = bytearray(info.path.read_bytes())
    raw[5000:5100] = b"\0" * 100
    info.path.write_bytes(bytes(raw))
    with pytest.raises(TransferError, match="nothing was changed"):
        restore.preview(vault, info.path)
    other_paths = type(paths)(tmp_path / "other")
    other = Vault.create(other_paths, KeyMode.KEYRING, clock=clock)
    foreign = backup.make_backup(other, tmp_path / "c", clock.now(), UTC)
    other.close()
    with pytest.raises(TransferError, match="another vault"):
        restore.preview(vault, foreign.path)


def test_rotation_keeps_7_daily_and_4_weekly():
    times = [_ts(2026, 10, 1) + i * DAY for i in range(60)]  # 1 Oct .. 29 Nov, one a day
    times.append(times[-1] + 3600)  # a second one on the last day
    keep = backup.plan_rotation(times, 7, 4, UTC)
    days = sorted(datetime.fromtimestamp(t, UTC).strftime("%m-%d %H") for t in keep)
    # the newest of the last 7 days, and the newest of each of the last 4 weeks (Sundays, and today)
    assert days == ["11-08 03", "11-15 03", "11-22 03", "11-23 03", "11-24 03", "11-25 03", "11-26 03",
                    "11-27 03", "11-28 03", "11-29 04"]  # fmt: skip
    assert backup.plan_rotation([], 7, 4, UTC) == set()
    assert len(backup.plan_rotation(times, 0, 2, UTC)) == 2


def test_the_job_backs_up_rotates_and_is_logged(vault, clock, tmp_path):
    folder = tmp_path / "b"
    settings = Settings(backup_enabled=True, backup_folder=str(folder), keep_daily=2, keep_weekly=0)
    assert not backup.backup_due(clock.now(), None, Settings())
    assert backup.backup_due(clock.now(), None, settings)
    for _ in range(4):
        run = backup.run_backup(vault, settings, clock.now(), UTC)
        assert run.status == "ok" and run.job == backup.JOB, run.error
        clock.advance(DAY)
    assert len(backup.list_backups(folder)) == 2
    assert run.counts["removed"] == 1 and "removed" in run.log[-1]
    last = jobruns.last_covering_start(vault, backup.JOB)
    assert not backup.backup_due((last or 0) + DAY - 1, last, settings)
    assert backup.backup_due((last or 0) + DAY, last, settings)


def test_a_failed_backup_is_logged_with_a_sentence(vault, clock, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    run = backup.run_backup(vault, Settings(backup_enabled=True, backup_folder=str(blocker / "sub")), clock.now())
    assert run.status == "failed" and "cannot create the backup folder" in (run.error or "")
    with pytest.raises(DataFolderError):
        backup.make_backup(vault, blocker / "sub", clock.now())


def test_restore_shows_what_differs_and_replaces_the_vault(paths, clock, tmp_path):
    v = Vault.create(paths, KeyMode.PASSPHRASE, "a long passphrase", clock=clock)
    populate(v, clock)
    before = dump(v)
    info = backup.make_backup(v, tmp_path / "b", clock.now(), UTC)
    notes.create_note(v, "Written after the backup.")
    pv = restore.preview(v, info.path)
    assert pv.now["notes"] == pv.then["notes"] + 1
    assert pv.lines()[1] == f"Notes: {pv.now['notes']} now, {pv.then['notes']} in the backup"
    v = restore.restore(v, info.path, lambda: Vault.open(paths, "a long passphrase", clock=clock))
    assert dump(v) == before
    v.close()
    assert not [p.name for p in paths.folder.iterdir() if "restore" in p.name]  # the safety copy is gone


def test_a_restore_that_does_not_open_puts_the_old_vault_back(vault, paths, clock, tmp_path):
    info = backup.make_backup(vault, tmp_path / "b", clock.now(), UTC)
    notes.create_note(vault, "Kept.")
    before = dump(vault)

    def fails() -> Vault:
        raise VaultError("It did not open.")

    with pytest.raises(VaultError, match="did not open"):
        restore.restore(vault, info.path, fails)
    v = Vault.open(paths, clock=clock)
    assert dump(v) == before
    v.close()


def test_restore_into_an_empty_folder_on_a_new_machine_with_the_recovery_code(paths, clock, tmp_path, memory_keyring):
    v = Vault.create(paths, KeyMode.KEYRING, clock=clock)
    populate(v, clock)
    before = dump(v)
    code = recovery.make_kit(v, clock.now())
    info = backup.make_backup(v, tmp_path / "b", clock.now(), UTC)
    v.close()
    memory_keyring.store.clear()
    fresh = type(paths)(tmp_path / "new-machine" / "vault")
    restore.restore_into(fresh, info.path)
    with pytest.raises(VaultError):
        restore.restore_into(fresh, info.path)
    recovery.recover(fresh, code)
    v = Vault.open(fresh, clock=clock)
    assert dump(v) == before
    v.close()


def test_another_open_vault_sees_the_restored_one_on_its_next_use(paths, clock, tmp_path):
    v = Vault.create(paths, KeyMode.PASSPHRASE, "a long passphrase", clock=clock)
    populate(v, clock)
    before = dump(v)
    info = backup.make_backup(v, tmp_path / "b", clock.now(), UTC)
    notes.create_note(v, "Written after the backup.")
    other = Vault.open(paths, "a long passphrase", clock=clock)  # a second window or command
    assert other.counts()["notes"] == before_notes(before) + 1
    v = restore.restore(v, info.path, lambda: Vault.open(paths, "a long passphrase", clock=clock))
    assert dump(other) == before == dump(v)  # it reconnected: the file's generation changed
    notes.create_note(other, "Written by the other one after the restore.")
    assert v.counts()["notes"] == before_notes(before) + 1
    other.close()
    v.close()


def before_notes(d) -> int:
    return len(d["notes"])
