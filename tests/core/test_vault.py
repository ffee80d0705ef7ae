"""The vault on disk: creation, encryption, keys, refusals that leave it as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlite_utils
from helpers import folder_snapshot

from reverie.app import context
from reverie.core import notes, schema
from reverie.core.errors import (
    DataFolderError,
    KeyringUnavailableError,
    NotAVaultError,
    VaultLockedError,
    VaultTooNewError,
    WrongKeyError,
)
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.vault import Vault


def test_new_vault_is_encrypted_with_a_random_key_in_the_keyring(paths, clock, memory_keyring):
    v = Vault.create(paths, KeyMode.KEYRING, clock=clock)
    assert v.encrypted and v.key_mode is KeyMode.KEYRING
    (((service, user), key),) = memory_keyring.store.items()
    assert user == v.header.vault_id and len(key) == 64 and int(key, 16) > 0
    assert v.schema_version() == schema.latest_version()
    with v.read() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    v.close()
    assert paths.database.read_bytes()[:16] != b"SQLite format 3\x00"
    v2 = Vault.open(paths, clock=clock)
    assert v2.counts()["notes"] == 0
    v2.close()


def test_sentinel_text_leaves_no_trace_on_disk(paths, clock):
    v = Vault.create(paths, KeyMode.KEYRING, clock=clock)
    notes.create_note(v, "The sentinel is XYZZY-PLUGH-4711, keep it secret.", "Sentinel XYZZY-PLUGH-4711")
    with v.read() as conn:  # an uncheckpointed WAL must be encrypted too
        assert conn.execute("SELECT count(*) FROM memories").fetchone()[0] >= 1
    for f in paths.folder.iterdir():
        assert b"XYZZY" not in f.read_bytes(), f
    v.close()
    for f in paths.folder.iterdir():
        assert b"XYZZY" not in f.read_bytes(), f


def test_no_keyring_means_asking_never_silent_plaintext(paths, no_keyring, monkeypatch):
    assert context.default_choice(env={}) is None
    with pytest.raises(KeyringUnavailableError):
        Vault.create(paths, KeyMode.KEYRING)
    assert not paths.database.exists() and not paths.header.exists()
    choice = context.default_choice(env={"REVERIE_PASSPHRASE": "a long passphrase"})
    assert choice == context.VaultChoice(KeyMode.PASSPHRASE, "a long passphrase")


def test_keyring_vault_without_keyring_gives_a_sentence(paths, clock, monkeypatch):
    Vault.create(paths, KeyMode.KEYRING, clock=clock).close()
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    with pytest.raises(KeyringUnavailableError, match="keyring"):
        Vault.open(paths)


def test_passphrase_vault_wrong_and_missing_passphrase(paths, clock):
    v = Vault.create(paths, KeyMode.PASSPHRASE, "correct horse battery", clock=clock)
    notes.create_note(v, "hello")
    v.close()
    before = folder_snapshot(paths.folder)
    with pytest.raises(WrongKeyError, match="could not be unlocked"):
        Vault.open(paths, "wrong horse battery")
    with pytest.raises(VaultLockedError, match="passphrase"):
        Vault.open(paths)
    assert folder_snapshot(paths.folder) == before
    v = Vault.open(paths, "correct horse battery")
    assert v.counts()["notes"] == 1
    v.close()


def test_short_passphrase_is_refused_before_anything_is_written(paths):
    from reverie.core.errors import InputError

    with pytest.raises(InputError, match="too short"):
        Vault.create(paths, KeyMode.PASSPHRASE, "short")
    assert not paths.exists()


@pytest.mark.parametrize("mode", [KeyMode.KEYRING, KeyMode.NONE])
def test_random_bytes_are_not_a_vault_and_stay_untouched(paths, clock, mode):
    Vault.create(paths, mode, clock=clock).close()
    paths.database.write_bytes(os.urandom(64 * 1024))
    for extra in ("-wal", "-shm"):
        Path(str(paths.database) + extra).unlink(missing_ok=True)
    before = folder_snapshot(paths.folder)
    with pytest.raises((NotAVaultError, WrongKeyError)) as err:
        Vault.open(paths)
    assert "." in str(err.value) and len(str(err.value).splitlines()) == 1
    assert folder_snapshot(paths.folder) == before


def test_damaged_header_is_refused(paths, clock):
    Vault.create(paths, KeyMode.NONE, clock=clock).close()
    paths.header.write_text("{not json")
    with pytest.raises(NotAVaultError, match="not a Reverie vault header"):
        Vault.open(paths)


def test_vault_from_a_newer_schema_is_refused_and_left_untouched(paths, clock):
    v = Vault.create(paths, KeyMode.NONE, clock=clock)
    with v.tx() as conn:
        conn.execute("PRAGMA user_version = 999")
    v.close()
    before = folder_snapshot(paths.folder)
    with pytest.raises(VaultTooNewError, match="newer version of Reverie"):
        Vault.open(paths)
    assert folder_snapshot(paths.folder) == before


def test_missing_and_unusable_data_folders(tmp_path, clock):
    with pytest.raises(DataFolderError, match="does not exist"):
        Vault.open(vault_paths(tmp_path / "nowhere"))
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    with pytest.raises(DataFolderError, match="cannot create"):
        Vault.create(vault_paths(a_file), KeyMode.NONE, clock=clock)
    # /proc is a read-only place even for root
    with pytest.raises(DataFolderError):
        Vault.create(vault_paths(Path("/proc/reverie-test")), KeyMode.NONE, clock=clock)


def test_read_only_vault_file(paths, clock, tmp_path):
    Vault.create(paths, KeyMode.NONE, clock=clock).close()
    # Simulate a read-only medium: open through a read-only bind is not available in tests, so
    # point the vault at a copy under /proc-like conditions by making the file immutable for
    # SQLite with the URI parameter it honours.
    os.chmod(paths.database, 0o444)
    os.chmod(paths.folder, 0o555)
    try:
        if os.access(paths.database, os.W_OK):
            pytest.skip("running as root: file permissions do not make a file read-only")
        with pytest.raises(DataFolderError, match="read-only"):
            Vault.open(paths)
    finally:
        os.chmod(paths.folder, 0o755)
        os.chmod(paths.database, 0o644)


def test_migrated_schema(vault):
    with vault.read() as conn:
        db = sqlite_utils.Database(conn)
        tables = set(db.table_names())
        assert {
            "conversations",
            "messages",
            "notes",
            "memories",
            "vectors",
            "memories_fts",
            "history",
            "job_runs",
            "settings",
            "schema_migrations",
            "citations",
        } <= tables
        mem = {c.name for c in db["memories"].columns}
        assert {
            "source_kind",
            "source_id",
            "span_start",
            "span_end",
            "recorded_at",
            "happened_at",
            "valid_from",
            "valid_to",
            "importance",
            "strength",
            "last_recalled_at",
            "recall_count",
            "pinned",
            "archived",
            "trust",
            "content_hash",
        } <= mem
        assert {c.name for c in db["vectors"].columns} >= {"memory_id", "model_id", "dim", "vec"}
        assert [r[0] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY version")] == [
            m.version for m in schema.all_migrations()
        ]
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.latest_version()
        # trust is one of three values
        with pytest.raises(Exception, match="CHECK"):
            conn.execute(
                "INSERT INTO memories(uid, kind, source_kind, text, recorded_at, happened_at, "
                "content_hash, trust) VALUES ('x', 'note', 'note', 't', 0, 0, 'h', 'alien')"
            )


def test_migrations_are_numbered_and_reopen_is_a_no_op(paths, clock):
    v = Vault.create(paths, KeyMode.NONE, clock=clock)
    v.close()
    v = Vault.open(paths)
    with v.read() as conn:
        assert schema.migrate(conn, 0.0) == []
    v.close()


def test_change_passphrase_and_move_key_to_keyring(paths, clock, memory_keyring):
    v = Vault.create(paths, KeyMode.PASSPHRASE, "first passphrase", clock=clock)
    notes.create_note(v, "kept across re-keying")
    v.change_key(KeyMode.PASSPHRASE, "second passphrase")
    v.close()
    with pytest.raises(WrongKeyError):
        Vault.open(paths, "first passphrase")
    v = Vault.open(paths, "second passphrase")
    v.change_key(KeyMode.KEYRING)
    v.close()
    v = Vault.open(paths)
    assert v.key_mode is KeyMode.KEYRING and v.counts()["notes"] == 1
    v.close()
