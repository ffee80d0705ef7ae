"""Change how the vault is locked: a new passphrase, the key moved between keyring and passphrase,
encryption removed from a vault or added to a plaintext one.

Every change takes the same path, holding the vault lock exclusively (``Vault.changing``), so
other processes wait and never write to a file being re-written:

1. ``rekey.json`` says ``preparing``; a new keyring key goes to the entry ``<vault id>.new``.
2. ``sqlcipher_export`` writes the whole vault under the new key into ``reverie.db.rekey-new``
   (encrypted when the new mode is; plaintext only when the new mode is none, and then 0600 in the
   vault folder). The copy is verified (quick check, every table's row count, schema version).
3. The vault's generation changes (others reconnect before their next use), then ``rekey.json``
   says ``committed`` with the new file's size and SHA-256: from here the change is finished, never
   undone.
4. ``lockjournal.finish``: the new file's bytes are copied over ``reverie.db`` in place (the file
   keeps its identity, so SQLite's own locks, WAL and shared memory stay coherent for every
   process), the key goes where the new mode keeps it, ``vault.json`` names the new mode, and the
   journal and the new file are removed.

A crash anywhere leaves a vault that ``Vault.open`` repairs: before ``committed`` it undoes the
change, after it finishes it (``lockjournal.recover``). A failure before ``committed`` leaves the
vault exactly as it was.
"""

from __future__ import annotations

import contextlib
import os

from reverie.core import keys as keymod
from reverie.core import lockjournal, schema
from reverie.core.errors import ReverieError, TransferError, VaultBusyError, VaultError
from reverie.core.keys import KeyMode, VaultKey
from reverie.core.lockjournal import Journal
from reverie.core.sqltypes import Connection
from reverie.core.transfer.sqlrows import reader
from reverie.core.vault import Vault, VaultHeader, _connect

NEW_SUFFIX = lockjournal.TEMP_SUFFIX


def _counts(conn: Connection) -> dict[str, int]:
    """Rows per table, leaving out SQLite's own tables and the words index's shadow tables."""
    db = reader(conn)
    return {n: db[n].count for n in db.table_names() if not n.startswith(("sqlite_", "memories_fts_"))}


def new_key_for(mode: KeyMode, passphrase: str | None) -> VaultKey:
    """The key a change to ``mode`` will lock the vault with (a fresh random one for the keyring)."""
    if mode is KeyMode.KEYRING:
        return VaultKey(mode, keymod.new_raw_key())
    if mode is KeyMode.PASSPHRASE:
        return VaultKey(mode, keymod.check_passphrase(passphrase or ""))
    return VaultKey(KeyMode.NONE)


def change_lock(vault: Vault, mode: KeyMode, passphrase: str | None = None) -> Vault:
    """Lock the vault with ``mode`` (and ``passphrase``). Returns the vault to use from now on (the
    same object, now on the re-written file). Nothing changes when it is already unencrypted and
    ``mode`` is none; a keyring vault asked for the keyring again gets a new key."""
    mode = KeyMode(mode)
    if mode is KeyMode.NONE and vault.key_mode is KeyMode.NONE:
        return vault
    new_key = new_key_for(mode, passphrase)  # a bad passphrase is refused before anything is touched
    with vault.changing() as conn:
        if mode is KeyMode.NONE and vault.key_mode is KeyMode.NONE:  # changed meanwhile by another process
            return vault
        journal = Journal("preparing", vault.header.vault_id, vault.key_mode, mode)
        try:
            lockjournal.write_journal(vault.paths, journal)
            size, digest = _prepare(vault, conn, journal, new_key)
        except (Exception, KeyboardInterrupt) as exc:
            with contextlib.suppress(Exception):
                lockjournal.rollback(vault.paths, journal)
            if isinstance(exc, ReverieError | KeyboardInterrupt):
                raise
            raise TransferError(f"The vault could not be re-written ({exc}); it was not changed.") from None
        generation = vault.lock_file.bump()
        lockjournal.at("bumped")
        lockjournal.write_journal(vault.paths, journal.committed(size, digest))
        lockjournal.at("committed")
        vault.drop_connection()
        try:
            lockjournal.finish(vault.paths, journal.committed(size, digest))
            new_conn = _connect(vault.paths.database, new_key, create=False)
        except Exception as exc:
            raise VaultError(
                f"Changing how the vault is locked stopped half-way ({exc}); it will be finished the next "
                "time the vault is opened."
            ) from exc
        header = VaultHeader.read(vault.paths.header)
        vault.adopt(new_conn, header, new_key.secret if mode is KeyMode.PASSPHRASE else None, generation)
    return vault


def _prepare(vault: Vault, conn: Connection, journal: Journal, new_key: VaultKey) -> tuple[int, str]:
    """Write and verify the new file; its size and SHA-256."""
    if new_key.mode is KeyMode.KEYRING:
        keymod.store_key(lockjournal.new_entry(journal.vault_id), new_key.secret or "")  # no keyring: refused
    lockjournal.at("stored-new-key")
    busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy is not None and int(busy[0]):
        raise VaultBusyError("The vault is busy in another program that does not let go of it; close it and try again.")
    before = _counts(conn)
    version = schema.current_version(conn)
    temp = lockjournal.temp_path(vault.paths)
    lockjournal.remove_temp(vault.paths)
    os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # the user's alone, even if plaintext
    conn.execute("ATTACH DATABASE ? AS rekeyed KEY ?", (str(temp), new_key.material() or ""))
    try:
        conn.execute("SELECT sqlcipher_export('rekeyed')")
        conn.execute(f"PRAGMA rekeyed.user_version = {int(version):d}")
    finally:
        conn.execute("DETACH DATABASE rekeyed")
    lockjournal.at("exported")
    check = _connect(temp, new_key, create=False)
    try:
        check.execute("PRAGMA journal_mode = WAL")  # the vault's own journal mode, in the file's header
        ok = check.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        same = _counts(check) == before and schema.current_version(check) == version
        check.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        check.close()
    if not (ok and same):
        raise TransferError("The re-written vault did not match the original; the vault was not changed.")
    with open(temp, "rb+") as fh:
        os.fsync(fh.fileno())
    return lockjournal.file_digest(temp)
