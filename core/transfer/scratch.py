"""Where an export is written before it is complete: a private work folder in the vault folder.

Every export (a ``.reverie`` file or a Markdown folder) is built in its own job folder,
``<vault folder>/.transfer-tmp/job-…/`` (0700), never in the destination folder, and moved into
place only when complete (``Job.place``: a rename, so the final file or folder is never partial).
The job folder is removed when the export ends, whether it succeeded or not. A process killed
mid-export leaves its job folder behind; ``sweep_stale_temps`` removes such folders when a vault
is next opened (and before every export). A running export holds a lock on its job folder, so a
sweep from another process leaves it alone.

When the destination is on another file system a rename cannot cross, the result is copied next
to the destination under a hidden name (``.reverie-staging-…``, recorded in the job folder first
so a sweep can remove it after a crash) and renamed from there.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO

PRIVATE_DIR = ".transfer-tmp"
STAGING_PREFIX = ".reverie-staging-"
_JOB_PREFIX = "job-"
_LOCK = "lock"
_REMOTE = "remote"  # the hidden staging path next to the destination, when one is used
FILE_MODE = 0o600
DIR_MODE = 0o700

if sys.platform != "win32":
    import fcntl

    def _try_lock(fd: int, exclusive: bool = True) -> bool:
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _lock(fd: int, exclusive: bool) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)

else:  # pragma: no cover - Windows: an open file cannot be deleted, which protects a running job

    def _try_lock(fd: int, exclusive: bool = True) -> bool:
        return True

    def _lock(fd: int, exclusive: bool) -> None:
        return None


def private_root(vault_folder: Path) -> Path:
    root = Path(vault_folder) / PRIVATE_DIR
    root.mkdir(mode=DIR_MODE, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(root, DIR_MODE)
    return root


@contextlib.contextmanager
def _guard(root: Path, exclusive: bool) -> Iterator[None]:
    """Held while a job is being created (shared) or while stale jobs are swept (exclusive), so a
    sweep never takes a job folder that exists but is not locked yet."""
    fd = os.open(root / ".guard", os.O_CREAT | os.O_RDWR, FILE_MODE)
    try:
        _lock(fd, exclusive)
        yield
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def _remove_remote(job_dir: Path) -> None:
    with contextlib.suppress(OSError, UnicodeDecodeError):
        remote = Path((job_dir / _REMOTE).read_text(encoding="utf-8"))
        if remote.name.startswith(STAGING_PREFIX):
            _remove(remote)


def sweep_stale_temps(vault_folder: str | Path) -> int:
    """Remove what killed exports left: job folders no running export holds (and any hidden staging
    copy they recorded next to a destination). Returns how many were removed; never raises."""
    root = Path(vault_folder) / PRIVATE_DIR
    if not root.is_dir():
        return 0
    removed = 0
    try:
        with _guard(root, exclusive=True):
            for entry in list(root.iterdir()):
                if entry.name == ".guard":
                    continue
                if not entry.name.startswith(_JOB_PREFIX) or not entry.is_dir() or entry.is_symlink():
                    _remove(entry)
                    removed += 1
                    continue
                try:
                    fd = os.open(entry / _LOCK, os.O_RDWR)
                except FileNotFoundError:
                    fd = -1
                try:
                    if fd >= 0 and not _try_lock(fd):
                        continue  # a running export holds it
                    _remove_remote(entry)
                    shutil.rmtree(entry, ignore_errors=True)
                    removed += 1
                finally:
                    if fd >= 0:
                        os.close(fd)
    except OSError:
        return removed
    return removed


class Job:
    """One export's private work folder (see the module docstring). Use as a context manager."""

    def __init__(self, vault_folder: str | Path) -> None:
        root = private_root(Path(vault_folder))
        with _guard(root, exclusive=False):
            self.dir = Path(tempfile.mkdtemp(prefix=_JOB_PREFIX, dir=root))  # 0700
            self._fd = os.open(self.dir / _LOCK, os.O_CREAT | os.O_RDWR, FILE_MODE)
            _try_lock(self._fd)

    def new_file(self, name: str) -> tuple[Path, IO[bytes]]:
        path = self.dir / name
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), FILE_MODE)
        return path, os.fdopen(fd, "wb")

    def place(self, src: Path, dest: Path) -> None:
        """Move ``src`` (a file or folder in the job folder) to ``dest`` as one rename."""
        try:
            os.replace(src, dest)
            return
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
        staging = dest.parent / f"{STAGING_PREFIX}{uuid.uuid4().hex}"
        note = self.dir / _REMOTE
        note.write_text(str(staging), encoding="utf-8")
        _fsync_file(note)
        if src.is_dir():
            shutil.copytree(src, staging, copy_function=shutil.copyfile)
            _private_tree(staging)
        else:
            fd = os.open(staging, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), FILE_MODE)
            with os.fdopen(fd, "wb") as out, open(src, "rb") as inp:
                shutil.copyfileobj(inp, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())
        os.replace(staging, dest)

    def close(self) -> None:
        _remove_remote(self.dir)
        shutil.rmtree(self.dir, ignore_errors=True)
        with contextlib.suppress(OSError):
            os.close(self._fd)

    def __enter__(self) -> Job:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def _private_tree(root: Path) -> None:
    os.chmod(root, DIR_MODE)
    for folder, dirs, files in os.walk(root):
        for d in dirs:
            os.chmod(Path(folder) / d, DIR_MODE)
        for f in files:
            os.chmod(Path(folder) / f, FILE_MODE)
