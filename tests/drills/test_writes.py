"""The write drills, bounded: a few kills and a short race, and proof that the check can fail."""

from __future__ import annotations

import pytest

from drills import writes


@pytest.mark.slow
def test_killed_writers_lose_no_acknowledged_write_and_racing_writers_never_see_locked(tmp_path):
    counts = writes.run(3, tmp_path, concurrent_writes=12)
    assert counts["kill_trials"] == 3 and counts["concurrent_writes"] == 24
    assert counts["acknowledged"] > 0
    failures = {
        k: counts[k]
        for k in (
            "lost",
            "integrity_failures",
            "writer_errors",
            "locked_errors",
            "other_errors",
            "concurrent_lost",
            "concurrent_integrity_failures",
        )
    }
    assert failures == dict.fromkeys(failures, 0), counts


def test_the_check_finds_a_write_that_is_missing_or_changed(tmp_path):
    home = tmp_path / "v"
    writes._create_vault(home)
    acked = [
        {"kind": "note", "id": "0" * 32, "text": "never written"},
        {"kind": "message", "id": "1" * 32, "text": "never written either"},
    ]
    assert writes.check_vault(home, acked) == (2, True)
