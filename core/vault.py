"""The vault: one folder holding one SQLite database opened through SQLCipher.

``Vault`` owns a single connection. Every operation goes through ``vault.tx()`` (a write
transaction, ``BEGIN IMMEDIATE``) or ``vault.read()``; both hold the vault's lock, so there
is one writer in the process and no "database is locked" between our own threads. Other
processes (the CLI beside the window) are handled by WAL and a busy timeout. Both also hold
``vault.lock`` shared (``core/vaultlock.py``): a change of lock holds it exclusively while it
re-writes the file, and a connection opened before such a change is replaced before it is used.
"""

from __future__ import annotations

import contextlib
import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlite

from reverie.core import keys as keymod
from reverie.core import lockjournal, schema
from reverie.core.clock import Clock, SystemClock
from reverie.core.errors import (
    DataFolderError,
    NotAVaultError,
    VaultBusyError,
    VaultError,
    VaultLockedError,
    WrongKeyError,
)
from reverie.core.keys import KeyMode, VaultKey
from reverie.core.paths import VaultPaths, ensure_writable_folder
from reverie.core.sqltypes import Connection
from reverie.core.vaultlock import BUSY_LOCK_SENTENCE, VaultLock

HEADER_FORMAT = "reverie-vault"
HEADER_VERSION = 1
BUSY_TIMEOUT_MS = 10_000
LOCK_WAIT_S = BUSY_TIMEOUT_MS / 1000  # how long a transaction waits for a change of lock elsewhere
CHANGE_WAIT_S = 30.0  # how long a change of lock (or the repair of an interrupted one) waits for others
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
        key.apply(conn)  # bound through sqlite3_key, never pasted into SQL
        # Touch the schema: this is where a wrong key or a random file shows.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except VaultError:
        conn.close()
        raise
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


def _open_connection(
    paths: VaultPaths, passphrase: str | None, clock: Clock, *, migrate: bool
) -> tuple[Connection, VaultHeader]:
    """Read the header, unlock the database and bring its schema up to date (under the vault lock)."""
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
        # A file that is not a plain database is told by _connect (no raw read of the file here: closing
        # a descriptor of it would drop the POSIX locks of this process's other connections to it).
        key = VaultKey(KeyMode.NONE)
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
            raise DataFolderError(f"The vault in {paths.folder} is read-only; Reverie needs to write to it.") from exc
        raise VaultError(f"The vault could not be opened: {exc}.") from exc
    except BaseException:
        conn.close()
        raise
    return conn, header


def open_current(
    paths: VaultPaths, passphrase: str | None, clock: Clock, *, migrate: bool = True
) -> tuple[Connection, VaultHeader, str]:
    """Open the vault's database as it is now: an interrupted change of lock is finished or undone
    first (holding the vault lock exclusively), then the database is opened holding it shared.
    Returns the connection, the header and the generation it was opened under."""
    flock = VaultLock.of(paths.folder)
    for _ in range(5):
        if lockjournal.pending(paths):
            with flock.exclusive(CHANGE_WAIT_S):
                if lockjournal.recover(paths):
                    flock.bump()  # anyone still holding the file open reconnects
        with flock.shared(LOCK_WAIT_S):
            if lockjournal.journal_path(paths).exists() and not flock.owns_exclusive():
                continue  # a change began (or stopped) while we waited
            conn, header = _open_connection(paths, passphrase, clock, migrate=migrate)
            return conn, header, flock.generation()
    raise VaultBusyError(BUSY_LOCK_SENTENCE)


