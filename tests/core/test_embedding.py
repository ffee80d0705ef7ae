"""Background embedding: batched, resumable, tagged with the model id, safe against concurrent edits."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from embedfakes import FakeEmbedder

from reverie.core import conversations, embedding, notes
from reverie.core.errors import ModelError


def _notes(vault, n):
    for i in range(n):
        notes.create_note(vault, f"note number {i} about topic {i % 7}", f"N{i}")


def test_embeds_pending_in_batches_with_model_id_and_float16(vault):
    _notes(vault, 10)
    emb = FakeEmbedder()
    seen = []
    assert embedding.pending_count(vault, embedding.vector_id(emb.model_id)) == 10
    assert embedding.embed_pending(vault, emb, batch_size=4, progress=lambda d, t: seen.append((d, t))) == 10
    assert emb.calls == 3 and seen == [(0, 10), (4, 10), (8, 10), (10, 10)]
    rows = vault.query("SELECT model_id, dim, length(vec), vec FROM vectors")
    assert {(r[0], r[1], r[2]) for r in rows} == {(embedding.vector_id(emb.model_id), 64, 128)}
    v = np.frombuffer(rows[0][3], dtype="<f2").astype(np.float32)
    assert abs(np.linalg.norm(v) - 1) < 1e-2
    assert embedding.pending_count(vault, embedding.vector_id(emb.model_id)) == 0
    assert embedding.embed_pending(vault, emb) == 0


def test_resumable_with_limit_and_cancel(vault):
    _notes(vault, 9)
    emb = FakeEmbedder()
    assert embedding.embed_pending(vault, emb, batch_size=2, limit=3) == 3
    cancel = threading.Event()
    cancel.set()
    assert embedding.embed_pending(vault, emb, cancel=cancel) == 0
    assert embedding.pending_count(vault, embedding.vector_id(emb.model_id)) == 6
    assert embedding.embed_pending(vault, emb) == 6


def test_switching_model_reembeds_everything(vault):
    _notes(vault, 5)
    old, new = FakeEmbedder("fake/a", 64), FakeEmbedder("fake/b", 32)
    embedding.embed_pending(vault, old)
    assert embedding.pending_count(vault, embedding.vector_id(new.model_id)) == 5
    assert embedding.embed_pending(vault, new, limit=2) == 2
    counts = dict(vault.query("SELECT model_id, count(*) FROM vectors GROUP BY model_id"))
    assert counts == {"fake/a+turns1": 3, "fake/b+turns1": 2}
    embedding.embed_pending(vault, new)
    assert vault.query("SELECT DISTINCT model_id, dim FROM vectors") == [("fake/b+turns1", 32)]


def test_memory_edited_while_embedding_is_not_given_a_stale_vector(vault):
    note = notes.create_note(vault, "first words", "T")

    def edit(_texts):
        if not edited:
            edited.append(True)
            notes.update_note(vault, note.id, body="second words")  # another thread's edit, in effect

    edited: list[bool] = []
    emb = FakeEmbedder(hook=edit)
    embedding.embed_pending(vault, emb)
    assert vault.query("SELECT count(*) FROM vectors")[0][0] == 0  # the old text's vector was dropped
    embedding.embed_pending(vault, emb)
    assert vault.query("SELECT count(*) FROM vectors")[0][0] == 1


def test_bad_embedder_output_is_a_model_error_and_nothing_is_written(vault):
    _notes(vault, 3)

    class Broken(FakeEmbedder):
        def embed(self, texts):
            return np.full((len(texts), 5), np.nan, dtype=np.float32)

    with pytest.raises(ModelError) as err:
        embedding.embed_pending(vault, Broken())
    assert "no vectors were saved" in str(err.value)
    assert vault.query("SELECT count(*) FROM vectors")[0][0] == 0


def test_worker_embeds_on_notify_and_reports(vault):
    emb = FakeEmbedder()
    progress: list[tuple[int, int]] = []
    worker = embedding.EmbeddingWorker(vault, emb, batch_size=2, progress=lambda d, t: progress.append((d, t)))
    worker.start()
    try:
        assert worker.wait_idle(30)
        conv = conversations.create_conversation(vault, "c")
        conversations.add_message(vault, conv.id, "user", "hello there")
        worker.notify()
        assert worker.wait_idle(30)
        assert embedding.pending_count(vault, embedding.vector_id(emb.model_id)) == 0
        assert progress[-1] == (1, 1) and worker.error is None
    finally:
        worker.stop(30)
    assert not worker.running


def test_worker_survives_errors(vault):
    errors: list[BaseException] = []

    class Flaky(FakeEmbedder):
        fail = True

        def embed(self, texts):
            if self.fail:
                raise ModelError("The embedder failed.")
            return super().embed(texts)

    emb = Flaky()
    _notes(vault, 2)
    worker = embedding.EmbeddingWorker(vault, emb, on_error=errors.append).start()
    try:
        assert worker.wait_idle(30) and isinstance(worker.error, ModelError) and errors
        emb.fail = False
        worker.notify()
        assert worker.wait_idle(30) and worker.error is None and worker.embedded == 2
    finally:
        worker.stop(30)


def test_finds_new_and_edited_memories_alike(vault):
    from reverie.core import ingest

    _notes(vault, 3)
    emb = FakeEmbedder()
    embedding.embed_pending(vault, emb)
    first = vault.query("SELECT min(id) FROM memories")[0][0]
    with vault.tx() as conn:
        ingest.set_memory_text(conn, first, "changed words", "N0")  # an old memory loses its vector
    _notes(vault, 1)  # and a new one arrives
    assert embedding.pending_count(vault, embedding.vector_id(emb.model_id)) == 2
    assert embedding.embed_pending(vault, emb) == 2
    assert embedding.pending_count(vault, embedding.vector_id(emb.model_id)) == 0


class _Recorder(FakeEmbedder):
    def __init__(self, *a, **k) -> None:
        super().__init__(*a, **k)
        self.seen: list[str] = []

    def embed(self, texts):
        self.seen += list(texts)
        return super().embed(texts)


def _chat(vault, *turns):
    conv = conversations.create_conversation(vault, "c")
    return conv, [conversations.add_message(vault, conv.id, "user", t, speaker=s) for s, t in turns]


def test_chat_turns_are_embedded_with_the_turn_before_and_notes_alone(vault):
    from reverie.core import turn_context

    _chat(vault, ("Mel", "Did you go to the support group?"), ("Caro", "Yes, yesterday. It was moving."))
    notes.create_note(vault, "A note on its own.", "N")
    emb = _Recorder()
    assert embedding.embed_pending(vault, emb) == 3
    assert emb.seen == [
        "Mel:\nDid you go to the support group?",
        "Caro:\nYes, yesterday. It was moving.\nMel:\nDid you go to the support group?",
        "N\nA note on its own.",
    ]
    with vault.read() as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM memories ORDER BY id")]
        inputs = turn_context.inputs_for(conn, ids)
    assert [inputs[i] for i in ids] == emb.seen  # what the evaluation embeds too
    assert vault.query("SELECT DISTINCT model_id FROM vectors") == [(embedding.vector_id(emb.model_id),)]


def test_a_deleted_or_edited_turn_leaves_no_trace_in_the_next_turns_vector(vault):
    conv, msgs = _chat(vault, ("Mel", "my secret is the blue door"), ("Caro", "I will keep it."), ("Mel", "Thanks."))
    emb = _Recorder()
    embedding.embed_pending(vault, emb)
    conversations.delete_message(vault, msgs[0].id)
    vid = embedding.vector_id(emb.model_id)
    assert embedding.pending_count(vault, vid) == 1  # "I will keep it." lost its vector
    emb.seen.clear()
    assert embedding.embed_pending(vault, emb) == 1
    assert emb.seen == ["Caro:\nI will keep it."]
    conversations.update_message(vault, msgs[1].id, "I will keep it safe.")
    assert embedding.pending_count(vault, vid) == 2  # the edited turn and the one after it
    emb.seen.clear()
    embedding.embed_pending(vault, emb)
    assert sorted(emb.seen) == ["Caro:\nI will keep it safe.", "Mel:\nThanks.\nCaro:\nI will keep it safe."]
    assert not any("secret" in t for t in emb.seen)


def test_a_turn_whose_previous_turn_changes_while_embedding_gets_no_stale_vector(vault):
    conv, msgs = _chat(vault, ("Mel", "first words"))
    embedding.embed_pending(vault, FakeEmbedder())
    conversations.add_message(vault, conv.id, "user", "second turn", speaker="Caro")

    def edit(_texts):
        if not edited:
            edited.append(True)
            conversations.update_message(vault, msgs[0].id, "changed words")  # another thread, in effect

    edited: list[bool] = []
    emb = _Recorder(hook=edit)
    embedding.embed_pending(vault, emb)
    assert "Caro:\nsecond turn\nMel:\nfirst words" in emb.seen
    emb.hook = None
    emb.seen.clear()
    embedding.embed_pending(vault, emb)
    assert sorted(emb.seen) == ["Caro:\nsecond turn\nMel:\nchanged words", "Mel:\nchanged words"]
