"""The bring-in kill drill, bounded: a folder of 2,000 files brought in by a process killed with SIGKILL
three times, then to the end; and proof that the check can fail."""

from __future__ import annotations

import pytest

from drills import bring


@pytest.mark.slow
def test_a_killed_bring_in_loses_at_most_its_batch_and_the_next_run_brings_in_exactly_the_rest(tmp_path):
    errors: list[str] = []
    counts = bring.run(3, tmp_path, files=2000, errors=errors)
    assert counts["kill_trials"] == 3 and counts["killed"] == 3
    assert counts["imported"] == 2000
    failures = {k: v for k, v in counts.items() if k not in ("kill_trials", "killed", "imported")}
    assert failures == dict.fromkeys(failures, 0), (counts, [e[-4000:] for e in errors])


def test_the_check_finds_torn_notes_notes_without_a_ledger_row_and_a_finished_run(tmp_path):
    from reverie.core import notes
    from reverie.core.bring.pipeline import bring_in, plan
    from reverie.core.paths import vault_paths
    from reverie.core.vault import Vault

    folder = tmp_path / "Documents"
    texts = bring.write_folder(folder, 5)
    home = tmp_path / "home"
    bring.create_vault(home)
    vault = Vault.open(vault_paths(home), passphrase=bring.PASSPHRASE)
    try:
        bring_in(vault, plan(folder))
        with vault.tx() as conn:
            conn.execute("UPDATE notes SET body = 'half a note' WHERE id = (SELECT min(id) FROM notes)")
        notes.create_note(vault, "written by hand, not brought in", "Mine")
    finally:
        vault.close()
    state = bring.check(home, texts, folder)
    assert (state["notes"], state["torn_notes"], state["notes_without_ledger"]) == (6, 1, 1)
    assert state["pending"] is False and state["integrity_failures"] == 0
