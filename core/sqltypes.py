"""The type the core gives a vault connection.

A vault is opened through SQLCipher, whose connection has the API of the standard library's
``sqlite3.Connection``; the core types it as that, so the type checker sees every ``execute``.
"""

from __future__ import annotations

import sqlite3

Connection = sqlite3.Connection


def inserted_id(cur: sqlite3.Cursor) -> int:
    """The rowid an INSERT just gave (SQLite always sets one; the type says it may be None)."""
    rowid = cur.lastrowid
    if rowid is None:
        raise RuntimeError("SQLite gave the inserted row no id.")
    return rowid
