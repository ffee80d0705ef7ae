"""A change of lock stopped at every step (as a crash there would stop it): the vault opens normally
afterwards, in the old mode or the new one, with every note, no plaintext copy and no stray key."""

from __future__ import annotations

import pytest
from helpers import folder_snapshot
from transfer_helpers import dump, populate

from reverie.core import lockjournal, notes
from reverie.core.errors import VaultLockedError
from reverie.core.keys import KEYRING_SERVICE, KeyMode
from reverie.core.transfer.rekey import change_lock
from reverie.core.vault import Vault

SENTINEL = "QUUX-FROBNITZ-9931"
OLD_PASS = "the old passphrase"
NEW_PASS = "the new passphrase"
STEPS_BEFORE_COMMIT = ("stored-new-key", "exported", "bumped")
STEPS_AFTER_COMMIT = ("committed", "copy-half", "copied", "stored-key", "deleted-key", "header", "journal-removed")
# Every step of the moves without a passphrase (a passphrase costs a key derivation per open)...
FAST_MOVES = [(KeyMode.NONE, KeyMode.KEYRING), (KeyMode.KEYRING, KeyMode.NONE), (KeyMode.KEYRING, KeyMode.KEYRING)]
CASES = [(old, new, step) for old, new in FAST_MOVES for step in STEPS_BEFORE_COMMIT + STEPS_AFTER_COMMIT]
# ... and the steps that matter for each move with one.
CASES += [
    (KeyMode.NONE, KeyMode.PASSPHRASE, "copy-half"),
    (KeyMode.PASSPHRASE, KeyMode.NONE, "exported"),
    (KeyMode.PASSPHRASE, KeyMode.NONE, "copy-half"),
    (KeyMode.KEYRING, KeyMode.PASSPHRASE, "deleted-key"),
    (KeyMode.PASSPHRASE, KeyMode.KEYRING, "stored-key"),
    (KeyMode.PASSPHRASE, KeyMode.PASSPHRASE, "copied"),
]


class Crash(BaseException):
    """Stands for the process dying at a step: no handler of the change runs."""


def _passphrase(mode: KeyMode, new: bool) -> str | None:
    if mode is not KeyMode.PASSPHRASE:
        return None
    return NEW_PASS if new else OLD_PASS


def _crash_at(step: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []

    def hook(name: str) -> None:
        seen.append(name)
        if name == step:
            raise Crash(step)

    monkeypatch.setattr(lockjournal, "fault_hook", hook)
    return seen


@pytest.mark.parametrize("old,new,step", CASES, ids=lambda v: v.value if isinstance(v, KeyMode) else v)
def test_a_crash_at_any_step_leaves_a_vault_that_opens(old, new, step, paths, clock, memory_keyring, monkeypatch):
    v = Vault.create(paths, old, _passphrase(old, False), clock=clock)
    populate(v, clock, sentinel=SENTINEL)
    before = dump(v)
    vault_id = v.header.vault_id
    seen = _crash_at(step, monkeypatch)
    try:
        change_lock(v, new, _passphrase(new, True))
    except Crash:
        pass
    else:
        assert step not in seen  # a step this move does not have (a key to delete, to store)
        pytest.skip(f"{old.value} -> {new.value} has no step {step}")
    monkeypatch.setattr(lockjournal, "fault_hook", None)
    v.close()
    done = step in STEPS_AFTER_COMMIT
    mode = new if done else old
    reopened = Vault.open(paths, _passphrase(mode, done), clock=clock)
    assert reopened.key_mode is mode
    assert dump(reopened) == before
    notes.create_note(reopened, "written after the repair")
    reopened.close()
    names = sorted(p.name for p in paths.folder.iterdir())
    assert names == ["reverie.db", "vault.json", "vault.lock"], names
    entries = sorted(user for (service, user) in memory_keyring.store if service == KEYRING_SERVICE)
    assert entries == ([vault_id] if mode is KeyMode.KEYRING else [])
    if mode is not KeyMode.NONE:
        for name, data in folder_snapshot(paths.folder).items():
            assert SENTINEL.encode() not in data, name


@pytest.mark.parametrize("step", ["exported", "committed", "copy-half", "header"])
def test_another_open_vault_follows_a_change_that_crashed(step, paths, clock, memory_keyring, monkeypatch):
    """A second open vault (another window) keeps writing after a crash, into the repaired file."""
    v = Vault.create(paths, KeyMode.NONE, clock=clock)
    other = Vault.open(paths, clock=clock)
    notes.create_note(other, "before the change")
    _crash_at(step, monkeypatch)
    with pytest.raises(Crash):
        change_lock(v, KeyMode.KEYRING)
    monkeypatch.setattr(lockjournal, "fault_hook", None)
    notes.create_note(other, "after the crash")  # reconnects, finishing or undoing the change first
    assert other.key_mode is (KeyMode.NONE if step == "exported" else KeyMode.KEYRING)
    other.close()
    v.close()
    again = Vault.open(paths, clock=clock)
    assert sorted(n.body for n in notes.list_notes(again)) == ["after the crash", "before the change"]
    again.close()


def test_an_open_vault_without_the_new_passphrase_says_so(paths, clock, memory_keyring):
    v = Vault.create(paths, KeyMode.KEYRING, clock=clock)
    other = Vault.open(paths, clock=clock)
    v = change_lock(v, KeyMode.PASSPHRASE, NEW_PASS)
    with pytest.raises(VaultLockedError, match="changed in another Reverie window"):
        notes.create_note(other, "lost?")
    assert other.closed
    notes.create_note(v, "the changer keeps working")
    v.close()
    again = Vault.open(paths, NEW_PASS, clock=clock)
    assert [n.body for n in notes.list_notes(again)] == ["the changer keeps working"]
    again.close()


def test_leftovers_of_the_renaming_versions_are_repaired(paths, clock, memory_keyring):
    """Earlier versions renamed files: a vault stopped between their two renames opens again."""
    v = Vault.create(paths, KeyMode.NONE, clock=clock)
    notes.create_note(v, "kept")
    v.close()
    paths.database.rename(str(paths.database) + lockjournal.LEGACY_OLD_SUFFIX)
    again = Vault.open(paths, clock=clock)
    assert [n.body for n in notes.list_notes(again)] == ["kept"]
    again.close()
    assert not (paths.folder / ("reverie.db" + lockjournal.LEGACY_OLD_SUFFIX)).exists()


def test_half_written_journal_and_header_files_are_removed_at_open(paths, clock, memory_keyring):
    """A change killed inside an atomic write leaves its temporary file; the next open removes it."""
    v = Vault.create(paths, KeyMode.NONE, clock=clock)
    v.close()
    for name in ("rekey.json" + lockjournal.TMP_SUFFIX, "vault.json" + lockjournal.TMP_SUFFIX):
        (paths.folder / name).write_text('{"state": "commi', encoding="utf-8")
    Vault.open(paths, clock=clock).close()
    assert sorted(p.name for p in paths.folder.iterdir()) == ["reverie.db", "vault.json", "vault.lock"]
