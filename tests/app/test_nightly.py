"""The window runs the nightly scheduler, and Settings' "Consolidate now" runs it with progress."""

from __future__ import annotations

from uifakes import open_window

from reverie.app import context
from reverie.core import conversations, notes


def test_scheduler_starts_with_the_window_and_consolidate_now_runs(qtbot, paths, vault, monkeypatch):
    monkeypatch.setattr(context, "consolidation_chat_model", lambda settings: None)  # the deterministic path
    notes.create_note(vault, "# Garden\n\nPlant the tulip bulbs before the first frost.")
    c = conversations.create_conversation(vault, "Plans")
    conversations.add_message(vault, c.id, "user", "Anna's birthday is on March 3.")
    window = open_window(qtbot, paths, vault)
    qtbot.waitUntil(lambda: window.nightly.scheduler is not None, timeout=10_000)
    assert {j.id for j in window.nightly.scheduler.jobs()} >= {"nightly"}
    page = window.show_page("settings")
    with qtbot.waitSignal(window.nightly.finished, timeout=60_000) as blocker:
        page.data.consolidate_button.click()
        assert window.tasks.current() is not None and window.tasks.current().name == "Consolidating memories"
    assert blocker.args[0].status == "ok"
    qtbot.waitUntil(lambda: window.tasks.current() is None, timeout=10_000)
    assert window.statusBar().currentMessage().startswith("Consolidation: Learned 1 new fact about you")
    assert vault.query("SELECT status FROM job_runs WHERE job = 'consolidation'") == [("ok",)]
    window.close()
    assert window.nightly.scheduler is None and vault.closed


def test_a_new_consolidation_time_saved_in_settings_applies_without_reopening(qtbot, paths, vault):
    from dataclasses import replace

    from ui_fixtures import settle

    from reverie.app.ui.changes import SETTINGS
    from reverie.core.settings import load_settings, save_settings

    window = open_window(qtbot, paths, vault)
    qtbot.waitUntil(lambda: window.nightly.scheduler is not None, timeout=10_000)

    def trigger() -> str:
        return str({j.id: j for j in window.nightly.scheduler.jobs()}["nightly"].trigger)

    assert "hour='3'" in trigger()
    window.session.run_op(
        lambda: save_settings(vault, replace(load_settings(vault), consolidation_time="05:20")), changes=SETTINGS
    )
    qtbot.waitUntil(lambda: "hour='5'" in trigger() and "minute='20'" in trigger(), timeout=10_000)
    settle(qtbot, window.session)
    window.close()
