"""sqlite-utils on the vault's own (SQLCipher) connection: reads work, the connection is left as it was."""

from __future__ import annotations

import sqlite3

import sqlite_utils

from reverie.core import schema
from reverie.core.keys import KeyMode
from reverie.core.transfer import sqlrows
from reverie.core.transfer.export import table_rows


def test_reader_reads_an_encrypted_vault_inside_its_transaction_and_changes_no_setting(vault):
    assert vault.key_mode is not KeyMode.NONE
    with vault.tx() as conn:
        conn.execute(
            "INSERT INTO conversations(id, title, created_at, updated_at, meta) "
            "VALUES ('c1', 'Trip', 1.0, 2.0, '{\"k\": [1]}')"
        )
        db = sqlrows.reader(conn)
        assert {"memories", "notes", "conversations"} <= set(db.table_names())
        assert db["schema_migrations"].count == len(schema.all_migrations())
        assert list(db.query("SELECT id, title FROM conversations")) == [{"id": "c1", "title": "Trip"}]
        assert [r["meta"] for r in table_rows(conn, "conversations")] == [{"k": [1]}]  # JSON columns decoded
        assert conn.in_transaction  # reading did not end the caller's transaction
        assert conn.execute("PRAGMA recursive_triggers").fetchone()[0] == 0


def test_sqlite_utils_writers_commit_the_callers_transaction_which_is_why_the_vault_never_uses_them():
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
    conn.execute("BEGIN")
    sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)["t"].insert_all([{"id": 1}])
    assert not conn.in_transaction  # `with conn:` inside insert_all committed: a later ROLLBACK could not undo it
