"""The answer benchmark on a tiny hand-made LoCoMo-shaped file: LoCoMo's answer scores, the
quote line, a looping model on the raw line, and every figure from a scripted companion."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from chatfakes import FakeChatModel

from reverie.core import conversations
from reverie.core.evaluation import answer_scores as sc
from reverie.core.evaluation import answers, answers_report, loaders
from reverie.core.prompt import GivenMemory

SAMPLE = {
    "sample_id": "t-1",
    "conversation": {
        "speaker_a": "Ann",
        "speaker_b": "Bo",
        "session_1_date_time": "1:56 pm on 8 May, 2023",
        "session_1": [
            {"speaker": "Ann", "dia_id": "D1:1", "text": "Hi Bo! How was your week?"},
            {"speaker": "Bo", "dia_id": "D1:2", "text": "Great! I adopted a grey kitten named Miso."},
            {"speaker": "Ann", "dia_id": "D1:3", "text": "Lovely. I started pottery classes on Tuesday."},
            {"speaker": "Bo", "dia_id": "D1:4", "text": "The weather was grey all week."},
        ],
        "session_2_date_time": "10:00 am on 20 May, 2023",
        "session_2": [
            {"speaker": "Ann", "dia_id": "D2:1", "text": "I finished my first pottery bowl yesterday."},
            {"speaker": "Bo", "dia_id": "D2:2", "text": "Oh no, the kitten broke a vase last night."},
            {"speaker": "Ann", "dia_id": "D2:3", "text": "We watched a film about sailing."},
        ],
    },
    "qa": [
        {"question": "What is the name of Bo's kitten?", "answer": "Miso", "evidence": ["D1:2"], "category": 4},
        {"question": "What classes did Ann start?", "answer": "pottery", "evidence": ["D1:3"], "category": 4},
        {"question": "What did the kitten break?", "answer": "a vase", "evidence": ["D2:2"], "category": 1},
        {"question": "What did Bo say about dogs?", "adversarial_answer": "x", "evidence": ["D1:2"], "category": 5},
    ],
}


def write_locomo(folder) -> object:
    path = folder / "tiny_locomo.json"
    path.write_text(json.dumps([SAMPLE]), encoding="utf-8")
    return path


def _load(tmp_path):
    path = write_locomo(tmp_path)
    return loaders.load_locomo(path), answers.load_gold(path, "locomo")


# -- LoCoMo's scores --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("caresses", "caress"),
        ("ponies", "poni"),
        ("ties", "tie"),
        ("cats", "cat"),
        ("feed", "feed"),
        ("agreed", "agre"),
        ("plastered", "plaster"),
        ("motoring", "motor"),
        ("hopping", "hop"),
        ("filing", "file"),
        ("happy", "happi"),
        ("enjoy", "enjoy"),
        ("relational", "relat"),
        ("generalization", "gener"),
        ("dying", "die"),
        ("skies", "sky"),
        ("died", "die"),
        ("spied", "spi"),
        ("geology", "geolog"),
        ("hopefully", "hope"),
        ("adoption", "adopt"),
        ("controlling", "control"),
        ("is", "is"),
        ("running", "run"),
    ],
)
def test_porter_stem_as_nltk(word, stem):
    assert sc.porter_stem(word) == stem


def test_locomo_normalisation_f1_and_recall():
    assert sc.normalise_answer("The cat, and a Dog!") == "cat dog"
    assert sc.normalise_answer("“Miso” [1]…") == "miso 1"  # Unicode punctuation goes too
    assert sc.answer_tokens("Adopting kittens") == ["adopt", "kitten"]
    # 6 reply tokens, 3 gold tokens, all found: P = 1/2, R = 1
    assert sc.f1_score("Caroline went to the LGBTQ support group", "LGBTQ support group") == pytest.approx(2 / 3)
    assert sc.token_recall("Caroline went to the LGBTQ support group", "LGBTQ support group") == 1.0
    assert sc.token_recall("support", "LGBTQ support group") == pytest.approx(1 / 3)
    assert sc.f1_score("nothing alike", "Miso") == 0.0
    # multi-hop: the gold split at commas, each part against the best part of the reply
    assert sc.multi_answer_f1("psychology, counseling", "Psychology, counseling certification") == pytest.approx(
        (1.0 + 2 / 3) / 2
    )
    assert sc.gold_for("painting; art", "open-domain") == "painting"
    assert sc.gold_for(2022, "temporal") == "2022"
    got = sc.score_reply("psychology, counseling", "Psychology, counseling certification", "multi-hop")
    assert got["f1"] == pytest.approx(5 / 6) and got["recall"] == pytest.approx(2 / 3)


def test_gold_answers_and_even_sampling(tmp_path):
    cases, gold = _load(tmp_path)
    assert gold["t-1#0"] == "Miso" and "t-1#3" not in gold  # adversarial: no gold answer
    qs = [q for q in cases[0].questions if q.skip_reason is None]
    assert [q.qid for q in answers.evenly(qs, 2)] == ["t-1#0", "t-1#2"]
    assert answers.evenly(qs, None) == qs and answers.evenly(qs, 9) == qs


def test_memory_sources_hold_who_and_when(tmp_path):
    cases, _ = _load(tmp_path)
    vault_dir = tmp_path / "v"
    from reverie.core.evaluation import runner

    ing = runner.ingest_case(cases[0], vault_dir)
    try:
        mem = ing.vault.query("SELECT id FROM memories WHERE text LIKE '%Miso%'")[0][0]
        from reverie.core.memories import get_memory

        g = GivenMemory(1, get_memory(ing.vault, mem), "t-1 D1")
        reply = "Bo said on 8 May 2023 (a Monday): “Great! I adopted a grey kitten named Miso.” [1]"
        flags, missing = answers.visible_flags(reply, "What is the name of Bo's kitten?", [g])
        assert missing == [] and not any(flags.values())
        flags, missing = answers.visible_flags("Miso was born in Paris in 2019 [1].", "Who?", [g])
        assert flags["unsupported"] and missing == ["2019", "Paris"]
    finally:
        ing.vault.close()


# -- the lines on the real Companion -------------------------------------------------------------
def test_quote_line_quotes_the_top_relevant_memory(tmp_path):
    cases, gold = _load(tmp_path)
    run = answers.run_answers(
        "locomo", cases, gold, model=None, embedder=None, tier="tiny", lines=["quote"], workdir=tmp_path
    )
    assert run.cases == 1 and run.questions == run.available == 3 and run.skipped == {"adversarial": 1}
    first = run.records[0]
    assert first.reply == "“Great! I adopted a grey kitten named Miso.” [1]"
    assert first.cited == first.given == ["D1:2"] and first.evidence_shown
    assert first.recall == 1.0 and first.f1 == pytest.approx(0.25)  # 1 of 7 reply tokens, the 1 gold token
    assert not any(first.flags.values())
    summary = answers_report.summarise(run)["quote"]["all"]
    assert summary["n"] == 3 and summary["composed"] == 0 and summary["loop"] == 0


def test_a_looping_model_is_a_visible_loop_on_the_raw_line(tmp_path):
    cases, gold = _load(tmp_path)
    model = FakeChatModel("I love my kitten Miso. I love my kitten Miso.")
    run = answers.run_answers(
        "locomo", cases, gold, model=model, embedder=None, tier="tiny", lines=["raw", "reverie"], workdir=tmp_path
    )
    summary = answers_report.summarise(run)
    raw = [r for r in run.records if r.line == "raw"]
    assert len(raw) == 3 and all(r.flags["loop"] for r in raw), [r.reply for r in raw]
    assert summary["raw"]["all"]["loop"] == 1.0 and summary["raw"]["all"]["replaced"] == 0.0
    # tiny tier with the gate: Reverie composes every reply; no loop is shown
    assert summary["reverie"]["all"]["loop"] == 0.0 and summary["reverie"]["all"]["composed"] == 1.0
    assert all(r.cited for r in run.records if r.line == "reverie")


# -- every figure, from a scripted companion ----------------------------------------------------------
SCRIPT = {
    # (gate, question) -> reply, a word of the memory it cites, meta, timings
    (True, "What is the name of Bo's kitten?"): (
        "Bo said on 8 May 2023: “Great! I adopted a grey kitten named Miso.” [1]",
        "Miso",
        {"gate": {"passed": False, "reasons": ["loop"]}, "replaced": True, "composed": True},
        {"total_s": 0.5},
    ),
    (True, "What classes did Ann start?"): (
        "Ann started pottery classes [1].",
        "pottery classes",
        {"gate": {"passed": True, "reasons": []}},
        {"first_token_s": 0.2, "total_s": 1.0},
    ),
    (True, "What did the kitten break?"): (
        "The kitten broke a vase [1].",
        "Miso",  # cites the wrong memory
        {"gate": {"passed": True, "reasons": []}},
        {"first_token_s": 0.3, "total_s": 2.0},
    ),
    (False, "What is the name of Bo's kitten?"): (
        "You are Reverie, the user's private memory companion. Miso [1].",
        "Miso",
        {},
        {"total_s": 1.0},
    ),
    (False, "What classes did Ann start?"): (
        "Ann started pottery in Paris in 2019 [1].",
        "pottery classes",
        {},
        {"total_s": 1.0},
    ),
    (False, "What did the kitten break?"): ("The kitten broke a", "", {}, {"total_s": 1.0}),
}


class ScriptedCompanion:
    made: list[tuple[str, bool]] = []
    counts: list[int] = []

    def __init__(self, vault, model, memories, clock, profile_provider=None, *, tier="capable", gate=True):
        self.vault, self.memories, self.clock, self.gate = vault, memories, clock, gate
        ScriptedCompanion.made.append((tier, gate))

    def answer(self, conversation_id, text, on_token=None, cancel=None):
        ScriptedCompanion.counts.append(self.vault.counts()["messages"])
        hits = self.memories.search(text, now=self.clock.now(), k=8).hits
        given = [GivenMemory(i + 1, h.memory, h.source_title, h.score) for i, h in enumerate(hits)]
        reply, word, meta, timings = SCRIPT[(self.gate, text)]
        cited = [g for g in given if word and word in g.memory.text][:1]
        conversations.add_message(self.vault, conversation_id, "user", text)
        msg = conversations.add_message(self.vault, conversation_id, "assistant", reply, meta=meta)
        return SimpleNamespace(
            assistant_message=msg,
            given=given,
            mode="memory",
            status="complete",
            timings=timings,
            citations=[SimpleNamespace(memory_id=g.memory.id) for g in cited],
        )


def test_every_figure_from_a_scripted_companion(tmp_path):
    ScriptedCompanion.made, ScriptedCompanion.counts = [], []
    cases, gold = _load(tmp_path)
    run = answers.run_answers(
        "locomo",
        cases,
        gold,
        model=FakeChatModel(),
        embedder=None,
        tier="tiny",
        lines=["reverie", "raw"],
        workdir=tmp_path,
        companion_cls=ScriptedCompanion,
    )
    assert set(ScriptedCompanion.made) == {("tiny", True), ("capable", False)}
    # every question starts from the vault as ingested: no earlier question or answer in it
    assert len(set(ScriptedCompanion.counts)) == 1 and len(ScriptedCompanion.counts) == 6
    s = answers_report.summarise(run)
    rev, raw = s["reverie"]["all"], s["raw"]["all"]
    assert rev["evidence_shown"] == pytest.approx(2 / 3) and rev["evidence_given"] == 1.0
    assert rev["replaced"] == pytest.approx(1 / 3) and rev["composed"] == pytest.approx(1 / 3)
    assert all(rev[f] == 0 for f in answers.FLAGS)  # the composed reply's who and when are supported
    assert rev["recall"] == 1.0
    assert rev["first_token_median_s"] == pytest.approx(0.3) and rev["first_token_p95_s"] == pytest.approx(0.5)
    assert rev["total_median_s"] == pytest.approx(1.0) and rev["total_p95_s"] == pytest.approx(2.0)
    by_q = {r.qid: r for r in run.records if r.line == "raw"}
    assert by_q["t-1#0"].flags == {"loop": False, "leak": True, "truncated": False, "unsupported": False}
    assert by_q["t-1#1"].unsupported == ["2019", "Paris"]
    assert by_q["t-1#2"].flags["truncated"] and by_q["t-1#2"].cited == []
    assert raw["evidence_shown"] == pytest.approx(2 / 3)
    assert raw["leak"] == raw["unsupported"] == raw["truncated"] == pytest.approx(1 / 3) and raw["loop"] == 0
    multi = next(r for r in run.records if r.line == "reverie" and r.qid == "t-1#2")
    assert multi.category == "multi-hop" and multi.cited == ["D1:2"] and multi.evidence == ["D2:2"]
    assert multi.f1 == pytest.approx(0.5)  # kitten broke vase: P = 1/3, R = 1
    table = answers_report.format_table(run, "fake")
    assert "reverie" in table and "raw model (no gate)" in table and "multi-hop 1, single-hop 2" in table
    data = answers_report.to_json(run, "fake")
    assert len(data["per_question"]) == 6 and data["per_question"][0]["evidence_shown"] is True


def test_bad_lines_and_a_missing_model(tmp_path):
    cases, gold = _load(tmp_path)
    from reverie.core.errors import InputError

    with pytest.raises(InputError, match="Unknown line"):
        answers.run_answers("locomo", cases, gold, model=None, embedder=None, tier="tiny", lines=["magic"])
    with pytest.raises(InputError, match="need a chat model"):
        answers.run_answers("locomo", cases, gold, model=None, embedder=None, tier="tiny", lines=["raw"])
