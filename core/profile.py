"""The user's profile ("What Reverie knows about me"): a short text the user can edit and
nightly consolidation keeps current. Stored under the ``profile`` key of the settings table;
every change is logged in history (entity ``"profile"``)."""

from __future__ import annotations

import json

from reverie.core import history
from reverie.core.errors import InputError
from reverie.core.sqltypes import Connection
from reverie.core.textutil import clean_text
from reverie.core.vault import Vault

KEY = "profile"
MAX_PROFILE_CHARS = 20_000


def text_setting(conn: Connection, key: str) -> str:
    """A settings value that holds a JSON string ("" when missing or not a string)."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    if row is None:
        return ""
    try:
        value = json.loads(row[0])
    except ValueError:
        return ""
    return value if isinstance(value, str) else ""


def get_profile(vault: Vault) -> str:
    with vault.read() as conn:
        return text_setting(conn, KEY)


def set_profile(vault: Vault, text: str, *, actor: str = "user") -> str:
    """Replace the profile; returns the stored text (cleaned, trimmed)."""
    text = clean_text(text).strip()
    if len(text) > MAX_PROFILE_CHARS:
        raise InputError(
            f"The profile is {len(text)} characters; keep it under {MAX_PROFILE_CHARS}. Nothing was changed."
        )
    now = vault.now()
    with vault.tx() as conn:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (KEY,)).fetchone()
        old = json.loads(row[0]) if row else ""
        if old == text:
            return text
        conn.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (KEY, json.dumps(text, ensure_ascii=False)),
        )
        history.log(conn, now, "profile", KEY, "update", actor=actor, before={"text": old}, after={"text": text})
    return text
