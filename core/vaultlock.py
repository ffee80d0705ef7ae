"""The vault's lock across processes, and its generation.

Every transaction and every read of the vault holds ``vault.lock`` (a file in the vault folder)
shared; changing how the vault is locked holds it exclusively. The file also holds the vault's
*generation*, a token that changes whenever the database file is re-written under a new key: a
process that finds a generation other than the one it opened under closes its connection and
opens the vault again before touching the database, so nobody keeps using a key or a page cache
that no longer matches the file.

Within one process the lock is a reader-writer lock shared by every ``Vault`` of that folder (one
open file per folder, so the operating system's lock is never taken against ourselves). The
operating system's lock is ``flock`` on POSIX; on Windows ``msvcrt.locking`` (exclusive only, so
readers of different processes take turns there).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from reverie.core.errors import DataFolderError, VaultBusyError

LOCK_NAME = "vault.lock"
WAIT_STEP_S = 0.02
BUSY_LOCK_SENTENCE = (
    "The vault is busy: another Reverie window or command is changing how it is locked; try again in a moment."
)

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _os_try_lock(fd: int, exclusive: bool) -> bool:
        os.lseek(fd, 1 << 20, os.SEEK_SET)  # a byte past the generation, so reading it is never blocked
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _os_unlock(fd: int) -> None:
        os.lseek(fd, 1 << 20, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _os_try_lock(fd: int, exclusive: bool) -> bool:
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _os_unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class VaultLock:
    """The shared/exclusive lock of one vault folder (use ``VaultLock.of(folder)``)."""

    _registry: dict[str, VaultLock] = {}
    _registry_lock = threading.Lock()

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._cond = threading.Condition(threading.Lock())
        self._readers: dict[int, int] = {}  # thread id -> depth
        self._owner: int | None = None  # the thread holding it exclusively
        self._owner_depth = 0
        self._os_held = False
        self._io = threading.Lock()

    @classmethod
    def of(cls, folder: Path) -> VaultLock:
        key = os.path.realpath(folder / LOCK_NAME)
        with cls._registry_lock:
            lock = cls._registry.get(key)
            if lock is None:
                lock = cls._registry[key] = cls(Path(key))
            return lock

    # -- the file --------------------------------------------------------------------------
    def _open(self) -> int:
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            except PermissionError:
                try:  # a read-only vault can still be read (and is told read-only when written)
                    self._fd = os.open(self.path, os.O_RDONLY)
                except OSError as exc:
                    raise DataFolderError(
                        f"Reverie cannot open the vault's lock file {self.path}: {exc.strerror or exc}."
                    ) from exc
            except OSError as exc:
                raise DataFolderError(
                    f"Reverie cannot open the vault's lock file {self.path}: {exc.strerror or exc}."
                ) from exc
        return self._fd

    def generation(self) -> str:
        """The current generation (empty before the first change of lock); only while holding the lock."""
        if self._fd is None:
            raise RuntimeError("generation() needs the lock")
        with self._io:  # threads holding it shared share the descriptor's offset (no pread on Windows)
            os.lseek(self._fd, 0, os.SEEK_SET)
            data = os.read(self._fd, 64)
        return data.decode("ascii", "replace").strip()

    def bump(self) -> str:
        """Give the vault a new generation; only while holding the lock exclusively."""
        if self._owner != threading.get_ident():
            raise RuntimeError("bump() needs the exclusive lock")
        token = secrets.token_hex(8)
        fd = self._open()
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, (token + "\n").encode("ascii"))
        os.ftruncate(fd, len(token) + 1)
        return token

    # -- locking ---------------------------------------------------------------------------
    def owns_exclusive(self) -> bool:
        return self._owner == threading.get_ident()

    def depth(self) -> int:
        """How deep the calling thread is in this lock (0: it does not hold it)."""
        me = threading.get_ident()
        return self._owner_depth if self._owner == me else self._readers.get(me, 0)

    def acquire(self, *, exclusive: bool, timeout: float) -> None:
        me = threading.get_ident()
        deadline = time.monotonic() + timeout
        with self._cond:
            if self._owner == me:
                self._owner_depth += 1
                return
            if me in self._readers:
                if exclusive:
                    raise RuntimeError("cannot upgrade a shared vault lock to an exclusive one")
                self._readers[me] += 1
                return
            while self._owner is not None or (exclusive and self._readers):
                left = deadline - time.monotonic()
                if left <= 0 or not self._cond.wait(left):
                    raise VaultBusyError(BUSY_LOCK_SENTENCE)
            if not self._os_held:
                self._os_acquire(exclusive, deadline)
            if exclusive:
                self._owner, self._owner_depth = me, 1
            else:
                self._readers[me] = 1

    def _os_acquire(self, exclusive: bool, deadline: float) -> None:
        fd = self._open()
        while not _os_try_lock(fd, exclusive):
            if time.monotonic() >= deadline:
                os.close(fd)
                self._fd = None
                raise VaultBusyError(BUSY_LOCK_SENTENCE)
            time.sleep(WAIT_STEP_S)
        self._os_held = True

    def release(self) -> None:
        me = threading.get_ident()
        with self._cond:
            if self._owner == me:
                self._owner_depth -= 1
                if self._owner_depth:
                    return
                self._owner = None
            else:
                depth = self._readers[me] - 1
                if depth:
                    self._readers[me] = depth
                    return
                del self._readers[me]
            if self._owner is None and not self._readers and self._os_held and self._fd is not None:
                _os_unlock(self._fd)
                os.close(self._fd)  # no descriptor is kept between uses: a folder may be removed
                self._fd, self._os_held = None, False
            self._cond.notify_all()

    @contextlib.contextmanager
    def shared(self, timeout: float) -> Iterator[None]:
        self.acquire(exclusive=False, timeout=timeout)
        try:
            yield
        finally:
            self.release()

    @contextlib.contextmanager
    def exclusive(self, timeout: float) -> Iterator[None]:
        self.acquire(exclusive=True, timeout=timeout)
        try:
            yield
        finally:
            self.release()
