"""Consolidation's progress moves with each unit of work, and a run's result reads as a sentence."""

from __future__ import annotations

import json

from core.test_consolidation import FakeModel, chat

from reverie.core.consolidation import run_consolidation
from reverie.core.consolidation import runner as runner_mod
from reverie.core.consolidation.outcome import describe_run, details, facts_clause


def test_progress_advances_with_each_model_call_and_never_goes_back(vault, clock):
    # Enough statements for several chunks of the facts prompt: each chunk is one model call.
    lines = [f"My friend number {i} lives in the town of Village{i} near the old river mill." for i in range(60)]
    chat(vault, *lines)
    seen: list[tuple[str, float]] = []
    calls_at: list[float] = []
    model = FakeModel([json.dumps({"facts": []})], gate=lambda: calls_at.append(seen[-1][1]))
    report = run_consolidation(vault, chat_model=model, progress=lambda stage, f: seen.append((stage, f)))
    assert report.status == "ok", report.error
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    # the fraction was different before each model call (a retry aside): it moves while the model works
    assert len(set(calls_at)) == len(calls_at) - report.counts.get("model_retries", 0)
    facts_stage = [f for stage, f in seen if stage == "finding facts in your words"]
    facts_calls = sum("facts" in schema["properties"] for _, schema in model.calls)
    assert facts_calls >= 4 and len(set(facts_stage)) == facts_calls + 1  # its start, then one step per call
    stages = list(dict.fromkeys(stage for stage, _ in seen))
    assert stages[:3] == ["reading", "finding facts in your words", "summarising the days"]
    assert stages[-2:] == ["letting unused memories fade", "done"]


def test_progress_spans_batches_by_their_share_of_the_units(vault, clock, monkeypatch):
    monkeypatch.setattr(runner_mod, "BATCH_UNITS", 4)
    chat(vault, *[f"Line {i} about the garden and its tomatoes." for i in range(12)])
    seen: list[float] = []
    report = run_consolidation(vault, progress=lambda stage, f: seen.append(f))
    assert report.counts["units_read"] == 12
    written = [f for f in seen if f > 0.0]
    assert seen == sorted(seen)
    # three batches of four: each ends about a third further along
    for third in (1, 2, 3):
        target = runner_mod.READ_START + (runner_mod.READ_END - runner_mod.READ_START) * third / 3
        assert any(abs(f - target) < 1e-9 for f in written), (third, written)


def test_a_run_reads_as_a_sentence():
    counts = {
        "facts_added": 4,
        "facts_updated": 1,
        "rejected_ungrounded": 6,
        "rejected_not_statement": 3,
        "summaries_added": 3,
        "days": 2,
        "duplicates_merged": 1,
        "archived": 0,
        "lines_without_model": 10803,
        "model_calls": 60,
        "units_read": 120,
    }
    assert describe_run("ok", counts) == (
        "Learned 4 new facts about you, updated 1 and set aside 9 unclear ones; "
        "summarised 2 days and merged 1 duplicate."
    )
    assert describe_run("ok", {"facts_added": 1}) == "Learned 1 new fact about you."
    assert describe_run("ok", {"facts_superseded": 2}) == "Updated 2 facts about you."
    assert describe_run("ok", {"rejected_questions": 1, "archived": 5}) == (
        "Set aside 1 unclear fact; moved 5 faded memories to the archive."
    )
    assert describe_run("ok", {"facts_retracted": 52}) == (
        "Put away 52 earlier facts that did not come from your own words."
    )
    assert describe_run("ok", {"active_memories": 40, "units_read": 0}) == "Nothing new to learn since the last run."
    assert describe_run("failed", {}, "Consolidation failed: ValueError: boom.") == (
        "Could not finish: Consolidation failed: ValueError: boom."
    )
    assert describe_run("cancelled", {}) == "Cancelled before anything was written."
    assert describe_run("cancelled", {"facts_added": 2}).startswith("Cancelled before the end; what was finished")
    assert "lines without model" not in describe_run("ok", counts).lower()
    assert facts_clause({}) == ""


def test_the_counts_behind_the_sentence_have_plain_labels():
    rows = details({"facts_added": 4, "lines_without_model": 10803, "facts_noop": 0, "something_new": 2})
    assert rows == [
        ("New facts", 4),
        ("Lines read without the chat model (budget used up)", 10803),
        ("Something new", 2),
    ]
    assert details(None) == []
