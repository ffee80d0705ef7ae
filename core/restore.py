"""Restoring a backup (core/backup.py) in place of the vault.

First a preview, like an import's: what the vault holds now and what the backup holds (memories,
notes, messages), both read from the files themselves, the backup opened with the vault's key.
Then the replacement, the way a change of lock replaces the file (``core/lockjournal.py``), holding
the vault lock exclusively so other windows and commands wait and then reconnect: the backup is
copied beside the vault (``reverie.db.rekey-new``) and checked, the current database is copied to
``reverie.db.restore-old`` (the safety copy), the journal is committed with the copy's size and
SHA-256, and the bytes are copied over ``reverie.db`` in place. Killed before the commit, the vault
opens as it was; killed after it, the next open finishes the copy. The safety copy is removed once
the restored vault has opened; if it does not open, the safety copy is copied back.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reverie.core import backup as bk
from reverie.core import lockjournal
from reverie.core.errors import ReverieError, TransferError, VaultBusyError, VaultError
from reverie.core.paths import VaultPaths, ensure_writable_folder
from reverie.core.sqltypes import Connection
from reverie.core.vault import Vault

NEW_SUFFIX = ".restore-new"
OLD_SUFFIX = ".restore-old"
OTHER_OPEN = "Another program is reading the vault and does not let go of it; close it and try again."


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


def safety_path(paths: VaultPaths) -> Path:
    return Path(str(paths.database) + OLD_SUFFIX)


def restore(vault: Vault, path: Path, reopen: Callable[[], Vault]) -> Vault:
    """Replace ``vault``'s database with the backup at ``path``; ``reopen()`` opens the vault again
    (with its passphrase, where it has one). Returns the reopened vault; ``vault`` is closed once
    the copy begins. Before that, any failure leaves the vault as it was (and open); if the restored
    vault does not open, the safety copy is put back."""
    paths = vault.paths
    db, temp, safety = paths.database, lockjournal.temp_path(paths), safety_path(paths)
    info = preview(vault, path).backup
    mode = vault.key_mode
    with vault.changing() as conn:  # other windows and commands wait, and reconnect afterwards
        journal = lockjournal.Journal("preparing", vault.header.vault_id, mode, mode)
        try:
            lockjournal.remove_temp(paths)
            bk._remove(safety)
            lockjournal.write_journal(paths, journal)
            _copy_private(info.path, temp)
            _ready(conn, temp)
            busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy is not None and int(busy[0]):
                raise VaultBusyError(OTHER_OPEN)
            _copy_private(db, safety)  # the current vault, until the restored one opens
            size, digest = lockjournal.file_digest(temp)
        except (Exception, KeyboardInterrupt) as exc:
            with contextlib.suppress(Exception):
                lockjournal.rollback(paths, journal)
            bk._remove(safety)
            if isinstance(exc, ReverieError | KeyboardInterrupt):
                raise
            raise TransferError(f"The backup could not be put in place ({exc}); the vault was not changed.") from exc
        lockjournal.at("restore-prepared")
        vault.lock_file.bump()
        lockjournal.write_journal(paths, journal.committed(size, digest))  # from here on, the backup wins
        lockjournal.at("restore-committed")
        vault.drop_connection()
        lockjournal.finish(paths, journal.committed(size, digest))  # the bytes copied over reverie.db
        try:
            restored = reopen()
        except BaseException:
            lockjournal.copy_in_place(safety, db)
            vault.lock_file.bump()
            bk._remove(safety)
            raise
    bk._remove(safety)
    return restored


def _ready(conn: Connection, temp: Path) -> None:
    """Check the copy opens with the vault's key (attached without a KEY: the vault's own) and give
    it the vault's journal mode, WAL, in its header, as a change of lock does."""
    conn.execute("ATTACH DATABASE ? AS reverie_restore", (str(temp),))
    try:
        conn.execute("PRAGMA reverie_restore.journal_mode = WAL")
        result = conn.execute("PRAGMA reverie_restore.quick_check").fetchone()[0]
    finally:
        conn.execute("DETACH DATABASE reverie_restore")
    if result != "ok":
        raise TransferError(f"The backup's copy beside the vault is damaged ({result}); the vault was not changed.")


def _copy_private(src: Path, dst: Path) -> None:
    bk._remove(dst)
    bk._private_empty(dst)
    shutil.copyfile(src, dst)
    bk._fsync(dst)


def recover_leftovers(paths: VaultPaths) -> list[str]:
    """After a restore that was killed: the journal (``rekey.json``) is finished or undone when the
    vault next opens; only a safety copy may be left, and it goes here."""
    safety = safety_path(paths)
    if safety.exists():
        bk._remove(safety)
        return [f"removed {safety.name}"]
    return []


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
