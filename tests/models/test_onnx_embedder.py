"""The built-in MiniLM on ONNX Runtime: exported once into a private cache, the same vectors as
PyTorch (so the vault is not embedded again), PyTorch kept wherever the export does not apply."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import numpy as np
import pytest

from reverie.models import onnx_minilm
from reverie.models.defaults import default_embedder_location
from reverie.models.embedder import SentenceTransformerEmbedder

TEXTS = [
    "what did I walk?",
    "I walked the dog in the park on Sunday",
    "Ünïcode – Straße, 東京, emoji 🎉 and CAPITALS",
    "Anna's birthday is March 3. " * 80,  # longer than 256 word pieces: cut where the model cuts it
    "",
    "Mel:\nDid you go to the support group?\nCaro:\nYes, yesterday. It was moving.",
    "The mechanic said the brake pads on the Volvo are worn and must be replaced before winter.",
    "Planted tulip bulbs along the fence; they need full sun and should bloom in April.",
    "Dr. Meyer changed my blood pressure medication to a lower dose, one pill every morning.",
    "We decided to take the night train to Vienna instead of flying, leaving on the 14th.",
    "Opened a savings account at the credit union with a 3.1% interest rate.",
    "Which flowers did I put in the ground, and when will they open?",
    "How am I learning a foreign language?",
    "ok",
    "  leading and trailing spaces  ",
    "1234 5678 90",
] + [f"note {i}: " + "the quick brown fox jumps over the lazy dog " * (i % 7) for i in range(40)]


@pytest.fixture(scope="session")
def onnx_cache(tmp_path_factory):
    """A model cache of this session, holding one export (made the way the app makes it)."""
    root = tmp_path_factory.mktemp("model-cache")
    before = os.environ.get(onnx_minilm.ENV_CACHE)
    os.environ[onnx_minilm.ENV_CACHE] = str(root)
    emb = SentenceTransformerEmbedder()
    first = emb.embed(["warm up"])  # PyTorch now; the export starts in the background
    assert emb.backend in ("torch", "onnx") and first.shape == (1, 384)
    assert emb.wait_export(600), emb.export_problem
    yield root, emb
    if before is None:
        os.environ.pop(onnx_minilm.ENV_CACHE, None)
    else:
        os.environ[onnx_minilm.ENV_CACHE] = before


@pytest.fixture
def cache_env(onnx_cache, monkeypatch):
    monkeypatch.setenv(onnx_minilm.ENV_CACHE, str(onnx_cache[0]))
    return onnx_cache[0]


@pytest.mark.slow
def test_the_export_makes_pytorchs_vectors(onnx_cache, cache_env):
    _root, emb = onnx_cache
    assert emb.backend == "onnx" and emb._model is None  # handed over; PyTorch's model let go
    torch_only = SentenceTransformerEmbedder(backend="torch")
    mine, theirs = emb.embed(TEXTS), torch_only.embed(TEXTS)
    assert mine.shape == theirs.shape == (len(TEXTS), 384) and mine.dtype == np.float32
    cosines = (mine * theirs).sum(axis=1)
    assert cosines.min() >= 0.999, cosines
    # within 1e-5 per component: the same model tag, nothing in a vault is embedded again
    assert np.abs(mine - theirs).max() <= 1e-5
    assert np.abs(np.linalg.norm(mine, axis=1) - 1).max() < 1e-5
    assert emb.embed([]).shape == (0, 384)
    one = emb.embed([TEXTS[6]])  # alone (no padding) or in a batch: the same vector
    assert np.abs(one[0] - mine[6]).max() <= 1e-5


@pytest.mark.slow
def test_a_cached_export_is_used_at_once_without_pytorch(onnx_cache, cache_env):
    emb = SentenceTransformerEmbedder()
    assert emb.backend is None and not emb.loaded
    emb.embed(["hello"])
    assert emb.backend == "onnx" and emb._model is None and emb._exporter is None


def test_the_cache_is_private_and_keyed_by_the_models_files(onnx_cache, cache_env, tmp_path):
    root = Path(cache_env)
    folder = onnx_minilm.export_folder(Path(default_embedder_location().path), root)
    assert (folder / onnx_minilm.ONNX_FILE).is_file()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / onnx_minilm.ONNX_FILE).stat().st_mode) == 0o600
    assert not list(folder.glob("*.tmp"))
    # another model's files: another digest, another folder
    fake = tmp_path / "model"
    fake.mkdir()
    (fake / "config.json").write_text("{}")
    (fake / "model.safetensors").write_bytes(b"weights")
    first = onnx_minilm.model_digest(fake, tmp_path / "cache")
    assert onnx_minilm.model_digest(fake, tmp_path / "cache") == first  # remembered
    (fake / "model.safetensors").write_bytes(b"other weights")
    assert onnx_minilm.model_digest(fake, tmp_path / "cache") != first


def test_pytorch_is_kept_where_the_export_does_not_apply(tmp_path):
    assert SentenceTransformerEmbedder(backend="torch").onnx_source() is None
    assert SentenceTransformerEmbedder(tmp_path, model_id="folder:/x#abc").onnx_source() is None
    assert SentenceTransformerEmbedder().onnx_source() == Path(default_embedder_location().path)
    with pytest.raises(Exception, match="does not know the embedder backend"):
        SentenceTransformerEmbedder(backend="tensorflow")


@pytest.mark.slow
def test_without_onnxruntime_nothing_is_exported(cache_env, monkeypatch, tmp_path):
    monkeypatch.setenv(onnx_minilm.ENV_CACHE, str(tmp_path / "empty-cache"))
    monkeypatch.setattr(onnx_minilm, "onnxruntime_available", lambda: False)
    emb = SentenceTransformerEmbedder()
    emb.embed(["hello"])
    assert emb.backend == "torch" and emb._exporter is None
    assert not (tmp_path / "empty-cache").exists() or not list((tmp_path / "empty-cache").rglob("*.onnx"))


@pytest.mark.slow
def test_an_export_that_differs_is_not_adopted(onnx_cache, monkeypatch, tmp_path):
    made = onnx_minilm.export_folder(Path(default_embedder_location().path), onnx_cache[0]) / onnx_minilm.ONNX_FILE

    def copy(model_dir, path):  # the graph already made, without spending another minute on it
        shutil.copy(made, path)

    monkeypatch.setenv(onnx_minilm.ENV_CACHE, str(tmp_path / "cache"))
    monkeypatch.setattr(onnx_minilm, "write_graph", copy)
    monkeypatch.setattr(onnx_minilm, "MATCH_TOLERANCE", -1.0)  # nothing can match
    emb = SentenceTransformerEmbedder()
    emb.embed(["hello"])
    assert not emb.wait_export(120)
    assert emb.backend == "torch" and "differs from PyTorch" in (emb.export_problem or "")
    assert not list((tmp_path / "cache").rglob("*.onnx*"))  # nothing kept: the next start exports again


def test_info_says_which_backend_runs_the_model(onnx_cache, monkeypatch, tmp_path):
    model = Path(default_embedder_location().path)
    kind, phrase = onnx_minilm.describe_backend(model, onnx_cache[0])
    assert kind == "onnx" and phrase.startswith("ONNX Runtime, exported at ")
    kind, phrase = onnx_minilm.describe_backend(model, tmp_path / "empty")
    assert kind == "torch" and "until its ONNX export is made" in phrase
    monkeypatch.setattr(onnx_minilm, "onnxruntime_available", lambda: False)
    assert onnx_minilm.describe_backend(model, onnx_cache[0]) == ("torch", "PyTorch (onnxruntime is not installed)")
