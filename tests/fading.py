"""Memories that come up in the review of fading memories: a note whose memory was recorded
``age_days`` ago with a weak strength (10 days: retention 0.25 at ~14 days, 0.05 at ~30)."""

from __future__ import annotations

from reverie.core import notes
from reverie.core.retention import DAY


def fading_memory(vault, text, now, age_days=20, strength=10.0):
    n = notes.create_note(vault, text)
    with vault.tx() as conn:
        conn.execute(
            "UPDATE memories SET recorded_at = ?, happened_at = ?, strength = ?, importance = 0.2 WHERE source_id = ?",
            (now - age_days * DAY, now - age_days * DAY, strength, n.id),
        )
    return n
