"""Hybrid search over a real vault, with a stand-in embedder (the real one: tests/models)."""

from __future__ import annotations

import numpy as np
import pytest
from embedfakes import FakeEmbedder
from hypothesis import given, settings
from hypothesis import strategies as st

from reverie.core import conversations, embedding, ingest, notes, ranking, sources
from reverie.core.errors import InputError
from reverie.core.retrieval import ExtraRanker, RankedList, RetrievalConfig, Retriever, SearchFilters

DAY = 86400.0


@pytest.fixture
def emb():
    return FakeEmbedder()


def test_found_by_words_at_once_and_by_meaning_after_embedding(vault, emb):
    notes.create_note(vault, "We decided the trip goes to Lisbon by train.", "Trip plans")
    r = Retriever(vault, emb)
    res = r.search("lisbon", now=vault.now())
    assert [h.memory.text for h in res.hits] == ["We decided the trip goes to Lisbon by train."]
    assert "vector_rank" not in res.hits[0].breakdown  # no vector yet
    assert r.search("goes by train decided", now=vault.now(), mode="vector").hits == []
    embedding.embed_pending(vault, emb)
    hit = r.search("goes by train decided", now=vault.now(), mode="vector").hits[0]
    assert hit.memory.text.startswith("We decided") and hit.breakdown["vector_rank"] == 1


def test_hits_name_their_source_as_every_screen_does(vault, emb):
    body = (
        "Lisbon in spring: the trams, the tiles, the custard tarts and the long walk up to the castle "
        "before the evening light\nmore"
    )
    note = notes.create_note(vault, body)
    assert note.title == sources.first_line_title(body) and note.title.endswith("…") and len(note.title) <= 80
    conv = conversations.create_conversation(vault, "")
    conversations.add_message(vault, conv.id, "user", "Lisbon again next year?")
    hits = Retriever(vault, emb).search("Lisbon", now=vault.now()).hits
    assert {h.source_title for h in hits} == {note.title, "Conversation"}
    with vault.read() as conn:
        assert all(h.source_title == sources.source_title(conn, h.memory) for h in hits)


def test_hit_has_provenance_title_highlights_and_breakdown(vault, emb):
    note = notes.create_note(vault, "# Travel\n\nThe trip to Lisbon is in May.", "Trip plans")
    conv = conversations.create_conversation(vault, "Morning chat")
    msg = conversations.add_message(vault, conv.id, "user", "Trips are tiring, but Lisbon was lovely")
    embedding.embed_pending(vault, emb)
    res = Retriever(vault, emb).search("Lisbon trip", now=vault.now())
    by_source = {h.memory.source_id: h for h in res.hits}
    n, c = by_source[note.id], by_source[msg.id]
    assert n.source_title == "Trip plans" and c.source_title == "Morning chat"
    assert n.memory.kind == "note" and c.memory.kind == "chat" and c.memory.speaker == "User"
    assert [n.memory.text[s:e] for s, e in n.highlights] == ["trip", "Lisbon"]
    assert [c.memory.text[s:e] for s, e in c.highlights] == ["Trips", "Lisbon"]
    body = notes.get_note(vault, note.id).body
    assert body[n.memory.span_start : n.memory.span_end] == n.memory.text  # opens in context
    assert {
        "bm25",
        "bm25_rank",
        "vector",
        "vector_rank",
        "rrf",
        "relevance",
        "retention",
        "importance",
        "final",
    } <= set(n.breakdown)
    assert res.hits[0].score >= res.hits[1].score


def test_filters_kind_dates_archived(vault, emb, clock):
    old = notes.create_note(vault, "apple pie recipe", "Old", happened_at=clock.now() - 100 * DAY)
    conv = conversations.create_conversation(vault, "c")
    conversations.add_message(vault, conv.id, "user", "apple harvest today")
    embedding.embed_pending(vault, emb)
    r = Retriever(vault, emb)
    now = clock.now()
    kinds = lambda res: sorted(h.memory.kind for h in res.hits)  # noqa: E731
    assert kinds(r.search("apple", now=now)) == ["chat", "note"]
    assert kinds(r.search("apple", now=now, filters=SearchFilters(kinds=("note",)))) == ["note"]
    assert kinds(r.search("apple", now=now, filters=SearchFilters(since=now - DAY))) == ["chat"]
    assert kinds(r.search("apple", now=now, filters=SearchFilters(until=now - DAY))) == ["note"]
    with vault.tx() as conn:
        conn.execute("UPDATE memories SET archived = 1 WHERE source_id = ?", (old.id,))
    for mode in ("hybrid", "bm25", "vector"):
        assert kinds(r.search("apple", now=now, mode=mode)) == ["chat"]
        assert kinds(r.search("apple", now=now, mode=mode, filters=SearchFilters(archived="only"))) == ["note"]
        assert kinds(r.search("apple", now=now, mode=mode, filters=SearchFilters(archived="include"))) == [
            "chat",
            "note",
        ]


