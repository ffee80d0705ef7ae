"""Restoring a backup (core/backup.py) in place of the vault.

First a preview, like an import's: what the vault holds now and what the backup holds (memories,
notes, messages), both read from the files themselves, the backup opened with the vault's key.
Then the swap: the backup is copied beside the vault as ``reverie.db.restore-new`` and checked;
the vault is closed; the current database gets a second name, ``reverie.db.restore-old`` (a hard
link: the safety copy), and the copy is renamed over ``reverie.db`` in one atomic step. At every
moment ``reverie.db`` is a whole database, the old or the restored one. The safety copy is removed
only once the restored vault has opened; if it does not open, the old one is put back.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reverie.core import backup as bk
from reverie.core.errors import TransferError, VaultError
from reverie.core.paths import VaultPaths, ensure_writable_folder
from reverie.core.vault import Vault

NEW_SUFFIX = ".restore-new"
OLD_SUFFIX = ".restore-old"
OTHER_OPEN = "Another Reverie (a window or a command) has the vault open; close it and try again."


@dataclass(frozen=True)
class RestorePreview:
    backup: bk.BackupInfo
    now: dict[str, int]
    then: dict[str, int]

    def lines(self) -> list[str]:
        """One line per kind that is counted: now and in the backup."""
        out = []
        for kind in ("memories", "notes", "messages"):
            out.append(f"{kind.capitalize()}: {self.now.get(kind, 0)} now, {self.then.get(kind, 0)} in the backup")
        return out


def preview(vault: Vault, path: Path) -> RestorePreview:
    """What restoring ``path`` would change. Raises ``TransferError`` when the backup is not this
    vault's, does not open with its key, or is damaged."""
    info = bk.info_for(path)
    if info.vault_id != vault.header.vault_id:
        raise TransferError(
            f"{info.path.name} is a backup of another vault; use Import to bring its notes and memories in."
        )
    then, _version = bk.inspect_file(vault, info.path)
    return RestorePreview(info, vault.counts(), then)


def _paths(paths: VaultPaths) -> tuple[Path, Path, Path]:
    db = paths.database
    return db, Path(str(db) + NEW_SUFFIX), Path(str(db) + OLD_SUFFIX)


def restore(vault: Vault, path: Path, reopen: Callable[[], Vault]) -> Vault:
    """Replace ``vault``'s database with the backup at ``path``; ``reopen()`` opens the vault again
    (with its passphrase, where it has one). Returns the reopened vault. On any failure before the
    swap the vault is as it was (and open); after it, the old database is put back."""
    paths = vault.paths
    db, new, old = _paths(paths)
    info = preview(vault, path).backup
    bk._remove(new, Path(str(new) + "-journal"))
    try:
        shutil.copyfile(info.path, new)
        os.chmod(new, 0o600)
        bk._fsync(new)
        bk.inspect_file(vault, new, full=False)
    except OSError as exc:
        bk._remove(new)
        raise TransferError(f"The backup could not be copied beside the vault ({exc.strerror or exc}).") from exc
    except BaseException:
        bk._remove(new)
        raise
    with vault.read() as conn:  # another process reading or writing keeps its WAL: refuse while open
        busy, log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy or (log not in (0, -1)):
        bk._remove(new)
        raise VaultError(OTHER_OPEN)
    vault.close()
    wal = Path(str(db) + "-wal")
    if wal.exists() and wal.stat().st_size > 0:  # opened by another process in the meantime
        bk._remove(new)
        raise VaultError(OTHER_OPEN + " (The vault was closed here; open it again.)")
    bk._remove(wal, Path(str(db) + "-shm"))
    bk._remove(old)
    try:
        os.link(db, old)
    except OSError:
        shutil.copy2(db, old)
    os.replace(new, db)
    bk._fsync_dir(paths.folder)
    try:
        restored = reopen()
    except BaseException:
        os.replace(old, db)
        bk._fsync_dir(paths.folder)
        raise
    bk._remove(old)
    return restored


def recover_leftovers(paths: VaultPaths) -> list[str]:
    """After a restore that was killed: ``reverie.db`` is always whole, so only the extra names go
    (a missing database, which no step here leaves, is put back from the safety copy)."""
    db, new, old = _paths(paths)
    done = []
    if not db.exists() and old.exists():
        os.replace(old, db)
        done.append("put the vault back from its safety copy")
    for p in (new, old):
        if p.exists():
            bk._remove(p)
            done.append(f"removed {p.name}")
    return done


def restore_into(paths: VaultPaths, path: Path) -> bk.BackupInfo:
    """Make a vault from a backup where there is none yet (a new computer): the database and its
    header, with the recovery kit it had. The vault then opens with its passphrase, its key in this
    keyring, or its recovery code."""
    if paths.header.exists() and paths.database.exists():
        raise VaultError(f"A vault already exists in {paths.folder}; open it and restore from there.")
    info = bk.info_for(path)
    ensure_writable_folder(paths.folder)
    tmp = Path(str(paths.database) + NEW_SUFFIX)
    try:
        shutil.copyfile(info.path, tmp)
        os.chmod(tmp, 0o600)
        bk._fsync(tmp)
        header_tmp = paths.header.with_suffix(".json.tmp")
        header_tmp.write_text(bk.header_of(info).to_json(), encoding="utf-8")
        os.replace(tmp, paths.database)
        os.replace(header_tmp, paths.header)  # the header last: the folder is a vault only when whole
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise TransferError(f"The backup could not be copied into {paths.folder} ({exc.strerror or exc}).") from exc
    return info
