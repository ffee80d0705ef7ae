"""The server embedder against a real local HTTP server that speaks Ollama's /api/embed and the
OpenAI-compatible /v1/embeddings, serving MiniLM's real vectors (tests/embed_server.py)."""

from __future__ import annotations

import numpy as np
import pytest
from embed_server import closed_port_url, start_server, stop_server

from reverie.core.errors import InputError, ModelError
from reverie.core.settings import Settings
from reverie.models.registry import build_embedder, embedder_key
from reverie.models.remote_embedder import RemoteEmbedder, normalise_url, server_model_id


@pytest.fixture
def server():
    running = start_server()
    yield running
    stop_server(running)


TEXTS = ["I fixed the bike's chain today.", "Soup with lentils and carrots.", "A walk by the river.", "x", "y"]


def test_ollama_answers_are_minilm_vectors_in_batches(server, minilm):
    emb = RemoteEmbedder(server.url, "minilm", api="ollama", batch_size=2)
    assert emb.known_dim is None  # nothing asked yet
    got = emb.embed(TEXTS)
    assert got.shape == (5, 384) and got.dtype == np.float32
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert np.allclose(got, minilm.embed(TEXTS), atol=1e-5)
    assert [len(r.body["input"]) for r in server.requests] == [2, 2, 1]
    assert {r.path for r in server.requests} == {"/api/embed"}
    assert emb.dim == 384 and len(server.requests) == 3  # known from the first answer: no probe
    assert emb.model_id == f"ollama:minilm@{server.url}"


def test_openai_answers_are_put_back_in_order(server, minilm):
    emb = RemoteEmbedder(server.url + "/v1/", "minilm-768", api="openai")
    got = emb.embed(TEXTS[:3])  # the server lists them in reverse order
    want = np.concatenate([minilm.embed(TEXTS[:3])] * 2, axis=1) / np.sqrt(2)
    assert got.shape == (3, 768) and np.allclose(got, want, atol=1e-5)
    assert server.requests[0].path == "/v1/embeddings"
    assert emb.model_id == f"openai:minilm-768@{server.url}"  # /v1 is not part of the address


def test_the_dimension_is_asked_once_when_needed(server):
    emb = RemoteEmbedder(server.url, "minilm-768")
    assert emb.dim == 768 and emb.dim == 768
    assert len(server.requests) == 1


def test_the_api_key_goes_in_the_authorization_header(server, monkeypatch):
    server.key = "sekrit-123"
    monkeypatch.setenv("MY_EMBED_KEY", "sekrit-123")
    s = Settings(embedder_kind="server", embedder_url=server.url, embedder_model="minilm")
    s.embedder_key_env = "MY_EMBED_KEY"
    assert build_embedder(s.validate()).embed(["hello"]).shape == (1, 384)
    assert server.requests[-1].headers["Authorization"] == "Bearer sekrit-123"
    assert "sekrit-123" not in repr(s.to_dict())  # the setting names the variable, never the key

    wrong = RemoteEmbedder(server.url, "minilm", api_key="nope")
    with pytest.raises(ModelError, match=r"HTTP 401 \(is the API key right\?\)"):
        wrong.embed(["hello"])
    monkeypatch.delenv("MY_EMBED_KEY")
    with pytest.raises(ModelError, match="MY_EMBED_KEY holds no API key"):
        build_embedder(s)


def test_the_setting_takes_a_variable_name_not_a_key():
    with pytest.raises(InputError, match="name of an environment variable"):
        Settings(embedder_key_env="sk-abc 123").validate()
    with pytest.raises(InputError, match="ollama"):
        Settings(embedder_api="grpc").validate()  # type: ignore[arg-type]
    kept = Settings.from_dict({"embedder_kind": "cloud", "embedder_model": "nomic-embed-text"})
    assert kept.embedder_kind == "default" and kept.embedder_model == "nomic-embed-text"


def test_an_unreachable_server_is_one_sentence_and_then_fails_at_once():
    now = [100.0]
    emb = RemoteEmbedder(closed_port_url(), "minilm", connect_timeout=2, retry_after=15, clock=lambda: now[0])
    with pytest.raises(ModelError, match=r"^Reverie cannot reach the embedding server at .*; is it running\?") as first:
        emb.embed(["hello"])
    assert "\n" not in str(first.value)
    now[0] += 5  # within retry_after: the same sentence, no new connection
    emb._host = "256.0.0.1"  # would fail differently if it were tried
    with pytest.raises(ModelError) as again:
        emb.embed(["hello"])
    assert str(again.value) == str(first.value)
    emb.retry_now()  # the user's Test: tried again at once
    with pytest.raises(ModelError) as retried:
        emb.embed(["hello"])
    assert str(retried.value) != str(first.value)
    now[0] += 20  # after it: tried again
    with pytest.raises(ModelError) as later:
        emb.embed(["hello"])
    assert str(later.value) != str(first.value)


@pytest.mark.parametrize(
    ("fault", "sentence"),
    [
        ("nan", "invalid numbers"),
        ("short", "sent 1 vectors .* for 2 texts"),
        ("ragged", "vectors of lengths"),
        ("500", "HTTP 500.*the model crashed"),
        ("text", "did not answer with JSON"),
    ],
)
def test_wrong_answers_are_one_sentence(server, fault, sentence):
    server.fault = fault
    with pytest.raises(ModelError, match=sentence) as err:
        RemoteEmbedder(server.url, "minilm").embed(["one", "two"])
    assert "\n" not in str(err.value)


def test_a_changed_dimension_is_refused(server):
    emb = RemoteEmbedder(server.url, "minilm")
    emb.embed(["one"])
    server.fault = "dim"
    with pytest.raises(ModelError, match="now answers with 100-dimensional vectors instead of 384"):
        emb.embed(["two"])


def test_an_unknown_model_says_so(server):
    with pytest.raises(ModelError, match="HTTP 404 .*know the model 'nomic-embed-text'.*not found"):
        RemoteEmbedder(server.url, "nomic-embed-text").embed(["one"])


def test_ids_never_shared_by_two_models():
    url = "http://127.0.0.1:11434"
    ids = {
        server_model_id("ollama", "nomic-embed-text", url),
        server_model_id("openai", "nomic-embed-text", url),
        server_model_id("ollama", "mxbai-embed-large", url),
        server_model_id("ollama", "nomic-embed-text", "http://127.0.0.1:11435"),
        server_model_id("ollama", "nomic-embed-text", "http://otherhost:11434"),
    }
    assert len(ids) == 5
    assert server_model_id("ollama", "nomic-embed-text", "HTTP://127.0.0.1:11434/") == (
        "ollama:nomic-embed-text@http://127.0.0.1:11434"
    )
    assert normalise_url("localhost")[0] == "http://localhost:80"
    with pytest.raises(ModelError, match="not a server address"):
        normalise_url("ftp://x")


def test_settings_build_each_kind_without_loading(tmp_path):
    assert "MiniLM" in build_embedder(Settings()).model_id
    with pytest.raises(ModelError, match="No embedding model name"):
        build_embedder(Settings(embedder_kind="server"))
    with pytest.raises(ModelError, match="No model folder is chosen"):
        build_embedder(Settings(embedder_kind="folder"))
    with pytest.raises(ModelError, match="no sentence-transformers model"):
        build_embedder(Settings(embedder_kind="folder", embedder_path=str(tmp_path)))
    a = embedder_key(Settings(embedder_kind="server", embedder_model="a"))
    assert a != embedder_key(Settings(embedder_kind="server", embedder_model="b"))
