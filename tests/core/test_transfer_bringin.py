"""Bringing notes and chats in: Markdown/Obsidian folders, text files, ChatGPT exports; Markdown export."""

from __future__ import annotations

import json
import os

import pytest
from transfer_helpers import dump, populate

from reverie.core import conversations, notes
from reverie.core.errors import TransferError
from reverie.core.transfer.chatgpt_import import import_chatgpt
from reverie.core.transfer.markdown_export import export_markdown
from reverie.core.transfer.markdown_import import import_markdown_folder, parse_front_matter

T0 = 1_700_000_000


@pytest.fixture
def obsidian(tmp_path):
    root = tmp_path / "My Vault"
    (root / ".obsidian").mkdir(parents=True)
    (root / ".obsidian" / "workspace.md").write_text("not a note")
    (root / "people").mkdir()
    (root / "Lisbon trip.md").write_text(
        "---\ntitle: Lisbon trip\ntags: [travel, 'food']\ndate: 2023-05-04\n---\n"
        "We met [[Anna]] and saw [[Belém|the tower]]. #summer\n\n```\n#notatag\n```\n",
        encoding="utf-8",
    )
    (root / "people" / "Anna.md").write_text("---\ntags:\n  - people\n---\n# Anna\n\nBirthday March 3.\n")
    (root / "todo.txt").write_text("buy milk\n")
    (root / "image.png").write_bytes(b"\x89PNG")
    (root / "broken.md").write_bytes(b"caf\xe9 latin-1\n")
    os.utime(root / "todo.txt", (T0, T0))
    return root


def test_obsidian_folder_with_front_matter_tags_links_and_dates(vault, obsidian):
    s = import_markdown_folder(vault, obsidian)
    assert (s.added, s.updated, s.unchanged) == (3, 0, 0)
    assert s.problems == ["broken.md is not UTF-8 text; it was left out."]
    by_title = {n.title: n for n in notes.list_notes(vault)}
    trip, anna, todo = by_title["Lisbon trip"], by_title["Anna"], by_title["todo"]
    assert trip.tags == ("travel", "food", "summer") and "[[Anna]]" in trip.body
    assert trip.meta["links"] == ["Anna", "Belém"] and trip.meta["link_ids"] == {"Anna": anna.id}
    assert trip.meta["source"] == "obsidian" and trip.meta["path"] == "Lisbon trip.md"
    assert trip.happened_at == pytest.approx(__import__("datetime").datetime(2023, 5, 4).timestamp())
    assert anna.tags == ("people",) and todo.body == "buy milk\n"
    assert todo.updated_at == T0 and todo.happened_at == T0
    for n in (trip, anna, todo):
        assert n.origin == "file:" + str((obsidian / n.meta["path"]).resolve())


def test_reimport_skips_unchanged_files_and_updates_changed_ones(vault, obsidian):
    import_markdown_folder(vault, obsidian)
    before = dump(vault)
    again = import_markdown_folder(vault, obsidian)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3) and dump(vault) == before
    (obsidian / "todo.txt").write_text("buy milk\nand bread\n")
    third = import_markdown_folder(vault, obsidian)
    assert (third.added, third.updated, third.unchanged) == (0, 1, 2)
    assert len(notes.list_notes(vault)) == 3
    assert any("bread" in n.body for n in notes.list_notes(vault))


def test_front_matter_parser_keeps_a_body_without_it():
    assert parse_front_matter("no front matter\n---\n") == ({}, "no front matter\n---\n")
    assert parse_front_matter("---\nunclosed: yes\n")[0] == {}
    fm, body = parse_front_matter('---\ntitle: "A: b"\naliases: [x, y]\n---\nBody')
    assert fm == {"title": "A: b", "aliases": ["x", "y"]} and body == "Body"