def test_time_phrase_narrows_and_leaves_the_query(vault, emb, clock):
    now = clock.now()
    notes.create_note(vault, "decided: the trip is cancelled", "a", happened_at=now - 30 * DAY)
    notes.create_note(vault, "decided: the trip is on", "b", happened_at=now - 2 * DAY)
    embedding.embed_pending(vault, emb)
    res = Retriever(vault, emb).search("what did I decide about the trip 30 days ago", now=now)
    assert res.time_phrase == "30 days ago" and res.query_text == "what did I decide about the trip"
    assert [h.memory.text for h in res.hits] == ["decided: the trip is cancelled"]
    browse = Retriever(vault).search("notes from the past 5 weeks", now=now)  # nothing to look for: newest first
    assert [h.memory.text for h in browse.hits] == ["decided: the trip is on", "decided: the trip is cancelled"]


def test_a_time_phrase_that_finds_nothing_widens_to_any_time_and_says_so(vault, emb, clock):
    now = clock.now()
    notes.create_note(vault, "Caroline moved here from Sweden, years back", "a", happened_at=now - 2 * DAY)
    embedding.embed_pending(vault, emb)
    r = Retriever(vault, emb)
    res = r.search("where did Caroline move from 4 years ago", now=now)
    assert res.time_phrase == "from 4 years ago" and res.widened
    assert [h.memory.text for h in res.hits] == ["Caroline moved here from Sweden, years back"]
    inside = r.search("where did Caroline move from this week", now=now)
    assert not inside.widened and len(inside.hits) == 1
    # Browsing by date alone, or with the user's own date filter, never widens.
    assert r.search("notes from 2019", now=now).hits == []
    fixed = r.search("Caroline", now=now, filters=SearchFilters(until=now - 10 * DAY))
    assert fixed.hits == [] and not fixed.widened


def test_strong_old_match_is_never_buried(vault, emb, clock):
    now = clock.now()
    with vault.tx() as conn:
        answer = ingest.insert_memory(
            conn,
            now - 900 * DAY,
            kind="chat",
            source_kind="import",
            source_id=None,
            text="the spare key is under the blue flowerpot",
            importance=0.0,
        )
        for i in range(5):
            mid = ingest.insert_memory(
                conn,
                now,
                kind="note",
                source_kind="import",
                source_id=None,
                text=f"blue paint for the fence, batch {i}",
                importance=1.0,
            )
            conn.execute("UPDATE memories SET pinned = 1, strength = 3000 WHERE id = ?", (mid,))
    embedding.embed_pending(vault, emb)
    for mode in ("hybrid", "bm25", "vector"):
        res = Retriever(vault, emb).search("where is the spare key? blue flowerpot", now=now, mode=mode)
        top = res.hits[0]
        assert top.memory.id == answer
        assert top.breakdown["retention"] < 1e-6 and top.breakdown["importance"] == 0.0


def test_rerank_reorders_near_ties_in_the_tail_only():
    fused = np.array([1 / 61, 1 / 62, 1 / 63])  # ranks 1, 2, 3 in one list
    ret = np.array([0.0, 0.0, 1.0])
    imp = np.array([0.0, 0.1, 1.0])
    final, rel, standing = ranking.rerank(fused, ret, imp, beta=1.0, retention_weight=0.5, importance_weight=0.5)
    assert ranking.order(final, rel, np.arange(3)).tolist() == [0, 2, 1]  # the fresh, important one rises
    final, rel, _ = ranking.rerank(fused, ret, imp, beta=0.0, retention_weight=0.5, importance_weight=0.5)
    assert ranking.order(final, rel, np.arange(3)).tolist() == [0, 1, 2]  # beta 0: relevance only
    assert standing.tolist() == pytest.approx([0.0, 0.05, 1.0])


