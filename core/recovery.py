"""The recovery kit: a code, shown once, that opens the vault when its key is lost.

The vault's secret (the raw key of a keyring vault, the passphrase of a passphrase vault) is
encrypted with AES-256-GCM under a key derived from the recovery code by scrypt, and kept in
``vault.json`` (``VaultHeader.recovery``) with a check value of the secret, so a kit made before
the lock changed shows as stale (``kit_matches``). An unencrypted vault needs no kit.

The code is 28 characters of Crockford's base 32 (no I, L, O, U) in seven groups of four: 26 random
characters (130 bits) and two check characters that catch a typo before any decryption is tried.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from reverie.core import keys as keymod
from reverie.core.errors import InputError, VaultError, WrongKeyError
from reverie.core.keys import KeyMode, VaultKey
from reverie.core.paths import VaultPaths
from reverie.core.vault import Vault, VaultHeader, _connect

KIT_VERSION = 1
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
RANDOM_CHARS = 26  # 26 x 5 = 130 bits
CHECK_CHARS = 2
GROUP = 4
# scrypt: 2**15 x 8 x 128 bytes = 32 MiB and about 0.1 s a try; the code's 130 bits do the rest.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
_MAXMEM = 64 * 1024 * 1024
_TRANSLATE = str.maketrans({"O": "0", "I": "1", "L": "1"})

STALE_TEXT = "The vault's lock has changed since this kit was made: the old code no longer opens it. Make a new kit."


@dataclass(frozen=True)
class KitInfo:
    """What Settings shows about the kit (no secrets)."""

    exists: bool
    created_at: float | None = None
    key_mode: KeyMode | None = None


# -- the code ------------------------------------------------------------------------------------


def _check_chars(body: str) -> str:
    digest = hashlib.sha256(("reverie-recovery-code:" + body).encode()).digest()
    value = int.from_bytes(digest[:2], "big") >> (16 - 5 * CHECK_CHARS)
    return "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(CHECK_CHARS)))


def new_code() -> str:
    """A fresh recovery code, grouped for reading: ``7K3Q-M2XD-...`` (seven groups of four)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_CHARS))
    full = body + _check_chars(body)
    return "-".join(full[i : i + GROUP] for i in range(0, len(full), GROUP))


def normalize_code(code: str) -> str:
    """The code as stored for key derivation: upper case, no spaces or dashes, O read as 0 and I/L
    as 1. Raises ``InputError`` (one sentence) for a code of the wrong length, a letter outside
    the alphabet or a typo caught by the check characters."""
    text = "".join(ch for ch in code.upper() if not ch.isspace() and ch not in "-_").translate(_TRANSLATE)
    if not text:
        raise InputError("Type the recovery code: 28 letters and digits in groups of four.")
    bad = sorted({ch for ch in text if ch not in ALPHABET})
    if bad:
        raise InputError(f"A recovery code has no {' or '.join(repr(b) for b in bad)}; check what you typed.")
    if len(text) != RANDOM_CHARS + CHECK_CHARS:
        raise InputError(
            f"A recovery code has {RANDOM_CHARS + CHECK_CHARS} letters and digits; this one has {len(text)}."
        )
    body, check = text[:RANDOM_CHARS], text[RANDOM_CHARS:]
    if not hmac.compare_digest(check, _check_chars(body)):
        raise InputError("That recovery code has a typo (its last characters do not match); check it and try again.")
    return text


# -- wrapping ------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def _derive(code: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(code.encode("ascii"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=32)


def _aad(vault_id: str, mode: KeyMode) -> bytes:
    return f"reverie-recovery-v{KIT_VERSION}|{vault_id}|{mode.value}".encode()


def check_value(secret: str, salt: bytes, mode: KeyMode) -> bytes:
    """A salted fingerprint of the vault secret that tells a stale kit without the code. A keyring
    key is 256 random bits, so an HMAC is enough (and quick, for Settings); a passphrase gets scrypt,
    so the fingerprint costs a guesser as much as SQLCipher's own key derivation does."""
    if mode is KeyMode.KEYRING:
        return hmac.new(salt, b"reverie-kit-check:" + secret.encode("utf-8"), hashlib.sha256).digest()[:16]
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=_MAXMEM)[:16]


def make_record(vault_id: str, key: VaultKey, code: str, now: float) -> dict[str, Any]:
    """The kit as stored in ``vault.json``: ``key``'s secret wrapped under ``code``."""
    if key.mode is KeyMode.NONE:
        raise VaultError("An unencrypted vault needs no recovery kit: its file opens without a key.")
    if not key.secret:
        raise VaultError("The vault's key is not at hand, so no recovery kit was made.")
    normal = normalize_code(code)
    salt, nonce, check_salt = os.urandom(16), os.urandom(12), os.urandom(16)
    wrapping = _derive(normal, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    wrapped = AESGCM(wrapping).encrypt(nonce, key.secret.encode("utf-8"), _aad(vault_id, key.mode))
    return {
        "version": KIT_VERSION,
        "created_at": now,
        "key_mode": key.mode.value,
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt)},
        "aead": "aes-256-gcm",
        "nonce": _b64(nonce),
        "wrapped": _b64(wrapped),
        "check_salt": _b64(check_salt),
        "check": _b64(check_value(key.secret, check_salt, key.mode)),
    }


