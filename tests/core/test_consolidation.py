from __future__ import annotations

import json
import threading

import pytest

from reverie.core import conversations, jobruns, notes
from reverie.core.consolidation import JobBusyError, run_consolidation, views
from reverie.core.consolidation.facts import parse_statement
from reverie.core.consolidation.text import ungrounded_terms
from reverie.core.retention import DAY


class FakeModel:
    """A chat model that answers from a script (one answer per call; the last one repeats)."""

    name = "fake"
    context_size = 2048

    def __init__(self, answers=(), fail=False, gate=None):
        self.answers, self.fail, self.gate = list(answers), fail, gate
        self.calls = []

    def count_tokens(self, text):
        return len(text.split())

    def stream(self, messages, *, max_tokens=512, temperature=0.2, stop=(), cancel=None, json_schema=None):
        self.calls.append((messages, json_schema))
        if self.gate is not None:
            self.gate()
        if self.fail:
            raise RuntimeError("model crashed")
        answer = self.answers.pop(0) if len(self.answers) > 1 else (self.answers[0] if self.answers else "{}")
        yield from (answer[i : i + 7] for i in range(0, len(answer), 7))


def chat(vault, *lines, title="Chat"):
    c = conversations.create_conversation(vault, title)
    for line in lines:
        conversations.add_message(vault, c.id, "user", line)
    return c


def facts(vault):
    return vault.query(
        "SELECT id, text, valid_from, valid_to, superseded_by, archived FROM memories WHERE kind = 'fact' ORDER BY id"
    )


def sources_of(vault, mid):
    return [
        r[0]
        for r in vault.query(
            "SELECT m.text FROM memory_sources s JOIN memories m ON m.id = s.source_memory_id WHERE s.memory_id = ?",
            (mid,),
        )
    ]


def test_statements_and_grounding():
    assert parse_statement("Oh, Anna's birthday is March 3.") == (
        "Anna's birthday is March 3.",
        "anna's birthday",
        "March 3",
    )
    assert parse_statement("my dentist is Dr. Wu") == ("My dentist is Dr. Wu.", "my dentist", "Dr. Wu")
    assert parse_statement("Is Anna's birthday in March?") is None
    assert parse_statement("I live in Lyon.")[1] == "i live in"
    assert parse_statement("My sister's name is Clara.")[1:] == ("my sister's name", "Clara")
    assert ungrounded_terms("Anna's birthday is March 3.", "anna's birthday is march 3") == []
    assert ungrounded_terms("Anna's birthday is March 5.", "Anna's birthday is March 3.") == ["5"]
    assert ungrounded_terms("Bob lives in Paris.", "Anna lives in Lyon.") == ["bob", "paris", "67% of its words"]


def test_digests_facts_with_sources_and_a_superseded_fact(vault, clock):
    chat(
        vault,
        "Hello!",
        "Anna's birthday is March 3.",
        "We planned a picnic by the river for Sunday.",
        "The picnic needs a big blanket and lemonade.",
    )
    notes.create_note(vault, "# Garden\nPlanted tomatoes and basil today.")
    report = run_consolidation(vault)
    assert report.status == "ok", report.error
    assert report.counts["facts_added"] == 1 and report.counts["summaries_added"] == 2  # day + session
    ((fid, text, vfrom, vto, sup, _),) = facts(vault)
    assert text == "Anna's birthday is March 3." and vto is None and sup is None
    assert sources_of(vault, fid) == ["Anna's birthday is March 3."]
    (day,) = vault.query("SELECT id, text FROM memories WHERE uid LIKE 'summary:day:%'")
    assert "picnic" in day[1] and "4 messages in 1 conversation and 1 note" in day[1]
    assert len(sources_of(vault, day[0])) == 5

    clock.advance(days=2)
    chat(vault, "Actually, Anna's birthday is March 5.")
    report = run_consolidation(vault)
    assert report.counts["facts_superseded"] == 1
    old, new = facts(vault)
    assert old[1] == "Anna's birthday is March 3." and old[3] == clock.now() and old[4] == new[0]
    assert old[5] == 0  # kept, not archived or deleted: it is history
    assert new[1] == "Anna's birthday is March 5." and new[2] == clock.now() and new[3] is None
    assert sources_of(vault, new[0]) == ["Actually, Anna's birthday is March 5."]
    assert vault.query("SELECT count(*) FROM history WHERE action = 'supersede'")[0][0] == 1
    (current,) = views.facts(vault, include_superseded=False)
    assert [m.text for m in views.versions(vault, current.id)] == [
        "Anna's birthday is March 5.",
        "Anna's birthday is March 3.",
    ]
    assert [m.text for m in views.sources(vault, old[0])] == ["Anna's birthday is March 3."]
    assert [m.uid[-10:] for m in views.day_digests(vault)] == sorted(
        {m.uid[-10:] for m in views.day_digests(vault)}, reverse=True
    )