def test_retention_matches_the_scalar_formula():
    from reverie.core.retention import retention_at

    now = 1_000_000.0
    rec = np.array([now - 10 * DAY, now - 3 * DAY, now])
    last = np.array([np.nan, now - DAY, np.nan])
    strength = np.array([7.0, 2.0, 1.0])
    pinned = np.array([False, False, True])
    got = ranking.retention_array(now, rec, last, strength, pinned)
    want = [
        retention_at(now, r, None if np.isnan(lr) else lr, s, bool(p))
        for r, lr, s, p in zip(rec, last, strength, pinned, strict=True)
    ]
    assert got.tolist() == pytest.approx(want)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0.01, 1.0), st.floats(0, 1), st.floats(0, 1)), min_size=1, max_size=50),
    st.floats(0, 1),
)
def test_property_best_match_always_first(items, beta):
    fused = np.array([i[0] for i in items])
    ret = np.array([i[1] for i in items])
    imp = np.array([i[2] for i in items])
    final, rel, _ = ranking.rerank(fused, ret, imp, beta=beta, retention_weight=0.5, importance_weight=0.5)
    first = ranking.order(final, rel, np.arange(len(items)))[0]
    assert rel[first] == rel.max()


def test_rrf_weights():
    fused = ranking.rrf([([1, 2, 3], 1.0), ([3, 2], 0.5), ([9], 0.0)], k=60)
    assert fused[1] == pytest.approx(1 / 61) and fused[3] == pytest.approx(1 / 63 + 0.5 / 61)
    assert 9 not in fused


def test_words_only_without_embedder_and_clear_errors(vault):
    notes.create_note(vault, "quarterly tax filing", "Taxes")
    r = Retriever(vault)
    assert r.search("tax", now=vault.now()).hits[0].source_title == "Taxes"
    with pytest.raises(InputError, match="embedder"):
        r.search("tax", now=vault.now(), mode="vector")
    with pytest.raises(InputError, match="mode"):
        r.search("tax", now=vault.now(), mode="fuzzy")
    with pytest.raises(InputError, match="kind"):
        r.search("tax", now=vault.now(), filters=SearchFilters(kinds=("email",)))
    with pytest.raises(InputError, match="archived"):
        r.search("tax", now=vault.now(), filters=SearchFilters(archived="maybe"))
    with pytest.raises(InputError, match="empty"):
        r.search("tax", now=vault.now(), filters=SearchFilters(since=5.0, until=1.0))
    with pytest.raises(InputError):
        Retriever(vault, config=RetrievalConfig(rerank_beta=2.0))
    assert r.search("", now=vault.now()).hits == []
    assert vault.counts()["notes"] == 1


def test_expansions_and_extra_rankers_are_fused(vault, emb):
    notes.create_note(vault, "automobile insurance renewal", "a")
    notes.create_note(vault, "gardening notes", "b")
    seen = []

    def garden_first(conn, text, filters, limit):
        seen.append((text, filters.archived))
        return [r[0] for r in conn.execute("SELECT id FROM memories WHERE text LIKE 'garden%'")]

    cfg = RetrievalConfig(
        expansions=lambda q: ["automobile"] if "car" in q else [],
        extra_rankers=(ExtraRanker("garden", 0.1, garden_first),),
    )
    res = Retriever(vault, config=cfg).search("car insurance", now=vault.now())
    assert res.hits[0].memory.text == "automobile insurance renewal"
    assert res.hits[1].breakdown["garden_rank"] == 1.0 and seen == [("car insurance", "exclude")]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 300), st.floats(0, 1), st.floats(0, 1)),
        min_size=1,
        max_size=80,
        unique_by=lambda t: t[0],
    ),
    st.integers(1, 20),
    st.floats(0, 1),
)
def test_property_shortlist_loses_nothing(items, k, beta):
    items.sort(key=lambda t: t[0])  # by rank: fused scores descending
    fused = np.array([1 / (60 + r) for r, _, _ in items])
    ret, imp = np.array([i[1] for i in items]), np.array([i[2] for i in items])
    ids = np.arange(len(items))
    final, rel, _ = ranking.rerank(fused, ret, imp, beta=beta, retention_weight=0.5, importance_weight=0.5)
    want = ranking.order(final, rel, ids)[:k]
    n = ranking.shortlist(fused, k, beta)
    final2, rel2, _ = ranking.rerank(
        fused[:n], ret[:n], imp[:n], beta=beta, retention_weight=0.5, importance_weight=0.5, best=fused[0]
    )
    assert ranking.order(final2, rel2, ids[:n])[:k].tolist() == want.tolist()


