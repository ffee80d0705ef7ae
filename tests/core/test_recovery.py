"""The recovery kit: a code that opens the vault after its keyring entry (or passphrase) is lost."""

from __future__ import annotations

import json
import math

import pytest
from helpers import folder_snapshot
from transfer_helpers import dump, populate

from reverie.core import recovery
from reverie.core.errors import InputError, KeyringUnavailableError, VaultError, WrongKeyError
from reverie.core.keys import KeyMode, VaultKey
from reverie.core.vault import Vault, VaultHeader


def test_the_code_has_at_least_128_bits_and_reads_in_groups():
    code = recovery.new_code()
    groups = code.split("-")
    assert len(groups) == 7 and all(len(g) == 4 for g in groups)
    assert set(code.replace("-", "")) <= set(recovery.ALPHABET)
    assert recovery.RANDOM_CHARS * math.log2(len(recovery.ALPHABET)) >= 128
    assert len({recovery.new_code() for _ in range(50)}) == 50
    # typed loosely: lower case, spaces, O for 0 and l for 1 still read the same
    loose = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert recovery.normalize_code(loose) == code.replace("-", "")


def test_a_typo_is_caught_by_the_check_characters_with_a_sentence():
    code = recovery.new_code().replace("-", "")
    wrong = ("2" if code[3] != "2" else "3").join([code[:3], code[4:]])
    with pytest.raises(InputError, match="typo"):
        recovery.normalize_code(wrong)
    with pytest.raises(InputError, match="28 letters"):
        recovery.normalize_code(code[:20])
    with pytest.raises(InputError, match="has no 'U'"):
        recovery.normalize_code("U" + code[1:])


def test_a_keyring_vault_opens_with_the_code_after_the_keyring_entry_is_deleted(paths, clock, memory_keyring):
    v = Vault.create(paths, KeyMode.KEYRING, clock=clock)
    populate(v, clock)
    before = dump(v)
    code = recovery.make_kit(v, clock.now())
    assert recovery.kit_status(v) == (recovery.KitInfo(True, clock.now(), KeyMode.KEYRING), True)
    secret = memory_keyring.store[("Reverie vault", v.header.vault_id)]
    v.close()
    stored = json.loads(paths.header.read_text())
    assert secret not in paths.header.read_text() and code not in paths.header.read_text()
    assert stored["recovery"]["kdf"]["name"] == "scrypt"
    memory_keyring.store.clear()  # a reinstalled OS, a wiped keyring
    with pytest.raises(KeyringUnavailableError):
        Vault.open(paths, clock=clock)
    got = recovery.recover(paths, code.lower())
    assert got == recovery.Recovered(KeyMode.KEYRING)
    v = Vault.open(paths, clock=clock)
    assert dump(v) == before
    v.close()


def test_a_wrong_code_is_refused_with_a_sentence_and_nothing_changes(paths, clock, memory_keyring):
    v = Vault.create(paths, KeyMode.KEYRING, clock=clock)
    recovery.make_kit(v, clock.now())
    v.close()
    memory_keyring.store.clear()
    snap = folder_snapshot(paths.folder)
    with pytest.raises(WrongKeyError, match="does not open this vault"):
        recovery.recover(paths, recovery.new_code())
    assert folder_snapshot(paths.folder) == snap and memory_keyring.store == {}


def test_a_passphrase_vault_kit_gives_the_passphrase_back(paths, clock):
    v = Vault.create(paths, KeyMode.PASSPHRASE, "correct horse battery", clock=clock)
    with pytest.raises(InputError, match="passphrase"):
        recovery.make_kit(v, clock.now())
    with pytest.raises(WrongKeyError):
        recovery.make_kit(v, clock.now(), passphrase="not the passphrase")
    assert v.header.recovery is None
    code = recovery.make_kit(v, clock.now(), passphrase="correct horse battery")
    assert recovery.kit_status(v) == (recovery.KitInfo(True, clock.now(), KeyMode.PASSPHRASE), None)
    assert recovery.kit_status(v, "correct horse battery")[1] is True
    v.close()
    assert "correct horse" not in paths.header.read_text()
    assert recovery.recover(paths, code) == recovery.Recovered(KeyMode.PASSPHRASE, "correct horse battery")


def test_an_unencrypted_vault_needs_no_kit(paths, clock):
    v = Vault.create(paths, KeyMode.NONE, clock=clock)
    with pytest.raises(VaultError, match="needs no recovery kit"):
        recovery.make_kit(v, clock.now())
    v.close()


def test_a_kit_goes_stale_when_the_key_changes(paths, clock, memory_keyring):
    v = Vault.create(paths, KeyMode.KEYRING, clock=clock)
    code = recovery.make_kit(v, clock.now())
    header = v.header
    old_key = recovery.current_key(v)
    assert recovery.kit_matches(header, old_key)
    assert not recovery.kit_matches(header, VaultKey(KeyMode.KEYRING, "00" * 32))
    assert not recovery.kit_matches(header, VaultKey(KeyMode.PASSPHRASE, old_key.secret))
    assert not recovery.kit_matches(VaultHeader("x", KeyMode.KEYRING, 0.0), old_key)
    # the lock changes in place; the header keeps the old kit (as a re-key that keeps it would)
    v.change_key(KeyMode.KEYRING)
    if v.header.recovery is None:
        v.header = header
    assert not recovery.kit_matches(v.header, recovery.current_key(v))
    assert recovery.kit_status(v)[1] is False
    v.close()
    import dataclasses

    paths.header.write_text(dataclasses.replace(VaultHeader.read(paths.header), recovery=header.recovery).to_json())
    with pytest.raises(WrongKeyError, match="Make a new kit"):
        recovery.recover(paths, code)


def test_a_damaged_kit_is_a_sentence(paths, clock):
    v = Vault.create(paths, KeyMode.KEYRING, clock=clock)
    code = recovery.make_kit(v, clock.now())
    rec = dict(v.header.recovery or {})
    rec["nonce"] = "not base64!"
    import dataclasses

    with pytest.raises(VaultError, match="damaged"):
        recovery.unwrap(dataclasses.replace(v.header, recovery=rec), code)
    with pytest.raises(VaultError, match="no recovery kit"):
        recovery.unwrap(dataclasses.replace(v.header, recovery=None), code)
    v.close()


def test_the_header_without_a_kit_reads_and_writes_as_before(paths, clock):
    v = Vault.create(paths, KeyMode.NONE, clock=clock)
    v.close()
    data = json.loads(paths.header.read_text())
    assert "recovery" not in data
    assert VaultHeader.read(paths.header).recovery is None


def test_a_change_of_lock_keeps_the_kit_in_the_header_and_settings_sees_it_is_stale(paths, clock, memory_keyring):
    from reverie.core.transfer.rekey import change_lock

    v = Vault.create(paths, KeyMode.KEYRING, clock=clock)
    code = recovery.make_kit(v, clock.now())
    assert recovery.kit_status(v)[1] is True
    v = change_lock(v, KeyMode.KEYRING)  # a new key in the keyring
    assert v.header.recovery is not None and recovery.kit_status(v)[1] is False
    v = change_lock(v, KeyMode.PASSPHRASE, "a long passphrase")
    assert recovery.kit_status(v, "a long passphrase")[1] is False
    v.close()
    with pytest.raises(WrongKeyError, match="Make a new kit"):
        recovery.recover(paths, code)
