"""Notes as Obsidian users write them: front matter properties, dates, folders, and the preview of a
folder import; each through import, Markdown export and vault export."""

from __future__ import annotations

import json
import os
from datetime import datetime

import pytest
from transfer_helpers import dump, rebuild, records

from reverie.core import notes
from reverie.core.errors import TransferError
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.properties import parse_front_matter
from reverie.core.transfer import export_vault, import_vault, preview_markdown_folder
from reverie.core.transfer.markdown_export import export_markdown, note_markdown, note_relpath, safe_filename
from reverie.core.transfer.markdown_import import import_markdown_folder
from reverie.core.vault import Vault

T0 = 1_700_000_000
BOOK = """---
title: The Inevitable
author: Kevin Kelly
categories:
  - "[[Books]]"
  - Technology
aliases: [Inevitable, "Twelve forces, shaping"]
url: https://kk.org/books/the-inevitable#reviews
rating: 4.50
cover:
  url: cover.png
  width: 300
Date Read: last summer
tags: [books, reading]
created: 2021-03-04
updated: 2022-07-08T10:30:00
---
# The Inevitable

Twelve technological forces. #tech
"""
PLAN = (
    "---\ndate: 2023-05-04\n---\nVisit the shrine in Kyoto early, see [[The Inevitable#Forces|the book]].\n"
    "```\n[[Not a link]]\n```\n"
)


@pytest.fixture
def vault_folder(tmp_path):
    root = tmp_path / "Vault"
    (root / ".obsidian").mkdir(parents=True)
    (root / "Projects" / "Kyoto").mkdir(parents=True)
    (root / "Books").mkdir()
    (root / "Books" / "The Inevitable.md").write_text(BOOK, encoding="utf-8")
    (root / "Projects" / "Kyoto" / "plan.md").write_text(PLAN, encoding="utf-8")
    (root / "loose.md").write_text("No front matter at all.\n", encoding="utf-8")
    for p in root.rglob("*.md"):
        os.utime(p, (T0, T0))
    return root


def _by_title(vault):
    return {n.title: n for n in notes.list_notes(vault)}


def _other(tmp_path, clock, name):
    return Vault.create(vault_paths(tmp_path / name), KeyMode.NONE, clock=clock)


EXPECTED = {
    "author": "Kevin Kelly",
    "categories": ["[[Books]]", "Technology"],
    "aliases": ["Inevitable", "Twelve forces, shaping"],
    "url": "https://kk.org/books/the-inevitable#reviews",
    "rating": "4.50",
    "cover": "url: cover.png\nwidth: 300",
    "Date Read": "last summer",
}


def test_front_matter_is_kept_as_properties_in_order_with_lists_and_original_text(vault, vault_folder):
    import_markdown_folder(vault, vault_folder)
    book = _by_title(vault)["The Inevitable"]
    assert book.properties == EXPECTED and list(book.properties) == list(EXPECTED)
    assert book.tags == ("books", "reading", "tech")
    assert "front_matter" not in book.meta and book.folder == "Books"


def test_dates_come_from_front_matter_so_the_list_and_search_agree(vault, vault_folder):
    import_markdown_folder(vault, vault_folder)
    by = _by_title(vault)
    book, plan, loose = by["The Inevitable"], by["plan"], by["loose"]
    assert book.created_at == datetime(2021, 3, 4).timestamp() == book.happened_at
    assert book.updated_at == datetime(2022, 7, 8, 10, 30).timestamp()
    # Only a `date`: it is when the note was written, made and last changed; not the file's time.
    assert plan.created_at == plan.happened_at == plan.updated_at == datetime(2023, 5, 4).timestamp()
    assert loose.updated_at == T0  # no front matter: the file's time
    assert plan.properties == {} and plan.folder == "Projects/Kyoto"
    assert plan.meta["links"] == ["The Inevitable"] and plan.meta["link_ids"] == {"The Inevitable": book.id}
    with vault.read() as conn:
        happened = conn.execute("SELECT happened_at FROM memories WHERE source_id = ?", (plan.id,)).fetchall()
    assert [r[0] for r in happened] == [plan.created_at]


def test_markdown_export_keeps_folders_and_properties_and_a_round_trip_gives_them_back(
    vault, vault_folder, tmp_path, clock
):
    import_markdown_folder(vault, vault_folder)
    export_markdown(vault, tmp_path / "out")
    out = tmp_path / "out" / "notes"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md")) == [
        "Books/The Inevitable.md",
        "Projects/Kyoto/plan.md",
        "loose.md",
    ]
    text = (out / "Books" / "The Inevitable.md").read_text(encoding="utf-8")
    assert 'author: Kevin Kelly\ncategories:\n  - "[[Books]]"\n  - Technology\n' in text
    assert "url: https://kk.org/books/the-inevitable#reviews\nrating: 4.50\n" in text
    other = _other(tmp_path, clock, "other")
    assert import_markdown_folder(other, out).added == 3
    before, after = _by_title(vault), _by_title(other)
    for title, note in before.items():
        again = after[title]
        assert again.properties == note.properties and list(again.properties) == list(note.properties)
        assert (again.folder, again.tags, again.body) == (note.folder, note.tags, note.body)
        assert (again.created_at, again.happened_at) == (note.created_at, note.happened_at)
    other.close()


def test_vault_export_and_import_keep_properties_and_folders_and_index_them(vault, vault_folder, tmp_path, clock):
    import_markdown_folder(vault, vault_folder)
    path = export_vault(vault, tmp_path / "a.reverie").path
    other = _other(tmp_path, clock, "other")
    import_vault(other, path)
    book = _by_title(other)["The Inevitable"]
    assert book.properties == EXPECTED and list(book.properties) == list(EXPECTED) and book.folder == "Books"
    other.close()


