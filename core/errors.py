"""Errors the user can read.

Every error raised on purpose by Reverie is a ``ReverieError`` whose ``str()`` is one
clear sentence for the person at the keyboard. The UI and the CLI show that sentence and
nothing else; the vault is left as it was.
"""

from __future__ import annotations


class ReverieError(Exception):
    """Base class: ``str(err)`` is a sentence fit to show to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class DataFolderError(ReverieError):
    """The data folder is missing, unreadable or read-only."""


class VaultError(ReverieError):
    """The vault cannot be opened or used."""


class NotAVaultError(VaultError):
    """The file is not a Reverie vault (random bytes, damaged, or another program's file)."""


class WrongKeyError(VaultError):
    """The key or passphrase does not open this vault."""


class VaultTooNewError(VaultError):
    """The vault was written by a newer Reverie whose schema this one does not know."""


class VaultLockedError(VaultError):
    """The vault needs a passphrase or key that was not given."""


class KeyringUnavailableError(VaultError):
    """No OS keyring backend is available to hold the vault key."""


class InputError(ReverieError):
    """Input that Reverie refuses (too large, malformed, of the wrong kind)."""


class NotFoundError(ReverieError):
    """A record that was asked for does not exist (any more)."""


class ModelError(ReverieError):
    """A model is missing, damaged, or failed."""


class TransferError(InputError):
    """A vault file, a Markdown folder or a chat export that cannot be imported or written."""


class TransferCancelledError(ReverieError):
    """The user cancelled an import or export; nothing was changed."""


class VaultBusyError(VaultError):
    """Another process (a second window, a CLI command) held the vault's write lock past the busy timeout."""


class FileAccessError(ReverieError):
    """The operating system refused a file operation (permissions, a full disk, a missing folder)."""


BUSY_SENTENCE = "Reverie is busy in another window; try again."

# What SQLite says when another connection holds the lock past the busy timeout (SQLITE_BUSY,
# SQLITE_LOCKED). The stdlib's sqlite3 and SQLCipher's dbapi2 raise different classes with the
# same messages, so the messages are what is matched.
_BUSY_MESSAGES = ("database is locked", "database is busy", "database table is locked", "database schema is locked")


def is_busy(exc: BaseException) -> bool:
    """True when ``exc``, or an error it was raised ``from``, is SQLite saying another connection
    holds the lock (e.g. the vault's "could not be opened" error raised from "database is locked")."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, VaultBusyError):
            return True
        if type(current).__name__ == "OperationalError" and any(m in str(current).lower() for m in _BUSY_MESSAGES):
            return True
        current = current.__cause__
    return False


def user_error(exc: BaseException) -> ReverieError | None:
    """The error to show the user for ``exc``: a busy vault becomes ``VaultBusyError``, an OS refusal
    a ``FileAccessError`` naming the path, a ``ReverieError`` is itself. None: an unexpected error."""
    if is_busy(exc):
        return exc if isinstance(exc, VaultBusyError) else VaultBusyError(BUSY_SENTENCE)
    if isinstance(exc, ReverieError):
        return exc
    if isinstance(exc, OSError):
        where = exc.filename if exc.filename is not None else None
        reason = exc.strerror or type(exc).__name__
        if where is not None:
            return FileAccessError(f"Reverie could not use {where}: {reason}.")
        return FileAccessError(f"Reverie could not read or write a file: {reason}.")
    return None


def describe(exc: BaseException) -> str:
    """One sentence for any error: the user error's own, or one naming the unexpected error's type."""
    known = user_error(exc)
    if known is not None:
        return str(known)
    return f"Something went wrong ({type(exc).__name__}); your data is unchanged."