def test_a_second_run_adds_nothing(vault, clock):
    chat(
        vault,
        "My sister's name is Clara.",
        "I live in Lyon.",
        "We talked about the new job at the bakery.",
        "The bakery opens at six.",
        "The bakery opens at six!",
    )
    first = run_consolidation(vault)
    assert first.counts["facts_added"] == 2 and first.counts["duplicates_merged"] == 1
    before = vault.query(
        "SELECT count(*), (SELECT count(*) FROM history), (SELECT count(*) FROM memory_sources) FROM memories"
    )[0]
    second = run_consolidation(vault)
    after = vault.query(
        "SELECT count(*), (SELECT count(*) FROM history), (SELECT count(*) FROM memory_sources) FROM memories"
    )[0]
    assert before == after
    assert all(v == 0 for k, v in second.counts.items() if k not in ("active_memories",))


def test_exact_and_near_duplicates_are_merged_not_deleted(vault, clock):
    notes.create_note(vault, "Call the plumber about the kitchen sink.")
    notes.create_note(vault, "call the  plumber about the kitchen sink.")
    chat(
        vault,
        "I need to renew my passport before the trip to Japan.",
        "I need to renew my passport before the trip to Japan!!",
    )
    report = run_consolidation(vault)
    assert report.counts["duplicates_merged"] == 2
    merged = vault.query("SELECT text, meta FROM memories WHERE archived = 1 ORDER BY id")
    assert len(merged) == 2 and all("merged_into" in json.loads(m[1]) for m in merged)
    assert vault.query("SELECT count(*) FROM history WHERE action = 'merge'")[0][0] == 2


def test_profile_is_kept_current_and_user_edits_survive(vault, clock):
    chat(vault, "My dentist is Dr. Wu.")
    run_consolidation(vault)
    profile = json.loads(vault.query("SELECT value FROM settings WHERE key = 'profile'")[0][0])
    assert "- My dentist is Dr. Wu." in profile
    with vault.tx() as conn:  # the user edits it
        conn.execute(
            "UPDATE settings SET value = ? WHERE key = 'profile'",
            (json.dumps("I prefer tea.\n- My dentist is Dr. Wu."),),
        )
    clock.advance(days=1)
    chat(vault, "My dentist is Dr. Okafor now.", "My cat is called Felix.")
    run_consolidation(vault)
    profile = json.loads(vault.query("SELECT value FROM settings WHERE key = 'profile'")[0][0])
    assert profile.splitlines() == ["I prefer tea.", "- My dentist is Dr. Okafor.", "- My cat is called Felix."]


def _facts_answer(*items):
    return json.dumps({"facts": [{"fact": f, "line": n} for f, n in items]})


def test_model_facts_are_validated_retried_and_grounded(vault, clock):
    chat(vault, "Tomorrow I start pottery classes with Maria.", "The studio is on Elm Street.")
    model = FakeModel(
        [
            "{not json",  # facts first (the user's own words get the model first), first try: invalid
            _facts_answer(
                ("1. I start pottery classes with Maria.", 1),
                ("The studio is on Oak Street.", 2),
                ("Maria is 34 years old.", 1),
                ("Do I start pottery classes?", 1),
            ),
            json.dumps({"topics": ["pottery classes", "Elm Street"]}),
        ]
    )
    report = run_consolidation(vault, chat_model=model)
    assert report.status == "ok", report.error
    assert model.calls[0][1]["properties"]["facts"]["maxItems"] == 4  # the schema reaches the model
    strict = model.calls[1][0][0].content
    assert "never invent" in strict and "never invent" not in model.calls[0][0][0].content
    assert "topics" in model.calls[2][0][0].content
    assert report.counts["model_retries"] == 1 and report.counts["model_invalid"] == 1
    assert report.counts["rejected_ungrounded"] == 1  # Maria's age is nowhere
    assert report.counts["rejected_not_statement"] == 1  # a remark about a place, not about someone
    assert [f[1] for f in facts(vault)] == ["I start pottery classes with Maria."]
    assert report.counts["rejected_questions"] == 1
    assert sum("rejected" in line for line in report.log) == 3 + 1  # three facts and the invalid answer
    day = vault.query("SELECT text FROM memories WHERE uid LIKE 'summary:day:%'")[0][0]
    assert "Topics: pottery classes, Elm Street." in day
    run = jobruns.recent_runs(vault, "consolidation")[0]
    assert run.status == "ok" and run.counts["rejected_ungrounded"] == 1 and run.finished_at is not None


