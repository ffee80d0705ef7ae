"""``reverie lock`` and ``reverie passphrase`` given bad or odd input: each ends in one sentence on
stderr and a non-zero exit, and the vault is left as it was."""

from __future__ import annotations

import threading

import keyring
import pytest
from helpers import folder_snapshot
from keyring.backends import fail

from reverie.app.cli import main
from reverie.core import vault as vaultmod
from reverie.core.keys import KEYRING_SERVICE, KeyMode
from reverie.core.paths import vault_paths
from reverie.core.vault import Vault

PASS = "a long passphrase"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _one_sentence(code: int, err: str, words: str) -> None:
    assert code != 0, err
    assert err.startswith("reverie: ") and len(err.strip().splitlines()) == 1, err
    assert "Something went wrong" not in err and "Traceback" not in err, err
    assert words.lower() in err.lower(), err


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


def _make(home, mode: KeyMode) -> Vault:
    v = Vault.create(vault_paths(home), mode, PASS if mode is KeyMode.PASSPHRASE else None)
    from reverie.core import notes

    notes.create_note(v, "kept whatever is typed")
    v.close()
    return v


CASES = [
    # (vault mode or None, argv, environment, words in the sentence)
    (None, ["lock", "keyring"], {}, "no vault"),
    (None, ["passphrase", "set", "--passphrase-env", "NEW_PW"], {"NEW_PW": PASS}, "no vault"),
    (KeyMode.NONE, ["lock", "sideways"], {}, "no lock called 'sideways'"),
    (KeyMode.NONE, ["lock", "none"], {}, "already locked that way"),
    (KeyMode.KEYRING, ["lock", "keyring"], {}, "already locked that way"),
    (KeyMode.NONE, ["lock", "passphrase", "--passphrase-env", "EMPTY"], {"EMPTY": ""}, "not set or empty"),
    (KeyMode.NONE, ["lock", "passphrase", "--passphrase-env", "UNSET_ANYWHERE"], {}, "not set or empty"),
    (KeyMode.NONE, ["lock", "passphrase", "--passphrase-env", "SHORT"], {"SHORT": "short"}, "too short"),
    (KeyMode.NONE, ["lock", "passphrase", "--passphrase-env", "BAD"], {"BAD": "long enough \udcff"}, "not valid text"),
    (KeyMode.NONE, ["lock", "passphrase"], {}, "--passphrase-env"),
    (KeyMode.NONE, ["passphrase", "set"], {}, "--passphrase-env"),
    (KeyMode.NONE, ["lock", "none", "--passphrase-env", "NEW_PW"], {"NEW_PW": PASS}, "only for a passphrase"),
    (KeyMode.KEYRING, ["passphrase", "remove", "--unencrypted"], {}, "no passphrase to remove"),
    (KeyMode.PASSPHRASE, ["lock", "none"], {"REVERIE_PASSPHRASE": "the wrong passphrase"}, "wrong"),
    (KeyMode.PASSPHRASE, ["lock", "keyring"], {}, "protected by a passphrase"),
    (KeyMode.PASSPHRASE, ["passphrase", "remove", "--keyring"], {"REVERIE_PASSPHRASE": "wrong again!"}, "wrong"),
]


@pytest.mark.parametrize("mode,argv,env,words", CASES, ids=lambda v: str(v)[:40])
def test_bad_input_is_one_sentence_and_leaves_the_vault(mode, argv, env, words, home, capsys, monkeypatch):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if mode is not None:
        _make(home, mode)
    before = folder_snapshot(vault_paths(home).folder) if mode is not None else {}
    code, _, err = run(capsys, "--home", str(home), *argv)
    _one_sentence(code, err, words)
    if mode is not None:
        assert folder_snapshot(vault_paths(home).folder) == before


@pytest.mark.parametrize("entry", [None, "not hex at all'; --", "ab" * 31, "zz" * 32])
def test_a_missing_or_damaged_keyring_entry_is_one_sentence(entry, home, capsys, memory_keyring, monkeypatch):
    monkeypatch.setenv("NEW_PW", PASS)
    v = _make(home, KeyMode.KEYRING)
    key = (KEYRING_SERVICE, v.header.vault_id)
    if entry is None:
        del memory_keyring.store[key]
    else:
        memory_keyring.store[key] = entry
    for argv in (["lock", "none"], ["passphrase", "set", "--passphrase-env", "NEW_PW"], ["notes"]):
        code, _, err = run(capsys, "--home", str(home), *argv)
        _one_sentence(code, err, "not in the system keyring" if entry is None else "64 hexadecimal digits")


def test_no_keyring_to_move_the_key_into(home, capsys, monkeypatch):
    _make(home, KeyMode.NONE)
    before = folder_snapshot(vault_paths(home).folder)
    keyring.set_keyring(fail.Keyring())
    code, _, err = run(capsys, "--home", str(home), "lock", "keyring")
    _one_sentence(code, err, "keyring")
    assert folder_snapshot(vault_paths(home).folder) == before


def test_a_lock_change_elsewhere_makes_the_command_wait_then_say_busy(home, capsys, monkeypatch):
    from reverie.core.vaultlock import VaultLock

    _make(home, KeyMode.NONE)
    monkeypatch.setattr(vaultmod, "LOCK_WAIT_S", 0.2)
    monkeypatch.setattr(vaultmod, "CHANGE_WAIT_S", 0.2)
    lock = VaultLock.of(vault_paths(home).folder)
    held, done = threading.Event(), threading.Event()

    def hold() -> None:  # another window changing the lock (the same lock, from another thread)
        with lock.exclusive(5):
            held.set()
            done.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    held.wait(5)
    try:
        code, _, err = run(capsys, "--home", str(home), "lock", "keyring")
    finally:
        done.set()
        t.join()
    _one_sentence(code, err, "busy")
    assert code == 75


def test_a_damaged_journal_of_an_interrupted_change_is_one_sentence(home, capsys):
    _make(home, KeyMode.NONE)
    (vault_paths(home).folder / "rekey.json").write_text("{not json", encoding="utf-8")
    code, _, err = run(capsys, "--home", str(home), "lock", "keyring")
    _one_sentence(code, err, "damaged")


def test_passphrase_set_twice_and_remove_work(home, capsys, monkeypatch):
    _make(home, KeyMode.KEYRING)
    monkeypatch.setenv("NEW_PW", PASS)
    assert run(capsys, "--home", str(home), "passphrase", "set", "--passphrase-env", "NEW_PW")[0] == 0
    monkeypatch.setenv("REVERIE_PASSPHRASE", PASS)
    monkeypatch.setenv("NEW_PW", "another long passphrase")
    assert run(capsys, "--home", str(home), "passphrase", "set", "--passphrase-env", "NEW_PW")[0] == 0
    monkeypatch.setenv("REVERIE_PASSPHRASE", "another long passphrase")
    code, out, _ = run(capsys, "--home", str(home), "passphrase", "remove", "--unencrypted")
    assert code == 0 and "no longer encrypted" in out
    code, out, _ = run(capsys, "--home", str(home), "notes")
    assert code == 0 and "kept whatever is typed" in out
