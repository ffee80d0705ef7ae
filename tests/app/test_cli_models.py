"""``reverie models`` and ``reverie models --use`` through the real CLI entry on a real vault: the models
found with size, parameters and tier, the one in use marked, and choosing one in a step (a listed
number or name, a path, a real OpenAI-compatible server); bad choices leave the settings as they were."""

from __future__ import annotations

import json
import socket

import pytest
from cli_settings import run, stored
from ggufmake import write_gguf, write_sparse_gguf
from llama_server import llama_server  # noqa: F401 - the fixture

from reverie.app import context
from reverie.core.tiers import TIER_ABOUT


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A home folder with a 1.5B model in ~/models and a tiny one in LM Studio's folder."""
    h = tmp_path / "user"
    write_sparse_gguf(h / "models" / "Qwen2.5-1.5B-Instruct-Q4_K_M.gguf", 1_543_714_304, name="Qwen2.5 1.5B Instruct")
    write_gguf(h / ".lmstudio" / "models" / "pub" / "t" / "tiny-Q8_0.gguf", name="Tiny One", file_type=7)
    monkeypatch.setenv("HOME", str(h))
    return h


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_models_lists_size_parameters_and_tier_and_marks_the_one_in_use(capsys, home):
    code, out, _ = run(capsys, "models", "--json")
    rows = {r["name"]: r for r in json.loads(out)}
    assert code == 0 and set(rows) == {"SmolLM2-135M-Instruct", "Qwen2.5 1.5B Instruct", "Tiny One"}
    default = rows["SmolLM2-135M-Instruct"]
    assert default["in_use"] and default["tier"] == "tiny" and default["tier_in_use"] == "tiny"
    assert 130_000_000 < default["parameters"] < 140_000_000 and default["size_bytes"] > 90_000_000
    qwen = rows["Qwen2.5 1.5B Instruct"]
    assert (qwen["tier"], qwen["parameters"], qwen["in_use"], qwen["source"]) == (
        "capable",
        1_543_714_304,
        False,
        "folder",
    )
    assert rows["Tiny One"]["source"] == "lmstudio" and rows["Tiny One"]["tier"] == "tiny"
    assert not context.resolve_paths().exists()  # listing creates no vault
    code, out, _ = run(capsys, "models")
    lines = out.splitlines()
    assert any(line.startswith("  * 1  SmolLM2-135M-Instruct") and "135M" in line and "tiny" in line for line in lines)
    assert any("Qwen2.5 1.5B Instruct" in line and "1.5B" in line and "capable" in line for line in lines)
    assert f"In use: SmolLM2-135M-Instruct (tiny). {TIER_ABOUT['tiny']}" in out


def test_use_a_listed_model_by_number_then_the_default_by_name(capsys, home):
    listed = json.loads(run(capsys, "models", "--json")[1])
    n = next(i for i, r in enumerate(listed, 1) if r["name"] == "Qwen2.5 1.5B Instruct")
    code, out, err = run(capsys, "models", "--use", str(n))
    assert code == 0, err
    assert f"In use: Qwen2.5 1.5B Instruct (capable). {TIER_ABOUT['capable']}" in out
    s, _ = stored()
    assert (s["chat_model_kind"], s["chat_model_path"]) == (
        "gguf",
        str(home / "models" / "Qwen2.5-1.5B-Instruct-Q4_K_M.gguf"),
    )
    rows = {r["name"]: r for r in json.loads(run(capsys, "models", "--json")[1])}
    assert rows["Qwen2.5 1.5B Instruct"]["in_use"] and not rows["SmolLM2-135M-Instruct"]["in_use"]
    code, out, _ = run(capsys, "models", "--use", "default")
    assert code == 0 and "In use: SmolLM2-135M-Instruct (tiny)" in out
    assert stored()[0]["chat_model_kind"] == "default"


def test_use_a_path_and_the_tier_override_is_said(capsys, home, tmp_path):
    p = write_gguf(tmp_path / "elsewhere" / "mine.gguf", name="Mine")
    assert run(capsys, "config", "set", "chat_tier", "capable")[0] == 0
    code, out, _ = run(capsys, "models", "--use", str(p))
    assert code == 0 and "In use: Mine (capable, as set in settings; detected tiny)" in out
    assert stored()[0]["chat_model_path"] == str(p)
    assert any(line.startswith("  *") and "Mine" in line for line in run(capsys, "models")[1].splitlines())


@pytest.mark.parametrize(
    ("target", "sentence"),
    [
        ("/nowhere/model.gguf", "The model file /nowhere/model.gguf does not exist."),
        ("Tiny", "No model named 'Tiny' was found"),
        ("42", "There is no model number 42"),
        ("CLOSED", "Reverie cannot reach the model server at"),
    ],
)
def test_a_bad_choice_is_one_sentence_and_changes_nothing(capsys, home, target, sentence):
    assert run(capsys, "config", "set", "theme", "dark")[0] == 0
    before = stored()
    if target == "CLOSED":
        target = f"http://127.0.0.1:{_closed_port()}"
    code, out, err = run(capsys, "models", "--use", target)
    assert code == 2 and out == ""
    assert err.startswith(f"reverie: {sentence}") and len(err.strip().splitlines()) == 1
    assert stored() == before


def test_a_file_that_is_not_a_gguf_is_refused(capsys, home, tmp_path):
    bad = tmp_path / "notes.gguf"
    bad.write_text("plain text")
    code, _, err = run(capsys, "models", "--use", str(bad))
    assert code == 2 and "it is not a GGUF file" in err


@pytest.mark.slow
def test_use_a_real_openai_compatible_server(capsys, home, llama_server):  # noqa: F811
    code, out, err = run(capsys, "models", "--use", llama_server)
    assert code == 0, err
    s, _ = stored()
    assert (s["chat_model_kind"], s["server_url"]) == ("server", llama_server)
    assert s["server_model"].endswith("SmolLM2-135M-Instruct.Q4_1.gguf")  # the one model the server lists
    # its size, read from the model's id (a path: shown by its file name)
    assert out.startswith(f"In use: SmolLM2-135M-Instruct.Q4_1.gguf (tiny). {TIER_ABOUT['tiny']}")
    rows = json.loads(run(capsys, "models", "--json")[1])
    server = next(r for r in rows if r["kind"] == "server")
    assert server["in_use"] and server["url"] == llama_server and server["problem"] is None
    assert server["name"] == "SmolLM2-135M-Instruct.Q4_1.gguf" and server["tier"] == "tiny"
    before = stored()
    code, _, err = run(capsys, "models", "--use", llama_server, "--server-model", "gpt-9")
    assert code == 2 and f"The server at {llama_server} has no model 'gpt-9'; it offers:" in err
    assert stored() == before