def test_very_common_words_are_left_out_of_bm25(vault):
    with vault.tx() as conn:
        for i in range(40):
            ingest.insert_memory(
                conn,
                vault.now(),
                kind="note",
                source_kind="import",
                source_id=None,
                text=f"weather report number {i}",
                log_history=False,
            )
        rare = ingest.insert_memory(
            conn,
            vault.now(),
            kind="note",
            source_kind="import",
            source_id=None,
            text="weather on the glacier",
            log_history=False,
        )
    r = Retriever(vault, config=RetrievalConfig(common_fraction=0.5, common_min_docs=10))
    assert r.word_terms(["weather", "glacier", "北 京"]) == (["glacier", "北 京"], None)
    terms, min_id = r.word_terms(["weather", "report"])  # all common: the rarest, newest memories only
    assert terms == ["report"] and min_id == 0  # "report" is in 40 memories, "weather" in 41
    assert r.search("weather glacier", now=vault.now()).hits[0].memory.id == rare
    assert Retriever(vault).word_terms(["weather"]) == (["weather"], None)  # small vault: all kept


def test_the_words_search_ranks_the_rarest_words_within_its_budget(vault):
    """FTS5 ranks every memory holding a query's words: rarest first, words are kept until the
    memories holding them pass ``words_budget``; a stem prefix counts every word it begins."""
    texts = [f"apple harvest {i}" for i in range(40)] + [f"pear tart {i}" for i in range(30)]
    texts += [f"kiwi jam {i}" for i in range(5)] + [f"applesauce jar {i}" for i in range(20)]
    with vault.tx() as conn:
        ids = [
            ingest.insert_memory(
                conn, vault.now(), kind="note", source_kind="import", source_id=None, text=t, log_history=False
            )
            for t in texts
        ]
    r = Retriever(vault, config=RetrievalConfig(common_fraction=0, common_min_docs=10, words_budget=50))
    assert r.word_terms(["apple", "pear", "kiwi"]) == (["pear", "kiwi"], None)  # 5 + 30; apple's 40 pass 50
    assert r.postings_of("pear") + r.postings_of("kiwi") == 35
    assert r.word_terms(["kiwi", "appl*"]) == (["kiwi"], None)  # appl* begins apple (40) and applesauce (20)
    assert r.postings_of("appl*") == 60
    terms, min_id = r.word_terms(["apple", "pear"], budget=10)  # all past the budget: the rarest, newest only
    assert terms == ["pear"] and min_id == 0
    assert Retriever(vault, config=RetrievalConfig(common_fraction=0, common_min_docs=10, words_budget=0)).word_terms(
        ["apple", "pear", "kiwi"]
    ) == (["apple", "pear", "kiwi"], None)
    # The search ranks the memories of the words kept, none of the word left out.
    hits = r.search("apple pear kiwi", now=vault.now(), mode="bm25", k=50).hits
    assert {h.memory.id for h in hits} == set(ids[40:75])


def test_word_counts_match_the_index_and_survive_a_full_cache(vault):
    """Counts are looked up as the words index stores words (accents stripped, folded case); a
    cache that filled up is emptied and counted again, not half-read (it raised KeyError)."""
    with vault.tx() as conn:
        for i in range(30):
            ingest.insert_memory(
                conn, vault.now(), kind="note", source_kind="import", source_id=None,
                text=f"café au lait {i}" if i < 12 else f"painting class {i}", log_history=False,
            )  # fmt: skip
    r = Retriever(vault, config=RetrievalConfig(common_fraction=0, common_min_docs=10, words_budget=100))
    r.word_terms(["Café", "painting"])
    assert (r.postings_of("Café"), r.postings_of("painting")) == (12, 18)
    r._df.update({f"filler{i}": (1, 30) for i in range(100_001)})
    assert r.word_terms(["café", "painting"]) == (["café", "painting"], None)
    assert len(r._df) < 10


