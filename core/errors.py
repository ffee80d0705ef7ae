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
