"""Vault keys: a random 256-bit key in the OS keyring, or a passphrase, or (by explicit
choice) none.

Where no keyring backend exists we never fall back to plaintext silently: the caller is
told (``KeyringUnavailableError``) and must ask the user for a passphrase or for an
explicit choice of an unencrypted vault.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import keyring
from keyring.backends import fail
from keyring.errors import KeyringError, NoKeyringError

from reverie.core.errors import KeyringUnavailableError, VaultLockedError, WrongKeyError

KEYRING_SERVICE = "Reverie vault"


class KeyMode(StrEnum):
    KEYRING = "keyring"
    PASSPHRASE = "passphrase"
    NONE = "none"


RAW_KEY_DIGITS = 64
_HEX = frozenset("0123456789abcdefABCDEF")


@dataclass(frozen=True)
class VaultKey:
    """What unlocks a vault: a raw 32-byte key (hex), a passphrase, or nothing."""

    mode: KeyMode
    secret: str | None = None

    def material(self) -> str | None:
        """What SQLCipher is keyed with (bound with ``set_key`` or ``ATTACH ... KEY ?``, never pasted
        into SQL): ``x'<hex>'`` for a raw key, the passphrase itself, or None for a plaintext vault."""
        if self.mode is KeyMode.NONE:
            return None
        if self.secret is None:
            raise VaultLockedError("This vault is encrypted and no key or passphrase was given.")
        if self.mode is KeyMode.KEYRING:
            return f"x'{check_raw_key(self.secret)}'"
        if "\x00" in self.secret or not _encodable(self.secret):
            raise WrongKeyError("The vault could not be unlocked: the passphrase is wrong. Nothing was changed.")
        return self.secret

    def apply(self, conn: Any) -> None:
        """Key a freshly opened SQLCipher connection (nothing for a plaintext vault)."""
        material = self.material()
        if material is not None:
            conn.set_key(material)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_raw_key(value: str) -> str:
    """``value`` if it is a raw vault key (64 hexadecimal digits), else a clear error."""
    if len(value) != RAW_KEY_DIGITS or not set(value) <= _HEX:
        raise WrongKeyError(
            "The vault key kept in the system keyring is damaged (it should be 64 hexadecimal digits), "
            "so the vault cannot be unlocked with it; restore the key or use the recovery kit."
        )
    return value


def new_raw_key() -> str:
    """A fresh random 256-bit key as 64 hex digits."""
    return secrets.token_hex(32)


def check_passphrase(passphrase: str) -> str:
    from reverie.core.errors import InputError

    if not passphrase:
        raise InputError("The passphrase is empty; type at least 8 characters.")
    if "\x00" in passphrase:
        raise InputError("The passphrase contains a NUL character, which cannot be used.")
    if not _encodable(passphrase):
        raise InputError(
            "The passphrase contains bytes that are not valid text (check the terminal's or the variable's "
            "encoding); nothing was changed."
        )
    if len(passphrase) < 8:
        raise InputError("The passphrase is too short; use at least 8 characters.")
    return passphrase


def keyring_available() -> bool:
    """True when a real OS keyring backend is usable."""
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001 - any keyring failure means "not available"
        return False
    if isinstance(backend, fail.Keyring):
        return False
    try:
        return float(getattr(backend, "priority", 1)) > 0
    except Exception:  # noqa: BLE001
        return True


def store_key(vault_id: str, raw_key: str) -> None:
    try:
        keyring.set_password(KEYRING_SERVICE, vault_id, raw_key)
    except NoKeyringError as exc:
        raise KeyringUnavailableError(
            "No system keyring is available to hold the vault key; choose a passphrase instead."
        ) from exc
    except KeyringError as exc:
        raise KeyringUnavailableError(
            f"The system keyring refused to store the vault key ({exc}); choose a passphrase instead."
        ) from exc


def load_key(vault_id: str) -> str:
    try:
        value = keyring.get_password(KEYRING_SERVICE, vault_id)
    except NoKeyringError as exc:
        raise KeyringUnavailableError(
            "This vault's key is kept in the system keyring, but no keyring is available here; "
            "unlock the keyring (or start a desktop session) and try again."
        ) from exc
    except KeyringError as exc:
        raise KeyringUnavailableError(
            f"The system keyring could not be read ({exc}); unlock it and try again."
        ) from exc
    if not value:
        raise KeyringUnavailableError(
            "This vault's key is not in the system keyring (it may have been removed); "
            "the vault cannot be opened without it."
        )
    return check_raw_key(value)


def peek_key(entry: str) -> str | None:
    """The keyring entry's value, or None when there is none (a keyring that cannot be read is an error)."""
    try:
        return keyring.get_password(KEYRING_SERVICE, entry) or None
    except KeyringError as exc:
        raise KeyringUnavailableError(
            f"The system keyring could not be read ({exc}); unlock it and try again."
        ) from exc


def delete_key(vault_id: str) -> None:
    with contextlib.suppress(KeyringError):  # best effort: a key that is already gone is fine
        keyring.delete_password(KEYRING_SERVICE, vault_id)