def test_stems_come_from_the_words_kept_and_share_the_budget(vault):
    """The common-word rule weighs whole words; a stem ("paint*") is added only for a word that
    was kept, and only while the memories it begins stay within the words budget."""
    texts = [f"painting lesson {i}" for i in range(8)] + [f"painted fence {i}" for i in range(8)]
    texts += [f"weather report {i}" for i in range(30)]
    with vault.tx() as conn:
        for t in texts:
            ingest.insert_memory(
                conn, vault.now(), kind="note", source_kind="import", source_id=None, text=t, log_history=False
            )
    seen: list[str] = []
    wide = Retriever(vault, config=RetrievalConfig(common_fraction=0.5, common_min_docs=10, words_budget=100))
    wide.bm25 = lambda match, *a, **k: seen.append(match) or RankedList("bm25", ())  # type: ignore[method-assign]
    wide.search("painting weather", now=vault.now(), mode="bm25")
    assert seen[0] == '"painting" OR "paint"*'  # weather (30 of 46) is too common; its stem is not searched
    seen.clear()
    tight = Retriever(vault, config=RetrievalConfig(common_fraction=0.5, common_min_docs=10, words_budget=10))
    tight.bm25 = lambda match, *a, **k: seen.append(match) or RankedList("bm25", ())  # type: ignore[method-assign]
    tight.search("painting", now=vault.now(), mode="bm25")
    assert seen[0] == '"painting"'  # paint* begins 16 memories: past the budget of 10 with painting's 8
    seen.clear()
    common = Retriever(vault, config=RetrievalConfig(common_fraction=0.2, common_min_docs=10, words_budget=100))
    common.bm25 = lambda match, *a, **k: seen.append(match) or RankedList("bm25", ())  # type: ignore[method-assign]
    common.search("painting", now=vault.now(), mode="bm25")
    assert seen[0] == '"painting" OR "paint"*'  # the common-word rule (10) weighs painting (8), not its stem (16)


def test_search_while_the_caller_holds_the_vault(vault, emb):
    notes.create_note(vault, "lighthouse keeper diary", "Sea")
    embedding.embed_pending(vault, emb)
    with vault.tx():  # e.g. a worker lane that searches inside its own transaction
        hits = Retriever(vault, emb).search("lighthouse diary", now=vault.now()).hits
    assert hits[0].source_title == "Sea" and "vector_rank" in hits[0].breakdown


def test_words_search_finds_other_forms_of_a_word(vault):
    notes.create_note(vault, "Two guitars hang on the wall.", "a")
    notes.create_note(vault, "She was painting the fence.", "b")
    r = Retriever(vault)
    assert [h.memory.text for h in r.search("guitar", now=0.0, mode="bm25").hits] == ["Two guitars hang on the wall."]
    assert [h.memory.text for h in r.search("painted", now=0.0, mode="bm25").hits] == ["She was painting the fence."]


def test_a_turns_neighbours_are_the_nearest_indexed_turns_of_its_conversation(vault):
    from reverie.core import conversations, retrieval

    a = conversations.create_conversation(vault, "a")
    b = conversations.create_conversation(vault, "b")
    first = conversations.add_message(vault, a.id, "user", "first")
    conversations.add_message(vault, a.id, "assistant", "not indexed", index=False)
    conversations.add_message(vault, b.id, "user", "elsewhere")
    second = conversations.add_message(vault, a.id, "user", "second")
    third = conversations.add_message(vault, a.id, "assistant", "third", meta={"remembered": True})  # kept
    mem = {r[1]: r[0] for r in vault.query("SELECT id, source_id FROM memories")}
    with vault.read() as conn:
        near = retrieval.neighbours_of(conn, [mem[second.id]])
    assert sorted(near[mem[second.id]]) == sorted([mem[first.id], mem[third.id]])
    assert near[mem[first.id]] == [mem[second.id]]


def test_a_strongly_matching_conversation_lifts_its_other_turns(vault, emb):
    other = conversations.create_conversation(vault, "other")
    conversations.add_message(vault, other.id, "user", "unrelated words here")
    garden = conversations.create_conversation(vault, "garden")
    conversations.add_message(vault, garden.id, "user", "tomato saplings went in today")
    conversations.add_message(vault, garden.id, "user", "the weather was fine")
    conversations.add_message(vault, garden.id, "user", "the gardening app helps")
    embedding.embed_pending(vault, emb)

    def score_of(cfg, text):
        hits = Retriever(vault, emb, cfg).search("gardening app", now=0.0, k=10).hits
        return next(h.breakdown["rrf"] for h in hits if h.memory.text == text)

    on, off = RetrievalConfig(), RetrievalConfig(conversation_alpha=0.0)
    assert on.conversation_alpha > 0
    far, alone = "tomato saplings went in today", "unrelated words here"  # not next to the match
    assert score_of(on, far) - score_of(off, far) > 0.1 * score_of(on, "the gardening app helps")
    assert score_of(on, alone) == pytest.approx(score_of(off, alone))
