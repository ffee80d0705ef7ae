"""A note whose watched file was deleted (meta ``missing``) says "file gone" in its row of the Notes
list, muted on the row's second line; other notes do not."""

from __future__ import annotations

from reverie.app.ui.notes.model import load_rows
from reverie.core import notes
from reverie.core.bring.watch import MISSING_KEY


def test_a_note_whose_watched_file_is_gone_says_so_in_its_row(vault):
    kept = notes.create_note(vault, "Still here.", title="Kept", origin="file:/w/kept.md")
    gone = notes.create_note(
        vault,
        "Its file was deleted.",
        title="Gone",
        origin="file:/w/gone.md",
        meta={MISSING_KEY: {"at": vault.now(), "file": "gone.md", "archived": []}},
    )
    rows = {r.id: r for r in load_rows(vault)}
    assert "file gone" in rows[gone.id].detail and "deleted" in rows[gone.id].tooltip
    assert "file gone" not in rows[kept.id].detail
