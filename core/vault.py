"""The vault: one folder holding one SQLite database opened through SQLCipher.

``Vault`` owns a single connection. Every operation goes through ``vault.tx()`` (a write
transaction, ``BEGIN IMMEDIATE``) or ``vault.read()``; both hold the vault's lock, so there
is one writer in the process and no "database is locked" between our own threads. Other
processes (the CLI beside the window) are handled by WAL and a busy timeout.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlite

from reverie.core import keys as keymod
from reverie.core import schema
from reverie.core.clock import Clock, SystemClock
from reverie.core.errors import (
    DataFolderError,
    NotAVaultError,
    VaultError,
    VaultLockedError,
    WrongKeyError,
)
from reverie.core.keys import KeyMode, VaultKey
from reverie.core.paths import VaultPaths, ensure_writable_folder
from reverie.core.sqltypes import Connection

HEADER_FORMAT = "reverie-vault"
HEADER_VERSION = 1
BUSY_TIMEOUT_MS = 10_000
SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class VaultHeader:
    """The small plaintext file beside the database: how the vault is unlocked. No secrets."""

    vault_id: str
    key_mode: KeyMode
    created_at: float
    # The recovery kit (core/recovery.py): the vault key wrapped by the recovery code, or None.
    recovery: dict[str, Any] | None = None

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "format": HEADER_FORMAT,
            "version": HEADER_VERSION,
            "vault_id": self.vault_id,
            "key_mode": self.key_mode.value,
            "created_at": self.created_at,
        }
        if self.recovery is not None:
            data["recovery"] = self.recovery
        return json.dumps(data, indent=2)

    @classmethod
    def read(cls, path: Path) -> VaultHeader:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != HEADER_FORMAT:
                raise ValueError("format")
            if int(data.get("version", 0)) > HEADER_VERSION:
                raise VaultError("This vault was made by a newer version of Reverie; update Reverie to open it.")
            recovery = data.get("recovery")
            return cls(
                str(data["vault_id"]),
                KeyMode(data["key_mode"]),
                float(data["created_at"]),
                recovery if isinstance(recovery, dict) else None,
            )
        except VaultError:
            raise
        except OSError as exc:
            raise DataFolderError(f"Reverie cannot read {path}: {exc.strerror or exc}.") from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise NotAVaultError(
                f"{path} is damaged or not a Reverie vault header; the vault was not changed."
            ) from exc


def _connect(path: Path, key: VaultKey, *, create: bool) -> Any:
    uri = path.as_uri() + ("?mode=rwc" if create else "?mode=rw")
    try:
        conn = sqlite.connect(
            uri, uri=True, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
    except sqlite.OperationalError as exc:
        raise DataFolderError(f"Reverie cannot open the vault file {path}: {exc}.") from exc
    try:
        with contextlib.suppress(sqlite.DatabaseError):
            conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our message, not a log line
        pragma = key.pragma()
        if pragma:
            conn.execute(pragma)
        # Touch the schema: this is where a wrong key or a random file shows.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite.DatabaseError as exc:
        conn.close()
        if key.mode is KeyMode.NONE:
            raise NotAVaultError(
                f"{path.name} is not a Reverie vault (the file is damaged or not a database); it was left as it was."
            ) from exc
        raise WrongKeyError(
            "The vault could not be unlocked: the passphrase or key is wrong, or the file is "
            "damaged. Nothing was changed."
        ) from exc
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA temp_store = MEMORY")  # no plaintext temp files beside an encrypted vault
    return conn


class Vault:
    """An open vault. Use ``Vault.open`` or ``Vault.create``."""

    def __init__(self, paths: VaultPaths, header: VaultHeader, conn: Connection, clock: Clock) -> None:
        self.paths = paths
        self.header = header
        self.clock = clock
        self._conn = conn
        self._lock = threading.RLock()
        self._closed = False

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        paths: VaultPaths,
        mode: KeyMode,
        passphrase: str | None = None,
        clock: Clock | None = None,
    ) -> Vault:
        """Create a new, empty vault. ``mode`` must be chosen explicitly."""
        clock = clock or SystemClock()
        if paths.exists():
            raise VaultError(f"A vault already exists in {paths.folder}; it was not changed.")
        ensure_writable_folder(paths.folder)
        vault_id = uuid.uuid4().hex
        if mode is KeyMode.KEYRING:
            raw = keymod.new_raw_key()
            keymod.store_key(vault_id, raw)  # raises KeyringUnavailableError before any file exists
            key = VaultKey(mode, raw)
        elif mode is KeyMode.PASSPHRASE:
            key = VaultKey(mode, keymod.check_passphrase(passphrase or ""))
        else:
            key = VaultKey(KeyMode.NONE)
        header = VaultHeader(vault_id, mode, clock.now())
        conn = None
        try:
            conn = _connect(paths.database, key, create=True)
            conn.execute("PRAGMA journal_mode = WAL")
            schema.migrate(conn, clock.now())
        except BaseException:
            if conn is not None:
                with contextlib.suppress(Exception):
                    conn.close()
            for p in (paths.database, Path(str(paths.database) + "-wal"), Path(str(paths.database) + "-shm")):
                with contextlib.suppress(OSError):
                    p.unlink()
            if mode is KeyMode.KEYRING:
                keymod.delete_key(vault_id)
            raise
        tmp = paths.header.with_suffix(".json.tmp")
        tmp.write_text(header.to_json(), encoding="utf-8")
        os.replace(tmp, paths.header)
        return cls(paths, header, conn, clock)

    @classmethod
    def open(
        cls,
        paths: VaultPaths,
        passphrase: str | None = None,
        clock: Clock | None = None,
        *,
        migrate: bool = True,
    ) -> Vault:
        """Open an existing vault, unlocking it from the keyring or with ``passphrase``."""
        clock = clock or SystemClock()
        if not paths.folder.exists():
            raise DataFolderError(f"There is no vault in {paths.folder} (the folder does not exist).")
        if not paths.header.exists():
            raise NotAVaultError(
                f"{paths.folder} has no vault.json, so it is not a Reverie vault; nothing was changed."
            )
        header = VaultHeader.read(paths.header)
        if not paths.database.exists():
            raise NotAVaultError(f"The vault database {paths.database} is missing; restore it from a backup or export.")
        if header.key_mode is KeyMode.KEYRING:
            key = VaultKey(KeyMode.KEYRING, keymod.load_key(header.vault_id))
        elif header.key_mode is KeyMode.PASSPHRASE:
            if not passphrase:
                raise VaultLockedError("This vault is protected by a passphrase; enter it to unlock.")
            key = VaultKey(KeyMode.PASSPHRASE, passphrase)
        else:
            key = VaultKey(KeyMode.NONE)
            with contextlib.suppress(OSError), open(paths.database, "rb") as fh:
                head = fh.read(16)
                if head and head != SQLITE_MAGIC:
                    raise NotAVaultError(
                        f"{paths.database.name} is not a Reverie vault (the file is damaged or "
                        "not a database); it was left as it was."
                    )
        conn = _connect(paths.database, key, create=False)
        try:
            schema.check_not_newer(conn)
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            if migrate:
                schema.migrate(conn, clock.now())
        except sqlite.OperationalError as exc:
            conn.close()
            if "readonly" in str(exc).lower() or "read-only" in str(exc).lower():
                raise DataFolderError(
                    f"The vault in {paths.folder} is read-only; Reverie needs to write to it."
                ) from exc
            raise VaultError(f"The vault could not be opened: {exc}.") from exc
        except BaseException:
            conn.close()
            raise
        return cls(paths, header, conn, clock)

    # -- use -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def tx(self) -> Iterator[Connection]:
        """A write transaction: all or nothing, one writer at a time."""
        with self._lock:
            self._check_open()
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """Read access to the connection (holding the lock, so reads see a consistent state)."""
        with self._lock:
            self._check_open()
            yield self._conn

    def query(self, sql: str, params: Any = ()) -> list[Any]:
        with self.read() as conn:
            return conn.execute(sql, params).fetchall()

    def now(self) -> float:
        return self.clock.now()

    @property
    def key_mode(self) -> KeyMode:
        return self.header.key_mode

    @property
    def encrypted(self) -> bool:
        return self.header.key_mode is not KeyMode.NONE

    def schema_version(self) -> int:
        with self.read() as conn:
            return schema.current_version(conn)

    def counts(self) -> dict[str, int]:
        tables = ("conversations", "messages", "notes", "memories", "vectors")
        with self.read() as conn:
            out = {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables}
            out["archived"] = int(conn.execute("SELECT count(*) FROM memories WHERE archived = 1").fetchone()[0])
        return out

    def change_key(self, mode: KeyMode, passphrase: str | None = None) -> None:
        """Re-encrypt the vault under a new key (keyring / passphrase) or decrypt it (none)."""
        if (self.header.key_mode is KeyMode.NONE) != (mode is KeyMode.NONE):
            raise VaultError(
                "Encrypting or decrypting a vault rewrites its file: use Change lock in the File "
                "menu or 'reverie lock'. The vault was not changed."
            )
        old_mode = self.header.key_mode
        if mode is KeyMode.KEYRING:
            new_key = VaultKey(mode, keymod.new_raw_key())
            keymod.store_key(self.header.vault_id + ".new", new_key.secret or "")
        elif mode is KeyMode.PASSPHRASE:
            new_key = VaultKey(mode, keymod.check_passphrase(passphrase or ""))
        else:  # pragma: no cover - excluded above
            return
        with self._lock:
            self._conn.execute(new_key.rekey_pragma())
            if mode is KeyMode.KEYRING:
                keymod.store_key(self.header.vault_id, new_key.secret or "")
                keymod.delete_key(self.header.vault_id + ".new")
            elif old_mode is KeyMode.KEYRING:
                keymod.delete_key(self.header.vault_id)
            header = VaultHeader(self.header.vault_id, mode, self.header.created_at)
            tmp = self.paths.header.with_suffix(".json.tmp")
            tmp.write_text(header.to_json(), encoding="utf-8")
            os.replace(tmp, self.paths.header)
            self.header = header

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            with contextlib.suppress(Exception):
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._conn.close()
            self._closed = True

    @property
    def closed(self) -> bool:
        return self._closed

    def _check_open(self) -> None:
        if self._closed:
            raise VaultError("The vault is closed.")

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
