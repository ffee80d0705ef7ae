"""Reminders travel in vault files (reminders.jsonl): exported, imported, merged, checked."""

from __future__ import annotations

import json

import pytest
from transfer_helpers import dump, rebuild, records

from reverie.core import reminders
from reverie.core.errors import TransferError
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.transfer import export_vault, import_vault
from reverie.core.vault import Vault

HOUR = 3600.0


@pytest.fixture
def two(tmp_path, clock):
    a = Vault.create(vault_paths(tmp_path / "a"), KeyMode.NONE, clock=clock)
    b = Vault.create(vault_paths(tmp_path / "b"), KeyMode.NONE, clock=clock)
    yield a, b
    a.close()
    b.close()


def _mine(vault):
    return {r["uid"]: r for r in (x.as_dict() for x in _all(vault))}


def _all(vault):
    lists = reminders.reminder_lists(vault)
    return lists.upcoming + lists.due + lists.missed + lists.done


def test_reminders_survive_export_and_import(two, tmp_path, clock):
    a, b = two
    now = clock.now()
    up = reminders.add_reminder(a, "call Anna", now + 2 * HOUR, now, source_kind="note", source_id="n1")
    done = reminders.add_reminder(a, "pay rent", now + HOUR, now)
    reminders.mark_done(a, done.id, now + 60)
    snoozed = reminders.add_reminder(a, "stretch", now + HOUR, now)
    reminders.snooze(a, snoozed.id, 600, now + 120)
    path = export_vault(a, tmp_path / "a.reverie").path
    rows = records(path, "reminders")
    assert {r["text"] for r in rows} == {"call Anna", "pay rent", "stretch"}
    assert next(r for r in rows if r["uid"] == up.uid)["source_id"] == "n1"

    summary = import_vault(b, path)
    assert summary.added["reminders"] == 3
    theirs, mine = _mine(a), _mine(b)
    for uid, r in theirs.items():
        got = mine[uid]
        for key in ("text", "due_at", "next_at", "state", "snoozed", "source_kind", "source_id", "done_at"):
            assert got[key] == r[key], key
    again = import_vault(b, path)  # the same file twice: nothing changes
    assert not again.added.get("reminders") and not again.replaced.get("reminders")


def test_a_later_change_wins_and_a_firing_reminder_comes_in_missed(two, tmp_path, clock):
    a, b = two
    now = clock.now()
    r = reminders.add_reminder(a, "bins out", now + HOUR, now)
    import_vault(b, export_vault(a, tmp_path / "1.reverie").path)
    reminders.claim_due(a, now + HOUR)  # caught mid-firing when exported
    with a.tx() as conn:
        conn.execute("UPDATE reminders SET updated_at = ? WHERE id = ?", (now + HOUR, r.id))
    summary = import_vault(b, export_vault(a, tmp_path / "2.reverie").path)
    assert summary.replaced["reminders"] == 1
    (got,) = _all(b)
    assert got.state == "missed" and got.uid == r.uid


def test_an_older_file_without_reminders_imports(two, tmp_path, clock):
    a, b = two
    path = export_vault(a, tmp_path / "a.reverie").path
    old = rebuild(path, tmp_path / "old.reverie", edit={"reminders.jsonl": None})
    summary = import_vault(b, old)
    assert not summary.added.get("reminders")


def test_a_bad_reminder_record_is_refused_and_nothing_changes(two, tmp_path, clock):
    a, b = two
    now = clock.now()
    reminders.add_reminder(a, "ok", now + HOUR, now)
    path = export_vault(a, tmp_path / "a.reverie").path
    (rec,) = records(path, "reminders")
    before = dump(b)
    for field, value, says in (("state", "exploded", "state"), ("due_at", 1e13, "due_at"), ("uid", "", "uid")):
        bad = {**rec, field: value}
        line = (json.dumps(bad) + "\n").encode()
        edited = rebuild(path, tmp_path / f"bad-{field}.reverie", edit={"reminders.jsonl": line})
        with pytest.raises(TransferError, match=says):
            import_vault(b, edited)
    assert dump(b) == before and _all(b) == []
