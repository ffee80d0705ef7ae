"""Changing the lock under a live writer (another open vault: another window), keys bound safely,
and no plaintext copy for an encrypted target."""

from __future__ import annotations

import stat
import threading

import pytest
from helpers import folder_snapshot

from reverie.core import keys as keymod
from reverie.core import notes
from reverie.core.errors import ReverieError, WrongKeyError
from reverie.core.keys import KeyMode, VaultKey
from reverie.core.transfer.rekey import change_lock
from reverie.core.vault import Vault

SENTINEL = "LIVE-SENTINEL-2718"


@pytest.mark.parametrize(
    "old,new",
    [(KeyMode.NONE, KeyMode.KEYRING), (KeyMode.KEYRING, KeyMode.NONE), (KeyMode.KEYRING, KeyMode.KEYRING)],
    ids=lambda m: m.value,
)
def test_a_vault_open_elsewhere_writes_into_the_changed_vault(old, new, paths, clock, memory_keyring):
    changer = Vault.create(paths, old, clock=clock)
    window = Vault.open(paths, clock=clock)
    notes.create_note(window, "before the change")
    change_lock(changer, new)
    notes.create_note(window, "after the change")  # must not go into a file that was replaced
    assert window.key_mode is new
    window.close()
    changer.close()
    again = Vault.open(paths, clock=clock)
    assert sorted(n.body for n in notes.list_notes(again)) == ["after the change", "before the change"]
    again.close()


def test_a_writer_thread_loses_nothing_while_the_lock_goes_round(paths, clock, memory_keyring):
    """none -> keyring -> passphrase -> none while another open vault writes without pause."""
    changer = Vault.create(paths, KeyMode.NONE, clock=clock)
    acked: list[str] = []
    sentences: list[str] = []
    errors: list[BaseException] = []
    stop = threading.Event()
    wrote = threading.Condition()

    def write() -> None:
        window = Vault.open(paths, clock=clock)
        n = 0
        while not stop.is_set():
            n += 1
            try:
                notes.create_note(window, f"live note {n}")
            except ReverieError as exc:  # one sentence; reopen as the user would, with the passphrase
                sentences.append(str(exc))
                if window.closed:
                    window = Vault.open(paths, "the live passphrase", clock=clock)
                continue
            except BaseException as exc:  # noqa: BLE001 - the test counts it
                errors.append(exc)
                with wrote:
                    wrote.notify_all()
                return
            with wrote:
                acked.append(f"live note {n}")
                wrote.notify_all()
        window.close()

    t = threading.Thread(target=write)
    t.start()
    try:
        for mode, secret in (
            (KeyMode.KEYRING, None),
            (KeyMode.PASSPHRASE, "the live passphrase"),
            (KeyMode.NONE, None),
        ):
            with wrote:  # the writer is writing before the change...
                wrote.wait_for(lambda: len(acked) >= 3 or errors, timeout=60)
                count = len(acked)
            changer = change_lock(changer, mode, secret)
            with wrote:  # ... and after it
                wrote.wait_for(lambda c=count: len(acked) >= c + 3 or errors, timeout=60)
    finally:
        stop.set()
        t.join(60)
    assert not errors, errors
    assert all("changed in another Reverie window" in s for s in sentences), sentences
    changer.close()
    again = Vault.open(paths, clock=clock)
    present = {n.body for n in notes.list_notes(again, limit=100_000)}
    again.close()
    assert len(acked) >= 9 and [a for a in acked if a not in present] == []


@pytest.mark.parametrize("old,new", [(KeyMode.NONE, KeyMode.KEYRING), (KeyMode.NONE, KeyMode.PASSPHRASE)])
def test_no_plaintext_copy_is_written_for_an_encrypted_target(old, new, paths, clock, memory_keyring, monkeypatch):
    from reverie.core import lockjournal

    v = Vault.create(paths, old, clock=clock)
    notes.create_note(v, f"the sentinel {SENTINEL}")
    seen: dict[str, list[str]] = {}

    def look(step: str) -> None:  # every file but the (plaintext) vault itself, at every step
        seen[step] = [
            name
            for name, data in folder_snapshot(paths.folder).items()
            if SENTINEL.encode() in data and name not in ("reverie.db", "reverie.db-wal", "reverie.db-shm")
        ]

    monkeypatch.setattr(lockjournal, "fault_hook", look)
    v = change_lock(v, new, "a long passphrase")
    assert "exported" in seen and all(found == [] for found in seen.values()), seen
    v.close()
    assert all(SENTINEL.encode() not in data for data in folder_snapshot(paths.folder).values())


def test_a_plaintext_temporary_file_is_private_and_removed(paths, clock, memory_keyring, monkeypatch):
    from reverie.core import lockjournal

    v = Vault.create(paths, KeyMode.KEYRING, clock=clock)
    modes: list[int] = []
    monkeypatch.setattr(
        lockjournal,
        "fault_hook",
        lambda step: (
            modes.append(stat.S_IMODE(lockjournal.temp_path(paths).stat().st_mode)) if step == "exported" else None
        ),
    )
    v = change_lock(v, KeyMode.NONE)
    assert modes == [0o600]
    assert not lockjournal.temp_path(paths).exists() and not lockjournal.journal_path(paths).exists()
    v.close()


@pytest.mark.parametrize("passphrase", ['it\'s "quoted"; --', "x'00112233'", "naïve ünïcode ✓ passphrase"])
def test_any_passphrase_text_is_bound_not_pasted(passphrase, paths, clock):
    v = Vault.create(paths, KeyMode.PASSPHRASE, passphrase, clock=clock)
    notes.create_note(v, "locked with an odd passphrase")
    v.close()
    with pytest.raises(WrongKeyError):
        Vault.open(paths, passphrase[:-1], clock=clock)
    v = Vault.open(paths, passphrase, clock=clock)
    v = change_lock(v, KeyMode.PASSPHRASE, passphrase + "!")
    v.close()
    assert Vault.open(paths, passphrase + "!", clock=clock).counts()["notes"] == 1


@pytest.mark.parametrize("value", ["", "ab" * 31, "ab" * 33, "zz" * 32, "ab" * 31 + "'\"", "ab" * 30 + "\x00" * 4])
def test_a_raw_key_must_be_64_hex_digits(value):
    with pytest.raises(WrongKeyError, match="64 hexadecimal digits"):
        VaultKey(KeyMode.KEYRING, value).material()


def test_a_damaged_keyring_entry_is_refused_when_loaded(memory_keyring):
    memory_keyring.set_password(keymod.KEYRING_SERVICE, "some-vault", "not a key")
    with pytest.raises(WrongKeyError, match="damaged"):
        keymod.load_key("some-vault")
    good = keymod.new_raw_key()
    memory_keyring.set_password(keymod.KEYRING_SERVICE, "some-vault", good)
    assert keymod.load_key("some-vault") == good
