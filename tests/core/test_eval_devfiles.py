"""The harness on the public dev files, when they are present beside the repository
(``../shared/eval`` from the repository root, or ``REVERIE_EVAL_DATA``). The files are never
copied into the repository. Words-only lines here, so no model is loaded."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reverie.app.cli.run import main

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("REVERIE_EVAL_DATA") or ROOT.parent / "shared" / "eval")
LOCOMO = DATA / "locomo_dev.json"
LONGMEMEVAL = DATA / "longmemeval_s_dev.json"


def _run(capsys, *argv: str) -> dict:
    assert main(["eval", *argv, "--baselines", "bm25", "--retriever", "bm25", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.slow
@pytest.mark.skipif(not LOCOMO.exists(), reason="LoCoMo dev file not present")
def test_locomo_dev_file(capsys):
    data = _run(capsys, "locomo", str(LOCOMO), "--limit", "1", "--max-questions", "40", "--k", "5", "--k", "10")
    assert data["cases"] == 1 and data["questions"] == 40
    assert data["skipped"].get("adversarial", 0) > 0
    plain, ours = data["summary"]["plain-bm25"]["all"], data["summary"]["reverie-bm25"]["all"]
    assert 0.2 < plain["recall@10"] <= 1.0 and 0.2 < ours["recall@10"] <= 1.0
    assert plain["recall@5"] <= plain["recall@10"] <= plain["hit@10"]
    assert len(data["per_question"]) == 80
    assert all(set(q["evidence"]) and len(q["retrieved"]) <= 10 for q in data["per_question"])


@pytest.mark.slow
@pytest.mark.skipif(not LONGMEMEVAL.exists(), reason="LongMemEval dev file not present")
def test_longmemeval_dev_file(capsys):
    data = _run(capsys, "longmemeval", str(LONGMEMEVAL), "--limit", "3")
    assert data["cases"] == data["questions"] >= 1
    assert data["questions"] + sum(data["skipped"].values()) == 3
    summary = data["summary"]["reverie-bm25"]["all"]
    for key in ("session_recall_any@5", "session_recall_all@5", "session_ndcg_any@10", "turn_recall_any@10"):
        assert 0.0 <= summary[key] <= 1.0
    assert summary["session_recall_all@5"] <= summary["session_recall_any@5"]


def test_bad_file_is_one_sentence(tmp_path, capsys):
    bad = tmp_path / "x.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    assert main(["eval", "locomo", str(bad), "--baselines", "bm25"]) == 2
    assert "is not a LoCoMo file" in capsys.readouterr().err
