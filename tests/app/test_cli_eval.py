"""``reverie eval``: the ablation lines run on a tiny case; the command lists its options."""

from __future__ import annotations

import pytest
from core.test_eval_runner import BagOfWordsEmbedder, _case

from reverie.app.cli import cmd_eval
from reverie.app.cli.run import build_parser, main
from reverie.core.evaluation import runner


def test_eval_parser_and_bad_options(tmp_path, capsys):
    args = build_parser().parse_args(["eval", "longmemeval", "f.json", "--k", "3", "--retriever", "bm25"])
    assert args.benchmark == "longmemeval" and args.k == [3] and args.retriever == ["bm25"]
    with pytest.raises(SystemExit):
        build_parser().parse_args(["eval", "locomo", "f.json", "--retriever", "magic"])
    f = tmp_path / "l.json"
    f.write_text("[]", encoding="utf-8")
    assert main(["eval", "locomo", str(f), "--k", "0", "--baselines", "bm25"]) == 2
    assert "--k" in capsys.readouterr().err
    assert main(["eval", "locomo", str(f), "--baselines", "nope"]) == 2
    assert "Unknown baseline" in capsys.readouterr().err


def test_retriever_adapter_calls_search_as_the_app_does(tmp_path, monkeypatch):
    from reverie.core import retrieval
    from reverie.core.evaluation.adapters import retriever_line

    calls = []
    real = retrieval.Retriever.search

    def spy(self, query, **kw):
        calls.append((query, kw, self.config.turn_window))
        return real(self, query, **kw)

    monkeypatch.setattr(retrieval.Retriever, "search", spy)
    line = retriever_line(None, "bm25")
    assert line.name == "reverie-bm25"
    case = _case("I adopted a grey kitten named Miso.", "What did I name the kitten I adopted?")
    got = runner.run_benchmark("locomo", [case], [line], (5,), workdir=tmp_path)
    assert got.results[0].scores["recall@5"] == 1.0
    assert calls == [
        ("What did I name the kitten I adopted?", {"now": case.questions[0].asked_at, "k": 25, "mode": "bm25"}, 1)
    ]


def test_retriever_ablation_lines_all_run(tmp_path):
    lines = cmd_eval.retriever_ablation_lines(BagOfWordsEmbedder())
    assert len({line.name for line in lines}) == len(lines) == 11
    assert lines[-1].name == "retriever-window"  # the one that re-embeds, last
    case = _case("I adopted a grey kitten named Miso.", "What did I name the kitten I adopted?")
    got = runner.run_benchmark("locomo", [case], lines, (5,), workdir=tmp_path)
    assert len(got.results) == 11 and all(r.scores["recall@5"] == 1.0 for r in got.results)