class Vault:
    """An open vault. Use ``Vault.open`` or ``Vault.create``."""

    def __init__(
        self,
        paths: VaultPaths,
        header: VaultHeader,
        conn: Connection,
        clock: Clock,
        *,
        passphrase: str | None = None,
        generation: str = "",
    ) -> None:
        self.paths = paths
        self.header = header
        self.clock = clock
        self._conn = conn
        self._lock = threading.RLock()
        self._closed = False
        self._flock = VaultLock.of(paths.folder)
        self._passphrase = passphrase  # to reconnect after another process re-wrote the file
        self._generation = generation
        self._stale = False  # True once the connection was closed because the file was re-written

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
        flock = VaultLock.of(paths.folder)
        with flock.shared(LOCK_WAIT_S):
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
            lockjournal.write_atomic(paths.header, header.to_json())
            generation = flock.generation()
        return cls(
            paths,
            header,
            conn,
            clock,
            passphrase=key.secret if mode is KeyMode.PASSPHRASE else None,
            generation=generation,
        )

    @classmethod
    def open(
        cls,
        paths: VaultPaths,
        passphrase: str | None = None,
        clock: Clock | None = None,
        *,
        migrate: bool = True,
    ) -> Vault:
        """Open an existing vault, unlocking it from the keyring or with ``passphrase``. A change of
        lock that was interrupted (a crash, a power cut) is finished or undone first."""
        clock = clock or SystemClock()
        if not paths.folder.exists():
            raise DataFolderError(f"There is no vault in {paths.folder} (the folder does not exist).")
        if not paths.header.exists():
            raise NotAVaultError(
                f"{paths.folder} has no vault.json, so it is not a Reverie vault; nothing was changed."
            )
        conn, header, generation = open_current(paths, passphrase, clock, migrate=migrate)
        return cls(paths, header, conn, clock, passphrase=passphrase, generation=generation)

    # -- use -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def tx(self) -> Iterator[Connection]:
        """A write transaction: all or nothing, one writer at a time."""
        with self._lock:
            self._enter()
            try:
                conn = self._conn
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                else:
                    conn.execute("COMMIT")
            finally:
                self._flock.release()

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """Read access to the connection (holding the lock, so reads see a consistent state)."""
        with self._lock:
            self._enter()
            try:
                yield self._conn
            finally:
                self._flock.release()

    def _enter(self) -> None:
        """Hold the vault lock shared, on a connection that matches the file's current generation."""
        self._check_open()
        for _ in range(3):
            self._flock.acquire(exclusive=False, timeout=LOCK_WAIT_S)
            try:
                if self._flock.depth() > 1 or (not self._stale and self._flock.generation() == self._generation):
                    return
                self._close_stale()  # holding the lock shared: no change is copying the file meanwhile
            except BaseException:
                self._flock.release()
                raise
            self._flock.release()
            self._reconnect()
        raise VaultBusyError(BUSY_LOCK_SENTENCE)

    def _close_stale(self) -> None:
        """The file was re-written elsewhere: this connection is never used again. It is closed before
        the file is opened again (and before any repair copies bytes into it), so that no descriptor
        this process closes can drop the POSIX locks SQLite holds for a live connection."""
        if not self._stale:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._stale = True

    def _reconnect(self) -> None:
        """Another process changed how the vault is locked: open the file again with the key it has now."""
        try:
            conn, header, generation = open_current(self.paths, self._passphrase, self.clock)
        except (WrongKeyError, VaultLockedError) as exc:
            self._closed = True
            raise VaultLockedError(
                "How the vault is locked was changed in another Reverie window or command; open it again "
                "(with its new passphrase, if it has one)."
            ) from exc
        self._conn, self.header, self._generation, self._stale = conn, header, generation, False

    # -- changing the file (core/transfer/rekey.py) ---------------------------------------
    @contextlib.contextmanager
    def changing(self) -> Iterator[Connection]:
        """Hold the vault for re-writing its file: this process's lock, and the vault lock exclusively
        across processes (others wait), on a connection that matches the file as it is now."""
        with self._lock:
            self._check_open()
            with self._flock.exclusive(CHANGE_WAIT_S):
                if self._stale or self._flock.generation() != self._generation or lockjournal.pending(self.paths):
                    self._close_stale()
                    self._reconnect()
                yield self._conn

    @property
    def lock_file(self) -> VaultLock:
        return self._flock

    def drop_connection(self) -> None:
        """Close the connection without a checkpoint (its file is about to be re-written in place)."""
        with self._lock:
            self._drop_connection()

    def _drop_connection(self) -> None:
        self._close_stale()
        self._closed = True

    def adopt(self, conn: Connection, header: VaultHeader, passphrase: str | None, generation: str) -> None:
        """Use ``conn`` (opened on the re-written file) from now on."""
        with self._lock:
            self._conn, self.header, self._passphrase, self._generation = conn, header, passphrase, generation
            self._closed = self._stale = False

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
        """Lock the vault another way (``core.transfer.rekey.change_lock``, which this object follows)."""
        from reverie.core.transfer.rekey import change_lock  # the transfer package builds on this module

        change_lock(self, mode, passphrase)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            held = False
            with contextlib.suppress(VaultError, OSError):
                self._flock.acquire(exclusive=False, timeout=LOCK_WAIT_S)
                held = True
            try:
                # Checkpoint only a file that is still ours (not re-written by a change of lock meanwhile).
                current = held and (self._flock.depth() > 1 or self._flock.generation() == self._generation)
                if current and not self._stale:
                    with contextlib.suppress(Exception):
                        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self._close_stale()
            finally:
                if held:
                    self._flock.release()
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
