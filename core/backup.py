"""Automatic backups: a verified snapshot of the vault a day, rotated, in a folder the user chose.

A backup is two files: ``reverie-<vault>-<YYYYmmdd-HHMMSS>.db`` (the database, encrypted with the
vault's own key, mode 0600) and the ``.json`` beside it (the vault header, with the recovery kit,
and the counts at that moment). The snapshot is ``VACUUM INTO`` on the vault's own connection:
SQLite writes a transactionally consistent copy and SQLCipher encrypts it with the same key,
without this process having to hold the passphrase (SQLite's page-by-page backup API needs the
destination connection keyed with the secret). The copy is written under a ``.partial`` name,
verified by attaching it with the vault's key and running ``PRAGMA integrity_check``, synced, and
only then renamed; a backup is listed only when both files are in place, so a run killed halfway
leaves nothing that looks like a backup.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlite

from reverie.core import jobruns
from reverie.core.errors import DataFolderError, TransferError
from reverie.core.keys import KeyMode
from reverie.core.settings import Settings
from reverie.core.sqltypes import Connection
from reverie.core.vault import Vault, VaultHeader

JOB = "backup"
FORMAT = "reverie-backup"
FORMAT_VERSION = 1
PREFIX = "reverie-"
DB_SUFFIX = ".db"
META_SUFFIX = ".json"
PARTIAL = ".partial"
DAY = 86_400.0
STALE_PARTIAL_SECONDS = 3_600.0
COUNTED = ("memories", "notes", "messages", "conversations")


@dataclass(frozen=True)
class BackupInfo:
    path: Path  # the database file
    created_at: float
    vault_id: str
    key_mode: KeyMode
    counts: dict[str, int] = field(default_factory=dict)
    size: int = 0
    schema_version: int = 0
    header: dict[str, Any] = field(default_factory=dict)

    @property
    def meta_path(self) -> Path:
        return self.path.with_suffix(META_SUFFIX)


# -- files ---------------------------------------------------------------------------------------


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _private_empty(path: Path) -> None:
    """Create an empty file only the user can read (before anything is written into it)."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def backup_folder(settings: Settings) -> Path | None:
    text = settings.backup_folder.strip()
    return Path(text).expanduser() if text else None


def ensure_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataFolderError(f"Reverie cannot create the backup folder {folder}: {exc.strerror or exc}.") from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DataFolderError(f"The backup folder {folder} is read-only; choose another in Settings.")


def file_stem(vault_id: str, now: float, tz: tzinfo | None) -> str:
    return f"{PREFIX}{vault_id[:8]}-{datetime.fromtimestamp(now, tz):%Y%m%d-%H%M%S}"


# -- checking a database file with the vault's key -----------------------------------------------


def _attached_counts(conn: Connection, schema_name: str) -> dict[str, int]:
    out = {}
    for table in COUNTED:
        out[table] = int(conn.execute(f"SELECT count(*) FROM {schema_name}.{table}").fetchone()[0])
    return out


def inspect_file(vault: Vault, path: Path, *, full: bool = True) -> tuple[dict[str, int], int]:
    """Open ``path`` with the open vault's key (attached to its connection) and check it: integrity
    (``full``) or quick check, then its counts and schema version. Raises ``TransferError`` (one
    sentence) when it does not open with this key or is damaged."""
    name = "reverie_check"
    with vault.read() as conn:
        try:
            conn.execute(f"ATTACH DATABASE ? AS {name}", (f"{path.as_uri()}?mode=ro",))
        except sqlite.DatabaseError as exc:
            raise TransferError(f"{path.name} cannot be opened ({exc}); nothing was changed.") from exc
        try:
            pragma = "integrity_check" if full else "quick_check"
            result = conn.execute(f"PRAGMA {name}.{pragma}").fetchone()[0]
            if result != "ok":
                raise TransferError(f"{path.name} is damaged (SQLite's check says: {result}); nothing was changed.")
            counts = _attached_counts(conn, name)
            version = int(conn.execute(f"PRAGMA {name}.user_version").fetchone()[0])
        except sqlite.DatabaseError as exc:
            raise TransferError(
                f"{path.name} does not open with this vault's key (it belongs to another vault, was made before "
                "the lock changed, or is damaged); nothing was changed."
            ) from exc
        finally:
            with contextlib.suppress(sqlite.DatabaseError):
                conn.execute(f"DETACH DATABASE {name}")
    return counts, version


