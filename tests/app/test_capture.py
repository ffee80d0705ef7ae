"""Quick capture: Enter makes a note (on the database lane), ? asks Reverie and shows the answer with
its sources, a failure or a locked vault keeps the text, Undo puts it back, Esc hides."""

from __future__ import annotations

from PySide6.QtCore import Qt
from ui_fixtures import settle
from uifakes import fake_services

from reverie.app.ui.capture import LOCKED, CaptureBox
from reverie.app.ui.session import Session
from reverie.core import notes
from reverie.core.errors import VaultBusyError


def box_for(qtbot, session, model=None):
    services = fake_services(session, model)
    box = CaptureBox(services)
    qtbot.addWidget(box)
    box.open_box()
    return box


def type_and_enter(qtbot, box, text):
    box.edit.setPlainText(text)
    qtbot.keyClick(box.edit, Qt.Key.Key_Return)


def titles(vault):
    return [n.title for n in notes.list_notes(vault)]


def test_enter_saves_a_note_and_the_box_hides(qtbot, paths, vault):
    session = Session(paths)
    session.set_vault(vault)
    box = box_for(qtbot, session)
    with qtbot.waitSignal(box.saved, timeout=10_000) as got:
        type_and_enter(qtbot, box, "Buy oat milk and coffee beans")
    assert got.args[0].body.strip() == "Buy oat milk and coffee beans"
    assert titles(vault) == ["Buy oat milk and coffee beans"]
    assert box.edit.toPlainText() == "" and "Saved to Notes" in box.status.text() and "Undo" in box.status.text()
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=10_000)  # a moment later
    settle(qtbot, session)
    session.close()


