"""The search model (embedder) from the command line, on a real vault and a real local embedding
server (tests/embed_server.py): ``reverie config set embedder_*``, ``reverie models`` and
``--test-search``, and ``reverie search`` with the server up and down."""

from __future__ import annotations

import pytest
from cli_settings import run, stored
from embed_server import closed_port_url, start_server, stop_server

from reverie.app import context
from reverie.core.embedding import pending_count, vector_id


@pytest.fixture
def server():
    running = start_server()
    yield running
    stop_server(running)


def _use_server(capsys, url: str, model: str = "minilm-768", api: str = "ollama") -> None:
    for key, value in [
        ("embedder_kind", "server"),
        ("embedder_url", url),
        ("embedder_model", model),
        ("embedder_api", api),
    ]:
        code, out, err = run(capsys, "config", "set", key, value)
        assert code == 0, err


def test_config_sets_the_search_model_and_refuses_a_key_in_place_of_its_variable(capsys):
    code, out, _ = run(capsys, "config", "set", "embedder_kind", "server")
    assert code == 0 and "embeds every memory again" in out
    code, _, err = run(capsys, "config", "set", "embedder_key_env", "sk-live-0123456789")
    assert code != 0 and "name of an environment variable" in err and "Traceback" not in err
    code, _, err = run(capsys, "config", "set", "embedder_api", "grpc")
    assert code != 0 and "ollama" in err
    assert run(capsys, "config", "set", "embedder_key_env", "REVERIE_EMBED_API_KEY")[0] == 0
    s, _ = stored()
    assert (s["embedder_kind"], s["embedder_api"], s["embedder_key_env"]) == (
        "server",
        "ollama",
        "REVERIE_EMBED_API_KEY",
    )


def test_models_shows_the_search_model_and_tests_it(capsys, server):
    assert run(capsys, "note", "add", "I replaced the chain on my bicycle.")[0] == 0
    code, out, _ = run(capsys, "models")
    assert code == 0 and "Search model: all-MiniLM-L6-v2 (built in); 1 of 1 memories wait" in out
    _use_server(capsys, server.url)
    code, out, _ = run(capsys, "models")
    assert f"Search model: minilm-768 (Ollama server at {server.url}); 1 of 1 memories wait" in out
    code, out, err = run(capsys, "models", "--test-search")
    assert code == 0 and "it works, 768-dimensional vectors" in out, err
    server.fault = "nan"
    code, _, err = run(capsys, "models", "--test-search")
    assert code != 0 and "invalid numbers" in err and "Traceback" not in err


def test_search_embeds_with_the_server_and_falls_back_to_words_when_it_is_down(capsys, server):
    for text in ["I replaced the chain on my bicycle.", "Lentil soup with carrots for dinner."]:
        assert run(capsys, "note", "add", text)[0] == 0
    _use_server(capsys, server.url, "minilm", "openai")
    code, out, err = run(capsys, "search", "repairing a bike", "--mode", "vector")
    assert code == 0 and "bicycle" in out.splitlines()[0], err
    vault = context.open_vault(context.resolve_paths())
    try:
        tag = vector_id(f"openai:minilm@{server.url}")
        assert pending_count(vault, tag) == 0
        assert {r[0] for r in vault.query("SELECT DISTINCT dim FROM vectors")} == {384}
    finally:
        vault.close()

    assert run(capsys, "config", "set", "embedder_url", closed_port_url())[0] == 0
    code, out, err = run(capsys, "search", "bicycle")
    assert code == 0 and "bicycle" in out
    assert "cannot reach the embedding server" in err and "Traceback" not in err
    assert len([line for line in err.splitlines() if "cannot reach" in line]) == 1
