"""The "Remind me" chip: offered when a Chat message or a saved note names a time ahead, none for a
past time or no time; Accept stores the reminder with its source; Edit time… with a local date and
time; an ambiguous hour shows both readings; once set it says so, with Undo."""

from __future__ import annotations

from datetime import UTC, datetime

import ui_fixtures
from ui_fixtures import settle
from uifakes import open_window

from reverie.app.ui.remindchip import RemindChip, note_source, to_qdatetime
from reverie.core import notes, reminders

ui_session = ui_fixtures.ui_session


def chip_for(qtbot, session):
    chip = RemindChip(session)
    chip.tz = UTC
    qtbot.addWidget(chip)
    return chip


def at(vault, days: int, hour: int, minute: int = 0) -> float:
    day = datetime.fromtimestamp(vault.now(), UTC)
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0).timestamp() + days * 86400


def test_a_time_ahead_is_offered_and_accepting_stores_it_with_undo(qtbot, ui_session, vault):
    note = notes.create_note(vault, "Errands\n\npick up my prescription tomorrow before 6pm")
    chip = chip_for(qtbot, ui_session)
    with qtbot.waitSignal(chip.offered, timeout=10_000):
        chip.offer("pick up my prescription tomorrow before 6pm", "note", note_source(note.id))
    assert not chip.isHidden()
    assert chip.suggestion.text == "pick up my prescription" and chip.text == "pick up my prescription"
    assert chip.accept_button.text().startswith("Remind me · ") and chip.accept_button.text().endswith(" 17:00")
    assert chip.other_button.isHidden()
    with qtbot.waitSignal(chip.accepted, timeout=10_000) as got:
        chip.accept_button.click()
    stored = got.args[0]
    assert stored.due_at == at(vault, 1, 17)
    assert (stored.source_kind, stored.source_id) == ("note", note.id)
    assert chip.text.startswith("Reminder set · ") and "17:00" in chip.text
    assert not chip.undo_button.isHidden() and chip.accept_button.isHidden()
    chip.undo_button.click()
    settle(qtbot, ui_session)
    assert reminders.get_reminder(vault, stored.id).state == "cancelled"
    assert chip.accept_button.text().startswith("Remind me · ") and not chip.accept_button.isHidden()  # again


def test_no_chip_for_a_past_time_or_no_time(qtbot, ui_session, vault):
    chip = chip_for(qtbot, ui_session)
    for text in ("I had lunch with Tom yesterday at 1pm", "buy milk", "I went to the dentist at 7"):
        chip.offer(text)
        settle(qtbot, ui_session)
        assert chip.isHidden(), text
        assert chip.suggestion is None, text


def test_an_ambiguous_hour_shows_both_readings(qtbot, ui_session, vault):
    chip = chip_for(qtbot, ui_session)
    with qtbot.waitSignal(chip.offered, timeout=10_000):
        chip.offer("call mum tomorrow at 7")
    assert not chip.other_button.isHidden()
    first, other = chip.accept_button.text(), chip.other_button.text()
    assert first.startswith("Remind me · ") and "07:00 or 19:00?" in chip.text
    assert {first[-5:], other} == {"07:00", "19:00 instead"} or {first[-5:], other} == {"19:00", "07:00 instead"}
    evening = chip.accept_button if first.endswith("19:00") else chip.other_button
    with qtbot.waitSignal(chip.accepted, timeout=10_000) as got:
        evening.click()
    assert got.args[0].due_at == at(vault, 1, 19)
    assert got.args[0].source_kind == "user"


def test_edit_time_prefills_the_local_time_and_refuses_a_past_one(qtbot, ui_session, vault):
    chip = chip_for(qtbot, ui_session)
    with qtbot.waitSignal(chip.offered, timeout=10_000):
        chip.offer("call mum tomorrow at 7")
    dialog = chip.edit_dialog()
    qtbot.addWidget(dialog)
    assert dialog.edit.dateTime().toSecsSinceEpoch() == int(chip.suggestion.due_at)
    assert "tomorrow at 7" in dialog.phrase.text()
    assert len(dialog.choices) == 2  # the two readings, to confirm
    dialog.edit.setDateTime(to_qdatetime(vault.now() - 3600))
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted and "already past" in dialog.problem.text()
    dialog.edit.setDateTime(to_qdatetime(at(vault, 2, 8, 30)))
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    with qtbot.waitSignal(chip.accepted, timeout=10_000) as got:
        chip.accept_time(dialog.due_at)
    assert got.args[0].due_at == at(vault, 2, 8, 30)


def test_chat_offers_the_chip_under_the_message_just_sent(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    page = window.pages["chat"].widget
    page.remind_chip.tz = UTC
    page.composer.setPlainText("remind me to pick up my prescription tomorrow at 5pm")
    page.send()
    qtbot.waitUntil(lambda: not page.remind_chip.isHidden(), timeout=10_000)
    assert page.remind_chip.suggestion.text == "pick up my prescription"
    qtbot.waitUntil(lambda: not page.flow.running, timeout=10_000)
    with qtbot.waitSignal(page.remind_chip.accepted, timeout=10_000) as got:
        page.remind_chip.accept_button.click()
    stored = got.args[0]
    assert stored.source_kind == "message"
    with vault.read() as conn:
        content = conn.execute("SELECT content FROM messages WHERE id = ?", (stored.source_id,)).fetchone()[0]
    assert content.startswith("remind me to pick up")
    window.close()


def test_a_saved_note_offers_the_chip_in_its_header(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    window.show_page("notes")
    page = window.pages["notes"].widget
    page.remind_chip.tz = UTC
    page.new_note()
    page.editor.body.setPlainText("# Dinner\n\nLena's dinner on the 14th at 8pm\nBring wine.")
    page.save()
    qtbot.waitUntil(lambda: not page.remind_chip.isHidden(), timeout=10_000)
    assert page.remind_chip.accept_button.text().startswith("Remind me · ")
    assert page.remind_chip.suggestion.text == "Lena's dinner"
    page.remind_chip.dismiss()
    page.editor.body.setPlainText("# Dinner\n\nLena's dinner on the 14th at 8pm\nBring wine and bread.")
    page.save()
    settle(qtbot, window.session)
    assert page.remind_chip.isHidden()  # dismissed: not offered again for this note
    window.close()
