"""Markdown and ChatGPT bring-in under hostile input: dates out of range, names that are not UTF-8,
ids with lone surrogates, odd metadata, duplicate ids; and the trust imported notes get."""

from __future__ import annotations

import copy
import json
import os

import pytest
from transfer_helpers import dump

from reverie.core import notes
from reverie.core.errors import TransferError
from reverie.core.transfer.chatgpt_import import import_chatgpt
from reverie.core.transfer.markdown_import import import_markdown_folder
from reverie.core.transfer.markdown_preview import preview_markdown_folder

T0 = 1_700_000_000


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


def _trusts(vault):
    return {r[0] for r in vault.query("SELECT DISTINCT trust FROM memories")}


@pytest.mark.parametrize("date", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1850-06-01", "2250-01-01"])
def test_a_front_matter_date_out_of_range_falls_back_to_the_files_date(vault, tmp_path, date):
    root = tmp_path / "notes"
    root.mkdir()
    f = root / "old.md"
    f.write_text(f"---\ndate: {date}\ncreated: 2020-01-02\n---\nA note.\n")
    os.utime(f, (T0, T0))
    s = import_markdown_folder(vault, root)
    assert s.added == 1
    assert s.problems == [
        "old.md: 'date' in its front matter is a date outside the years 1900-2200, so the file's own date was used."
    ]
    (note,) = notes.list_notes(vault)
    assert note.happened_at == note.created_at  # the created date stands in for the bad one
    assert "date" not in note.properties
    from reverie.core.clock import iso, local_date

    assert iso(note.happened_at).startswith("2020-01-0") and local_date(note.happened_at) != "unknown date"


def test_all_dates_out_of_range_use_the_files_mtime(vault, tmp_path):
    root = tmp_path / "notes"
    root.mkdir()
    f = root / "old.md"
    f.write_text("---\ndate: 0001-01-01T00:00:00+14:00\nupdated: 3000-01-01\n---\nA note.\n")
    os.utime(f, (T0, T0))
    s = import_markdown_folder(vault, root)
    assert "'date' and 'updated' in its front matter are dates outside" in s.problems[0]
    (note,) = notes.list_notes(vault)
    assert note.updated_at == T0


def test_a_file_name_that_is_not_utf8_is_left_out_with_a_sentence(vault, tmp_path):
    root = tmp_path / "notes"
    root.mkdir()
    (root / "fine.md").write_text("fine")
    bad = os.fsencode(root) + b"/caf\xe9.md"
    with open(bad, "wb") as fh:
        fh.write(b"latin-1 name")
    preview = preview_markdown_folder(vault, root)
    assert preview.new == ("fine.md",) and preview.skipped[0][0] == "caf\ufffd.md"
    json.dumps(preview.skipped, ensure_ascii=False).encode("utf-8")  # printable, storable
    s = import_markdown_folder(vault, root)
    assert s.added == 1 and s.problems == ["caf\ufffd.md has a name that is not valid UTF-8 text; it was left out."]


def test_imported_notes_are_imported_unless_they_are_mine(vault, tmp_path):
    root = tmp_path / "notes"
    root.mkdir()
    (root / "doc.md").write_text("# Recipe\n\nTwo eggs and flour.\n")
    import_markdown_folder(vault, root)
    assert _trusts(vault) == {"imported"}
    import_markdown_folder(vault, root, mine=True)  # the same file, now said to be mine
    assert _trusts(vault) == {"user"}


# -- ChatGPT --------------------------------------------------------------------------------


def _write(tmp_path, data):
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps(data))
    return path


def _refused(vault, path, match):
    before = dump(vault)
    with pytest.raises(TransferError, match=match) as err:
        import_chatgpt(vault, path)
    message = str(err.value)
    assert len(message.splitlines()) == 1 and len(message) < 300
    assert dump(vault) == before


@pytest.mark.parametrize("value", [1e300, -(2**70), 2**70, -1e12, 1e11 - 1])
def test_chatgpt_times_out_of_range_are_refused(vault, tmp_path, value):
    data = chatgpt_export()
    data[0]["mapping"]["u1"]["message"]["create_time"] = value
    _refused(vault, _write(tmp_path, data), "has an invalid timestamp")


def test_chatgpt_ids_with_lone_surrogates_are_refused(vault, tmp_path):
    data = chatgpt_export()
    text = json.dumps(data).replace('"conv-123"', '"conv-\\ud800"')
    path = tmp_path / "conversations.json"
    path.write_text(text)
    _refused(vault, path, "has an invalid conversation id")
    data = chatgpt_export()
    mapping = data[0]["mapping"]
    mapping["u\udc00"] = mapping.pop("u2")
    mapping["t1"]["children"] = ["u\udc00"]
    data[0]["current_node"] = "u\udc00"
    path.write_text(json.dumps(data))
    _refused(vault, path, "has a message with an invalid id")


@pytest.mark.parametrize("metadata", [[1, 2], "hidden", 7, None])
def test_a_system_message_whose_metadata_is_not_an_object(vault, tmp_path, metadata):
    data = chatgpt_export()
    data[0]["mapping"]["sys"]["message"]["content"]["parts"] = ["You are helpful."]
    data[0]["mapping"]["sys"]["message"]["metadata"] = metadata
    s = import_chatgpt(vault, _write(tmp_path, data))
    assert s.added == 1 and s.messages == 4


def test_a_long_unknown_content_type_is_echoed_clipped(vault, tmp_path):
    data = chatgpt_export(ctype="X" * 200)
    _refused(vault, _write(tmp_path, data), "is of an unknown kind")
    with pytest.raises(TransferError) as err:
        import_chatgpt(vault, _write(tmp_path, data))
    assert "X" * 60 not in str(err.value)


def test_duplicate_conversation_ids_import_once_and_reimport_unchanged(vault, tmp_path):
    first = chatgpt_export()[0]
    second = copy.deepcopy(first)
    second["title"] = "Portugal, again"
    second["update_time"] = T0 + 50
    path = _write(tmp_path, [first, second])
    s = import_chatgpt(vault, path)
    assert (s.added, s.updated) == (1, 0)
    assert s.problems == ["Conversations 1 and 2 of the file share the id conv-123; only conversation 2 was imported."]
    again = import_chatgpt(vault, path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1)
    assert vault.query("SELECT title FROM conversations")[0][0] == "Portugal, again"
