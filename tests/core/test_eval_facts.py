"""``reverie eval facts``: LoCoMo observations read per speaker, consolidation's fact step run with
each speaker as the user, facts scored against the labels of their session."""

from __future__ import annotations

import json

import pytest
from core.test_eval_runner import BagOfWordsEmbedder

from reverie.core.errors import InputError
from reverie.core.evaluation import facts as ef


def _turn(tid, speaker, text):
    return {"speaker": speaker, "dia_id": tid, "text": text}


def locomo_file(tmp_path):
    conv = {
        "speaker_a": "Ann",
        "speaker_b": "Bob",
        "session_1_date_time": "1:56 pm on 8 May, 2023",
        "session_1": [
            _turn("D1:1", "Ann", "Hi Bob! My dentist is Dr. Wu."),
            _turn("D1:2", "Bob", "Hey Ann! My cat is called Felix."),
            _turn("D1:3", "Ann", "That sounds so great!"),
            _turn("D1:4", "Bob", "My sister's name is Clara."),
        ],
        "session_2_date_time": "2:00 pm on 9 June, 2023",
        "session_2": [
            _turn("D2:1", "Ann", "My garden is full of tomatoes."),
            _turn("D2:2", "Bob", "Nice! My favourite tea is jasmine."),
        ],
    }
    obs = {
        "session_1_observation": {
            "Ann": [["Ann's dentist is Dr. Wu.", "D1:1"]],
            "Bob": [["Bob has a cat called Felix.", "D1:2"], ["Bob's sister is named Clara.", ["D1:4"]]],
        },
        "session_2_observation": {
            "Ann": [["Ann is learning to play the violin.", "D2:1"]],
            "Bob": [["Bob's favourite tea is jasmine.", "D2:2"]],
        },
    }
    path = tmp_path / "locomo.json"
    path.write_text(json.dumps([{"sample_id": "conv-t", "conversation": conv, "observation": obs, "qa": []}]))
    return path


def test_observations_are_read_per_speaker_and_session(tmp_path):
    (fc,) = ef.load_locomo_facts(locomo_file(tmp_path))
    assert fc.speakers == ("Ann", "Bob") and len(fc.observations) == 5
    assert fc.observations[2] == ef.Observation("Bob", "Bob's sister is named Clara.", "D1", ("D1:4",))
    (first,) = ef.load_locomo_facts(locomo_file(tmp_path), sessions=1)
    assert len(first.case.sessions) == 1 and {o.session for o in first.observations} == {"D1"}
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            [
                {
                    "sample_id": "x",
                    "conversation": json.loads(locomo_file(tmp_path).read_text())[0]["conversation"],
                    "qa": [],
                }
            ]
        )
    )
    with pytest.raises(InputError, match="observation"):
        ef.load_locomo_facts(bad)


def test_labels_are_put_in_the_speakers_own_voice():
    assert ef.first_person("Caroline's mom gave her a necklace.", "Caroline") == "my mom gave my a necklace."
    assert (
        ef.first_person("Caroline is a counselor and she loves it.", "Caroline") == "I am a counselor and I loves it."
    )
    assert ef.fact_voice("The user's sister is Anna.") == "my sister is Anna."


def test_each_speaker_is_the_user_in_turn_and_facts_are_scored_against_their_session(tmp_path):
    (fc,) = ef.load_locomo_facts(locomo_file(tmp_path))
    runs = ef.run_facts_benchmark([fc], BagOfWordsEmbedder())
    ann, bob = runs
    assert [f.text for f in ann.facts] == ["My dentist is Dr. Wu.", "My garden is full of tomatoes."]
    assert [f.text for f in bob.facts] == [
        "My cat is called Felix.",
        "My sister's name is Clara.",
        "My favourite tea is jasmine.",
    ]  # never Ann's words
    assert all(f.supported for f in ann.facts + bob.facts)
    assert ann.facts[0].turn_id == "D1:1" and ann.facts[0].nearest == "Ann's dentist is Dr. Wu."
    assert ann.facts[1].nearest == "Ann is learning to play the violin."  # its own session's label only
    fig = ef.figures(runs, 0.5)
    assert (fig.facts, fig.supported, fig.observations) == (5, 5, 5)
    assert fig.matched == 4 and fig.precision == pytest.approx(0.8)  # the garden matches nothing
    assert fig.recalled == 4 and fig.recall == pytest.approx(0.8)  # nobody said anything about the violin
    assert fig.matched_any == 4 and ann.facts[1].best_any >= ann.facts[1].best
    table = ef.format_table(runs, [0.5, 0.7], 0.5)
    assert "<- threshold" in table and "rule facts: 5" in table
    out = ef.to_json(runs, 0.5)
    assert out["runs"][0]["facts"][0]["turn"] == "D1:1"


def test_the_threshold_is_read_off_the_labels(tmp_path):
    (fc,) = ef.load_locomo_facts(locomo_file(tmp_path))
    with pytest.raises(InputError, match="too few"):
        ef.calibrate([fc], BagOfWordsEmbedder())
    turns, obs = [], {"Ann": []}
    for i in range(30):  # a labelled statement, then one no label rests on
        turns.append(_turn(f"D1:{2 * i + 1}", "Ann", f"My hobby {i} is painting the lake at dawn{i}."))
        turns.append(_turn(f"D1:{2 * i + 2}", "Ann", f"Our neighbour drives a red van number{i} to Oslo."))
        obs["Ann"].append([f"Ann's hobby {i} is painting the lake at dawn{i}.", f"D1:{2 * i + 1}"])
    conv = {"speaker_a": "Ann", "speaker_b": "Bob", "session_1_date_time": "1:56 pm on 8 May, 2023", "session_1": turns}
    path = tmp_path / "cal.json"
    path.write_text(
        json.dumps([{"sample_id": "c", "conversation": conv, "qa": [], "observation": {"session_1_observation": obs}}])
    )
    cal = ef.calibrate(ef.load_locomo_facts(path), BagOfWordsEmbedder())
    assert (cal.labelled, cal.unlabelled) == (30, 30)
    assert cal.labelled_median > cal.unlabelled_median
    assert cal.unlabelled_median <= cal.threshold < cal.labelled_median  # 90th percentile of the unlabelled
    shares = {t: (a, b) for t, a, b in cal.rates}
    assert shares[0.5] == (1.0, 0.0)  # labelled statements match their label, the others do not


def test_a_tiny_models_facts_are_measured_only_when_asked(tmp_path):
    from core.test_consolidation import FakeModel

    (fc,) = ef.load_locomo_facts(locomo_file(tmp_path))
    model = FakeModel([json.dumps({"facts": [{"fact": "My garden is full of tomatoes.", "line": 1}]})])
    model.tier = "tiny"
    auto = ef.extract_for_speaker(fc, "Ann", model)
    assert model.calls == [] and all(f.origin == "rule" for f in auto.facts)  # as nightly consolidation does
    forced = ef.extract_for_speaker(fc, "Ann", model, tier="capable")
    assert model.calls and forced.counts["model_calls"] >= 1
