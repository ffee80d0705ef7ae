"""The in-memory vector index: exact top-k, filters, and following the vault through the change log."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from embedfakes import FakeEmbedder

from reverie.core import embedding, ingest, notes
from reverie.core.vectorindex import VectorIndex, index_for, prune_changes

DIM = 8


def _unit(rng, n):
    m = rng.standard_normal((n, DIM)).astype(np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def _insert(vault, vecs, *, kind="note", start=0.0, model="m"):
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
                (mid, model, DIM, v.astype("<f2").tobytes()),
            )
            ids.append(mid)
    return ids


def test_exact_top_k_matches_brute_force(vault):
    rng = np.random.default_rng(1)
    vecs = _unit(rng, 300)
    ids = _insert(vault, vecs)
    index = VectorIndex("m", DIM)
    assert index.refresh(vault) == 300 and len(index) == 300
    q = _unit(rng, 1)[0]
    got_ids, got = index.search(q, 10, vault)
    ref = vecs.astype(np.float16).astype(np.float32) @ q
    want = np.argsort(-ref)[:10]
    assert got_ids.tolist() == [ids[i] for i in want]
    np.testing.assert_allclose(got, ref[want], rtol=1e-5)


def test_filters_kind_time_archived(vault):
    rng = np.random.default_rng(2)
    a = _insert(vault, _unit(rng, 20), kind="note", start=1000.0)
    b = _insert(vault, _unit(rng, 20), kind="chat", start=2000.0)
    index = VectorIndex("m", DIM)
    index.refresh(vault)
    q = _unit(rng, 1)[0]
    assert set(index.search(q, 100, vault, kinds=("chat",))[0].tolist()) == set(b)
    assert set(index.search(q, 100, vault, since=1005.0, until=1010.0)[0].tolist()) == set(a[5:10])
    with vault.tx() as conn:
        conn.execute(f"UPDATE memories SET archived = 1 WHERE id IN ({','.join(map(str, a[:3]))})")
    assert index.refresh(vault) == 3
    assert set(index.search(q, 100, vault)[0].tolist()) == set(a[3:] + b)
    assert set(index.search(q, 100, vault, archived="only")[0].tolist()) == set(a[:3])
    assert len(index.search(q, 100, vault, archived="include")[0]) == 40


def test_follows_inserts_deletes_and_model_changes(vault):
    rng = np.random.default_rng(3)
    first = _insert(vault, _unit(rng, 50))
    index = VectorIndex("m", DIM)
    index.refresh(vault)
    assert index.refresh(vault) == 0  # nothing changed, nothing read
    more = _insert(vault, _unit(rng, 5))
    other = _insert(vault, _unit(rng, 5), model="other-model")  # not this index's model
    assert index.refresh(vault) == 10 and len(index) == 55
    with vault.tx() as conn:
        ingest.delete_memories(conn, first[:2], vault.now())  # vectors go by cascade
        conn.execute("DELETE FROM vectors WHERE memory_id = ?", (more[0],))
        conn.execute("UPDATE vectors SET model_id = 'm' WHERE memory_id = ?", (other[0],))
    index.refresh(vault)
    q = _unit(rng, 1)[0]
    found = set(index.search(q, 1000, vault)[0].tolist())
    assert found == set(first[2:] + more[1:] + other[:1])
    # Out-of-order ids (an old memory re-embedded) are found by later updates too.
    with vault.tx() as conn:
        conn.execute(
            "INSERT INTO vectors(memory_id, model_id, dim, vec) VALUES (?,?,?,?)",
            (more[0], "m", DIM, q.astype("<f2").tobytes()),
        )
    index.refresh(vault)
    assert index.search(q, 1, vault)[0].tolist() == [more[0]]
    with vault.tx() as conn:
        conn.execute("UPDATE memories SET archived = 1 WHERE id = ?", (more[0],))
    index.refresh(vault)
    assert more[0] not in index.search(q, 1000, vault)[0].tolist()


def test_compaction_and_reload_after_pruned_log(vault):
    rng = np.random.default_rng(4)
    ids = _insert(vault, _unit(rng, 3000))
    index = VectorIndex("m", DIM)
    index.refresh(vault)
    with vault.tx() as conn:
        ingest.delete_memories(conn, ids[:2000], vault.now())
    index.refresh(vault)  # 2000 dead rows: compacted
    assert len(index) == 1000 and index._n == 1000
    _insert(vault, _unit(rng, 10))
    with vault.tx() as conn:
        prune_changes(conn, keep=1)  # the index missed entries: it reloads everything
    assert index.refresh(vault) == 1010


def test_one_shared_index_per_vault_and_model(vault):
    a = index_for(vault, "m", DIM)
    assert index_for(vault, "m", DIM) is a
    assert index_for(vault, "n", DIM) is not a


def test_bad_query_dimension(vault):
    index = VectorIndex("m", DIM)
    with pytest.raises(ValueError):
        index.search(np.zeros(3, dtype=np.float32), 5)


def test_empty_index_returns_nothing(vault):
    index = VectorIndex("m", DIM)
    index.refresh(vault)
    assert index.search(np.ones(DIM, dtype=np.float32) / DIM**0.5, 5)[0].size == 0


def test_note_edit_replaces_only_changed_vectors(vault):
    emb = FakeEmbedder()
    note = notes.create_note(vault, "alpha beta\n\ngamma delta", "T")
    embedding.embed_pending(vault, emb)
    index = index_for(vault, embedding.vector_id(emb.model_id), emb.dim)
    index.refresh(vault)
    notes.update_note(vault, note.id, body="alpha beta\n\nepsilon zeta")
    assert embedding.pending_count(vault, embedding.vector_id(emb.model_id)) == 1
    embedding.embed_pending(vault, emb)
    assert index.refresh(vault) == 2  # one vector gone, one new
    q = emb.embed(["T\nepsilon zeta"])[0]
    top = index.search(q, 1, vault)[0][0]
    assert vault.query("SELECT text FROM memories WHERE id = ?", (int(top),))[0][0] == "epsilon zeta"


def test_migration_0002_log_and_vocabulary(vault):
    names = {r[0] for r in vault.query("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")}
    assert {
        "vector_changes",
        "memories_fts_vocab",
        "vectors_log_insert",
        "vectors_log_update",
        "vectors_log_delete",
        "memories_log_filters",
    } <= names
    notes.create_note(vault, "apple apple pear", "Fruit")
    assert dict(vault.query("SELECT term, doc FROM memories_fts_vocab WHERE term IN ('apple', 'pear')")) == {
        "apple": 1,
        "pear": 1,
    }
    with vault.tx() as conn:
        conn.execute("UPDATE memories SET strength = strength + 1")  # not a filter column: no log entry
    assert vault.query("SELECT count(*) FROM vector_changes")[0][0] == 0


def test_rows_are_read_back_by_their_primary_key_alone(vault):
    """The re-score and the change log read vectors by id: one primary-key lookup each, not the
    model_id index and then the row (twice the pages read from a cold disk)."""
    from reverie.core.vectorindex import rescore_sql
    from reverie.core.vectorrows import SELECT_BY_ID

    _insert(vault, _unit(np.random.default_rng(0), 50))
    ids = list(range(1, 43))  # what a top 10 re-scores (with 3 ids SQLite already chose the key)
    marks = ",".join("?" * len(ids))
    with vault.read() as conn:
        plans = [
            conn.execute("EXPLAIN QUERY PLAN " + rescore_sql(len(ids)), (*ids, "m")).fetchall(),
            conn.execute(
                "EXPLAIN QUERY PLAN " + SELECT_BY_ID + f"AND v.memory_id IN ({marks})", ("m", *ids)
            ).fetchall(),
        ]
    for plan in plans:
        text = " | ".join(str(row[-1]) for row in plan)
        assert "vectors_model" not in text and "INTEGER PRIMARY KEY" in text, text


@pytest.mark.parametrize("parts", [2, 3])
def test_a_scan_split_between_threads_finds_what_one_scan_finds(vault, monkeypatch, parts):
    """A large index is scanned in one part a core, each on its own thread, and the parts' best
    merged: the same candidates and similarities as one scan, with filters, and when a part holds
    fewer rows than asked for."""
    from reverie.core import vectorindex

    rng = np.random.default_rng(9)
    notes_ = _insert(vault, _unit(rng, 90), kind="note", start=1000.0)
    chats = _insert(vault, _unit(rng, 60), kind="chat", start=5000.0)
    index = VectorIndex("m", DIM)
    index.refresh(vault)
    queries = _unit(rng, 5)
    cases = [dict(), dict(kinds=("chat",)), dict(since=1010.0, until=1050.0), dict(archived="include")]

    def scans(want: int) -> list[tuple[list[int], np.ndarray]]:
        out = []
        for q in queries:
            for case in cases:
                ids, sims = index.scan(q, want, **case)
                out.append((ids.tolist(), sims))
        return out

    whole = {want: scans(want) for want in (5, 42, 200)}
    threads: set[str] = set()
    search = index._sq.search

    def recording(*args, **kwargs):
        threads.add(threading.current_thread().name)
        return search(*args, **kwargs)

    index._sq.search = recording
    monkeypatch.setattr(vectorindex, "SPLIT_MIN", 0)
    monkeypatch.setattr(vectorindex, "PARTS", parts)
    for want, expected in whole.items():
        for (ids, sims), (ids0, sims0) in zip(scans(want), expected, strict=True):
            assert ids == ids0
            np.testing.assert_allclose(sims, sims0, rtol=1e-6)
    assert threading.current_thread().name in threads and any(t.startswith("reverie-scan") for t in threads)
    assert set(index.scan(queries[0], 500, kinds=("chat",))[0].tolist()) == set(chats)
    assert len(index.scan(queries[0], 500)[0]) == len(notes_) + len(chats)


def test_a_failing_part_waits_for_the_other_parts_before_the_scan_lets_go(vault, monkeypatch):
    """The other parts read the codes and the filter's bitmap, which live only while the scan holds
    its lock: when one part fails, the scan waits for the rest before it raises."""
    import time

    from reverie.core import vectorindex

    rng = np.random.default_rng(4)
    _insert(vault, _unit(rng, 40))
    index = VectorIndex("m", DIM)
    index.refresh(vault)
    search, finished = index._sq.search, []

    def slow_or_failing(*args, **kwargs):
        if not threading.current_thread().name.startswith("reverie-scan"):
            raise RuntimeError("the calling thread's part failed")
        time.sleep(0.3)
        out = search(*args, **kwargs)
        finished.append(True)
        return out

    index._sq.search = slow_or_failing
    monkeypatch.setattr(vectorindex, "SPLIT_MIN", 0)
    monkeypatch.setattr(vectorindex, "PARTS", 2)
    with pytest.raises(RuntimeError):
        index.scan(_unit(rng, 1)[0], 10, kinds=("note",))
    assert finished == [True]
