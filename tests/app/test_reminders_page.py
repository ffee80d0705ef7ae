"""The Reminders page: upcoming, missed and done rows with their local time and source, Done /
Snooze / Cancel as writes on the database lane, New reminder… with a live preview, the
``reminders`` action, and a refresh whenever reminders change."""

from __future__ import annotations

from datetime import UTC, datetime

import ui_fixtures
from ui_fixtures import settle

from reverie.app.ui.changes import REMINDERS
from reverie.app.ui.reminders import RemindersPage
from reverie.app.ui.reminders import data as rdata
from reverie.app.ui.reminders.newdialog import EMPTY_HINT, preview
from reverie.core import notes, reminders

HOUR = 3600.0
ui_session = ui_fixtures.ui_session


def make_page(qtbot, session):
    opened = []
    page = RemindersPage(session, opened.append)
    page.tz = UTC
    qtbot.addWidget(page)
    page.refresh()
    return page, opened


def test_rows_fall_in_upcoming_missed_and_done_with_time_and_source(qtbot, ui_session, vault, clock):
    now = vault.now()
    note = notes.create_note(vault, "Trip\n\nPack the passports.")
    ahead = reminders.add_reminder(
        vault, "pack passports", now + 2 * HOUR, now, tz=UTC, source_kind="note", source_id=note.id
    )
    late = reminders.add_reminder(vault, "water the plants", now + HOUR, now, tz=UTC)
    finished = reminders.add_reminder(vault, "call Lena", now + 3 * HOUR, now, tz=UTC)
    reminders.mark_done(vault, finished.id, now)
    clock.advance(1.5 * HOUR)  # the plants fell due with no scheduler: missed
    page, opened = make_page(qtbot, ui_session)
    qtbot.waitUntil(lambda: page.lists is not None, timeout=10_000)
    assert page.row_texts("upcoming") == ["pack passports"]
    assert page.row_texts("missed") == ["water the plants"]
    assert page.row_texts("done") == ["call Lena"]
    assert page.tabs.tabText(0) == "Upcoming (1)"
    row = page.sections["upcoming"].rows[0]
    expected = datetime.fromtimestamp(ahead.due_at, UTC).strftime("%H:%M")
    assert expected in row.when.text()
    assert row.source.text() == '<a href="open">Note “Trip”</a>'
    row.source.linkActivated.emit("open")
    assert opened and opened[0].source_id == note.id
    assert page.sections["missed"].rows[0].when.text().startswith("Was due")
    assert not page.sections["done"].rows[0].buttons  # nothing to do with a done one
    assert late.id


def test_done_snooze_and_cancel_write_and_the_page_follows(qtbot, ui_session, vault):
    now = vault.now()
    a = reminders.add_reminder(vault, "first", now + HOUR, now, tz=UTC)
    b = reminders.add_reminder(vault, "second", now + 2 * HOUR, now, tz=UTC)
    c = reminders.add_reminder(vault, "third", now + 3 * HOUR, now, tz=UTC)
    page, _ = make_page(qtbot, ui_session)
    qtbot.waitUntil(lambda: len(page.row_texts("upcoming")) == 3, timeout=10_000)

    def rows():  # rebuilt at each refresh
        return {w.row.reminder.text: w for w in page.sections["upcoming"].rows}

    rows()["first"].buttons["done"].click()
    qtbot.waitUntil(lambda: page.row_texts("done") == ["first"], timeout=10_000)
    rows()["third"].buttons["cancel"].click()
    qtbot.waitUntil(lambda: page.row_texts("upcoming") == ["second"], timeout=10_000)
    assert reminders.get_reminder(vault, c.id).state == "cancelled"
    page.act(rdata.snooze, b.id, "tomorrow", UTC)
    settle(qtbot, ui_session)
    snoozed = reminders.get_reminder(vault, b.id)
    local = datetime.fromtimestamp(snoozed.next_at, UTC)
    # still ahead: put off to 09:00 the day after its own time
    assert (local.hour, local.minute) == (9, 0) and local.date() > datetime.fromtimestamp(b.next_at, UTC).date()
    assert reminders.get_reminder(vault, a.id).state == "done"


def test_a_reminder_added_elsewhere_shows_after_the_change(qtbot, ui_session, vault):
    page, _ = make_page(qtbot, ui_session)
    qtbot.waitUntil(lambda: page.lists is not None, timeout=10_000)
    assert page.row_texts("upcoming") == [] and page.sections["upcoming"].empty.isVisibleTo(page)
    now = vault.now()
    ui_session.run_op(reminders.add_reminder, vault, "from elsewhere", now + HOUR, now, changes=REMINDERS)
    qtbot.waitUntil(lambda: page.row_texts("upcoming") == ["from elsewhere"], timeout=10_000)


def test_new_reminder_previews_the_time_and_refuses_past_far_or_none(qtbot, ui_session, vault):
    now = datetime(2026, 12, 2, 10, 0, tzinfo=UTC).timestamp()  # a Wednesday
    found, line = preview("pick up the prescription", "tomorrow at 6pm", now, UTC)
    assert found is not None and line == "Reminds you Thu 3 Dec at 18:00."
    assert preview("", "tomorrow", now, UTC) == (None, EMPTY_HINT)
    none, why = preview("buy milk", "", now, UTC)
    assert none is None and "No time was found" in why
    past, why = preview("buy milk", "yesterday at 9am", now, UTC)
    assert past is None and "already past" in why
    far, why = preview("renew passport", "on 1 March 2040", now, UTC)
    assert far is None and "10 years" in why

    page, _ = make_page(qtbot, ui_session)
    dialog = page.new_dialog()
    qtbot.addWidget(dialog)
    dialog.tz = UTC
    assert not dialog.ok.isEnabled()
    dialog.text.setText("call the garage")
    assert not dialog.ok.isEnabled() and "No time" in dialog.preview.text()
    dialog.when.setText("in 3 hours")
    assert dialog.ok.isEnabled() and dialog.preview.text().startswith("Reminds you")
    page.add_from(dialog)
    qtbot.waitUntil(lambda: page.row_texts("upcoming") == ["call the garage"], timeout=10_000)
    stored = reminders.reminder_lists(vault).upcoming[0]
    assert abs(stored.due_at - (vault.now() + 3 * HOUR)) < 61


def test_the_window_has_a_reminders_page_and_action(qtbot, paths, vault):
    from uifakes import open_window

    window = open_window(qtbot, paths, vault)
    assert "reminders" in window.pages
    action = window.action("reminders")
    assert action is not None
    action()
    assert window.stack.currentWidget() is window.pages["reminders"].widget
    window.close()


def test_snoozing_a_missed_reminder_counts_from_now(qtbot, ui_session, vault, clock):
    now = vault.now()
    late = reminders.add_reminder(vault, "water the plants", now + HOUR, now, tz=UTC)
    clock.advance(3 * HOUR)
    page, _ = make_page(qtbot, ui_session)
    qtbot.waitUntil(lambda: page.row_texts("missed") == ["water the plants"], timeout=10_000)
    menu = page.sections["missed"].rows[0].buttons["snooze"].menu()
    assert [a.text() for a in menu.actions()] == ["For 1 hour", "Until tomorrow, 09:00"]
    menu.actions()[0].trigger()
    qtbot.waitUntil(lambda: page.row_texts("upcoming") == ["water the plants"], timeout=10_000)
    assert reminders.get_reminder(vault, late.id).next_at == vault.now() + HOUR
