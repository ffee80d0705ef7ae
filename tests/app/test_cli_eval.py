"""``reverie eval``: the ablation lines run on a tiny case; the command lists its options."""

from __future__ import annotations

import pytest
from core.test_eval_runner import BagOfWordsEmbedder, _case

from reverie.app.cli import cmd_eval
from reverie.app.cli.run import build_parser, main
from reverie.core.evaluation import runner
from reverie.core.evaluation.searchers import EmbeddingCache


def test_ablation_lines_all_run(tmp_path):
    cache = EmbeddingCache(BagOfWordsEmbedder())
    lines = cmd_eval.ablation_lines(cache)
    assert len({line.name for line in lines}) == len(lines) == 7
    case = _case("I adopted a grey kitten named Miso.", "What did I name the kitten I adopted?")
    got = runner.run_benchmark("locomo", [case], lines, (5,), workdir=tmp_path)
    assert len(got.results) == 7 and all(r.scores["recall@5"] == 1.0 for r in got.results)


def test_eval_parser_and_bad_options(tmp_path, capsys):
    args = build_parser().parse_args(["eval", "longmemeval", "f.json", "--k", "3", "--retriever", "bm25"])
    assert args.benchmark == "longmemeval" and args.k == [3] and args.retriever == ["bm25"]
    with pytest.raises(SystemExit):
        build_parser().parse_args(["eval", "locomo", "f.json", "--retriever", "magic"])
    f = tmp_path / "l.json"
    f.write_text("[]", encoding="utf-8")
    assert main(["eval", "locomo", str(f), "--k", "0", "--baselines", "bm25", "--engine", "pipeline"]) == 2
    assert "--k" in capsys.readouterr().err
    assert main(["eval", "locomo", str(f), "--baselines", "nope", "--engine", "pipeline"]) == 2
    assert "Unknown baseline" in capsys.readouterr().err


def test_retriever_adapter_calls_search_as_the_app_does(tmp_path):
    import types

    from reverie.core.evaluation.adapters import retriever_line
    from reverie.core.evaluation.searchers import PlainBM25

    calls = []

    class FakeRetriever:  # the contract: Retriever(vault, embedder).search(q, now=, k=, mode=).hits[i].memory
        def __init__(self, vault, embedder=None, config=None):
            self.inner = PlainBM25(vault)
            self.vault = vault

        def search(self, query, *, now, k=10, filters=None, mode="hybrid"):
            calls.append((query, now, k, mode))
            rows = {u.id: u for u in self.inner.search(query, now=now, k=k)}
            hits = [types.SimpleNamespace(memory=types.SimpleNamespace(id=i, source_id=u.source_id))
                    for i, u in rows.items()]
            return types.SimpleNamespace(hits=hits)

    line = retriever_line(types.SimpleNamespace(Retriever=FakeRetriever), None, "bm25")
    assert line.name == "reverie-bm25"
    case = _case("I adopted a grey kitten named Miso.", "What did I name the kitten I adopted?")
    got = runner.run_benchmark("locomo", [case], [line], (5,), workdir=tmp_path)
    assert got.results[0].scores["recall@5"] == 1.0
    assert calls == [("What did I name the kitten I adopted?", case.questions[0].asked_at, 25, "bm25")]