# -- making a backup -----------------------------------------------------------------------------


def make_backup(vault: Vault, folder: Path, now: float, tz: tzinfo | None = None) -> BackupInfo:
    """Write, verify and keep one backup of ``vault`` in ``folder``; nothing is kept on a failure."""
    ensure_folder(folder)
    clean_partials(folder, now)
    stem = file_stem(vault.header.vault_id, now, tz)
    n = 1
    while (folder / (stem + DB_SUFFIX)).exists() or (folder / (stem + DB_SUFFIX + PARTIAL)).exists():
        n += 1
        stem = f"{file_stem(vault.header.vault_id, now, tz)}-{n}"
    db, meta = folder / (stem + DB_SUFFIX), folder / (stem + META_SUFFIX)
    db_part, meta_part = Path(str(db) + PARTIAL), Path(str(meta) + PARTIAL)
    try:
        _private_empty(db_part)
        with vault.read() as conn:
            conn.execute("VACUUM INTO ?", (str(db_part),))
        os.chmod(db_part, 0o600)
        counts, version = inspect_file(vault, db_part)
        _fsync(db_part)
        header = json.loads(vault.header.to_json())
        data = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": now,
            "file": db.name,
            "size": db_part.stat().st_size,
            "schema_version": version,
            "counts": counts,
            "header": header,
        }
        _private_empty(meta_part)
        with open(meta_part, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2)
            out.flush()
            os.fsync(out.fileno())
        os.replace(db_part, db)  # the database first: a database without its .json is never listed
        os.replace(meta_part, meta)
        _fsync_dir(folder)
    except sqlite.DatabaseError as exc:
        _remove(db_part, meta_part)
        raise TransferError(f"The backup could not be written ({exc}); the vault was not changed.") from exc
    except OSError as exc:
        _remove(db_part, meta_part)
        raise DataFolderError(
            f"The backup could not be written to {folder}: {exc.strerror or exc}; the vault was not changed."
        ) from exc
    except BaseException:
        _remove(db_part, meta_part)
        raise
    return read_info(meta)


def _remove(*paths: Path) -> None:
    for p in paths:
        with contextlib.suppress(OSError):
            p.unlink()


def clean_partials(folder: Path, now: float) -> int:
    """Remove what a killed run left: ``.partial`` files and a database without its ``.json``
    (older than an hour, so a run going on in another Reverie is left alone)."""
    removed = 0
    with contextlib.suppress(OSError):
        for p in folder.iterdir():
            if not p.name.startswith(PREFIX):
                continue
            orphan = p.suffix == DB_SUFFIX and not p.with_suffix(META_SUFFIX).exists()
            if p.name.endswith(PARTIAL) or orphan:
                with contextlib.suppress(OSError):
                    if now - p.stat().st_mtime >= STALE_PARTIAL_SECONDS:
                        p.unlink()
                        removed += 1
    return removed


# -- listing -------------------------------------------------------------------------------------


def read_info(meta: Path) -> BackupInfo:
    """The backup whose ``.json`` is ``meta``; ``TransferError`` when it is not a complete backup."""
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError("format")
        if int(data.get("version", 0)) > FORMAT_VERSION:
            raise TransferError(f"{meta.name} was made by a newer Reverie; update Reverie to restore it.")
        header = data["header"]
        db = meta.with_name(str(data["file"]))
        if db.parent != meta.parent or not db.is_file():
            raise ValueError("no database")
        counts = {str(k): int(v) for k, v in dict(data.get("counts") or {}).items()}
        return BackupInfo(
            db,
            float(data["created_at"]),
            str(header["vault_id"]),
            KeyMode(header["key_mode"]),
            counts,
            int(data.get("size") or db.stat().st_size),
            int(data.get("schema_version") or 0),
            dict(header),
        )
    except TransferError:
        raise
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise TransferError(f"{meta.name} is not a complete Reverie backup.") from exc


def info_for(path: Path) -> BackupInfo:
    """The backup named by either of its files (the ``.db`` or the ``.json``)."""
    return read_info(path.with_suffix(META_SUFFIX))