def test_missing_or_empty_folder(vault, tmp_path):
    with pytest.raises(TransferError, match="no folder or file"):
        import_markdown_folder(vault, tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(TransferError, match="holds no Markdown or text files"):
        import_markdown_folder(vault, tmp_path / "empty")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(TransferError, match="photo.jpg is not a Markdown or text file"):
        import_markdown_folder(vault, tmp_path / "photo.jpg")


def _node(nid, parent, children, role=None, text=None, t=None, ctype="text", parts=None):
    msg = None
    if role:
        msg = {
            "id": nid,
            "author": {"role": role, "name": None},
            "create_time": t,
            "content": {"content_type": ctype, "parts": parts if parts is not None else [text]},
            "metadata": {},
        }
    return {"id": nid, "message": msg, "parent": parent, "children": children}


def chatgpt_export(extra_turn=False, ctype="text"):
    mapping = {
        "root": _node("root", None, ["sys"]),
        "sys": _node("sys", "root", ["u1"], "system", "", T0),
        "u1": _node("u1", "sys", ["a1", "a1b"], "user", "What is the capital of Portugal?", T0 + 10),
        "a1b": _node("a1b", "u1", [], "assistant", "An abandoned branch.", T0 + 15),
        "a1": _node("a1", "u1", ["t1"], "assistant", "Lisbon.", T0 + 20, ctype=ctype),
        "t1": _node("t1", "a1", ["u2"], "tool", "tool output", T0 + 21),
        "u2": _node(
            "u2",
            "t1",
            [],
            "user",
            None,
            T0 + 30,
            ctype="multimodal_text",
            parts=[{"content_type": "image_asset_pointer"}, "And this picture?"],
        ),
    }
    current = "u2"
    if extra_turn:
        mapping["u2"]["children"] = ["a2"]
        mapping["a2"] = _node("a2", "u2", [], "assistant", "A tram.", T0 + 40)
        current = "a2"
    return [
        {
            "title": "Portugal",
            "create_time": T0,
            "update_time": T0 + 40,
            "mapping": mapping,
            "current_node": current,
            "conversation_id": "conv-123",
        }
    ]


def test_chatgpt_export_becomes_conversations_with_original_times(vault, tmp_path):
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps(chatgpt_export()))
    s = import_chatgpt(vault, path)
    assert (s.added, s.messages) == (1, 3)
    (conv,) = conversations.list_conversations(vault)
    assert conv.title == "Portugal" and conv.created_at == T0 and conv.origin == "chatgpt:conv-123"
    msgs = conversations.list_messages(vault, conv.id)
    assert [(m.role, m.content, m.happened_at) for m in msgs] == [
        ("user", "What is the capital of Portugal?", T0 + 10),
        ("assistant", "Lisbon.", T0 + 20),
        ("user", "[image]\n\nAnd this picture?", T0 + 30),
    ]
    assert all(m.origin.startswith("chatgpt:conv-123/") for m in msgs) and msgs[1].speaker == "ChatGPT"
    mems = vault.query("SELECT trust, happened_at FROM memories ORDER BY happened_at")
    assert [tuple(r) for r in mems] == [("imported", T0 + 10), ("imported", T0 + 20), ("imported", T0 + 30)]
    before = dump(vault)
    assert import_chatgpt(vault, path).unchanged == 1 and dump(vault) == before
    path.write_text(json.dumps(chatgpt_export(extra_turn=True)))
    s = import_chatgpt(vault, path)
    assert (s.updated, s.messages) == (1, 1)
    assert [m.content for m in conversations.list_messages(vault, conv.id)][-1] == "A tram."


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"{not json", "not valid JSON"),
        (b'\xff\xfe"x"', "not UTF-8 text"),
        (b'{"a": 1}', "should hold a list of conversations"),
        (b"[1]", "conversation 1 is not a conversation"),
        (json.dumps(chatgpt_export(ctype="hologram")).encode(), r"unknown kind \('hologram'\)"),
    ],
)
def test_bad_chatgpt_exports_change_nothing(vault, tmp_path, content, match):
    notes.create_note(vault, "already here")
    before = dump(vault)
    path = tmp_path / "conversations.json"
    path.write_bytes(content)
    with pytest.raises(TransferError, match=match) as err:
        import_chatgpt(vault, path)
    assert len(str(err.value).splitlines()) == 1 and dump(vault) == before


def test_export_markdown_writes_readable_files(vault, clock, tmp_path):
    populate(vault, clock)
    s = export_markdown(vault, tmp_path / "out")
    assert (s.notes, s.conversations) == (2, 1)
    trip = (tmp_path / "out" / "notes" / "Trip.md").read_text(encoding="utf-8")
    assert trip.startswith('---\ntitle: "Trip"\n') and 'tags: ["travel", "food"]' in trip and "Pasteis" in trip
    (conv,) = (tmp_path / "out" / "conversations").iterdir()
    text = conv.read_text(encoding="utf-8")
    assert "# First chat" in text and "When is Anna's birthday?" in text and "## Reverie ·" in text
    with pytest.raises(TransferError, match="not an empty folder"):
        export_markdown(vault, tmp_path / "out")
    # What was exported as Markdown can be brought back in.
    from reverie.core.keys import KeyMode
    from reverie.core.paths import vault_paths
    from reverie.core.vault import Vault

    other = Vault.create(vault_paths(tmp_path / "other"), KeyMode.NONE, clock=clock)
    assert import_markdown_folder(other, tmp_path / "out" / "notes").added == 2
    assert {n.title for n in notes.list_notes(other)} == {"Trip", "Anna"}
    other.close()
