"""Query expansion, fusion and re-rank helpers, and the windowed embedding input of turns."""

from __future__ import annotations

import pytest

from reverie.core import conversations, query_expansion, rerank, turn_context


def test_query_expansion_drops_small_words_and_adds_stem_prefixes():
    q = query_expansion.expand("When did Caroline's painting classes start?")
    assert q.terms == ("caroline", "painting", "classes", "start")
    assert '"painting" OR "paint"*' in q.fts and '"classes" OR "class"*' in q.fts
    assert query_expansion.stem("running") == "run" and query_expansion.stem("hobbies") == "hobby"
    assert query_expansion.stem("cat") == "cat"
    # a question of only small words still searches for them
    assert query_expansion.expand("Who was it?").fts == '"who" OR "was" OR "it"'
    assert query_expansion.expand("?!").fts == ""


def test_expanded_query_finds_other_word_forms(vault):
    conv = conversations.create_conversation(vault, "t")
    conversations.add_message(vault, conv.id, "user", "I painted the kitchen blue.")
    conversations.add_message(vault, conv.id, "user", "The weather is fine.")
    expr = query_expansion.expand("What did I paint?").fts
    rows = vault.query("SELECT rowid FROM memories_fts WHERE memories_fts MATCH ?", (expr,))
    assert len(rows) == 1


def test_weighted_rrf_and_score_fusion():
    assert rerank.weighted_rrf([[1, 2], [2, 3]], [1.0, 1.0], c=0) == {1: 1.0, 2: 1.5, 3: 0.5}
    fused = rerank.score_fusion([{1: 10.0, 2: 5.0, 3: 0.0}, {2: 0.9, 3: 0.5}], [1.0, 0.5])
    assert fused == pytest.approx({1: 1.0, 2: 0.5 + 0.5, 3: 0.0})
    assert rerank.ranked({5: 1.0, 2: 1.0, 9: 2.0}) == [9, 2, 5]
    assert rerank.score_fusion([{}, {7: 0.3}], [1.0, 1.0]) == {7: 1.0}


def test_speaker_boost_only_when_the_query_names_someone():
    scores = {1: 1.0, 2: 1.0}
    who = {1: "Caroline", 2: "Melanie"}
    named = rerank.named_speakers("What did Caroline paint?", ["Caroline", "Melanie"])
    assert named == {"caroline"}
    assert rerank.speaker_boost(scores, who, named, 1.5) == {1: 1.5, 2: 1.0}
    assert rerank.speaker_boost(scores, who, set(), 1.5) == scores
    assert rerank.speaker_boost(scores, who, {"caroline", "melanie"}, 1.5) == scores


def test_neighbour_smoothing_and_recency():
    out = rerank.neighbour_smoothing({1: 1.0, 3: 0.2}, {1: [2], 2: [1, 3], 3: [2]}, 0.5)
    assert out == {1: 1.0, 2: 0.5 + 0.0, 3: 0.2}
    day = 86400.0
    out = rerank.recency_boost({1: 1.0, 2: 1.0}, {1: 100 * day, 2: 100 * day - 180 * day}, 100 * day, 0.2, 180)
    assert out == pytest.approx({1: 1.2, 2: 1.1})


def test_turns_are_embedded_with_the_turn_before_them_own_text_first(vault):
    a = conversations.create_conversation(vault, "a")
    b = conversations.create_conversation(vault, "b")
    conversations.add_message(vault, a.id, "user", "Did you go to the support group?", speaker="Mel")
    conversations.add_message(vault, b.id, "user", "Unrelated talk.", speaker="Bo")
    conversations.add_message(vault, a.id, "user", "Yes, yesterday. It was moving.", speaker="Caro")
    conversations.add_message(vault, a.id, "user", "x " * 400, speaker="Mel")
    conversations.add_message(vault, a.id, "user", "Wow.", speaker="Caro")
    ids = [r[0] for r in vault.query("SELECT id FROM memories ORDER BY id")]
    with vault.read() as conn:
        inputs = turn_context.inputs_for(conn, ids, window=1)
        only_a = turn_context.inputs_for(conn, [i for i in ids if i != ids[1]], window=1)
        plain = turn_context.inputs_for(conn, ids, window=0)
    texts = [inputs[i] for i in sorted(inputs)]
    assert texts[0] == "Mel:\nDid you go to the support group?"
    assert texts[1] == "Bo:\nUnrelated talk."  # another conversation is not context
    assert texts[2] == "Caro:\nYes, yesterday. It was moving.\nMel:\nDid you go to the support group?"
    assert texts[4].startswith("Caro:\nWow.\nMel:\nx x") and texts[4].endswith(" …")
    assert len(texts[4]) < 20 + turn_context.PREVIOUS_MAX_CHARS
    assert only_a == {k: v for k, v in inputs.items() if k != ids[1]}  # the same inputs, asked for fewer
    assert [plain[i] for i in sorted(plain)][2] == "Caro:\nYes, yesterday. It was moving."
