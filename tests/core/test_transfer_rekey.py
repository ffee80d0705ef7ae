"""Changing how the vault is locked: all four moves, verified copies, nothing lost, no plaintext left."""

from __future__ import annotations

import pytest
from helpers import folder_snapshot
from transfer_helpers import dump, populate

from reverie.core.errors import InputError, KeyringUnavailableError, WrongKeyError
from reverie.core.keys import KeyMode
from reverie.core.transfer.rekey import change_lock
from reverie.core.vault import Vault

SENTINEL = "XYZZY-PLUGH-4711"


def _no_sentinel(folder):
    for name, data in folder_snapshot(folder).items():
        assert SENTINEL.encode() not in data, name


def test_add_encryption_to_a_plaintext_vault_and_remove_it_again(paths, clock, memory_keyring):
    v = Vault.create(paths, KeyMode.NONE, clock=clock)
    populate(v, clock, sentinel=SENTINEL)
    before = dump(v)
    v = change_lock(v, KeyMode.KEYRING)
    assert v.key_mode is KeyMode.KEYRING and dump(v) == before
    assert [k for (_, k) in memory_keyring.store] == [v.header.vault_id]
    v.close()
    _no_sentinel(paths.folder)
    assert sorted(p.name for p in paths.folder.iterdir()) == ["reverie.db", "vault.json", "vault.lock"]
    v = Vault.open(paths, clock=clock)
    v = change_lock(v, KeyMode.NONE)
    assert not v.encrypted and dump(v) == before and memory_keyring.store == {}
    v.close()
    assert paths.database.read_bytes()[:16] == b"SQLite format 3\x00"
    v = Vault.open(paths, clock=clock)
    v = change_lock(v, KeyMode.PASSPHRASE, "a long passphrase")
    v.close()
    _no_sentinel(paths.folder)
    with pytest.raises(WrongKeyError):
        Vault.open(paths, "another passphrase")
    v = Vault.open(paths, "a long passphrase", clock=clock)
    assert dump(v) == before
    v = change_lock(v, KeyMode.PASSPHRASE, "a second passphrase")  # in place
    v = change_lock(v, KeyMode.KEYRING)
    assert v.key_mode is KeyMode.KEYRING and dump(v) == before
    v.close()


def test_refusals_leave_the_vault_as_it_was(paths, clock, no_keyring):
    v = Vault.create(paths, KeyMode.NONE, clock=clock)
    populate(v, clock)
    v.close()
    snap = folder_snapshot(paths.folder)
    v = Vault.open(paths, clock=clock)
    with pytest.raises(KeyringUnavailableError):
        change_lock(v, KeyMode.KEYRING)
    with pytest.raises(InputError, match="too short"):
        change_lock(v, KeyMode.PASSPHRASE, "short")
    v.close()
    assert folder_snapshot(paths.folder) == snap


def test_a_copy_that_fails_verification_is_thrown_away(paths, clock, monkeypatch):
    from reverie.core.errors import TransferError
    from reverie.core.transfer import rekey

    v = Vault.create(paths, KeyMode.NONE, clock=clock)
    populate(v, clock)
    v.close()
    snap = folder_snapshot(paths.folder)
    v = Vault.open(paths, clock=clock)
    real = rekey._counts
    calls = []

    def counts(conn):
        calls.append(1)
        got = real(conn)
        return got if len(calls) == 1 else {**got, "notes": got["notes"] - 1}  # the copy "lost" a note

    monkeypatch.setattr(rekey, "_counts", counts)
    with pytest.raises(TransferError, match="did not match the original"):
        change_lock(v, KeyMode.PASSPHRASE, "a long passphrase")
    assert not v.closed and v.counts()["notes"] == 2
    v.close()
    assert folder_snapshot(paths.folder) == snap
