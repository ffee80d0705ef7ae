"""``embed_pending`` reads a window of pending memories and embeds them longest first, in batches of
similar length; every vector still lands on its own memory."""

from __future__ import annotations

import threading

import numpy as np
from embedfakes import FakeEmbedder

from reverie.core import embedding, notes, turn_context


class _Batches(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[str]] = []

    def embed(self, texts):
        self.batches.append(list(texts))
        return super().embed(texts)


def test_by_length_groups_similar_lengths_and_keeps_the_ids_order_in_a_batch():
    inputs = {1: "aa", 2: "aaaaaa", 3: "a", 4: "aaaaa", 5: "aaa"}
    assert embedding.by_length([1, 2, 3, 4, 5], inputs, 2) == [[2, 4], [1, 5], [3]]
    assert embedding.by_length([], inputs, 2) == []


def test_pending_memories_are_embedded_longest_first_and_each_vector_is_its_own(vault):
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india"]
    for i, w in enumerate(words):
        notes.create_note(vault, " ".join([w] * (1 + (i * 5) % 9)), "T")
    emb = _Batches()
    assert embedding.embed_pending(vault, emb, batch_size=4) == len(words)
    lengths = [[len(t) for t in b] for b in emb.batches]
    assert [len(b) for b in lengths] == [4, 4, 1]
    assert min(lengths[0]) >= max(lengths[1]) >= max(lengths[2])  # one window, longest batches first
    rows = vault.query("SELECT memory_id, vec FROM vectors")
    with vault.read() as conn:
        inputs = turn_context.inputs_for(conn, [r[0] for r in rows], embedding.WINDOW)
    for mid, blob in rows:
        stored = np.frombuffer(blob, dtype="<f2").astype(np.float32)
        assert np.allclose(stored, FakeEmbedder().embed([inputs[mid]])[0], atol=1e-3)


def test_a_window_larger_than_read_ahead_is_read_in_parts(vault, monkeypatch):
    monkeypatch.setattr(embedding, "READ_AHEAD", 3)
    for i in range(7):
        notes.create_note(vault, f"note {i} " + "word " * i, "T")
    emb = _Batches()
    seen: list[tuple[int, int]] = []
    assert embedding.embed_pending(vault, emb, batch_size=2, progress=lambda d, t: seen.append((d, t))) == 7
    assert [len(b) for b in emb.batches] == [2, 1, 2, 1, 1]  # windows of 3: two batches each
    assert seen == [(0, 7), (2, 7), (3, 7), (5, 7), (6, 7), (7, 7)]


def test_cancel_between_batches_of_a_window_leaves_the_rest_pending(vault):
    for i in range(6):
        notes.create_note(vault, f"note number {i}", "T")
    stop = threading.Event()
    emb = FakeEmbedder(hook=lambda texts: stop.set())
    assert embedding.embed_pending(vault, emb, batch_size=2, cancel=stop) == 2
    assert embedding.pending_count(vault, embedding.vector_id(emb.model_id)) == 4
