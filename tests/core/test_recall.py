from __future__ import annotations

from reverie.core import notes, recall
from reverie.core.retention import initial_strength, retention_at


def test_recall_raises_strength_resets_time_and_is_logged(vault, clock):
    n = notes.create_note(vault, "Anna's birthday is March 3.")
    ((mid, s0, rec),) = vault.query("SELECT id, strength, recorded_at FROM memories WHERE source_id = ?", (n.id,))
    assert s0 == initial_strength(0.6)
    clock.advance(days=10)
    before = retention_at(clock.now(), rec, None, s0, False)
    assert recall.reinforce(vault, [mid, mid, 999999], clock.now(), reason="cited") == 1
    ((s1, last, count),) = vault.query(
        "SELECT strength, last_recalled_at, recall_count FROM memories WHERE id = ?", (mid,)
    )
    assert s1 > s0 and last == clock.now() and count == 1
    assert retention_at(clock.now(), rec, last, s1, False) == 1.0 > before
    clock.advance(days=10)
    assert retention_at(clock.now(), rec, last, s1, False) > before  # fades slower than before the recall
    assert vault.query("SELECT count(*) FROM history WHERE action = 'recall'")[0][0] == 1
