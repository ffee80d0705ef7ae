"""Reading the benchmark files: dates, evidence normalisation and which questions are skipped."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from reverie.core.errors import InputError
from reverie.core.evaluation import loaders


def _ts(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


def test_dates():
    assert loaders.parse_locomo_date("1:56 pm on 8 May, 2023") == _ts(2023, 5, 8, 13, 56)
    assert loaders.parse_locomo_date("12:09 am on 13 September, 2023") == _ts(2023, 9, 13, 0, 9)
    assert loaders.parse_longmemeval_date("2023/05/20 (Sat) 02:21") == _ts(2023, 5, 20, 2, 21)
    with pytest.raises(InputError):
        loaders.parse_locomo_date("yesterday")


def test_evidence_is_normalised_and_dangling_ids_are_dropped():
    existing = {"D8:6", "D9:17", "D3:2", "D1:1"}
    assert loaders.normalise_locomo_evidence(["D8:6; D9:17"], existing) == ("D8:6", "D9:17")
    assert loaders.normalise_locomo_evidence(["D08:06", "d 3 : 2", "D:1:1"], existing) == ("D8:6", "D3:2", "D1:1")
    assert loaders.normalise_locomo_evidence(["D30:1", "D1", "", "D8:6", "D8:6"], existing) == ("D8:6",)


def _locomo_sample() -> dict:
    return {
        "sample_id": "conv-x",
        "conversation": {
            "speaker_a": "Ann",
            "speaker_b": "Bo",
            "session_1_date_time": "1:00 pm on 1 May, 2023",
            "session_1": [
                {"speaker": "Ann", "dia_id": "D1:1", "text": "I adopted a cat."},
                {"speaker": "Bo", "dia_id": "D1:2", "text": "Look!", "blip_caption": "a photo of a red kite"},
            ],
            "session_2_date_time": "9:30 am on 3 May, 2023",
            "session_2": [{"speaker": "Bo", "dia_id": "D2:1", "text": "Flew the kite again."}],
        },
        "qa": [
            {"question": "What did Ann adopt?", "answer": "a cat", "evidence": ["D1:1"], "category": 4},
            {"question": "What did Bo fly?", "answer": "a kite", "evidence": ["D1:2; D2:1"], "category": 1},
            {"question": "Trick?", "adversarial_answer": "x", "evidence": ["D1:1"], "category": 5},
            {"question": "Gone?", "answer": "x", "evidence": ["D7:7"], "category": 2},
        ],
    }


def test_load_locomo(tmp_path):
    path = tmp_path / "l.json"
    path.write_text(json.dumps([_locomo_sample()]), encoding="utf-8")
    (case,) = loaders.load_locomo(path)
    assert [s.session_id for s in case.sessions] == ["D1", "D2"]
    assert case.sessions[1].happened_at == _ts(2023, 5, 3, 9, 30)
    assert case.sessions[0].turns[1].text == "Look! [shared a photo: a photo of a red kite]"
    assert case.sessions[0].turns[0].speaker == "Ann"
    q = case.questions
    assert (q[0].category, q[0].evidence, q[0].skip_reason) == ("single-hop", ("D1:1",), None)
    assert q[1].evidence == ("D1:2", "D2:1") and q[1].category == "multi-hop"
    assert q[2].skip_reason == "adversarial"
    assert q[3].skip_reason == "no evidence"
    assert all(x.asked_at == _ts(2023, 5, 3, 9, 30) for x in q)


def _lme_item(qid: str, answer_turn_role: str = "user") -> dict:
    return {
        "question_id": qid,
        "question_type": "single-session-user",
        "question": "Where do I work?",
        "question_date": "2023/06/01 (Thu) 10:00",
        "answer": "a bakery",
        "answer_session_ids": ["answer_1"],
        "haystack_session_ids": ["s_a", "answer_1"],
        "haystack_dates": ["2023/05/01 (Mon) 09:00", "2023/05/02 (Tue) 09:00"],
        "haystack_sessions": [
            [
                {"role": "user", "content": "Hi", "has_answer": False},
                {"role": "assistant", "content": "Hello", "has_answer": False},
            ],
            [
                {"role": "user", "content": "I started at the bakery.", "has_answer": answer_turn_role == "user"},
                {"role": "assistant", "content": "Great news.", "has_answer": answer_turn_role == "assistant"},
            ],
        ],
    }


def test_load_longmemeval_official_ids_and_skips(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps([_lme_item("q1"), _lme_item("q2_abs"), _lme_item("q3", "assistant")]), encoding="utf-8")
    a, b, c = loaders.load_longmemeval(path)
    q = a.questions[0]
    assert q.evidence == ("answer_1_1",) and q.evidence_sessions == ("answer_1",) and q.skip_reason is None
    assert q.asked_at == _ts(2023, 6, 1, 10, 0)
    assert [t.turn_id for t in a.sessions[0].turns] == ["s_a_1", "s_a_2"]
    assert a.sessions[0].turns[1].role == "assistant"
    assert b.questions[0].skip_reason == "abstention"
    assert c.questions[0].skip_reason == "evidence only in assistant turns"


def test_wrong_files_give_a_sentence(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError):
        loaders.load_locomo(bad)
    other = tmp_path / "other.json"
    other.write_text(json.dumps([{"x": 1}]), encoding="utf-8")
    with pytest.raises(InputError):
        loaders.load_longmemeval(other)
    with pytest.raises(InputError):
        loaders.load_locomo(tmp_path / "missing.json")
