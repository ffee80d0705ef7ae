"""``reverie eval facts locomo FILE``: options, the table it prints, and bad input."""

from __future__ import annotations

import json

from core.test_eval_facts import locomo_file
from core.test_eval_runner import BagOfWordsEmbedder

from reverie.app.cli import common
from reverie.app.cli.run import build_parser, main


def test_parser_takes_model_limit_and_thresholds():
    args = build_parser().parse_args(
        [
            "eval",
            "facts",
            "locomo",
            "f.json",
            "--model",
            "default",
            "--limit",
            "1",
            "--sessions",
            "3",
            "--thresholds",
            "0.4,0.6",
        ]
    )
    assert (args.model, args.limit, args.sessions, args.thresholds) == ("default", 1, 3, "0.4,0.6")


def test_prints_precision_and_recall_per_threshold(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(common, "default_embedder", BagOfWordsEmbedder)
    path = locomo_file(tmp_path)
    assert main(["eval", "facts", "locomo", str(path), "--model", "none", "--threshold", "0.5"]) == 0
    out = capsys.readouterr().out
    assert "1 conversations, 6 turns, 2 speaker runs, 5 observations; chat model: none" in out
    row = next(line for line in out.splitlines() if line.endswith("<- threshold")).split()
    assert row[:8] == ["0.50", "5", "5", "4", "0.800", "5", "4", "0.800"]
    assert main(["eval", "facts", "locomo", str(path), "--threshold", "0.5", "--baselines"]) == 0
    out = capsys.readouterr().out
    assert "baseline, every statement (Reverie's statement check): 5 facts, precision 0.800" in out
    assert "baseline, every sentence of 4+ words, not a question: 6 facts" in out
    assert main(["eval", "facts", "locomo", str(path), "--threshold", "0.5", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["runs"][1]["speaker"] == "Bob"
    assert main(["eval", "facts", "locomo", str(path), "--thresholds", "2"]) == 2
    assert "between 0 and 1" in capsys.readouterr().err
    assert main(["eval", "facts", "locomo", str(path)]) == 2  # too small to calibrate: say so
    assert "--threshold" in capsys.readouterr().err
