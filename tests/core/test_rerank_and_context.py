"""Other forms of query words, fusion and re-rank helpers, and the windowed embedding input of turns."""

from __future__ import annotations

import pytest

from reverie.core import conversations, query_expansion, ranking, rerank, turn_context


def test_stems_and_other_forms_of_query_words():
    assert query_expansion.stem("running") == "run" and query_expansion.stem("hobbies") == "hobby"
    assert query_expansion.stem("cat") == "cat"
    assert query_expansion.with_stems(["painting", "cat", "tomat*"]) == ["painting", "cat", "tomat*", "paint*"]
    assert query_expansion.other_forms(["guitar", "painting"]) == ["guitars", "guitared", "guitaring"]


def test_rrf_and_score_fusion():
    assert ranking.rrf([([1, 2], 1.0), ([2, 3], 1.0)], k=0) == {1: 1.0, 2: 1.5, 3: 0.5}
    fused = ranking.score_fusion([{1: 10.0, 2: 5.0, 3: 0.0}, {2: 0.9, 3: 0.5}], [1.0, 0.5])
    assert fused == pytest.approx({1: 1.0, 2: 0.5 + 0.5, 3: 0.0})
    assert ranking.ranked({5: 1.0, 2: 1.0, 9: 2.0}) == [9, 2, 5]
    assert ranking.score_fusion([{}, {7: 0.3}], [1.0, 1.0]) == {7: 1.0}


def test_fuse_by_scores_floors_every_list_and_falls_back_to_ranks():
    floor = ranking.FUSION_FLOOR
    words = ranking.RankedList("bm25", (1, 2, 3), (10.0, 5.0, 0.0))
    extra = ranking.RankedList("extra", (3, 9), weight=0.5)  # ranks only: scores 1/rank
    fused = ranking.fuse([words, extra], "score")
    assert fused == pytest.approx(
        {
            1: (1 - floor) * 1.0 + floor,
            2: (1 - floor) * 0.5 + floor,
            3: (1 - floor) * 0.0 + floor + 0.5 * (1 - floor) * 1.0 + 0.5 * floor,
            9: 0.5 * (1 - floor) * 0.0 + 0.5 * floor,
        }
    )
    assert ranking.fuse([words, extra], "rrf", rrf_k=60) == ranking.rrf([((1, 2, 3), 1.0), ((3, 9), 0.5)], 60)
    with pytest.raises(ValueError, match="fusion"):
        ranking.fuse([words], "sum")


def test_speaker_boost_only_when_the_query_names_someone():
    scores = {1: 1.0, 2: 1.0}
    who = {1: "Caroline", 2: "Melanie"}
    named = rerank.named_speakers("What did Caroline paint?", ["Caroline", "Melanie"])
    assert named == {"caroline"}
    assert rerank.speaker_boost(scores, who, named, 1.5) == {1: 1.5, 2: 1.0}
    assert rerank.speaker_boost(scores, who, set(), 1.5) == scores
    assert rerank.speaker_boost(scores, who, {"caroline", "melanie"}, 1.5) == scores


def test_neighbour_smoothing():
    out = rerank.neighbour_smoothing({1: 1.0, 3: 0.2}, {1: [2], 2: [1, 3], 3: [2]}, 0.5)
    assert out == {1: 1.0, 2: 0.5 + 0.0, 3: 0.2}


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
