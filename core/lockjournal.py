"""The intent journal of a change of lock (``rekey.json``), and finishing or undoing a change that
was interrupted.

A change of lock (see ``core/transfer/rekey.py``) writes the vault again under the new key into a
file beside it (``reverie.db.rekey-new``), then copies that file's bytes over ``reverie.db`` in
place, so the database file never changes identity under another process that has it open. The
journal says how far it got:

- ``preparing``: the new file is being written. The vault itself is untouched; an interrupted
  change is undone (the new file and the new key's keyring entry are removed).
- ``committed``: the new file is complete and verified (its size and SHA-256 are in the journal).
  An interrupted change is finished: the copy is made again (it is idempotent), the key is put
  where the new mode keeps it, and ``vault.json`` names the new mode.

Whoever opens the vault next does this (``recover``), holding the vault's lock exclusively. The
keyring entry ``<vault id>.new`` holds a new keyring key until the change is finished, so no step
needs a key that is not stored somewhere durable.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from reverie.core import keys as keymod
from reverie.core.errors import VaultError
from reverie.core.keys import KeyMode
from reverie.core.paths import VaultPaths

JOURNAL_NAME = "rekey.json"
TEMP_SUFFIX = ".rekey-new"
LEGACY_OLD_SUFFIX = ".rekey-old"  # left by Reverie versions that renamed files
SQLITE_MAGIC = b"SQLite format 3\x00"
CHUNK = 1 << 20

# Tests set this to stop a change at a named step (as a crash there would).
fault_hook: Callable[[str], None] | None = None


def at(step: str) -> None:
    """A named step of a change of lock (a place where a crash is simulated in tests)."""
    if fault_hook is not None:
        fault_hook(step)


@dataclass(frozen=True)
class Journal:
    state: str  # "preparing" or "committed"
    vault_id: str
    old_mode: KeyMode
    new_mode: KeyMode
    size: int = 0
    sha256: str = ""

    def committed(self, size: int, sha256: str) -> Journal:
        return replace(self, state="committed", size=size, sha256=sha256)


def journal_path(paths: VaultPaths) -> Path:
    return paths.folder / JOURNAL_NAME


def temp_path(paths: VaultPaths) -> Path:
    return Path(str(paths.database) + TEMP_SUFFIX)


def new_entry(vault_id: str) -> str:
    """The keyring entry holding a new keyring key until the change is finished."""
    return vault_id + ".new"


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError, AttributeError):  # not possible on Windows; rename is durable enough
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


TMP_SUFFIX = ".rekey-tmp"  # our own name: other writers of vault.json use ".tmp"


def write_atomic(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all (temporary file, fsync, rename, fsync of the folder)."""
    tmp = path.with_name(path.name + TMP_SUFFIX)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    _fsync_folder(path.parent)


def write_journal(paths: VaultPaths, journal: Journal) -> None:
    data = {k: (v.value if isinstance(v, KeyMode) else v) for k, v in asdict(journal).items()}
    write_atomic(journal_path(paths), json.dumps(data, indent=2))


def read_journal(paths: VaultPaths) -> Journal | None:
    path = journal_path(paths)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        journal = Journal(
            str(data["state"]),
            str(data["vault_id"]),
            KeyMode(data["old_mode"]),
            KeyMode(data["new_mode"]),
            int(data.get("size", 0)),
            str(data.get("sha256", "")),
        )
        if journal.state not in ("preparing", "committed"):
            raise ValueError(journal.state)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise VaultError(
            f"{path} (the note of an interrupted change of lock) is damaged, so Reverie cannot tell whether "
            "to finish or undo that change; restore the vault from a backup or export."
        ) from exc
    return journal


def set_header_mode(header: Path, mode: KeyMode) -> None:
    """Name ``mode`` in ``vault.json``, keeping every other field as it is."""
    data = json.loads(header.read_text(encoding="utf-8"))
    if data.get("key_mode") == mode.value:
        return
    data["key_mode"] = mode.value
    write_atomic(header, json.dumps(data, indent=2))


def pending(paths: VaultPaths) -> bool:
    """True when an unfinished change of lock (or its leftovers) is in the vault folder."""
    return any(p.exists() for p in (journal_path(paths), temp_path(paths), *_strays(paths)))


def _strays(paths: VaultPaths) -> tuple[Path, ...]:
    """Files a crash can leave: half-written journal or header, a copy from the renaming versions."""
    return (
        journal_path(paths).with_name(JOURNAL_NAME + TMP_SUFFIX),
        paths.header.with_name(paths.header.name + TMP_SUFFIX),
        Path(str(paths.database) + LEGACY_OLD_SUFFIX),
    )