def list_backups(folder: Path, vault_id: str | None = None) -> list[BackupInfo]:
    """Complete backups in ``folder`` (of ``vault_id`` when given), the newest first."""
    out: list[BackupInfo] = []
    try:
        metas = [p for p in folder.iterdir() if p.name.startswith(PREFIX) and p.suffix == META_SUFFIX]
    except OSError:
        return []
    for meta in metas:
        try:
            info = read_info(meta)
        except TransferError:
            continue
        if vault_id is None or info.vault_id == vault_id:
            out.append(info)
    return sorted(out, key=lambda b: (b.created_at, b.path.name), reverse=True)


# -- rotation ------------------------------------------------------------------------------------


def _week(d: date) -> tuple[int, int]:
    iso = d.isocalendar()
    return iso[0], iso[1]


def plan_rotation(times: Iterable[float], keep_daily: int, keep_weekly: int, tz: tzinfo | None) -> set[float]:
    """Which backup times to keep: the newest of each of the last ``keep_daily`` days that have a
    backup, and the newest of each of the last ``keep_weekly`` ISO weeks that have one."""
    newest = sorted(set(times), reverse=True)
    keep: set[float] = set()
    days: set[date] = set()
    weeks: set[tuple[int, int]] = set()
    for t in newest:
        d = datetime.fromtimestamp(t, tz).date()
        if d not in days and len(days) < keep_daily:
            days.add(d)
            keep.add(t)
        w = _week(d)
        if w not in weeks and len(weeks) < keep_weekly:
            weeks.add(w)
            keep.add(t)
    return keep


def rotate(folder: Path, vault_id: str, keep_daily: int, keep_weekly: int, tz: tzinfo | None) -> list[Path]:
    """Delete this vault's backups that the rotation does not keep; returns the removed databases."""
    backups = list_backups(folder, vault_id)
    keep = plan_rotation([b.created_at for b in backups], keep_daily, keep_weekly, tz)
    removed = []
    for b in backups:
        if b.created_at not in keep:
            _remove(b.meta_path, b.path)  # the .json first: a backup half-removed is not listed
            removed.append(b.path)
    return removed


# -- the scheduled job ---------------------------------------------------------------------------


def backup_due(now: float, last_ok: float | None, settings: Settings) -> bool:
    """A backup is due when backups are on, a folder is chosen and none succeeded in the last day."""
    if not settings.backup_enabled or backup_folder(settings) is None:
        return False
    return last_ok is None or now - last_ok >= DAY


def run_backup(vault: Vault, settings: Settings, now: float, tz: tzinfo | None = None) -> jobruns.RunRecord:
    """Back up now and rotate, recorded as a ``backup`` job run (ok or failed, with one sentence).
    The run is recorded after the snapshot, so a backup never holds its own unfinished run."""
    from reverie.core.errors import ReverieError

    folder = backup_folder(settings)
    log: list[str] = []
    counts: dict[str, Any] = {}
    error: str | None = None
    try:
        if folder is None:
            raise DataFolderError("Choose a folder for the backups in Settings first.")
        info = make_backup(vault, folder, now, tz)
        log.append(f"wrote and verified {info.path.name} ({info.size} bytes)")
        removed = rotate(folder, vault.header.vault_id, settings.keep_daily, settings.keep_weekly, tz)
        log.extend(f"removed {p.name}" for p in removed)
        counts = {"bytes": info.size, "removed": len(removed), **info.counts}
    except ReverieError as exc:
        error = str(exc)
        log.append(error)
    end = vault.now()
    run_id = jobruns.start_run(vault, JOB, now)
    jobruns.finish_run(vault, run_id, end, "failed" if error else "ok", counts=counts, log=log, error=error)
    return jobruns.recent_runs(vault, JOB, 1)[0]


def header_of(info: BackupInfo) -> VaultHeader:
    """The vault header saved with a backup (for a restore into an empty folder)."""
    rec = info.header.get("recovery")
    return VaultHeader(
        info.vault_id,
        info.key_mode,
        float(info.header.get("created_at") or info.created_at),
        rec if isinstance(rec, dict) else None,
    )