def test_an_older_export_with_front_matter_in_meta_still_imports_and_gains_properties(vault, tmp_path, clock):
    old = {
        "source": "obsidian",
        "path": "Books/Old.md",
        "front_matter": {"title": "Old", "author": "Kevin Kelly", "tags": ["x"], "date": "2020-01-02"},
    }
    with vault.tx() as conn:
        conn.execute(
            "INSERT INTO notes(id, title, body, tags, created_at, updated_at, happened_at, origin, meta) "
            "VALUES ('n1', 'Old', 'Body.', '[\"x\"]', 1, 1, 1, NULL, ?)",
            (json.dumps(old),),
        )
    path = export_vault(vault, tmp_path / "old.reverie").path
    other = _other(tmp_path, clock, "other")
    import_vault(other, path)
    note = notes.get_note(other, "n1")
    assert note.properties == {"author": "Kevin Kelly"} and "front_matter" not in note.meta
    with other.read() as conn:
        texts = [r[0] for r in conn.execute("SELECT text FROM memories WHERE source_id = 'n1'")]
    assert "author: Kevin Kelly" in texts
    other.close()


def test_a_vault_file_with_bad_properties_is_refused_and_changes_nothing(vault, tmp_path, clock):
    notes.create_note(vault, "Body", "T", properties={"author": "K"})
    path = export_vault(vault, tmp_path / "a.reverie").path
    (rec,) = records(path, "notes")
    rec["meta"]["properties"] = {"author": {"nested": 1}}
    bad = rebuild(path, tmp_path / "bad.reverie", edit={"notes.jsonl": (json.dumps(rec) + "\n").encode()})
    other = _other(tmp_path, clock, "other")
    before = dump(other)
    with pytest.raises(TransferError, match="properties are not valid .*'author' must be a text") as err:
        import_vault(other, bad)
    assert len(str(err.value).splitlines()) == 1 and dump(other) == before
    other.close()


@pytest.mark.parametrize(
    ("path", "folders", "stem"),
    [
        ("../../etc/passwd.md", ("etc",), "passwd"),
        ("/abs/olute/x.md", ("abs", "olute"), "x"),
        ("a/../b/CON.md", ("a", "b"), "CON_"),
        ("we<ird>/na:me?.md", ("we ird",), "na me"),
        ("nul/ok.txt", ("nul_",), "ok"),
    ],
)
def test_export_names_are_safe(path, folders, stem):
    from reverie.core.records import Note

    note = Note("0123456789abcdef", "Title", "b", (), 0.0, 0.0, 0.0, None, {"path": path})
    assert note_relpath(note) == (folders, stem)
    assert safe_filename("..", "fallback") == "fallback"


def test_properties_are_exported_as_they_came_in_and_read_back_the_same():
    from reverie.core.records import Note

    props = {
        "author": "Kevin Kelly",
        "quote": 'He said: "no"',
        "list": ["a, b", "", "#x"],
        "empty": "",
        "none": [],
        "poem": "line one\n  two\nthree",
        "trailing": "ends with newline\n",
        "Date Read": "2023",
    }
    note = Note(
        "0123456789abcdef0123456789abcdef", "T", "Body", ("t",), 0.0, 0.0, 0.0, "file:/x", {"properties": props}
    )
    fm, body = parse_front_matter(note_markdown(note))
    assert body == "Body\n"
    assert {k: v for k, v in fm.items() if k in props} == props


def test_folder_import_preview_says_what_would_happen_and_writes_nothing(vault, vault_folder):
    (vault_folder / "latin1.md").write_bytes(b"caf\xe9\n")
    before = dump(vault)
    p = preview_markdown_folder(vault, vault_folder)
    assert dump(vault) == before
    assert p.flavour == "obsidian" and p.counts == {"new": 3, "changed": 0, "unchanged": 0, "skipped": 1}
    assert set(p.new) == {"Books/The Inevitable.md", "Projects/Kyoto/plan.md", "loose.md"}
    assert p.skipped == (("latin1.md", "latin1.md is not UTF-8 text; it would be left out."),)
    import_markdown_folder(vault, vault_folder)
    (vault_folder / "loose.md").write_text("Changed.\n", encoding="utf-8")
    again = preview_markdown_folder(vault, vault_folder, mine=True)
    assert again.changed == (
        ("Books/The Inevitable.md", "it will be marked as your own writing"),
        ("Projects/Kyoto/plan.md", "it will be marked as your own writing"),
        ("loose.md", "the file changed since it was imported"),
    )
    s = import_markdown_folder(vault, vault_folder, mine=True)
    assert (s.added, s.updated, s.unchanged) == (0, 3, 0)
    assert preview_markdown_folder(vault, vault_folder, mine=True).counts["unchanged"] == 3


def test_files_read_by_an_older_reader_are_read_again_once(vault, vault_folder):
    import_markdown_folder(vault, vault_folder)
    with vault.tx() as conn:  # the ledger as an older Reverie wrote it: the bare SHA-256
        conn.execute("UPDATE import_files SET sha256 = substr(sha256, 1, 64)")
    p = preview_markdown_folder(vault, vault_folder)
    assert {why for _f, why in p.changed} == {"Reverie now reads more of it (properties, tags, folder, dates)"}
    assert import_markdown_folder(vault, vault_folder).updated == 3
    assert import_markdown_folder(vault, vault_folder).unchanged == 3