def test_shift_enter_is_a_new_line(qtbot, paths, vault):
    session = Session(paths)
    session.set_vault(vault)
    box = box_for(qtbot, session)
    box.edit.setPlainText("first")
    box.edit.moveCursor(box.edit.textCursor().MoveOperation.End)
    qtbot.keyClick(box.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert box.edit.toPlainText() == "first\n" and titles(vault) == []
    session.close()


def test_undo_removes_the_note_and_gives_the_text_back(qtbot, paths, vault):
    session = Session(paths)
    session.set_vault(vault)
    box = box_for(qtbot, session)
    with qtbot.waitSignal(box.saved, timeout=10_000):
        type_and_enter(qtbot, box, "Call the plumber")
    box.undo()
    qtbot.waitUntil(lambda: box.edit.toPlainText() == "Call the plumber", timeout=10_000)
    assert titles(vault) == []
    session.close()


def test_a_locked_vault_keeps_the_text_with_one_sentence(qtbot, paths):
    session = Session(paths)  # no vault open: it stays locked
    box = box_for(qtbot, session)
    type_and_enter(qtbot, box, "An idea I must not lose")
    assert box.edit.toPlainText() == "An idea I must not lose" and box.status.text() == LOCKED
    assert box.isVisible() and box.unsaved_text()


def test_a_failed_save_keeps_the_text(qtbot, paths, vault, monkeypatch):
    session = Session(paths)
    session.set_vault(vault)
    box = box_for(qtbot, session)

    def busy(*_a, **_k):
        raise VaultBusyError("The vault is busy with another Reverie; try again in a moment.")

    monkeypatch.setattr(notes, "create_note", busy)
    type_and_enter(qtbot, box, "Keep me")
    qtbot.waitUntil(lambda: box.status.text().startswith("Not saved:"), timeout=10_000)
    assert box.edit.toPlainText() == "Keep me" and not box.edit.isReadOnly()
    assert "busy" in box.status.text() and box.isVisible()
    session.close()


def test_a_question_is_answered_in_the_box_with_numbered_sources(qtbot, paths, vault):
    notes.create_note(vault, "# Garden\n\nThe tulip bulbs go in the north bed before the first frost.")
    session = Session(paths)
    session.set_vault(vault)
    box = box_for(qtbot, session)
    with qtbot.waitSignal(box.answered, timeout=30_000) as got:
        type_and_enter(qtbot, box, "? where do the tulip bulbs go")
    result = got.args[0]
    assert box.question.text() == "where do the tulip bulbs go"
    assert box.answer.text() == result.assistant_message.content and "tulip" in box.answer.text()
    assert result.citations and box.sources.text().splitlines()[1] == f"1. {result.citations[0].source_title}"
    assert "Garden" in box.sources.text()
    assert box.edit.toPlainText() == "" and box.isVisible()  # the answer stays to be read
    settle(qtbot, session)
    session.close()


def test_esc_hides_and_keeps_what_was_typed(qtbot, paths):
    session = Session(paths)
    box = box_for(qtbot, session)
    box.edit.setPlainText("half a thought")
    qtbot.keyClick(box.edit, Qt.Key.Key_Escape)
    assert not box.isVisible()
    box.open_box()
    assert box.isVisible() and box.edit.toPlainText() == "half a thought"


def test_capture_ask_and_a_reminder_touch_the_vault_off_the_gui_thread(qtbot, paths, vault, clock):
    import threading

    from uifakes import open_window

    from reverie.core import reminders

    notes.create_note(vault, "# Travel\n\nThe passport is in the top drawer of the desk.")
    r = reminders.add_reminder(vault, "Renew the passport", clock.now() + 60, clock.now())
    seen: list[str] = []
    real_tx, real_read = vault.tx, vault.read
    vault.tx = lambda: (seen.append(threading.current_thread().name), real_tx())[1]
    vault.read = lambda: (seen.append(threading.current_thread().name), real_read())[1]
    window = open_window(qtbot, paths, vault)
    companion = window.features["companion"]
    qtbot.waitUntil(lambda: companion.runtime.scheduler is not None, timeout=10_000)
    box = companion.box
    box.open_box()
    with qtbot.waitSignal(box.saved, timeout=10_000):
        type_and_enter(qtbot, box, "Buy stamps for the postcards")
    with qtbot.waitSignal(box.answered, timeout=30_000):
        type_and_enter(qtbot, box, "? where is my passport")
    clock.advance(61)
    with qtbot.waitSignal(companion.runtime.fired, timeout=10_000):
        window.session.db.submit(companion.runtime.scheduler.tick)
    assert companion.banner.current.text == "Renew the passport"
    companion.banner.done_button.click()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "Done: Renew the passport", timeout=10_000)
    settle(qtbot, window.session)
    del vault.tx, vault.read
    assert seen and threading.main_thread().name not in seen
    assert reminders.get_reminder(vault, r.id).state == "done"
    window.close()


def test_a_note_left_typed_in_the_box_is_saved_when_the_window_closes(qtbot, paths, vault):
    from uifakes import open_window

    window = open_window(qtbot, paths, vault)
    box = window.features["companion"].box
    box.open_box()
    box.edit.setPlainText("Remember the umbrella")
    assert window.unsaved() == []  # nothing to warn about: it will be saved
    settle(qtbot, window.session)
    window.close()
    from reverie.core.vault import Vault

    again = Vault.open(paths)
    assert [n.title for n in notes.list_notes(again)] == ["Remember the umbrella"]
    again.close()


def test_a_question_not_asked_is_named_at_close(qtbot, paths, vault):
    from uifakes import open_window

    window = open_window(qtbot, paths, vault)
    box = window.features["companion"].box
    box.edit.setPlainText("? when is the dentist")
    assert window.unsaved() == ["the question in Quick capture"]
    box.edit.clear()
    settle(qtbot, window.session)
    window.close()


def test_with_a_tray_the_icon_has_the_menu(qtbot, paths, vault, monkeypatch):
    from uifakes import open_window

    from reverie.app.ui import tray

    monkeypatch.setattr(tray, "tray_available", lambda: True)
    window = open_window(qtbot, paths, vault)
    companion = window.features["companion"]
    assert companion.tray is companion.tray_icon is not None
    menu = companion.tray_icon.contextMenu()
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == list(tray.MENU)
    assert companion.notifier.tray is companion.tray_icon
    settle(qtbot, window.session)
    window.close()
