"""Notes never lose typing: Ctrl+N from the Preview lands the keystrokes in the text; while the vault
is locked the text is kept, the window warns before closing and the note is saved once it opens."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from uifakes import open_window

from reverie.app.ui import startup as startup_module
from reverie.app.ui.main_window import MainWindow
from reverie.app.ui.session import Session
from reverie.app.ui.startup import Startup
from reverie.app.ui.welcome import UnlockDialog
from reverie.core import notes
from reverie.core.keys import KeyMode
from reverie.core.vault import Vault

PASSPHRASE = "a long passphrase"


class ScriptedUnlock(UnlockDialog):
    """The Unlock dialog, answered from a script: a passphrase, or None to cancel."""

    answers: list[str | None] = []

    def exec(self) -> int:
        answer = ScriptedUnlock.answers.pop(0)
        if answer is None:
            return QDialog.DialogCode.Rejected
        self.edit.setText(answer)
        return QDialog.DialogCode.Accepted


def _type(qtbot, text: str) -> None:
    """Type where the keyboard focus is, as a person would."""
    focus = QApplication.focusWidget()
    assert focus is not None, "the keystrokes would go nowhere"
    qtbot.keyClicks(focus, text)


def test_ctrl_n_from_the_preview_switches_to_write_and_typing_lands(qtbot, paths, vault):
    note = notes.create_note(vault, "# Tulips\n\nPlant them in October.")
    window = open_window(qtbot, paths, vault)
    page = window.show_page("notes")
    page.open_note(note.id)
    qtbot.waitUntil(lambda: page.editor.note is not None, timeout=10_000)
    qtbot.mouseClick(
        page.editor.tabs.tabBar(), Qt.MouseButton.LeftButton, pos=page.editor.tabs.tabBar().tabRect(1).center()
    )
    assert page.editor.tabs.currentIndex() == 1
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.editor.tabs.currentIndex() == 0
    assert QApplication.focusWidget() is page.editor.body
    _type(qtbot, "Buy bulbs")
    assert page.editor.body.toPlainText() == "Buy bulbs"
    qtbot.waitUntil(lambda: any(n.body == "Buy bulbs" for n in notes.list_notes(vault)), timeout=10_000)


def _locked_window(qtbot, paths, monkeypatch):
    Vault.create(paths, KeyMode.PASSPHRASE, PASSPHRASE).close()
    monkeypatch.setattr(startup_module, "UnlockDialog", ScriptedUnlock)
    ScriptedUnlock.answers = [None]  # the user cancels Unlock
    session = Session(paths)
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    Startup(window).start()
    qtbot.waitUntil(lambda: window.home.unlock_button.isVisible(), timeout=10_000)
    return session, window


def test_typing_while_locked_is_kept_warned_about_at_close_and_saved_on_unlock(qtbot, paths, monkeypatch):
    session, window = _locked_window(qtbot, paths, monkeypatch)
    page = window.show_page("notes")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    _type(qtbot, "Call the plumber")
    qtbot.keyClicks(page.editor.title, "Chores")
    status = page.editor.status.text()
    assert "Editing" not in status and "Saved" not in status
    assert window.unsaved() == ["the note “Chores”"]
    assert page.locked.isVisible() and page.editor.isAncestorOf(page.locked)
    assert "No notes yet" not in page.empty.text()  # the notes are there, behind the lock
    asked: list[list[str]] = []
    monkeypatch.setattr(window, "confirm_close", lambda what: asked.append(what) or False)
    assert not window.close()  # the user keeps the window open
    assert asked == [["the note “Chores”"]]
    assert page.editor.body.toPlainText() == "Call the plumber"
    ScriptedUnlock.answers = [PASSPHRASE]
    window.action("unlock")()
    qtbot.waitUntil(lambda: session.is_open, timeout=10_000)
    qtbot.waitUntil(lambda: "Saved" in page.editor.status.text(), timeout=10_000)
    saved = notes.list_notes(session.vault)
    assert [(n.title, n.body) for n in saved] == [("Chores", "Call the plumber")]
    assert window.unsaved() == []
    assert not page.locked.isVisible()


def test_a_locked_vault_with_nothing_typed_closes_without_asking(qtbot, paths, monkeypatch):
    _session, window = _locked_window(qtbot, paths, monkeypatch)
    window.show_page("notes")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.unsaved() == []
    monkeypatch.setattr(window, "confirm_close", lambda what: (_ for _ in ()).throw(AssertionError("asked")))
    assert window.close()
