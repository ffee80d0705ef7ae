"""A backup or a restore killed (SIGKILL) halfway: no partial backup is ever listed, and the vault
opens afterwards, the old one or the restored one, never a broken one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC
from pathlib import Path

import pytest
from transfer_helpers import dump, populate

from reverie.core import backup, notes, restore
from reverie.core.keys import KeyMode
from reverie.core.paths import VaultPaths
from reverie.core.vault import Vault

PASS = "a long passphrase"

# Run in a child: open the vault, arm a SIGKILL at one point, then back up or restore.
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from datetime import timezone
    from reverie.core import backup, lockjournal, restore
    from reverie.core.paths import VaultPaths
    from reverie.core.vault import Vault

    action, point, folder, target = sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
    paths = VaultPaths(Path(sys.argv[5]))
    vault = Vault.open(paths, "@PASS@")

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    calls = {"replace": 0}
    real_replace, real_link = os.replace, os.link

    def replace(a, b):
        calls["replace"] += 1
        if point == "before-rename-%d" % calls["replace"]:
            die()
        real_replace(a, b)
        if point == "after-rename-%d" % calls["replace"]:
            die()

    def link(a, b):
        real_link(a, b)
        if point == "after-link":
            die()

    os.replace, os.link = replace, link
    lockjournal.fault_hook = lambda step: die() if step == point else None
    if point == "in-sqlite":
        steps = {"n": 0}
        def handler():
            steps["n"] += 1
            if steps["n"] > 3:
                die()
            return 0
        with vault.read() as conn:
            conn.set_progress_handler(handler, 200)
    if action == "backup":
        backup.make_backup(vault, folder, 1_795_000_000.0, timezone.utc)
    else:
        def reopen():
            if point == "in-reopen":
                die()
            return Vault.open(paths, "@PASS@")
        restore.restore(vault, target, reopen)
    print("finished")
    """
).replace("@PASS@", PASS)


def _child(action: str, point: str, folder: Path, target: Path, paths: VaultPaths) -> int:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, action, point, str(folder), str(target), str(paths.folder)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode in (0, -signal.SIGKILL), proc.stderr
    return proc.returncode


@pytest.fixture
def filled(paths, clock):
    v = Vault.create(paths, KeyMode.PASSPHRASE, PASS, clock=clock)
    populate(v, clock)
    for i in range(200):  # enough pages for SQLite to step through
        notes.create_note(v, f"Note {i}: " + "words " * 200)
    before = dump(v)
    v.close()
    return before


@pytest.mark.parametrize("point", ["in-sqlite", "before-rename-1", "after-rename-1", "after-rename-2"])
def test_a_backup_killed_halfway_leaves_no_backup_and_an_intact_vault(paths, clock, tmp_path, filled, point):
    folder = tmp_path / "backups"
    code = _child("backup", point, folder, tmp_path, paths)
    assert code == -signal.SIGKILL
    listed = backup.list_backups(folder)
    # the second rename is the backup's last step: killed after it, the backup is whole
    assert len(listed) == (1 if point == "after-rename-2" else 0)
    v = Vault.open(paths, PASS, clock=clock)
    assert dump(v) == filled
    newest = max((p.stat().st_mtime for p in folder.iterdir()), default=0.0)
    removed = backup.clean_partials(folder, newest + backup.STALE_PARTIAL_SECONDS)
    assert (removed == 0) == bool(listed)
    info = backup.make_backup(v, folder, clock.now() + 60, UTC)
    assert info in backup.list_backups(folder)
    assert not [p for p in folder.iterdir() if p.name.endswith(backup.PARTIAL)]
    assert all(p.with_suffix(".json").exists() for p in folder.glob("*.db"))
    v.close()


RESTORED = {"restore-committed", "copy-half", "copied", "journal-removed", "in-reopen"}


@pytest.mark.parametrize("point", ["restore-prepared", *sorted(RESTORED)])
def test_a_restore_killed_halfway_leaves_a_vault_that_opens(paths, clock, tmp_path, filled, point):
    v = Vault.open(paths, PASS, clock=clock)
    info = backup.make_backup(v, tmp_path / "b", clock.now(), UTC)
    notes.create_note(v, "Written after the backup.")
    after = dump(v)
    v.close()
    code = _child("restore", point, tmp_path / "b", info.path, paths)
    assert code == -signal.SIGKILL
    restore.recover_leftovers(paths)
    v = Vault.open(paths, PASS, clock=clock)
    got = dump(v)
    v.close()
    assert got == (filled if point in RESTORED else after)  # the old vault or the restored one, whole
    assert not [p.name for p in paths.folder.iterdir() if "restore" in p.name or "rekey" in p.name]
