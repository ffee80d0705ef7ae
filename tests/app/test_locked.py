"""A passphrase vault left locked: the notice where the user types, Home's Unlock, the unlock action."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from reverie.app.ui import startup as startup_module
from reverie.app.ui.locked import LOCKED_TEXT, LockedNotice
from reverie.app.ui.main_window import MainWindow
from reverie.app.ui.session import Session
from reverie.app.ui.startup import Startup
from reverie.app.ui.welcome import UnlockDialog
from reverie.core.keys import KeyMode
from reverie.core.vault import Vault

PASSPHRASE = "a long passphrase"


class ScriptedUnlock(UnlockDialog):
    """The Unlock dialog, answered from a script instead of a person."""

    answers: list[str | None] = []  # a passphrase to type, or None to cancel
    shown = 0

    def exec(self) -> int:
        ScriptedUnlock.shown += 1
        answer = ScriptedUnlock.answers.pop(0)
        if answer is None:
            return QDialog.DialogCode.Rejected
        self.edit.setText(answer)
        return QDialog.DialogCode.Accepted


class FakeShell:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def action(self, key: str):
        return lambda: self.calls.append(key)


def test_session_is_open_follows_the_vault(qtbot, paths, vault):
    session = Session(paths)
    assert not session.is_open
    session.set_vault(vault)
    assert session.is_open
    session.close()
    assert not session.is_open


def test_locked_notice_shows_until_the_vault_opens_and_unlock_asks_the_shell(qtbot, paths, vault):
    session = Session(paths)
    shell = FakeShell()
    notice = LockedNotice(session, shell)
    qtbot.addWidget(notice)
    notice.show()
    assert notice.isVisible()
    assert notice.label.text() == LOCKED_TEXT
    qtbot.mouseClick(notice.button, Qt.MouseButton.LeftButton)
    assert shell.calls == ["unlock"]
    session.set_vault(vault)
    assert not notice.isVisible()
    session.close()


def test_a_cancelled_unlock_leaves_home_with_an_unlock_button_that_opens_the_vault(qtbot, paths, monkeypatch):
    Vault.create(paths, KeyMode.PASSPHRASE, PASSPHRASE).close()
    monkeypatch.setattr(startup_module, "UnlockDialog", ScriptedUnlock)
    ScriptedUnlock.answers = [None]
    session = Session(paths)
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    notice = LockedNotice(session, window)
    Startup(window).start()
    qtbot.waitUntil(lambda: window.home.unlock_button.isVisible(), timeout=10_000)
    assert window.home.headline.text() == "The vault stays locked"
    assert not session.is_open
    assert not notice.isHidden()
    ScriptedUnlock.answers = [PASSPHRASE]
    qtbot.mouseClick(window.home.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.is_open, timeout=10_000)
    assert notice.isHidden()
    qtbot.waitUntil(lambda: not window.home.unlock_button.isVisible(), timeout=10_000)
    window.close()


def test_closing_with_unsaved_text_warns_and_can_be_refused(qtbot, paths, monkeypatch):
    Vault.create(paths, KeyMode.PASSPHRASE, PASSPHRASE).close()
    session = Session(paths)
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    typed = {"text": "the note “Groceries”"}
    window.register_unsaved(lambda: typed["text"])
    window.register_unsaved(lambda: None)
    asked: list[list[str]] = []
    answer = {"close": False}
    monkeypatch.setattr(window, "confirm_close", lambda what: asked.append(what) or answer["close"])
    assert not window.close()
    assert asked == [["the note “Groceries”"]]
    assert window.isVisible()
    answer["close"] = True
    assert window.close()
    assert len(asked) == 2


def test_closing_with_nothing_unsaved_does_not_ask(qtbot, paths, monkeypatch):
    session = Session(paths)
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    window.register_unsaved(lambda: None)
    monkeypatch.setattr(window, "confirm_close", lambda what: pytest.fail("asked"))
    assert window.close()


def test_the_unlock_dialog_is_wide_enough_and_shows_the_folder_on_one_line(qtbot):
    folder = "/home/someone/with/a/rather/long/path/to/the/data/folder/of/reverie/vault"
    dialog = UnlockDialog(folder)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.width() >= 420
    assert dialog.folder.text() == folder
    assert dialog.folder.height() < 2 * dialog.folder.fontMetrics().lineSpacing()  # one line
    shown = dialog.folder.shown()
    assert shown == folder or ("…" in shown and shown.startswith("/home") and shown.endswith("vault"))
