"""Change how the vault is locked: a new passphrase, the key moved between keyring and passphrase,
encryption removed from a vault or added to a plaintext one.

Between two encrypted modes SQLCipher re-keys in place (``Vault.change_key``). Adding or removing
encryption copies the database with ``sqlcipher_export`` into a new file beside it, verifies the
copy (integrity check and every table's row count), and only then swaps it in, keeping the old file
until the new vault has opened. Any failure leaves the vault exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from sqlcipher3 import dbapi2 as sqlite

from reverie.core import keys as keymod
from reverie.core import schema
from reverie.core.errors import TransferError, VaultError
from reverie.core.keys import KeyMode, VaultKey
from reverie.core.sqltypes import Connection
from reverie.core.transfer.sqlrows import reader
from reverie.core.vault import Vault, VaultHeader, _connect

NEW_SUFFIX = ".rekey-new"
OLD_SUFFIX = ".rekey-old"


def _attach_key(key: VaultKey) -> str:
    if key.mode is KeyMode.NONE:
        return ""
    if key.mode is KeyMode.KEYRING:
        return f"x'{key.secret}'"
    return key.secret or ""


def _counts(conn: Connection) -> dict[str, int]:
    """Rows per table, leaving out SQLite's own tables and the words index's shadow tables."""
    db = reader(conn)
    return {n: db[n].count for n in db.table_names() if not n.startswith(("sqlite_", "memories_fts_"))}


def _write_header(vault: Vault, header: VaultHeader) -> None:
    tmp = vault.paths.header.with_suffix(".json.tmp")
    tmp.write_text(header.to_json(), encoding="utf-8")
    os.replace(tmp, vault.paths.header)


def change_lock(vault: Vault, mode: KeyMode, passphrase: str | None = None) -> Vault:
    """Lock the vault with ``mode`` (and ``passphrase``). Returns the vault to use from now on:
    the same object for a re-key in place, a newly opened one (the old one closed) after a swap."""
    old_mode = vault.key_mode
    if mode is KeyMode.NONE and old_mode is KeyMode.NONE:
        return vault
    if mode is not KeyMode.NONE and old_mode is not KeyMode.NONE:
        vault.change_key(mode, passphrase)
        return vault
    return _swap(vault, mode, passphrase)


def _swap(vault: Vault, mode: KeyMode, passphrase: str | None) -> Vault:
    paths, old_header = vault.paths, vault.header
    vault_id = old_header.vault_id
    if mode is KeyMode.KEYRING:
        new_key = VaultKey(mode, keymod.new_raw_key())
        keymod.store_key(vault_id + ".new", new_key.secret or "")  # no keyring: refused before any file
    elif mode is KeyMode.PASSPHRASE:
        new_key = VaultKey(mode, keymod.check_passphrase(passphrase or ""))
    else:
        new_key = VaultKey(KeyMode.NONE)
    db = paths.database
    new_db = Path(str(db) + NEW_SUFFIX)
    old_db = Path(str(db) + OLD_SUFFIX)
    for leftover in (new_db, old_db):
        leftover.unlink(missing_ok=True)
    try:
        with vault.read() as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            before = _counts(conn)
            version = schema.current_version(conn)
            conn.execute("ATTACH DATABASE ? AS rekeyed KEY ?", (str(new_db), _attach_key(new_key)))
            try:
                conn.execute("SELECT sqlcipher_export('rekeyed')")
                conn.execute(f"PRAGMA rekeyed.user_version = {int(version):d}")
            finally:
                conn.execute("DETACH DATABASE rekeyed")
        check = _connect(new_db, new_key, create=False)
        try:
            ok = check.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            same = _counts(check) == before and schema.current_version(check) == version
        finally:
            check.close()
        if not (ok and same):
            raise TransferError("The re-written vault did not match the original; the vault was not changed.")
    except (sqlite.DatabaseError, OSError, VaultError) as exc:
        _cleanup(new_db, vault_id, mode)
        if isinstance(exc, TransferError):
            raise
        raise TransferError(f"The vault could not be re-written ({exc}); it was not changed.") from None
    except BaseException:
        _cleanup(new_db, vault_id, mode)
        raise
    # The copy is verified: swap it in, keeping the old file until the new vault opens.
    clock = vault.clock
    vault.close()
    os.replace(db, old_db)
    for extra in ("-wal", "-shm"):
        Path(str(db) + extra).unlink(missing_ok=True)
    os.replace(new_db, db)
    if mode is KeyMode.KEYRING:
        keymod.store_key(vault_id, new_key.secret or "")
    _write_header(vault, VaultHeader(vault_id, mode, old_header.created_at))
    try:
        reopened = Vault.open(paths, passphrase=new_key.secret if mode is KeyMode.PASSPHRASE else None, clock=clock)
    except BaseException:
        os.replace(old_db, db)
        _write_header(vault, old_header)
        _cleanup(new_db, vault_id, mode)
        raise
    old_db.unlink(missing_ok=True)
    keymod.delete_key(vault_id + ".new")
    if old_header.key_mode is KeyMode.KEYRING and mode is KeyMode.NONE:
        keymod.delete_key(vault_id)
    return reopened


def _cleanup(new_db: Path, vault_id: str, mode: KeyMode) -> None:
    for p in (new_db, Path(str(new_db) + "-wal"), Path(str(new_db) + "-shm")):
        with contextlib.suppress(OSError):
            p.unlink()
    if mode is KeyMode.KEYRING:
        keymod.delete_key(vault_id + ".new")
