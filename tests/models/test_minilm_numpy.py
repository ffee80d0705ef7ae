"""The NumPy MiniLM makes the vectors sentence-transformers makes, and ``QuickFirst`` sends each
call to the right one."""

from __future__ import annotations

import numpy as np
import pytest

from reverie.core.errors import ModelError
from reverie.models.defaults import DEFAULT_EMBEDDER_ID, default_embedder_location
from reverie.models.embedder import SentenceTransformerEmbedder
from reverie.models.minilm_numpy import NumpyMiniLM, QuickFirst, quick_first

TEXTS = [
    "what did I walk?",
    "I walked the dog in the park on Sunday",
    "Ünïcode – Straße, 東京, emoji 🎉 and CAPITALS",
    "Anna's birthday is March 3. " * 80,  # longer than 256 tokens: cut where the model cuts it
    "",
]


@pytest.mark.slow
def test_numpy_vectors_match_sentence_transformers(minilm):
    fast = NumpyMiniLM(default_embedder_location().path)
    mine, theirs = fast.embed(TEXTS), minilm.embed(TEXTS)
    assert mine.dtype == np.float32 and mine.shape == theirs.shape == (len(TEXTS), 384)
    cosines = (mine * theirs).sum(axis=1)
    assert cosines.min() > 0.9999, cosines
    assert np.abs(np.linalg.norm(mine, axis=1) - 1).max() < 1e-5


class FakeFull:
    model_id, dim = DEFAULT_EMBEDDER_ID, 3

    def __init__(self) -> None:
        self.calls: list[int] = []
        self.loaded = False

    def embed(self, texts):
        self.calls.append(len(texts))
        return np.ones((len(texts), 3), dtype=np.float32) / np.sqrt(3)


class FakeQuick:
    def __init__(self, fail: bool = False) -> None:
        self.fail, self.calls = fail, 0

    def embed(self, texts):
        self.calls += 1
        if self.fail:
            raise ModelError("The search model could not be read.")
        return np.zeros((len(texts), 3), dtype=np.float32)


def test_a_few_texts_go_quick_and_a_batch_or_a_loaded_model_goes_full():
    full, quick = FakeFull(), FakeQuick()
    both = QuickFirst(full, quick, max_texts=2)
    assert both.model_id == DEFAULT_EMBEDDER_ID and both.dim == 3
    assert both.embed(["a query"]).sum() == 0 and quick.calls == 1 and full.calls == []
    both.embed(["a", "b", "c"])
    assert full.calls == [3]
    full.loaded = True
    both.embed(["one"])
    assert full.calls == [3, 1] and quick.calls == 1


def test_when_the_quick_path_fails_the_full_model_answers_from_then_on():
    full, quick = FakeFull(), FakeQuick(fail=True)
    both = QuickFirst(full, quick)
    assert both.embed(["q"]).shape == (1, 3) and full.calls == [1]
    both.embed(["q"])
    assert quick.calls == 1 and full.calls == [1, 1] and both.quick_failed


def test_only_the_built_in_model_is_wrapped(tmp_path):
    built_in = SentenceTransformerEmbedder()
    assert isinstance(quick_first(built_in), QuickFirst)
    assert not isinstance(quick_first(SentenceTransformerEmbedder(tmp_path)), QuickFirst)
    other = FakeFull()
    assert quick_first(other) is other