def remove_temp(paths: VaultPaths) -> None:
    base = str(temp_path(paths))
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(base + suffix)


def file_digest(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


# Descriptors of vault files written in place, kept open for the life of the process: closing a
# descriptor of a file drops every POSIX lock this process holds on it, including the ones SQLite
# holds for another open connection to the vault (which would let a process that thinks it is the
# last one delete the WAL under it).
_kept: dict[str, int] = {}


def _kept_fd(path: Path) -> int:
    key = os.path.realpath(path)
    fd = _kept.get(key)
    if fd is not None:
        try:
            st, held = os.stat(key), os.fstat(fd)
            if (st.st_dev, st.st_ino) == (held.st_dev, held.st_ino):
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)  # a file that is gone or was replaced: its locks are no one's concern now
    fd = _kept[key] = os.open(key, os.O_RDWR | os.O_CREAT, 0o600)
    return fd


def copy_in_place(src: Path, dst: Path) -> None:
    """Write ``src``'s bytes over ``dst`` (same file, same identity), then cut it to size and fsync."""
    size = src.stat().st_size
    fd = _kept_fd(dst)
    os.lseek(fd, 0, os.SEEK_SET)
    with open(src, "rb") as fh:
        half_told = False
        while chunk := fh.read(min(CHUNK, max(1, size // 2))):
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view) :]
            if not half_told:
                half_told = True
                at("copy-half")
    os.ftruncate(fd, size)
    os.fsync(fd)


def rollback(paths: VaultPaths, journal: Journal) -> None:
    """Undo a change that did not reach ``committed``: the vault itself was never touched."""
    remove_temp(paths)
    if journal.new_mode is KeyMode.KEYRING:
        keymod.delete_key(new_entry(journal.vault_id))
    with contextlib.suppress(FileNotFoundError):
        os.unlink(journal_path(paths))


def finish(paths: VaultPaths, journal: Journal) -> None:
    """Finish a committed change; every step may be done again after a crash."""
    temp = temp_path(paths)
    try:
        found = file_digest(temp)
    except FileNotFoundError:
        found = (-1, "")
    if found != (journal.size, journal.sha256):
        raise VaultError(
            f"An interrupted change of lock cannot be finished because its new file {temp} is missing or "
            "damaged; restore the vault from a backup or export."
        )
    copy_in_place(temp, paths.database)
    at("copied")
    if journal.new_mode is KeyMode.KEYRING:
        new_key = keymod.peek_key(new_entry(journal.vault_id))
        if new_key is not None:  # None: it was moved already, before a crash
            keymod.store_key(journal.vault_id, keymod.check_raw_key(new_key))
        at("stored-key")
    elif journal.old_mode is KeyMode.KEYRING:
        keymod.delete_key(journal.vault_id)
        at("deleted-key")
    set_header_mode(paths.header, journal.new_mode)
    at("header")
    if journal.new_mode is KeyMode.KEYRING:
        keymod.delete_key(new_entry(journal.vault_id))
    os.unlink(journal_path(paths))
    _fsync_folder(paths.folder)
    at("journal-removed")
    remove_temp(paths)


def _legacy(paths: VaultPaths) -> None:
    """Leftovers of versions that renamed the new file into place: put the matching file back."""
    old = Path(str(paths.database) + LEGACY_OLD_SUFFIX)
    if not old.exists():
        return
    if not paths.database.exists():
        os.replace(old, paths.database)  # stopped between the two renames: the old file is the vault
        return
    try:
        header_plain = json.loads(paths.header.read_text(encoding="utf-8")).get("key_mode") == KeyMode.NONE.value
        fd = _kept_fd(paths.database)
        os.lseek(fd, 0, os.SEEK_SET)
        db_plain = os.read(fd, 16) == SQLITE_MAGIC
    except (OSError, ValueError):
        return
    if header_plain != db_plain:  # the new file was moved in, but vault.json still names the old mode
        for extra in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(str(paths.database) + extra)
        os.replace(old, paths.database)
    else:
        os.unlink(old)


def recover(paths: VaultPaths) -> bool:
    """Finish or undo an interrupted change of lock; the caller holds the vault's lock exclusively.
    True when something was done."""
    for stray in _strays(paths)[:2]:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(stray)
    journal = read_journal(paths)
    if journal is None:
        if not pending(paths):
            return False
        remove_temp(paths)  # a change that failed before writing its journal
        _legacy(paths)
        return True
    if journal.state == "preparing":
        rollback(paths, journal)
    else:
        finish(paths, journal)
    return True
