"""The harness on tiny hand-made cases: ingestion through the app's path, no label leakage,
the searchers and the table."""

from __future__ import annotations

import hashlib
import re

import numpy as np

from reverie.core.evaluation import loaders, report, runner
from reverie.core.evaluation.adapters import retriever_line
from reverie.core.evaluation.loaders import Case, Question, Session, Turn
from reverie.core.evaluation.searchers import EmbeddingCache, PlainBM25, PlainFusion, PlainVector

DAY = 86400.0
T0 = 1_680_000_000.0


class BagOfWordsEmbedder:
    """A fake embedder for core logic tests: hashed bag of words, unit length."""

    model_id = "test/bag-of-words"
    dim = 1024

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts):
        self.calls += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"\w+", t.casefold()):
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % self.dim] += 1.0
            out[i] /= max(float(np.linalg.norm(out[i])), 1e-9)
        return out


FILLER = [
    "The weather was grey all week.",
    "We watched a film about sailing.",
    "My sister called on Sunday.",
    "Dinner was pasta with tomatoes.",
    "The train was late again.",
    "I read two chapters of a novel.",
    "We walked along the river.",
    "The garden needs water.",
    "Work was quiet today.",
    "The neighbours painted their fence.",
    "I fixed the bike's chain.",
    "Coffee tastes better at home.",
]


def _case(evidence_text: str, question: str, evidence: tuple[str, ...] = ("D2:3",)) -> Case:
    s1 = Session(
        "D1", T0, tuple(Turn(f"D1:{i + 1}", "user", "Ann" if i % 2 else "Bo", t) for i, t in enumerate(FILLER[:6]))
    )
    turns2 = [*FILLER[6:8], evidence_text, *FILLER[8:]]
    s2 = Session(
        "D2",
        T0 + 3 * DAY,
        tuple(Turn(f"D2:{i + 1}", "user", "Ann" if i % 2 else "Bo", t) for i, t in enumerate(turns2)),
    )
    q = Question("c#0", question, T0 + 10 * DAY, "single-hop", evidence)
    return Case("c", (s1, s2), (q,))


def test_ingestion_goes_through_add_message_with_dates_and_speakers(tmp_path):
    case = _case("I adopted a grey kitten named Miso.", "What is the kitten called?")
    ing = runner.ingest_case(case, tmp_path / "v")
    try:
        rows = ing.vault.query(
            "SELECT m.happened_at, m.speaker, m.context, g.origin FROM memories m "
            "JOIN messages g ON g.id = m.source_id ORDER BY m.happened_at"
        )
        assert len(rows) == len(ing.corpus) == 6 + 7
        assert rows[0][0] == T0 and rows[6][0] == T0 + 3 * DAY and rows[7][0] == T0 + 3 * DAY + 1
        assert rows[0][1] == "Bo" and rows[0][2] == "Bo:" and rows[0][3] == "benchmark:D1:1"
        assert sorted(ing.turn_of_source.values()) == sorted(ing.corpus)
    finally:
        ing.vault.close()


def test_only_user_turns_are_indexed_for_longmemeval(tmp_path):
    turns = (Turn("s_1", "user", None, "I work at a bakery."), Turn("s_2", "assistant", None, "Nice bakery!"))
    case = Case("q", (Session("s", T0, turns),), ())
    ing = runner.ingest_case(case, tmp_path / "v", index_roles=runner.index_roles_for("longmemeval"))
    try:
        assert ing.corpus == ["s_1"]
        assert ing.vault.query("SELECT count(*) FROM messages")[0][0] == 2
        assert ing.vault.query("SELECT count(*) FROM memories")[0][0] == 1
    finally:
        ing.vault.close()


def _lines(cache):
    return [
        runner.Line("plain-bm25", PlainBM25, "bm25"),
        runner.Line("plain-vector", lambda v: PlainVector(v, cache), "vector"),
        runner.Line("plain-fusion", lambda v: PlainFusion(v, cache)),
        retriever_line(cache.embedder, "hybrid"),
    ]


