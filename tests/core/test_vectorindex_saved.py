"""The vector index saved in the vault in blocks (migration 0010), the exact re-score, and each kind of
change (add, edit, delete, archive) showing in the next search, also across a reopen or a crash."""

from __future__ import annotations

import numpy as np
import pytest
from embedfakes import FakeEmbedder

from reverie.core import embedding, ingest, memories, notes, vectorblocks, vectorindex
from reverie.core.retrieval import Retriever
from reverie.core.vectorindex import VectorIndex

DIM = 16


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 64 rows, saved from any size, and saved again after every change."""
    monkeypatch.setattr(vectorblocks, "BLOCK_ROWS", 64)
    monkeypatch.setattr(vectorindex, "SAVE_MIN_ROWS", 1)
    monkeypatch.setattr(vectorindex, "SAVE_EVERY", 1)


def _unit(rng, n, dim=DIM):
    m = rng.standard_normal((n, dim)).astype(np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def _insert(vault, vecs, *, kind="note", start=0.0):
    ids = []
    with vault.tx() as conn:
        for i, v in enumerate(vecs):
            mid = ingest.insert_memory(
                conn,
                vault.now(),
                kind=kind,
                source_kind="import",
                source_id=None,
                text=f"memory {i}",
                happened_at=start + i,
                log_history=False,
            )
            conn.execute(
                "INSERT INTO vectors(memory_id, model_id, dim, vec) VALUES (?,?,?,?)",
                (mid, "m", vecs.shape[1], v.astype("<f2").tobytes()),
            )
            ids.append(mid)
    return ids


def _exact(vault, q, k, where="m.archived = 0"):
    """Brute force in float32 over the vault's own float16 vectors."""
    rows = vault.query(f"SELECT v.memory_id, v.vec FROM vectors v JOIN memories m ON m.id = v.memory_id WHERE {where}")
    ids = np.array([r[0] for r in rows])
    mat = np.frombuffer(b"".join(r[1] for r in rows), dtype="<f2").reshape(len(rows), -1).astype(np.float32)
    s = mat @ q
    order = np.lexsort((ids, -s))[:k]
    return ids[order].tolist(), s[order]


def _no_full_load(monkeypatch):
    def fail(*a, **k):
        raise AssertionError("the index was rebuilt from every vector instead of its saved blocks")

    monkeypatch.setattr(VectorIndex, "_full_load", fail)


def test_rescored_search_is_exact_where_the_codes_are_not(vault):
    # Many near ties: the 8-bit order differs from the exact one, the re-scored order does not.
    rng = np.random.default_rng(7)
    base = _unit(rng, 40, 64)
    vecs = base[rng.integers(0, 40, 3000)] + rng.standard_normal((3000, 64)).astype(np.float32) * 0.02
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    _insert(vault, vecs)
    index = VectorIndex("m", 64)
    index.refresh(vault)
    differs = 0
    for q in base[:10]:
        want, sims = _exact(vault, q, 10)
        got, got_sims = index.search(q, 10, vault)
        assert got.tolist() == want
        np.testing.assert_allclose(got_sims, sims, rtol=1e-6)
        differs += index.search(q, 10)[0].tolist() != want
    assert differs  # the test would not notice a missing re-score otherwise


def test_filtered_search_is_exact_among_the_passing(vault):
    rng = np.random.default_rng(8)
    a = _insert(vault, _unit(rng, 400), kind="note", start=1000.0)
    _insert(vault, _unit(rng, 400), kind="chat", start=5000.0)
    index = VectorIndex("m", DIM)
    index.refresh(vault)
    q = _unit(rng, 1)[0]
    assert index.search(q, 10, vault, kinds=("note",))[0].tolist() == _exact(vault, q, 10, "m.kind = 'note'")[0]
    got = index.search(q, 10, vault, since=1100.0, until=1200.0)[0].tolist()
    assert got == _exact(vault, q, 10, "m.happened_at >= 1100 AND m.happened_at < 1200")[0]
    assert set(got) <= set(a[100:200])


