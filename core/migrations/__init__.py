"""Numbered schema migrations.

Each migration is a module ``mNNNN_name.py`` with a ``SQL`` string (or an ``apply(conn, now)``
function). The runner applies the missing ones in order, each in its own transaction, and
records the version in ``PRAGMA user_version`` and ``schema_migrations``.
"""
