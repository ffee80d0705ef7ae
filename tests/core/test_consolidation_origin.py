"""Facts about the user come from the user's own words only: their chat turns, notes written in
Reverie, and imports they marked as their own writing. Imported documentation, Reverie's replies
and a ChatGPT export's assistant turns never become facts or profile lines."""

from __future__ import annotations

import json

from core.test_consolidation import FakeModel, chat, facts, sources_of

from reverie.core import conversations, history, ingest, notes
from reverie.core.consolidation import run_consolidation
from reverie.core.transfer.chatgpt_import import import_chatgpt
from reverie.core.transfer.markdown_import import import_markdown_folder

README = """---
title: Obsidian Help
tags: [docs, help]
aliases:
  - Help
date: 2024-05-02
---
# Obsidian Help

Welcome to the Obsidian Help vault. We love open source and we love our community.

## Getting started

Obsidian stores notes as plain Markdown files. Our Twitter handle is @obsdmd and our forum is busy.

```python
my_table = date.date()
print(my_table)
```

| Plan | Price |
|------|-------|
| My table. | $0 |
| Sync | $8 |

## Links

- [Download](https://obsidian.md/download)
- [Forum](https://forum.obsidian.md)
- [[Daily notes]]

My table.

date.date().

We are a small team and our mission is to make notes last. My favourite plugin is Dataview.
"""

RECIPE = """# Peach tart

I prefer nectarines to peaches. My grandmother's tart is the best in Lyon.

1. Slice the fruit.
2. Bake for 30 minutes at 180 C.

My oven runs hot, so I bake it for 25 minutes.
"""

CHANGELOG = """# Changelog

## 1.4.2
- Fixed: the table view no longer crashes.
- My table.
- I live in Lyon is now a supported sentence in the parser test suite.
"""


