"""The lock drill, bounded: ``reverie lock`` round the three modes under a live writer process, then
with changes killed by SIGKILL (at a named step, and from outside after a random step)."""

from __future__ import annotations

import pytest
from drills import lock

FAILURES = ("lost", "corrupt", "plaintext_left", "leftovers", "writer_errors", "lock_errors", "not_changed")


@pytest.mark.slow
def test_a_live_writer_loses_nothing_while_the_lock_goes_round(tmp_path):
    counts = lock.run(1, tmp_path, kill=False)
    assert counts["changes"] == 3 and counts["acknowledged"] > 0, counts
    assert {k: counts[k] for k in FAILURES} == dict.fromkeys(FAILURES, 0), counts


@pytest.mark.slow
def test_killed_lock_changes_leave_a_vault_that_opens_with_every_note(tmp_path):
    counts = lock.run(1, tmp_path, kill=True, seed=11)
    assert counts["killed"] >= 1 and counts["acknowledged"] > 0, counts
    assert {k: counts[k] for k in FAILURES if k != "not_changed"} == dict.fromkeys(FAILURES[:-1], 0), counts
