"""``reverie remind``, ``reminders``, ``review`` and ``recap`` on a real vault, at a fixed time in Berlin."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from reverie.app.cli import cmd_reminders, main
from reverie.core.retention import DAY

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=BERLIN).timestamp()  # Monday 08:00


@pytest.fixture(autouse=True)
def _fixed_time(monkeypatch):
    state = {"now": NOW}
    monkeypatch.setattr(cmd_reminders, "_now", lambda vault: state["now"])
    monkeypatch.setattr(cmd_reminders, "_tz", lambda: BERLIN)
    return state


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_remind_list_snooze_done(capsys, _fixed_time):
    code, out, _ = run(capsys, "remind", "pick up my prescription Monday before 6pm")
    assert (
        code == 0 and out.strip() == "Reminder 1: pick up my prescription, Mon 30 Nov at 17:00 (an hour before 18:00)."
    )
    code, out, _ = run(capsys, "remind", "call Anna", "--at", "tomorrow 9am", "--json")
    data = json.loads(out)
    assert code == 0 and data["text"] == "call Anna" and data["label"] == "Tue 1 Dec at 09:00"
    assert data["due_at"] == datetime(2026, 12, 1, 9, 0, tzinfo=BERLIN).timestamp()
    code, out, _ = run(capsys, "reminders")
    assert code == 0 and out.splitlines() == [
        "Upcoming:",
        "     1  Mon 30 Nov at 17:00  pick up my prescription",
        "     2  Tue 1 Dec at 09:00  call Anna",
    ]
    _fixed_time["now"] = NOW + 10 * 3600  # 18:00: the first has passed (no window was open)
    code, out, _ = run(capsys, "reminders", "--json")
    lists = json.loads(out)
    assert [r["id"] for r in lists["missed"]] == [1] and [r["id"] for r in lists["upcoming"]] == [2]
    code, out, _ = run(capsys, "reminders", "snooze", "1", "--for", "1h")
    assert code == 0 and out.strip() == "Snoozed: pick up my prescription, Mon 30 Nov at 19:00."
    code, out, _ = run(capsys, "reminders", "done", "2")
    assert code == 0 and out.strip() == "Done: call Anna."
    code, out, _ = run(capsys, "reminders")
    assert "Done:" in out and "call Anna" in out.split("Done:")[1]
    code, _, err = run(capsys, "reminders", "done", "2")
    assert code == 2 and "already done" in err


def test_bad_reminders_are_refused_with_a_sentence_and_nothing_is_saved(capsys):
    cases = [
        (("remind", "buy milk"), "No time was found"),
        (("remind", "call Bob", "--at", "yesterday 5pm"), "already past"),
        (("remind", "see the comet", "--at", "Dec 3 2076"), "at most 10 years ahead"),
        (("remind", "call Sam at 7"), "19:00 or 07:00"),
    ]
    for argv, expected in cases:
        code, out, err = run(capsys, *argv)
        assert code == 2 and expected in err and out == "", argv
    code, out, _ = run(capsys, "reminders", "--json")
    assert json.loads(out) == {"upcoming": [], "due": [], "missed": [], "done": []}
    code, out, _ = run(capsys, "remind", "call Sam at 7", "--yes")
    assert code == 0 and "Mon 30 Nov at 19:00" in out
    code, _, err = run(capsys, "reminders", "snooze", "1", "--for", "soon")
    assert code == 2 and "how long" in err
    code, _, err = run(capsys, "reminders", "done", "42")
    assert code == 2 and "no reminder 42" in err


def _fading_note(capsys, text):
    run(capsys, "note", "add", text)


def test_review_keep_fade_and_history(capsys, _fixed_time):
    from reverie.app import context

    for text in ("The bike lock code was 4312.", "Met Jo at the bakery.", "Fresh thing."):
        _fading_note(capsys, text)
    vault = context.open_vault(context.resolve_paths(None))
    try:
        with vault.tx() as conn:  # the first two were recorded weeks ago and not recalled since
            conn.execute(
                "UPDATE memories SET recorded_at = ?, strength = 10, importance = 0.2 WHERE text != 'Fresh thing.'",
                (NOW - 25 * DAY,),
            )
            conn.execute("UPDATE memories SET recorded_at = ? WHERE text = 'Fresh thing.'", (NOW,))
        ids = dict(vault.query("SELECT text, id FROM memories"))
    finally:
        vault.close()
    code, out, _ = run(capsys, "review", "--json")
    queue = json.loads(out)
    assert code == 0 and sorted(i["text"] for i in queue) == ["Met Jo at the bakery.", "The bike lock code was 4312."]
    code, out, _ = run(capsys, "review")
    assert code == 0 and out.startswith("Fading (2)")
    code, out, _ = run(capsys, "review", "keep", str(ids["The bike lock code was 4312."]))
    assert code == 0 and out.startswith("Kept:")
    code, out, _ = run(
        capsys, "review", "correct", str(ids["Met Jo at the bakery."]), "Met Jo at the bakery on Elm St."
    )
    assert code == 0 and "Met Jo at the bakery on Elm St." in out
    code, out, _ = run(capsys, "review")
    assert out.strip() == "Nothing is fading today."
    code, out, _ = run(capsys, "review", "history", "--json")
    assert json.loads(out) == [{"day": "2026-11-30", "keep": 1, "pin": 0, "fade": 0, "correct": 1}]
    code, _, err = run(capsys, "review", "fade", "99999")
    assert code == 2 and "no memory 99999" in err


def test_recap_prints_the_day(capsys):
    run(capsys, "remind", "pick up the prescription", "--at", "today 5pm")
    code, out, _ = run(capsys, "recap")
    assert code == 0 and out.splitlines()[:3] == ["Your day, 2026-11-30", "Today:", "  17:00: pick up the prescription"]
    code, out, _ = run(capsys, "recap", "--json")
    assert json.loads(out)["today"][0]["kind"] == "reminder"
