"""The real all-MiniLM-L6-v2 embedder, offline, and retrieval with it on a small corpus."""

from __future__ import annotations

import numpy as np
import pytest

from reverie.core import conversations, embedding, notes
from reverie.core.errors import ModelError
from reverie.core.protocols import Embedder
from reverie.core.retrieval import Retriever
from reverie.models.embedder import SentenceTransformerEmbedder, default_embedder, make_embedder

CORPUS = [
    ("Car", "The mechanic said the brake pads on the Volvo are worn and must be replaced before winter."),
    ("Garden", "Planted tulip bulbs along the fence; they need full sun and should bloom in April."),
    ("Health", "Dr. Meyer changed my blood pressure medication to a lower dose, one pill every morning."),
    ("Trip", "We decided to take the night train to Vienna instead of flying, leaving on the 14th."),
    ("Money", "Opened a savings account at the credit union with a 3.1% interest rate."),
    ("Work", "The quarterly report is due to the board on Friday; Priya will prepare the charts."),
    ("Anna", "Anna is allergic to peanuts, so no satay at her birthday dinner."),
    ("Cat", "Miso the cat hides under the bed whenever the vacuum cleaner runs."),
    ("Language", "Practising Spanish verb conjugations for twenty minutes every evening with an app."),
    ("House", "The landlord agreed to fix the leaking bathroom tap next Tuesday."),
]
QUESTIONS = [
    ("What did the garage tell me about my car's stopping system?", "Car"),
    ("Which flowers did I put in the ground, and when will they open?", "Garden"),
    ("What did the doctor do about my hypertension pills?", "Health"),
    ("How are we travelling to Austria?", "Trip"),
    ("Where did I put money aside, and at what rate?", "Money"),
    ("Who is making the graphs for the board presentation?", "Work"),
    ("What food must we avoid for Anna's party?", "Anna"),
    ("Why does my pet disappear when I clean the floor?", "Cat"),
    ("How am I learning a foreign language?", "Language"),
    ("When will the plumbing in the bathroom be repaired?", "House"),
]


def test_lazy_offline_normalised(minilm):
    fresh = default_embedder()
    assert not fresh.loaded  # constructing loads nothing
    assert isinstance(fresh, Embedder)
    assert fresh.model_id == "sentence-transformers/all-MiniLM-L6-v2" and fresh.dim == 384
    vecs = minilm.embed(["hello world", "a second, longer sentence about something else", "東京 🍣"])
    assert vecs.shape == (3, 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert minilm.embed([]).shape == (0, 384)
    same = minilm.embed(["hello world"] * 70)  # more than one batch
    assert np.allclose(same, vecs[0], atol=1e-5)


def test_missing_model_is_a_clear_error(tmp_path):
    emb = SentenceTransformerEmbedder(tmp_path / "nowhere")
    with pytest.raises(ModelError, match="no model at"):
        emb.embed(["x"])
    with pytest.raises(ModelError, match="does not know"):
        make_embedder("someone/unknown-model")


@pytest.fixture
def corpus_vault(vault, minilm):
    ids = {}
    for title, body in CORPUS:
        ids[title] = notes.create_note(vault, body, title).id
    conv = conversations.create_conversation(vault, "Small talk")
    for text in ("Lovely weather today, isn't it?", "I had pasta for lunch.", "The football match was boring."):
        conversations.add_message(vault, conv.id, "user", text)
    assert embedding.embed_pending(vault, minilm, batch_size=8) == len(CORPUS) + 3
    return vault, ids


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["hybrid", "vector"])
def test_paraphrased_questions_find_the_right_passage_first(corpus_vault, minilm, mode):
    vault, ids = corpus_vault
    retriever = Retriever(vault, minilm)
    misses = []
    for question, title in QUESTIONS:
        hits = retriever.search(question, now=vault.now(), k=3, mode=mode).hits
        if not hits or hits[0].memory.source_id != ids[title]:
            misses.append((question, [h.source_title for h in hits]))
    assert misses == []


@pytest.mark.slow
def test_meaning_finds_what_words_cannot(corpus_vault, minilm):
    vault, ids = corpus_vault
    retriever = Retriever(vault, minilm)
    question = "How are we travelling to Austria?"
    assert all(h.memory.source_id != ids["Trip"] for h in retriever.search(question, now=vault.now(), mode="bm25").hits)
    assert retriever.search(question, now=vault.now()).hits[0].memory.source_id == ids["Trip"]
