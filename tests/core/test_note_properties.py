"""A note's properties through core/notes.py: readable, editable, checked, searchable."""

from __future__ import annotations

import pytest
from embedfakes import FakeEmbedder
from transfer_helpers import dump

from reverie.core import embedding, notes
from reverie.core.errors import InputError
from reverie.core.retrieval import Retriever
from reverie.core.transfer.markdown_import import import_markdown_folder

BOOK = (
    "---\ntitle: What Technology Wants\nauthor: Kevin Kelly\ncategories: [Books]\n---\n"
    "Technology as the seventh kingdom of life.\n"
)
SHRINE = "---\nlocation: Kyoto\ntype: shrine\n---\nFushimi Inari: thousands of torii gates up the mountain.\n"


def test_a_search_finds_a_note_by_words_only_in_its_front_matter(vault, tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "wtw.md").write_text(BOOK, encoding="utf-8")
    (tmp_path / "notes" / "inari.md").write_text(SHRINE, encoding="utf-8")
    (tmp_path / "notes" / "other.md").write_text("Books about gardening, by nobody famous.\n", encoding="utf-8")
    import_markdown_folder(vault, tmp_path / "notes")
    emb = FakeEmbedder()
    embedding.embed_pending(vault, emb)
    r = Retriever(vault, emb)
    top = r.search("books by Kevin Kelly", now=vault.now()).hits[0]
    assert top.source_title == "What Technology Wants"
    assert top.memory.text == "author: Kevin Kelly\ncategories: Books"
    shrine = r.search("shrine in Kyoto", now=vault.now()).hits[0]
    assert shrine.source_title == "inari"


def test_properties_are_read_and_replaced_through_notes(vault):
    emb = FakeEmbedder()
    note = notes.create_note(vault, "A book I liked.", "Out of Control", properties={"author": "Kevin Kelly"})
    assert notes.get_note(vault, note.id).properties == {"author": "Kevin Kelly"}
    assert [n.id for n in notes.list_notes(vault, "kevin kelly")] == [note.id]  # the notes list's filter too
    assert Retriever(vault, emb).search("Kevin Kelly", now=vault.now()).hits[0].memory.source_id == note.id
    edited, result = notes.update_note(
        vault, note.id, properties={"author": "K. Kelly", "year": "1994", "topics": ["systems", "biology"]}
    )
    assert edited.properties == {"author": "K. Kelly", "year": "1994", "topics": ["systems", "biology"]}
    assert list(notes.get_note(vault, note.id).properties) == ["author", "year", "topics"]
    assert (result.added, result.removed) == (1, 1)  # only the properties' passage was re-indexed
    hits = Retriever(vault, emb).search("biology systems", now=vault.now()).hits
    assert hits[0].memory.text == "author: K. Kelly\nyear: 1994\ntopics: systems, biology"
    assert Retriever(vault, emb).search("Kevin", now=vault.now()).hits == []
    same, nothing = notes.update_note(vault, note.id, properties=edited.properties)
    assert (nothing.added, nothing.removed) == (0, 0) and same.updated_at == edited.updated_at
    reordered, _ = notes.update_note(vault, note.id, properties=dict(reversed(edited.properties.items())))
    assert list(notes.get_note(vault, note.id).properties) == ["topics", "year", "author"]
    assert reordered.updated_at >= edited.updated_at
    cleared, _ = notes.update_note(vault, note.id, properties={})
    assert cleared.properties == {} and "properties" not in notes.get_note(vault, note.id).meta
    with vault.read() as conn:
        assert conn.execute("SELECT count(*) FROM memories WHERE source_id = ?", (note.id,)).fetchone()[0] == 1


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ("author: Kevin", "Properties must be names, each with a text or a list of texts; nothing was saved."),
        ({"": "x"}, "Every property needs a name; nothing was saved."),
        ({"a: b": "x"}, "The property name 'a: b' is too long or holds a colon or a line break; nothing was saved."),
        (
            {"Tags": ["x"]},
            "'Tags' is the note's own field, not a property: set it as the note's tags; nothing was saved.",
        ),
        (
            {"year": 1994},
            "The property 'year' must be a text or a list of texts (up to 500 of 20,000 characters "
            "each); nothing was saved.",
        ),
        ({"list": ["a", 2]}, "The property 'list' must be a text"),
        ({"author": "x" * 20_001}, "The property 'author' must be a text"),
        ({" a ": "x", "a": "y"}, "The property 'a' is given twice; nothing was saved."),
        (
            {str(i): "x" for i in range(201)},
            "A note can have at most 200 properties and this one has 201; nothing was saved.",
        ),
    ],
)
def test_bad_properties_are_refused_in_one_sentence_and_change_nothing(vault, props, message):
    note = notes.create_note(vault, "Body", "T", properties={"author": "Kevin Kelly"})
    before = dump(vault)
    with pytest.raises(InputError) as err:
        notes.update_note(vault, note.id, body="New body", properties=props)
    assert str(err.value).startswith(message) and len(str(err.value).splitlines()) == 1
    assert dump(vault) == before
    with pytest.raises(InputError):
        notes.create_note(vault, "Other", properties=props)
    assert dump(vault) == before


def test_a_deleted_note_comes_back_with_its_properties_and_folder(vault):
    note = notes.create_note(
        vault, "Body", "T", properties={"author": "Kevin Kelly"}, meta={"path": "Books/T.md", "source": "obsidian"}
    )
    assert note.folder == "Books" and note.as_dict()["properties"] == {"author": "Kevin Kelly"}
    gone = notes.delete_note(vault, note.id)
    back = notes.restore_note(vault, gone)
    assert back.properties == {"author": "Kevin Kelly"} and notes.get_note(vault, note.id).folder == "Books"
