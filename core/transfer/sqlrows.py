"""sqlite-utils over an open vault connection, for reading rows and tables.

``sqlite_utils.Database(conn)`` accepts a ``sqlcipher3`` connection, but by default it turns on
recursive triggers and runs plugin hooks on it; ``reader`` does neither, so the connection stays as the
vault set it up. Its write methods (``insert_all``, ``update``, ``upsert``, ``delete``) are never used on
a vault connection: they run inside ``with conn:``, which COMMITS the caller's transaction, and Reverie's
writes (an import above all) are all or nothing. See docs/decisions.md.
"""

from __future__ import annotations

import sqlite_utils

from reverie.core.sqltypes import Connection


def reader(conn: Connection) -> sqlite_utils.Database:
    """A sqlite-utils view of ``conn`` that leaves the connection's settings as they were."""
    return sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
