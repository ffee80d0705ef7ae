"""The models to choose from (default, GGUFs found, the configured server) and choosing one in a step."""

from __future__ import annotations

import socket

import pytest
from ggufmake import write_gguf, write_sparse_gguf

from reverie.core.errors import InputError, ModelError
from reverie.core.settings import Settings
from reverie.models.catalog import choose, server_model_name, survey, use
from reverie.models.registry import find_ggufs


@pytest.fixture
def home(tmp_path):
    h = tmp_path / "home"
    write_sparse_gguf(h / "models" / "Qwen2.5-1.5B-Instruct-Q4_K_M.gguf", 1_543_714_304, name="Qwen2.5 1.5B Instruct")
    write_gguf(h / ".lmstudio" / "models" / "pub" / "tiny" / "tiny-Q8_0.gguf", name="Tiny One", file_type=7)
    write_gguf(h / "models" / "again" / "tiny-Q8_0.gguf", name="Tiny One", file_type=7)
    return h


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_survey_lists_the_default_first_and_marks_it_in_use(home):
    sv = survey(Settings(), find_ggufs(home=home))
    names = [e.name for e in sv.entries]
    assert names[0] == "SmolLM2-135M-Instruct" and sv.entries[0].kind == "default"
    assert sv.in_use is sv.entries[0] and sv.tier_in_use() == "tiny"
    assert 130_000_000 < sv.entries[0].parameters < 140_000_000
    qwen = next(e for e in sv.entries if e.name == "Qwen2.5 1.5B Instruct")
    assert (qwen.kind, qwen.tier, qwen.parameters, qwen.source) == ("gguf", "capable", 1_543_714_304, "folder")
    assert sum(e.in_use for e in sv.entries) == 1


def test_the_users_tier_override_is_what_is_used(home):
    sv = survey(Settings(chat_tier="capable"), find_ggufs(home=home))
    assert sv.in_use.tier == "tiny" and sv.tier_in_use() == "capable"


def test_a_chosen_file_outside_the_usual_folders_is_listed_and_in_use(home, tmp_path):
    elsewhere = write_gguf(tmp_path / "elsewhere" / "mine.gguf", name="Mine")
    sv = survey(Settings(chat_model_kind="gguf", chat_model_path=str(elsewhere)), find_ggufs(home=home))
    assert sv.in_use.name == "Mine" and sv.in_use.path == elsewhere
    gone = survey(Settings(chat_model_kind="gguf", chat_model_path=str(tmp_path / "gone.gguf")), [])
    assert gone.in_use.name == "gone.gguf" and "does not exist" in gone.in_use.problem


def test_a_configured_server_that_does_not_answer_is_listed_with_its_sentence():
    url = f"http://127.0.0.1:{_closed_port()}"
    sv = survey(Settings(chat_model_kind="server", server_url=url, server_model="llama3.2:1b"), [])
    server = sv.in_use
    assert server.kind == "server" and server.tier == "capable" and server.parameters == 1_000_000_000
    assert "cannot reach the model server" in server.problem


def test_choose_by_default_number_name_and_path(home):
    entries = survey(Settings(), find_ggufs(home=home)).entries
    assert choose("default", entries).kind == "default"
    assert choose("SmolLM2-135M-Instruct", entries).kind == "default"
    n = next(i for i, e in enumerate(entries, 1) if e.name == "Qwen2.5 1.5B Instruct")
    assert choose(str(n), entries).name == "Qwen2.5 1.5B Instruct"
    assert choose("qwen2.5 1.5b instruct", entries).tier == "capable"  # names ignore case
    assert choose("Qwen2.5-1.5B-Instruct-Q4_K_M.gguf", entries).name == "Qwen2.5 1.5B Instruct"  # the file name
    path = home / "models" / "Qwen2.5-1.5B-Instruct-Q4_K_M.gguf"
    assert choose(str(path), entries).path == path


def test_choose_a_file_not_listed_reads_its_header(tmp_path):
    p = write_gguf(tmp_path / "x" / "other.gguf", name="Other")
    e = choose(str(p), [])
    assert (e.kind, e.name, e.path) == ("gguf", "Other", p.resolve())


def test_choose_refuses_with_one_sentence(home, tmp_path):
    entries = survey(Settings(), find_ggufs(home=home)).entries
    with pytest.raises(InputError, match="Several models are named 'Tiny One'.*use its number or its path"):
        choose("Tiny One", entries)
    with pytest.raises(InputError, match="No model named 'gpt-5' was found"):
        choose("gpt-5", entries)
    with pytest.raises(InputError, match="There is no model number 99"):
        choose("99", entries)
    with pytest.raises(ModelError, match="does not exist"):
        choose(str(tmp_path / "nope.gguf"), entries)
    text = tmp_path / "notes.gguf"
    text.write_text("hello")
    with pytest.raises(ModelError, match="not a GGUF file"):
        choose(str(text), entries)
    with pytest.raises(ModelError, match="cannot reach the model server"):
        choose(f"http://127.0.0.1:{_closed_port()}", entries, timeout=1)
    with pytest.raises(InputError, match="--server-model goes with a server address"):
        choose("default", entries, server_model="x")
    with pytest.raises(InputError, match="Say which model"):
        choose("  ", entries)


def test_use_returns_new_settings_and_leaves_the_old_ones(home):
    before = Settings(theme="dark")
    entries = survey(before, find_ggufs(home=home)).entries
    qwen = choose("Qwen2.5 1.5B Instruct", entries)
    after = use(before, qwen)
    assert (after.chat_model_kind, after.chat_model_path, after.theme) == ("gguf", str(qwen.path), "dark")
    assert before.chat_model_kind == "default"
    assert use(after, choose("default", entries)).chat_model_kind == "default"


def test_a_server_model_is_shown_by_its_file_name_when_its_id_is_a_path():
    assert server_model_name("/srv/models/Qwen2.5-7B-Instruct-Q4_K_M.gguf") == "Qwen2.5-7B-Instruct-Q4_K_M.gguf"
    assert server_model_name("C:\\models\\phi3.gguf") == "phi3.gguf"
    assert server_model_name("qwen2.5:0.5b") == "qwen2.5:0.5b" and server_model_name("") == "the server's model"
