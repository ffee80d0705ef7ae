"""Choosing another embedder on a real vault: the vault is embedded again with the new model's tag
(resumable, never mixing models or dimensions in a search), search works by words meanwhile and
when the server is down, a wrong answer stores nothing, and export/import keep or drop vectors by
their tag whatever their dimension. The server is tests/embed_server.py (MiniLM's real vectors)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from embed_server import closed_port_url, start_server, stop_server

from reverie.core import notes
from reverie.core.embedding import embed_pending, pending_count, vector_id
from reverie.core.errors import ModelError
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.retrieval import Retriever
from reverie.core.settings import Settings
from reverie.core.transfer.export import export_vault
from reverie.core.transfer.importer import import_vault
from reverie.core.vault import Vault
from reverie.models.defaults import default_embedder_location
from reverie.models.embedder import folder_dim, folder_embedder, folder_fingerprint
from reverie.models.registry import build_embedder
from reverie.models.remote_embedder import RemoteEmbedder

NOTES = [
    "I replaced the chain on my bicycle and oiled the gears.",
    "Lentil soup with carrots and cumin for dinner.",
    "Anna's birthday is on March 3; she likes tulips.",
    "The quarterly tax return is due at the end of the month.",
    "We hiked along the river to the old stone bridge.",
    "Booked the dentist for a cleaning next Tuesday.",
]


@pytest.fixture
def server():
    running = start_server()
    yield running
    stop_server(running)


@pytest.fixture
def filled(vault):
    for text in NOTES:
        notes.create_note(vault, text)
    return vault


def _server_settings(url: str, model: str = "minilm-768", api: str = "ollama") -> Settings:
    s = Settings(embedder_kind="server", embedder_url=url, embedder_model=model)
    s.embedder_api = "openai" if api == "openai" else "ollama"
    return s.validate()


def _tags(vault: Vault) -> set[tuple[str, int]]:
    return {(r[0], r[1]) for r in vault.query("SELECT DISTINCT model_id, dim FROM vectors")}


def test_switching_the_embedder_re_embeds_every_memory_and_search_uses_it(filled, server, minilm):
    vault = filled
    n = vault.counts()["memories"]
    assert embed_pending(vault, minilm) == n
    emb = build_embedder(_server_settings(server.url))
    tag = vector_id(emb.model_id)
    assert tag == vector_id(f"ollama:minilm-768@{server.url}")
    assert pending_count(vault, tag) == n  # nothing asked of the server to know it

    retriever = Retriever(vault, emb)
    assert embed_pending(vault, emb, limit=2, batch_size=1) == 2
    # half way: both models' vectors are in the vault, a search scans the new model's only
    assert _tags(vault) == {(vector_id(minilm.model_id), 384), (tag, 768)}
    half = retriever.search("fixing my bike", now=vault.now(), mode="vector")
    assert len(half.hits) <= 2

    seen: list[tuple[int, int]] = []
    assert embed_pending(vault, emb, progress=lambda d, t: seen.append((d, t))) == n - 2
    assert seen[0] == (0, n - 2) and seen[-1] == (n - 2, n - 2)
    assert _tags(vault) == {(tag, 768)} and pending_count(vault, tag) == 0
    hits = retriever.search("repairing a bike", now=vault.now(), mode="vector").hits
    assert "bicycle" in hits[0].memory.text
    hits = retriever.search("flowers for a friend's party", now=vault.now(), mode="vector").hits
    assert "tulips" in hits[0].memory.text


def test_a_restart_in_the_middle_carries_on(filled, server):
    vault = filled
    n = vault.counts()["memories"]
    stop = threading.Event()
    first = RemoteEmbedder(server.url, "minilm", api="openai")

    def halt_after_two(done: int, total: int) -> None:
        if done >= 2:
            stop.set()

    assert embed_pending(vault, first, batch_size=1, progress=halt_after_two, cancel=stop) == 2
    server.requests.clear()
    again = RemoteEmbedder(server.url, "minilm", api="openai")  # a new process: nothing in memory
    seen: list[tuple[int, int]] = []
    assert embed_pending(vault, again, batch_size=2, progress=lambda d, t: seen.append((d, t))) == n - 2
    assert seen[0] == (0, n - 2)
    assert sum(len(r.body["input"]) for r in server.requests) == (n - 2) + 1  # the rest, and the dimension probe
    assert _tags(vault) == {(vector_id(again.model_id), 384)}


def test_an_unreachable_server_leaves_search_by_words(filled):
    vault = filled
    emb = build_embedder(_server_settings(closed_port_url()))
    with pytest.raises(ModelError, match="cannot reach the embedding server"):
        embed_pending(vault, emb)
    assert vault.query("SELECT count(*) FROM vectors")[0][0] == 0
    result = Retriever(vault, emb).search("bicycle chain", now=vault.now())
    assert result.hits and "bicycle" in result.hits[0].memory.text
    with pytest.raises(ModelError):  # asked for meaning alone, the sentence is the answer
        Retriever(vault, emb).search("bicycle chain", now=vault.now(), mode="vector")


@pytest.mark.parametrize("fault", ["nan", "short", "ragged", "text", "500"])
def test_a_wrong_answer_stores_nothing(filled, server, fault):
    server.fault = fault
    with pytest.raises(ModelError):
        embed_pending(filled, RemoteEmbedder(server.url, "minilm"))
    assert filled.query("SELECT count(*) FROM vectors")[0][0] == 0


def test_a_changed_dimension_stores_nothing_then_a_restart_embeds_again(filled, server):
    vault = filled
    n = vault.counts()["memories"]
    emb = RemoteEmbedder(server.url, "minilm")

    def change(done: int, total: int) -> None:
        if done == 2:
            server.fault = "dim"

    with pytest.raises(ModelError, match="now answers with 100-dimensional"):
        embed_pending(vault, emb, batch_size=1, progress=change)
    tag = vector_id(emb.model_id)
    assert _tags(vault) == {(tag, 384)} and vault.query("SELECT count(*) FROM vectors")[0][0] == 2
    # restarted, the same name now means a 100-dimensional model: its old vectors are embedded again
    assert embed_pending(vault, RemoteEmbedder(server.url, "minilm")) == n
    assert _tags(vault) == {(tag, 100)}


def test_a_model_folder_works_like_the_built_in_model(filled, tmp_path, minilm):
    loc = default_embedder_location()
    assert loc.path is not None
    folder = tmp_path / "my-minilm"
    folder.symlink_to(loc.path, target_is_directory=True)
    emb = build_embedder(Settings(embedder_kind="folder", embedder_path=str(folder)))
    assert emb.model_id.startswith(f"folder:{Path(loc.path).resolve().as_posix()}#")
    assert emb.dim == 384 and not emb.loaded  # read from the folder, nothing loaded
    assert np.allclose(emb.embed(NOTES[:2]), minilm.embed(NOTES[:2]), atol=1e-5)
    n = filled.counts()["memories"]
    assert embed_pending(filled, emb) == n
    assert _tags(filled) == {(vector_id(emb.model_id), 384)}
    hits = Retriever(filled, emb).search("a cavity check-up", now=filled.now(), mode="vector").hits
    assert "dentist" in hits[0].memory.text


def test_a_folder_id_changes_with_its_model(tmp_path):
    folder = tmp_path / "m"
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / "2_Dense").mkdir()
    (folder / "modules.json").write_text(
        '[{"idx": 0, "path": "", "type": "sentence_transformers.models.Transformer"},'
        ' {"idx": 1, "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},'
        ' {"idx": 2, "path": "2_Dense", "type": "sentence_transformers.models.Dense"}]'
    )
    (folder / "1_Pooling" / "config.json").write_text('{"word_embedding_dimension": 1024}')
    (folder / "2_Dense" / "config.json").write_text('{"in_features": 1024, "out_features": 256}')
    (folder / "model.safetensors").write_bytes(b"x" * 10)
    assert folder_dim(folder) == 256
    before = folder_fingerprint(folder)
    (folder / "model.safetensors").write_bytes(b"x" * 11)
    assert folder_fingerprint(folder) != before
    assert folder_embedder(folder).model_id == f"folder:{folder.resolve().as_posix()}#{folder_fingerprint(folder)}"


def test_export_and_import_keep_vectors_of_the_same_model_whatever_their_dimension(filled, server, tmp_path, clock):
    emb = RemoteEmbedder(server.url, "minilm-768")
    n = filled.counts()["memories"]
    embed_pending(filled, emb)
    tag = vector_id(emb.model_id)
    path = tmp_path / "out.reverie"
    export_vault(filled, path)

    same = Vault.create(vault_paths(tmp_path / "same"), KeyMode.NONE, clock=clock)
    other = Vault.create(vault_paths(tmp_path / "other"), KeyMode.NONE, clock=clock)
    try:
        import_vault(same, path, embedder_id=tag)
        assert _tags(same) == {(tag, 768)} and pending_count(same, tag) == 0
        minilm_tag = vector_id("sentence-transformers/all-MiniLM-L6-v2")
        import_vault(other, path, embedder_id=minilm_tag)
        assert _tags(other) == set() and pending_count(other, minilm_tag) == n  # embedded again here
        found = Retriever(same, emb).search("repairing a bike", now=same.now(), mode="vector").hits
        assert "bicycle" in found[0].memory.text
    finally:
        same.close()
        other.close()