def test_saved_blocks_load_instead_of_every_vector(vault, small_blocks, monkeypatch):
    rng = np.random.default_rng(1)
    _insert(vault, _unit(rng, 300))
    first = VectorIndex("m", DIM)
    assert first.refresh(vault) == 300
    assert vault.query("SELECT count(*), sum(rows) FROM vector_index_blocks")[0] == (5, 300)
    _no_full_load(monkeypatch)
    again = VectorIndex("m", DIM)
    assert again.refresh(vault) == 300 and len(again) == 300
    for q in _unit(rng, 5):
        assert again.search(q, 10, vault)[0].tolist() == _exact(vault, q, 10)[0]
    assert np.array_equal(again.codes[:300], first.codes[:300])


def test_changes_after_the_save_are_applied_on_load(vault, small_blocks, monkeypatch):
    rng = np.random.default_rng(2)
    ids = _insert(vault, _unit(rng, 200))
    VectorIndex("m", DIM).refresh(vault)  # saved at this point of the log
    more = _insert(vault, _unit(rng, 10), kind="chat")
    q = _unit(rng, 1)[0]
    with vault.tx() as conn:
        ingest.delete_memories(conn, ids[:5], vault.now())
        conn.execute("UPDATE memories SET archived = 1 WHERE id IN (?, ?)", (ids[5], ids[6]))
        conn.execute("UPDATE vectors SET vec = ? WHERE memory_id = ?", (q.astype("<f2").tobytes(), ids[7]))
        conn.execute("UPDATE memories SET kind = 'fact' WHERE id = ?", (ids[8],))
    _no_full_load(monkeypatch)
    index = VectorIndex("m", DIM)
    index.refresh(vault)
    assert len(index) == 205
    assert index.search(q, 1, vault)[0].tolist() == [ids[7]]
    assert set(index.search(q, 1000, vault)[0].tolist()) == set(ids[7:] + more)
    assert set(index.search(q, 1000, vault, archived="only")[0].tolist()) == {ids[5], ids[6]}
    assert index.search(q, 1000, vault, kinds=("fact",))[0].tolist() == [ids[8]]
    assert set(index.search(q, 1000, vault, kinds=("chat",))[0].tolist()) == set(more)


def test_a_crash_before_the_index_follows_is_repaired_at_the_next_open(vault, small_blocks, monkeypatch):
    rng = np.random.default_rng(3)
    ids = _insert(vault, _unit(rng, 150))
    running = VectorIndex("m", DIM)
    running.refresh(vault)
    q = _unit(rng, 1)[0]
    # The vault's write lands (with its log entry); the process dies before any index follows it.
    with vault.tx() as conn:
        conn.execute("UPDATE vectors SET vec = ? WHERE memory_id = ?", (q.astype("<f2").tobytes(), ids[100]))
    del running
    _no_full_load(monkeypatch)
    reopened = VectorIndex("m", DIM)
    reopened.refresh(vault)
    assert reopened.search(q, 1, vault)[0].tolist() == [ids[100]]


def test_a_save_cut_short_is_harmless(vault, small_blocks, monkeypatch):
    rng = np.random.default_rng(4)
    ids = _insert(vault, _unit(rng, 150))
    index = VectorIndex("m", DIM)
    index.refresh(vault)
    gen, seq = vault.query("SELECT gen, seq FROM vector_index_meta")[0]
    q = _unit(rng, 1)[0]
    with vault.tx() as conn:
        conn.execute("UPDATE vectors SET vec = ? WHERE memory_id = ?", (q.astype("<f2").tobytes(), ids[3]))
    index.refresh(vault)  # block 0 saved again, then the meta row
    with vault.tx() as conn:  # as if it had died before the meta row: blocks newer than the meta row
        conn.execute("UPDATE vector_index_meta SET seq = ?", (seq,))
        # and a new generation begun but not finished
        conn.execute(
            "INSERT INTO vector_index_blocks SELECT model_id, gen + 1, block, rows, ids, codes, kinds, happened, "
            "state FROM vector_index_blocks WHERE block = 0"
        )
    _no_full_load(monkeypatch)
    again = VectorIndex("m", DIM)
    assert again.refresh(vault) == 150 + 1
    assert again.search(q, 1, vault)[0].tolist() == [ids[3]]
    assert vault.query("SELECT gen FROM vector_index_meta")[0][0] == gen