def docs_folder(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "README.md").write_text(README, encoding="utf-8")
    (folder / "peach-tart.md").write_text(RECIPE, encoding="utf-8")
    (folder / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    return folder


def profile_text(vault):
    rows = vault.query("SELECT value FROM settings WHERE key = 'profile'")
    return json.loads(rows[0][0]) if rows else ""


def test_imported_documentation_yields_no_facts_and_user_chat_does(vault, clock, tmp_path):
    summary = import_markdown_folder(vault, docs_folder(tmp_path))
    assert summary.added == 3
    before = profile_text(vault)
    report = run_consolidation(vault)
    assert report.status == "ok", report.error
    assert facts(vault) == [] and report.counts["facts_added"] == 0
    assert profile_text(vault) == before == ""  # no new profile lines
    assert report.counts["summaries_added"] >= 1  # the documents were still read (digests, duplicates)

    clock.advance(days=1)
    chat(vault, "My sister's name is Clara.", "I live in Lyon.", "Our Twitter handle is @x, said the brochure?")
    report = run_consolidation(vault)
    assert [f[1] for f in facts(vault)] == ["My sister's name is Clara.", "I live in Lyon."]
    assert "- I live in Lyon." in profile_text(vault)
    assert "nectarines" not in profile_text(vault) and "obsdmd" not in profile_text(vault)


def test_the_model_never_reads_documents_or_replies_and_only_statements_pass(vault, clock, tmp_path):
    import_markdown_folder(vault, docs_folder(tmp_path))
    c = chat(vault, "I started pottery classes with Maria in June.", "Hi!", "Do you like pottery?")
    conversations.add_message(vault, c.id, "assistant", "My name is Reverie and I live in your computer.")
    model = FakeModel(
        [
            json.dumps(
                {
                    "facts": [
                        {"fact": "My table.", "line": 1},
                        {"fact": "I started pottery classes with Maria.", "line": 1},
                        {"fact": "I never started pottery classes.", "line": 1},
                    ]
                }
            ),
            json.dumps({"topics": []}),
        ]
    )
    report = run_consolidation(vault, chat_model=model)
    facts_prompts = [m[1].content for m, schema in model.calls if "facts" in schema["properties"]]
    assert len(facts_prompts) == 1
    assert facts_prompts[0] == "1. I started pottery classes with Maria in June."  # the user's statements only
    assert [f[1] for f in facts(vault)] == ["I started pottery classes with Maria."]
    assert report.counts["rejected_not_statement"] == 1 and report.counts["rejected_ungrounded"] == 1
    assert any("drops or adds a negation" in line for line in report.log)


def test_notes_marked_as_mine_at_import_are_the_users_words(vault, clock, tmp_path):
    folder = docs_folder(tmp_path)
    import_markdown_folder(vault, folder)
    assert run_consolidation(vault).counts["facts_added"] == 0
    clock.advance(days=1)
    again = import_markdown_folder(vault, folder, mine=True)  # unchanged files: only the mark changes
    assert again.updated == 3 and again.added == 0
    meta = [json.loads(r[0]) for r in vault.query("SELECT meta FROM notes ORDER BY id")]
    assert all(m["own_words"] is True for m in meta)
    with vault.tx() as conn:  # the notes were read before: let consolidation read them again
        conn.execute("DELETE FROM consolidation_marks")
    run_consolidation(vault)
    texts = [f[1] for f in facts(vault)]
    assert "I prefer nectarines to peaches." not in texts  # a statement, but not of a rule shape
    assert "My oven runs hot, so I bake it for 25 minutes." not in texts
    assert "My grandmother's tart is the best in Lyon." in texts
    assert "My table." not in texts and not any("date" in t for t in texts)
    # a later import without the mark leaves it alone
    import_markdown_folder(vault, folder)
    assert all(json.loads(r[0])["own_words"] is True for r in vault.query("SELECT meta FROM notes"))


def test_notes_written_in_reverie_are_the_users_words(vault, clock):
    notes.create_note(vault, "# Me\n\nMy dentist is Dr. Wu.\n\n```\nmy_table = 1\n```")
    run_consolidation(vault)
    assert [f[1] for f in facts(vault)] == ["My dentist is Dr. Wu."]


def test_a_chatgpt_exports_user_turns_are_the_users_words_and_its_replies_are_not(vault, clock, tmp_path):
    def node(nid, parent, role, text):
        return {
            "id": nid,
            "parent": parent,
            "children": [],
            "message": {
                "author": {"role": role},
                "create_time": 1.7e9,
                "content": {"content_type": "text", "parts": [text]},
            },
        }

    export = [
        {
            "title": "Chat",
            "create_time": 1.7e9,
            "update_time": 1.7e9,
            "conversation_id": "c1",
            "current_node": "b",
            "mapping": {
                "a": node("a", None, "user", "My cat is called Felix."),
                "b": node("b", "a", "assistant", "My favourite colour is blue."),
            },
        }
    ]
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    import_chatgpt(vault, path)
    run_consolidation(vault)
    ((fid, text, *_),) = facts(vault)
    assert text == "My cat is called Felix." and sources_of(vault, fid) == ["My cat is called Felix."]


def test_facts_an_earlier_version_took_from_documents_are_put_away(vault, clock, tmp_path):
    import_markdown_folder(vault, docs_folder(tmp_path))
    c = chat(vault, "My dentist is Dr. Wu.")
    run_consolidation(vault)
    # What an earlier version wrote: facts from the README, one of them in the profile.
    with vault.tx() as conn:
        src = conn.execute("SELECT id FROM memories WHERE kind = 'note' AND text LIKE '%Twitter handle%'").fetchone()[0]
        mine = conn.execute("SELECT id FROM memories WHERE kind = 'chat'").fetchone()[0]
        made = []
        for text in ("Our Twitter handle is @obsdmd.", "My table.", "My favourite plugin is Dataview."):
            mid = ingest.insert_memory(
                conn,
                clock.now(),
                kind="fact",
                source_kind="consolidation",
                source_id="run:0",
                text=text,
                actor="consolidation",
                meta=json.dumps({"origin": "rule"}),
            )
            conn.execute(
                "INSERT INTO memory_sources(memory_id, source_memory_id) VALUES (?, ?)",
                (mid, mine if text == "My table." else src),
            )
            made.append(mid)
        kept = ingest.insert_memory(
            conn,
            clock.now(),
            kind="fact",
            source_kind="consolidation",
            source_id="run:0",
            text="My favourite editor is Obsidian.",
            meta=json.dumps({"origin": "rule"}),
        )
        conn.execute("INSERT INTO memory_sources(memory_id, source_memory_id) VALUES (?, ?)", (kept, src))
        history.log(
            conn,
            clock.now(),
            "memory",
            conn.execute("SELECT uid FROM memories WHERE id = ?", (kept,)).fetchone()[0],
            "edit",
            actor="user",
        )
        conn.execute(
            "UPDATE settings SET value = ? WHERE key = 'profile_auto'",
            (json.dumps(profile_text(vault) + "\n- Our Twitter handle is @obsdmd."),),
        )
        conn.execute(
            "UPDATE settings SET value = ? WHERE key = 'profile'",
            (json.dumps(profile_text(vault) + "\n- Our Twitter handle is @obsdmd."),),
        )
    clock.advance(days=1)
    conversations.add_message(vault, c.id, "user", "I live in Lyon.")
    report = run_consolidation(vault)
    assert report.counts["facts_retracted"] == 3
    rows = {
        r[0]: (r[1], json.loads(r[2]).get("retracted"))
        for r in vault.query("SELECT text, archived, meta FROM memories WHERE kind = 'fact'")
    }
    assert rows["Our Twitter handle is @obsdmd."] == (1, "not from your own words")
    assert rows["My table."] == (1, "not a statement (a fragment)")
    assert rows["My favourite editor is Obsidian."] == (0, None)  # the user edited it: theirs now
    assert rows["My dentist is Dr. Wu."] == (0, None) and rows["I live in Lyon."] == (0, None)
    assert "obsdmd" not in profile_text(vault) and "- I live in Lyon." in profile_text(vault)
    assert (
        vault.query("SELECT count(*) FROM history WHERE action = 'archive' AND note LIKE 'fact retracted%'")[0][0] == 3
    )
    assert run_consolidation(vault).counts["facts_retracted"] == 0


def test_a_tiny_models_facts_are_not_used_unless_the_user_says_it_is_capable(vault, clock):
    from reverie.core.settings import Settings

    chat(vault, "I started pottery classes with Maria in June.", "My dentist is Dr. Wu.")
    answer = json.dumps({"facts": [{"fact": "I started pottery classes with Maria.", "line": 1}]})
    tiny = FakeModel([answer, json.dumps({"topics": []})])
    tiny.tier = "tiny"
    report = run_consolidation(vault, chat_model=tiny)
    assert not [1 for _, schema in tiny.calls if "facts" in schema["properties"]]  # topics only
    assert [f[1] for f in facts(vault)] == ["My dentist is Dr. Wu."]
    assert any("the chat model is tiny" in line for line in report.log)

    clock.advance(days=1)
    chat(vault, "I started pottery classes with Maria in June.")
    trusted = FakeModel([answer, json.dumps({"topics": []})])
    trusted.tier = "tiny"
    run_consolidation(vault, chat_model=trusted, settings=Settings(chat_tier="capable"))
    assert [1 for _, schema in trusted.calls if "facts" in schema["properties"]]
    assert "I started pottery classes with Maria." in [f[1] for f in facts(vault)]