def test_a_failing_model_falls_back_to_the_deterministic_path(vault, clock):
    chat(vault, "Anna's birthday is March 3.", "We baked bread together.")
    model = FakeModel(fail=True)
    report = run_consolidation(vault, chat_model=model)
    assert report.status == "ok" and report.counts["model_failures"] == 1 and len(model.calls) == 1
    assert [f[1] for f in facts(vault)] == ["Anna's birthday is March 3."]
    assert vault.query("SELECT count(*) FROM memories WHERE uid LIKE 'summary:day:%'")[0][0] == 1


def test_cancel_writes_nothing_and_is_recorded(vault, clock):
    chat(vault, "Anna's birthday is March 3.")
    cancel = threading.Event()
    model = FakeModel([json.dumps({"topics": []})], gate=cancel.set)
    report = run_consolidation(vault, chat_model=model, cancel=cancel)
    assert report.status == "cancelled"
    assert vault.query("SELECT count(*) FROM memories WHERE kind IN ('fact', 'summary')")[0][0] == 0
    assert jobruns.recent_runs(vault)[0].status == "cancelled"
    assert run_consolidation(vault).counts["facts_added"] == 1  # the next run does the work


def test_chatting_while_consolidation_runs_never_locks(vault, clock):
    c = chat(vault, *[f"Message {i} about the garden and the tomatoes." for i in range(30)])
    inside, release = threading.Event(), threading.Event()
    errors = []

    def gate():
        inside.set()
        assert release.wait(30), "the writer never got through"

    def writer(n):
        try:
            for i in range(20):
                conversations.add_message(vault, c.id, "user", f"writer {n} line {i}: Bob's bike is red.")
                notes.create_note(vault, f"note {n}.{i} about cycling")
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    model = FakeModel([json.dumps({"topics": []}), _facts_answer()], gate=gate)
    result = {}
    runner = threading.Thread(target=lambda: result.setdefault("r", run_consolidation(vault, chat_model=model)))
    runner.start()
    assert inside.wait(30)
    writers = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for w in writers:
        w.start()
    for w in writers:  # the model is "running" and the writers finish: no vault lock held meanwhile
        w.join(120)
    stuck = [w for w in writers if w.is_alive()]
    release.set()
    runner.join()
    for w in stuck:
        w.join()
    assert not stuck, "writers were blocked while the model ran"
    assert errors == [] and result["r"].status == "ok", (errors, result["r"].error)
    with pytest.raises(JobBusyError):
        from reverie.core.consolidation import runner as runner_mod

        with runner_mod._RUNNING:
            run_consolidation(vault)
    later = run_consolidation(vault)
    assert later.counts["units_read"] == 120  # what was written during the run is read by the next one


def test_days_follow_when_things_happened(vault, clock):
    c = conversations.create_conversation(vault, "Trip")
    conversations.add_message(vault, c.id, "user", "We arrived in Kyoto.", happened_at=clock.now() - 3 * DAY)
    conversations.add_message(vault, c.id, "user", "Back home, tired.")
    run_consolidation(vault)
    days = vault.query("SELECT uid FROM memories WHERE uid LIKE 'summary:day:%' ORDER BY uid")
    assert len(days) == 2


def test_a_big_backlog_is_consolidated_batch_by_batch_in_one_run(vault, clock, monkeypatch):
    from reverie.core.consolidation import runner as runner_mod

    monkeypatch.setattr(runner_mod, "BATCH_UNITS", 3)
    chat(
        vault,
        "Anna's birthday is March 3.",
        "We went to the market.",
        "The market had fresh figs.",
        "My dentist is Dr. Wu.",
        "I live in Lyon.",
        "The figs were sweet and cheap.",
        "Bob's car is blue.",
    )
    report = run_consolidation(vault)
    assert report.counts["units_read"] == 7 and report.counts["facts_added"] == 4
    assert vault.query("SELECT count(*) FROM memories WHERE uid LIKE 'summary:day:%'")[0][0] == 1
    assert run_consolidation(vault).counts["units_read"] == 0


def test_a_failing_run_is_recorded_with_its_error(vault, clock, monkeypatch):
    from reverie.core.consolidation import runner as runner_mod

    def broken(inputs, embedder=None, tick=None):
        raise ValueError("boom")

    monkeypatch.setattr(runner_mod, "plan_merges", broken)
    chat(vault, "Anna's birthday is March 3.")
    report = run_consolidation(vault)
    assert report.status == "failed" and "boom" in report.error
    run = jobruns.recent_runs(vault)[0]
    assert run.status == "failed" and "boom" in run.error and run.finished_at is not None
    assert vault.query("SELECT count(*) FROM memories WHERE kind = 'fact'")[0][0] == 0  # nothing half-written
