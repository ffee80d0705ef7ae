"""``reverie consolidate`` and ``reverie runs`` on a real vault (deterministic path)."""

from __future__ import annotations

import json

from reverie.app import context
from reverie.app.cli import main
from reverie.core.keys import KeyMode
from reverie.core.vault import Vault


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_consolidate_then_runs(capsys):
    run(capsys, "note", "add", "Anna's birthday is March 3. We planned a picnic by the river.")
    code, out, err = run(capsys, "consolidate", "--no-model")
    assert (
        code == 0 and "ok: summaries added 1, facts added 1" in out and "fact add: Anna's birthday is March 3." in out
    )
    assert "letting unused memories fade" in err and "finding facts in your words" in err  # progress
    code, out, _ = run(capsys, "consolidate", "--no-model", "--json")
    report = json.loads(out)
    assert code == 0 and report["status"] == "ok" and report["counts"]["facts_added"] == 0
    code, out, _ = run(capsys, "runs", "--json")
    runs = json.loads(out)
    assert [r["status"] for r in runs] == ["ok", "ok"] and runs[1]["counts"]["facts_added"] == 1
    code, out, _ = run(capsys, "runs")
    assert code == 0 and out.count("consolidation ok") == 2


def test_build_scheduler_runs_now_with_the_vault(tmp_path, clock):
    vault = Vault.create(context.resolve_paths(tmp_path / "h"), KeyMode.NONE, clock=clock)
    try:
        sched = context.build_scheduler(vault, chat_model_factory=lambda settings: None)
        report = sched.run_now()
        assert report.status == "ok" and sched.due() is None
    finally:
        vault.close()
