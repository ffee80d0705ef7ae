"""``reverie ask``: streams, records, lists sources; search is the real retriever by words only."""

from __future__ import annotations

import json

import pytest
from chatfakes import FakeChatModel

from reverie.app import context
from reverie.app.cli import main
from reverie.core.settings import Settings


@pytest.fixture
def words(monkeypatch):
    from reverie.core.retrieval import Retriever

    monkeypatch.setattr(context, "build_retriever", lambda vault, **kw: Retriever(vault, None))


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_streams_and_lists_sources(capsys, words, monkeypatch):
    monkeypatch.setattr(context, "build_chat_model", lambda s: FakeChatModel("Anna's birthday is March 3 [1]."))
    assert run(capsys, "note", "add", "Anna's birthday is March 3", "--title", "Family")[0] == 0
    code, out, err = run(capsys, "ask", "When is Anna's birthday?")
    assert code == 0, err
    assert out.startswith("Anna's birthday is March 3 [1].")
    assert "Sources:" in out and "[1]" in out and "note “Family”: Anna's birthday is March 3" in out
    cid = out.strip().split()[-1]
    code, out, _ = run(capsys, "ask", "When is Bob's birthday?", "--conversation", cid, "--json")
    data = json.loads(out)
    assert code == 0 and data["conversation_id"].startswith(cid) and data["mode"] == "memory"
    assert data["citations"][0]["source_title"] == "Family"


def test_ask_about_nothing_recorded(capsys, words, monkeypatch):
    monkeypatch.setattr(context, "build_chat_model", lambda s: FakeChatModel("Invented [1]."))
    code, out, _ = run(capsys, "ask", "Who is my dentist?", "--json")
    data = json.loads(out)
    assert code == 0 and data["mode"] == "no_memory" and data["citations"] == []
    assert data["answer"].startswith("I have no memory of that")


def test_ask_with_a_missing_gguf_is_one_sentence(capsys, words, tmp_path, monkeypatch):
    monkeypatch.setattr(
        "reverie.app.context.load_settings",
        lambda v: Settings(chat_model_kind="gguf", chat_model_path=str(tmp_path / "gone.gguf")),
    )
    code, _, err = run(capsys, "ask", "hi")
    assert code == 2 and err.strip() == f"reverie: The model file {tmp_path / 'gone.gguf'} does not exist."


def test_ask_with_an_unreachable_server_keeps_the_question(capsys, words, monkeypatch):
    monkeypatch.setattr(
        "reverie.app.context.load_settings",
        lambda v: Settings(chat_model_kind="server", server_url="http://127.0.0.1:9"),
    )
    code, out, err = run(capsys, "ask", "hello there", "--json")
    assert code == 1 and "cannot reach the model server" in err
    assert json.loads(out)["status"] == "error"
    code, out, _ = run(capsys, "info", "--json")
    assert json.loads(out)["counts"]["messages"] == 2  # the question and the failed answer, both kept


def test_unknown_conversation(capsys, words, monkeypatch):
    monkeypatch.setattr(context, "build_chat_model", lambda s: FakeChatModel())
    code, _, err = run(capsys, "ask", "hi", "--conversation", "abcdef")
    assert code == 2 and "No conversation has an id starting with abcdef" in err


@pytest.mark.slow
def test_ask_with_the_real_default_model(capsys, words, monkeypatch):
    monkeypatch.setattr("reverie.app.context.load_settings", lambda v: Settings(context_size=2048, threads=2))
    run(capsys, "note", "add", "Anna's birthday is March 3", "--title", "Family")
    code, out, err = run(capsys, "ask", "When is Anna's birthday?", "--json")
    data = json.loads(out)
    assert code == 0, err
    assert data["mode"] == "memory" and data["given"][0]["source_title"] == "Family"
    assert data["answer"].strip() and data["status"] == "complete"
    assert all(c["n"] == 1 for c in data["citations"])  # only what it was given


def test_models_lists_the_default_and_extra_folders(capsys, tmp_path):
    from ggufmake import write_gguf

    folder = write_gguf(tmp_path / "extra" / "mine.Q8_0.gguf", name="Mine", file_type=7).parent
    code, out, _ = run(capsys, "models", "--folder", str(folder), "--json")
    found = {g["name"]: g for g in json.loads(out)}
    assert code == 0 and found["Mine"]["quantization"] == "Q8_0" and found["Mine"]["context_length"] == 4096
    assert any(g["source"] == "default" for g in found.values())
    code, out, _ = run(capsys, "models", "--folder", str(folder))
    assert "Mine" in out and "4,096 ctx" in out