def test_found_evidence_scores_one_and_absent_evidence_scores_zero(tmp_path):
    """No leakage: the labelled turn is never handed to the searcher. When the haystack does not
    hold what is asked (the labelled turn is about something else), recall is 0."""
    cache = EmbeddingCache(BagOfWordsEmbedder())
    present = _case("I adopted a grey kitten named Miso.", "What did I name the kitten I adopted?")
    absent = _case("Bus drivers went on strike.", "What did I name the kitten I adopted?")
    ks = (3,)
    got = runner.run_benchmark("locomo", [present], _lines(cache), ks, workdir=tmp_path)
    assert {r.line: r.scores["recall@3"] for r in got.results} == {
        "plain-bm25": 1.0,
        "plain-vector": 1.0,
        "plain-fusion": 1.0,
        "reverie-hybrid": 1.0,
    }
    got = runner.run_benchmark("locomo", [absent], _lines(cache), ks, workdir=tmp_path)
    assert [r.scores["recall@3"] for r in got.results] == [0.0, 0.0, 0.0, 0.0]
    assert all("D2:3" not in r.retrieved for r in got.results)


def test_skipped_questions_are_counted_not_scored(tmp_path):
    case = _case("I adopted a grey kitten named Miso.", "What did I name the kitten?")
    extra = (
        Question("c#1", "Trick?", T0 + 10 * DAY, "adversarial", (), skip_reason="adversarial"),
        Question("c#2", "None?", T0 + 10 * DAY, "temporal", (), skip_reason="no evidence"),
    )
    case = Case(case.case_id, case.sessions, case.questions + extra)
    got = runner.run_benchmark(
        "locomo", [case], [runner.Line("plain-bm25", PlainBM25, "bm25")], (5, 10), workdir=tmp_path
    )
    assert got.questions == 1 and got.skipped == {"adversarial": 1, "no evidence": 1}
    table = report.format_table(got)
    assert "plain-bm25" in table and "R@10" in table and "1 adversarial" in table
    data = runner.to_json(got)
    assert data["summary"]["plain-bm25"]["all"]["recall@10"] == 1.0
    assert data["per_question"][0]["qid"] == "c#0"


def test_embeddings_are_cached_by_text_within_a_run(tmp_path):
    emb = BagOfWordsEmbedder()
    cache = EmbeddingCache(emb)
    case = _case("I adopted a grey kitten named Miso.", "What did I name the kitten?")
    lines = [
        runner.Line("v1", lambda v: PlainVector(v, cache), "vector"),
        runner.Line("v2", lambda v: PlainVector(v, cache), "vector"),
    ]
    runner.run_benchmark("locomo", [case, case], lines, (5,), workdir=tmp_path)
    assert emb.calls == cache.embedded == 13 + 1  # 13 turns and one question, once each


def test_longmemeval_case_runs_end_to_end(tmp_path):
    sess = [
        Session(
            f"s{i}",
            T0 + i * DAY,
            (Turn(f"s{i}_1", "user", None, FILLER[i]), Turn(f"s{i}_2", "assistant", None, "I see.")),
        )
        for i in range(8)
    ]
    sess.append(
        Session(
            "answer_x",
            T0 + 9 * DAY,
            (
                Turn("answer_x_1", "user", None, "I started working at a bakery."),
                Turn("answer_x_2", "assistant", None, "Congratulations!"),
            ),
        )
    )
    q = Question(
        "q1", "Where did I start working?", T0 + 20 * DAY, "single-session-user", ("answer_x_1",), ("answer_x",)
    )
    got = runner.run_benchmark(
        "longmemeval",
        [Case("q1", tuple(sess), (q,))],
        [runner.Line("plain-bm25", PlainBM25, "bm25")],
        (5, 10),
        workdir=tmp_path,
    )
    (r,) = got.results
    assert r.scores["turn_recall_any@10"] == 1.0 and r.scores["session_recall_all@5"] == 1.0
    assert r.retrieved[0] == "answer_x_1"
    assert "S.any@5" in report.format_table(got)
    assert loaders.LOCOMO_CATEGORIES[1] == "multi-hop"