def test_a_pruned_log_or_a_missing_block_means_a_full_load(vault, small_blocks):
    rng = np.random.default_rng(5)
    _insert(vault, _unit(rng, 150))
    VectorIndex("m", DIM).refresh(vault)
    with vault.tx() as conn:
        conn.execute("DELETE FROM vector_index_blocks WHERE block = 1")
    index = VectorIndex("m", DIM)
    assert index.refresh(vault) == 150  # rebuilt, and saved whole again
    assert vault.query("SELECT count(*) FROM vector_index_blocks")[0][0] == 3
    _insert(vault, _unit(rng, 5))
    with vault.tx() as conn:
        vectorindex.prune_changes(conn, keep=1)
    again = VectorIndex("m", DIM)
    assert again.refresh(vault) == 155


def test_small_indexes_are_not_saved(vault):
    _insert(vault, _unit(np.random.default_rng(6), 50))
    VectorIndex("m", DIM).refresh(vault)
    assert vault.query("SELECT count(*) FROM vector_index_meta")[0][0] == 0


def test_a_compaction_saves_a_new_generation(vault, small_blocks, monkeypatch):
    monkeypatch.setattr(vectorindex, "SAVE_EVERY", 10**9)  # only whole saves
    rng = np.random.default_rng(9)
    ids = _insert(vault, _unit(rng, 2500))
    index = VectorIndex("m", DIM)
    index.refresh(vault)
    gen = vault.query("SELECT gen FROM vector_index_meta")[0][0]
    with vault.tx() as conn:
        ingest.delete_memories(conn, ids[:2000], vault.now())
    index.refresh(vault)
    assert index._n == 500
    assert vault.query("SELECT gen FROM vector_index_meta")[0][0] == gen + 1
    assert vault.query("SELECT DISTINCT gen FROM vector_index_blocks") == [(gen + 1,)]
    _no_full_load(monkeypatch)
    again = VectorIndex("m", DIM)
    assert again.refresh(vault) == 500


# -- each change shows in the next search (the app's path: notes, the embedder, the Retriever) ----------


def _search(vault, emb, text, **kw):
    from reverie.core.searchtypes import SearchFilters

    f = SearchFilters(**kw) if kw else None
    return [h.memory.text for h in Retriever(vault, emb).search(text, now=vault.now(), mode="vector", filters=f).hits]


def test_an_added_note_is_found_by_the_next_search(vault):
    emb = FakeEmbedder()
    notes.create_note(vault, "tomatoes need water twice a day", "Garden")
    embedding.embed_pending(vault, emb)
    assert _search(vault, emb, "tomatoes water")[0] == "tomatoes need water twice a day"
    notes.create_note(vault, "the night train leaves at nine", "Trip")
    embedding.embed_pending(vault, emb)
    assert _search(vault, emb, "night train")[0] == "the night train leaves at nine"


def test_an_edit_shows_in_the_next_search(vault):
    emb = FakeEmbedder()
    note = notes.create_note(vault, "budget for the kitchen", "Home")
    embedding.embed_pending(vault, emb)
    assert _search(vault, emb, "kitchen budget")[0] == "budget for the kitchen"
    notes.update_note(vault, note.id, body="dentist on thursday morning")
    embedding.embed_pending(vault, emb)
    found = _search(vault, emb, "dentist thursday")
    assert found[0] == "dentist on thursday morning" and "budget for the kitchen" not in found


def test_a_delete_shows_in_the_next_search(vault):
    emb = FakeEmbedder()
    note = notes.create_note(vault, "my knee hurts after running", "Health")
    notes.create_note(vault, "grant proposal draft finished", "Work")
    embedding.embed_pending(vault, emb)
    assert "my knee hurts after running" in _search(vault, emb, "knee running")
    notes.delete_note(vault, note.id)
    assert "my knee hurts after running" not in _search(vault, emb, "knee running")


def test_an_archive_shows_in_the_next_search(vault):
    emb = FakeEmbedder()
    notes.create_note(vault, "anna birthday dinner friday", "Anna")
    embedding.embed_pending(vault, emb)
    mid = vault.query("SELECT id FROM memories WHERE text = 'anna birthday dinner friday'")[0][0]
    assert _search(vault, emb, "anna birthday")[0] == "anna birthday dinner friday"
    memories.archive(vault, mid)
    assert "anna birthday dinner friday" not in _search(vault, emb, "anna birthday")
    assert _search(vault, emb, "anna birthday", archived="only") == ["anna birthday dinner friday"]
