"""``reverie eval answers``: options, the model choice, a fake model through the command, and one
run with the real default model on the LoCoMo dev file (1 conversation x 3 questions)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from chatfakes import FakeChatModel
from core.test_eval_answers import write_locomo

from reverie.app import context
from reverie.app.cli import cmd_eval_answers, common
from reverie.app.cli.run import build_parser, main

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("REVERIE_EVAL_DATA") or ROOT.parent / "shared" / "eval")
LOCOMO = DATA / "locomo_dev.json"


def test_parser_and_bad_options(tmp_path, capsys):
    args = build_parser().parse_args(
        ["eval", "answers", "locomo", "f.json", "--lines", "quote", "--tier", "tiny", "--max-questions", "3"]
    )
    assert args.benchmark == "locomo" and args.lines == "quote" and args.tier == "tiny" and args.max_questions == 3
    with pytest.raises(SystemExit):
        build_parser().parse_args(["eval", "answers", "magic", "f.json"])
    f = write_locomo(tmp_path)
    assert main(["eval", "answers", "locomo", str(f), "--lines", "quote,nope"]) == 2
    assert "Unknown line 'nope'" in capsys.readouterr().err
    assert main(["eval", "answers", "locomo", str(f), "--model", str(tmp_path / "missing.gguf")]) == 2
    assert "is none of these" in capsys.readouterr().err
    assert main(["eval", "answers", "locomo", str(f), "--max-questions", "0"]) == 2


def test_model_choice():
    assert cmd_eval_answers.model_settings("default").chat_model_kind == "default"
    s = cmd_eval_answers.model_settings("http://127.0.0.1:8080", "qwen", 8192)
    assert (s.chat_model_kind, s.server_url, s.server_model, s.context_size) == (
        "server",
        "http://127.0.0.1:8080",
        "qwen",
        8192,
    )
    assert cmd_eval_answers.detected_tier(FakeChatModel()) == "capable"  # unknown size: capable
    tiny = FakeChatModel()
    tiny.tier = "tiny"
    assert cmd_eval_answers.detected_tier(tiny) == "tiny"


def test_the_command_with_a_fake_model(tmp_path, capsys, monkeypatch):
    built = []

    def fake_model(settings):
        built.append(settings)
        return FakeChatModel("Bo adopted a kitten named Miso.")

    monkeypatch.setattr(context, "build_chat_model", fake_model)
    monkeypatch.setattr(common, "default_embedder", lambda: None)  # words only
    f = write_locomo(tmp_path)
    assert main(["eval", "answers", "locomo", str(f), "--max-questions", "2", "--tier", "capable", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert built[0].chat_model_kind == "default" and data["tier"] == "capable" and data["model"] == "fake"
    assert data["questions"] == 2 and data["available"] == 3 and data["skipped"] == {"adversarial": 1}
    assert len(data["per_question"]) == 6 and set(data["summary"]) == {"reverie", "quote", "raw"}
    assert main(["eval", "answers", "locomo", str(f), "--lines", "quote"]) == 0
    out = capsys.readouterr().out
    assert "quote (no model)" in out and "evid.shown" in out and "model none" in out


@pytest.mark.slow
@pytest.mark.skipif(not LOCOMO.exists(), reason="LoCoMo dev file not present")
def test_real_default_model_on_the_dev_file(capsys):
    code = main(["eval", "answers", "locomo", str(LOCOMO), "--limit", "1", "--max-questions", "3", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert data["model"] == "SmolLM2-135M-Instruct" and data["tier"] == "tiny"
    assert data["cases"] == 1 and data["questions"] == 3 and len(data["per_question"]) == 9
    for r in data["per_question"]:
        assert r["reply"].strip() and r["status"] == "complete"
        assert set(r["cited"]) <= set(r["given"])
        assert 0.0 <= r["recall"] <= 1.0 and r["total_s"] > 0
    quote = data["summary"]["quote"]["all"]
    assert quote["n"] == 3 and quote["loop"] == quote["leak"] == quote["unsupported"] == 0
    raw = data["summary"]["raw"]["all"]
    assert raw["first_token_median_s"] > 0  # the raw line ran the model
