"""``reverie search`` on a real vault: words, meaning (real MiniLM), filters, --json, clear errors."""

from __future__ import annotations

import json

from reverie.app.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _seed(capsys):
    assert run(capsys, "note", "add", "We decided the trip goes to Lisbon by train.", "--title", "Trip plans")[0] == 0
    assert run(capsys, "note", "add", "Quarterly taxes are due in January.", "--title", "Money")[0] == 0


def test_search_by_words_text_and_json(capsys):
    _seed(capsys)
    code, out, _ = run(capsys, "search", "lisbon TRIP", "--mode", "bm25")
    assert code == 0 and "1. Trip plans · note" in out and "[trip]" in out and "[Lisbon]" in out
    code, out, _ = run(capsys, "search", "lisbon", "--mode", "bm25", "--json", "--kind", "note")
    data = json.loads(out)
    hit = data["hits"][0]
    assert hit["source_title"] == "Trip plans" and hit["kind"] == "note" and hit["rank"] == 1
    assert hit["text"][hit["highlights"][0][0] : hit["highlights"][0][1]] == "Lisbon"
    assert {"bm25", "rrf", "retention", "final"} <= set(hit["breakdown"])
    code, out, _ = run(capsys, "search", "lisbon", "--mode", "bm25", "--kind", "chat")
    assert code == 0 and "Nothing found." in out
    code, out, _ = run(capsys, "search", "lisbon", "--mode", "bm25", "--until", "2000-01-01")
    assert "Nothing found." in out
    code, out, _ = run(capsys, "search", '"unbalanced AND (', "--mode", "bm25")
    assert code == 0


def test_search_by_meaning_with_the_real_model(capsys):
    _seed(capsys)
    code, out, err = run(capsys, "search", "how are we travelling to Portugal?", "--json", "-k", "1")
    data = json.loads(out)
    assert code == 0 and data["hits"][0]["source_title"] == "Trip plans"
    assert "vector_rank" in data["hits"][0]["breakdown"] and "Embedding 2 new memories" in err
    code, out, _ = run(capsys, "search", "taxes in the past 3 days", "--json")
    data = json.loads(out)
    assert data["time_phrase"] == "in the past 3 days" and data["query_text"] == "taxes"
    assert data["hits"][0]["source_title"] == "Money" and data["widened"] is False
    code, out, _ = run(capsys, "search", "taxes in 2019", "--mode", "bm25")
    assert code == 0 and "Nothing matched in that time; these matches are from any time." in out
    assert "1. Money · note" in out


def test_search_errors_are_one_sentence(capsys):
    _seed(capsys)
    code, _, err = run(capsys, "search", "x", "--since", "someday soon", "--mode", "bm25")
    assert code == 2 and "--since must be a date" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "search", "x", "--limit", "0")
    assert code == 2 and "--limit" in err


def test_search_without_a_vault(capsys):
    code, _, err = run(capsys, "search", "anything")
    assert code == 2 and "There is no vault" in err


def test_reverie_s_replies_only_with_the_reply_kind(capsys):
    from reverie.app import context
    from reverie.core import conversations

    _seed(capsys)
    vault = context.open_vault(context.resolve_paths())
    try:
        conv = conversations.create_conversation(vault, "Trains")
        conversations.add_message(vault, conv.id, "assistant", "The night train to Lisbon leaves at nine.")
    finally:
        vault.close()
    code, out, _ = run(capsys, "search", "lisbon", "--mode", "bm25")
    assert code == 0 and "night train" not in out  # a reply is not a memory
    code, out, _ = run(capsys, "search", "lisbon", "--kind", "reply")
    assert code == 0 and "1. Trains · reply" in out and "night train" in out and "Trip plans" not in out
    code, out, _ = run(capsys, "search", "lisbon", "--mode", "bm25", "--kind", "reply", "--kind", "note")
    assert "Trip plans" in out and "night train" in out
