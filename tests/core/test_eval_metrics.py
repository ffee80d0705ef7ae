"""The benchmark metrics on tiny hand-made rankings (values worked out by hand)."""

from __future__ import annotations

import math

import pytest

from reverie.core.evaluation import metrics


def test_locomo_recall_and_hit_count_evidence_turns_in_the_first_k():
    ranked = ["D1:1", "D1:4", "D2:3", "D1:2", "D3:1"]
    assert metrics.recall_at_k(ranked, ["D1:4", "D3:1"], 2) == 0.5
    assert metrics.recall_at_k(ranked, ["D1:4", "D3:1"], 5) == 1.0
    assert metrics.recall_at_k(ranked, ["D9:9"], 5) == 0.0
    assert metrics.hit_at_k(ranked, ["D3:1", "D9:9"], 5) == 1.0
    assert metrics.hit_at_k(ranked, ["D3:1"], 4) == 0.0
    scores = metrics.locomo_scores(ranked, ["D1:4", "D3:1"], [2, 5])
    assert scores == {"recall@2": 0.5, "hit@2": 1.0, "recall@5": 1.0, "hit@5": 1.0}


def test_no_evidence_is_an_error_not_a_perfect_score():
    with pytest.raises(ValueError):
        metrics.recall_at_k(["D1:1"], [], 10)
    with pytest.raises(ValueError):
        metrics.hit_at_k(["D1:1"], [], 10)


def test_dcg_weighs_the_first_two_positions_alike_as_the_official_code():
    assert metrics.dcg([1, 1, 0], 3) == 2.0
    assert metrics.dcg([0, 1], 2) == 1.0
    assert metrics.dcg([0, 0, 1], 3) == pytest.approx(1 / math.log2(3))
    assert metrics.dcg([], 5) == 0.0


def test_ndcg_against_the_ideal_order_of_the_whole_corpus():
    corpus = ["a", "b", "x", "y"]
    assert metrics.ndcg_any(["a", "x", "b", "y"], {"a", "b"}, corpus, 3) == pytest.approx((1 + 1 / math.log2(3)) / 2.0)
    assert metrics.ndcg_any(["a", "b", "x", "y"], {"a", "b"}, corpus, 10) == 1.0
    assert metrics.ndcg_any(["x", "y"], {"q"}, corpus, 2) == 0.0


def test_recall_any_and_all():
    assert metrics.recall_any_all(["a", "b", "c"], ["b", "z"], 2) == (1.0, 0.0)
    assert metrics.recall_any_all(["a", "b", "c"], ["b", "a"], 2) == (1.0, 1.0)
    assert metrics.recall_any_all(["a", "b", "c"], ["c"], 2) == (0.0, 0.0)


def test_turn2session_grows_k_until_k_distinct_sessions():
    corpus = ["s1_1", "s1_3", "s2_1", "s3_1", "s3_3"]
    ranked = ["s1_1", "s1_3", "s2_1", "s3_1", "s3_3"]
    # k = 2 sessions needs the first three turns (s1, s1, s2): s2 is in, s3 is not.
    assert metrics.turn2session(ranked, ["s2_1"], corpus, 2)["recall_any"] == 1.0
    got = metrics.turn2session(ranked, ["s2_1", "s3_3"], corpus, 2)
    assert (got["recall_any"], got["recall_all"]) == (1.0, 0.0)
    # the session ids keep their own underscores
    assert metrics.session_of("answer_4be1b6b4_2_5") == "answer_4be1b6b4_2"


def test_complete_ranking_appends_the_rest_of_the_corpus_and_drops_strangers():
    assert metrics.complete_ranking(["c", "zz", "c", "a"], ["a", "b", "c"]) == ["c", "a", "b"]


def test_longmemeval_scores_turn_and_session_levels():
    corpus = ["s1_1", "s1_3", "s2_1", "s3_1"]
    out = metrics.longmemeval_scores(["s3_1", "s2_1"], ["s1_3"], corpus, [1, 3, 4])
    assert out["turn_recall_any@1"] == 0.0
    assert out["turn_recall_any@3"] == 0.0  # the rest follows in corpus order: s1_1, then s1_3
    assert out["turn_recall_any@4"] == 1.0
    assert out["session_recall_any@1"] == 0.0
    assert out["session_recall_all@3"] == 1.0
