"""Migration 0007: front matter an older Markdown import hid in a note's meta becomes its properties."""

from __future__ import annotations

import json

from embedfakes import FakeEmbedder

from reverie.core import notes
from reverie.core.keys import KeyMode
from reverie.core.retrieval import Retriever
from reverie.core.vault import Vault


def test_front_matter_kept_by_an_older_import_becomes_searchable_properties(paths, clock):
    vault = Vault.create(paths, KeyMode.NONE, clock=clock)
    note = notes.create_note(vault, "Technology as the seventh kingdom of life.", "What Technology Wants")
    plain = notes.create_note(vault, "No front matter here.", "Plain")
    old = {
        "source": "obsidian",
        "path": "Books/wtw.md",
        "front_matter": {
            "title": "What Technology Wants",
            "author": "Kevin Kelly",
            "categories": ["Books"],
            "tags": ["books"],
            "date": "2020-01-02",
        },
    }
    with vault.tx() as conn:  # what an older Reverie stored
        conn.execute("UPDATE notes SET meta = ? WHERE id = ?", (json.dumps(old), note.id))
        conn.execute("DELETE FROM schema_migrations WHERE version >= 7")
        conn.execute("PRAGMA user_version = 6")
    assert Retriever(vault, FakeEmbedder()).search("Kevin Kelly", now=vault.now()).hits == []
    vault.close()

    again = Vault.open(paths, clock=clock)
    try:
        moved = notes.get_note(again, note.id)
        assert moved.properties == {"author": "Kevin Kelly", "categories": ["Books"]}
        assert "front_matter" not in moved.meta and moved.folder == "Books"
        assert notes.get_note(again, plain.id).meta == {}
        (hit,) = Retriever(again, FakeEmbedder()).search("books by Kevin Kelly", now=again.now()).hits
        assert hit.memory.source_id == note.id and hit.memory.text == "author: Kevin Kelly\ncategories: Books"
        assert again.query("PRAGMA user_version")[0][0] >= 7
    finally:
        again.close()