def unwrap(header: VaultHeader, code: str) -> VaultKey:
    """The vault key the kit in ``header`` holds, opened with ``code``. Raises ``InputError`` for a
    mistyped code, ``WrongKeyError`` for a code that is not this vault's, ``VaultError`` if there
    is no kit."""
    rec = header.recovery
    if not rec:
        raise VaultError("This vault has no recovery kit, so a recovery code cannot open it.")
    normal = normalize_code(code)
    try:
        mode = KeyMode(rec["key_mode"])
        kdf = rec["kdf"]
        if kdf.get("name") != "scrypt" or rec.get("aead") != "aes-256-gcm":
            raise ValueError("unknown algorithm")
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        if not (2**10 <= n <= 2**20 and 1 <= r <= 32 and 1 <= p <= 16):
            raise ValueError("scrypt parameters out of range")
        salt, nonce, wrapped = _unb64(kdf["salt"]), _unb64(rec["nonce"]), _unb64(rec["wrapped"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise VaultError("The recovery kit in vault.json is damaged; it cannot be used.") from exc
    try:
        secret = AESGCM(_derive(normal, salt, n, r, p)).decrypt(nonce, wrapped, _aad(header.vault_id, mode))
    except InvalidTag as exc:
        raise WrongKeyError(
            "That recovery code does not open this vault (it may belong to another vault or an older kit); "
            "nothing was changed."
        ) from exc
    return VaultKey(mode, secret.decode("utf-8"))


def kit_matches(header: VaultHeader, key: VaultKey) -> bool:
    """True when the kit in ``header`` was made for ``key`` (the vault's current key). False when
    there is no kit or the lock changed since it was made (make a new one)."""
    rec = header.recovery
    if not rec or key.mode is KeyMode.NONE or not key.secret:
        return False
    try:
        if KeyMode(rec["key_mode"]) is not key.mode:
            return False
        expected = _unb64(rec["check"])
        got = check_value(key.secret, _unb64(rec["check_salt"]), key.mode)
    except (KeyError, TypeError, ValueError):
        return False
    return hmac.compare_digest(expected, got)


def kit_info(header: VaultHeader) -> KitInfo:
    rec = header.recovery
    if not rec:
        return KitInfo(False)
    created = rec.get("created_at")
    try:
        mode: KeyMode | None = KeyMode(str(rec.get("key_mode")))
    except ValueError:
        mode = None
    return KitInfo(True, float(created) if isinstance(created, int | float) else None, mode)


# -- the vault's side ----------------------------------------------------------------------------


def _write_header(paths: VaultPaths, header: VaultHeader) -> None:
    tmp = paths.header.with_suffix(".json.tmp")
    tmp.write_text(header.to_json(), encoding="utf-8")
    os.replace(tmp, paths.header)


def current_key(vault: Vault, passphrase: str | None = None) -> VaultKey:
    """The open vault's key: from the keyring, or ``passphrase`` (checked against the file)."""
    mode = vault.key_mode
    if mode is KeyMode.NONE:
        return VaultKey(KeyMode.NONE)
    if mode is KeyMode.KEYRING:
        return VaultKey(mode, keymod.load_key(vault.header.vault_id))
    if not passphrase:
        raise InputError("Type the vault's passphrase to make a recovery kit for it.")
    key = VaultKey(mode, passphrase)
    conn = _connect(vault.paths.database, key, create=False)  # WrongKeyError for a wrong passphrase
    conn.close()
    return key


def make_kit(vault: Vault, now: float, passphrase: str | None = None) -> str:
    """Make a new kit for the open vault (replacing any old one) and return its code, to show once."""
    key = current_key(vault, passphrase)
    code = new_code()
    header = dataclasses.replace(vault.header, recovery=make_record(vault.header.vault_id, key, code, now))
    _write_header(vault.paths, header)
    vault.header = header
    return code


def kit_status(vault: Vault, passphrase: str | None = None) -> tuple[KitInfo, bool | None]:
    """The kit's info and whether it still opens the vault: True, False (stale), or None when that
    cannot be told here (a passphrase vault without its passphrase, a keyring that cannot be read)."""
    info = kit_info(vault.header)
    if not info.exists:
        return info, None
    if info.key_mode is not None and info.key_mode is not vault.key_mode:
        return info, False
    if vault.key_mode is KeyMode.PASSPHRASE and not passphrase:
        return info, None
    try:
        return info, kit_matches(vault.header, current_key(vault, passphrase))
    except VaultError:
        return info, None


@dataclass(frozen=True)
class Recovered:
    """What a recovery code gave back: the key is in the keyring again, or the passphrase to type."""

    mode: KeyMode
    passphrase: str | None = None


def recover(paths: VaultPaths, code: str) -> Recovered:
    """Open the vault's kit with ``code``, check the key opens the database, and put a keyring key
    back in the keyring (a passphrase vault's passphrase is returned to show). Nothing changes on a
    wrong code."""
    header = VaultHeader.read(paths.header)
    if header.key_mode is KeyMode.NONE:
        raise VaultError("This vault is not encrypted; it opens without a key or a recovery code.")
    key = unwrap(header, code)
    if key.mode is not header.key_mode:
        raise WrongKeyError(STALE_TEXT)
    try:
        conn = _connect(paths.database, key, create=False)
    except WrongKeyError as exc:
        raise WrongKeyError(STALE_TEXT) from exc
    with contextlib.suppress(Exception):
        conn.close()
    if key.mode is KeyMode.KEYRING:
        keymod.store_key(header.vault_id, key.secret or "")
        return Recovered(KeyMode.KEYRING)
    return Recovered(KeyMode.PASSPHRASE, key.secret)
