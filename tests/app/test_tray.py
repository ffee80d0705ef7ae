"""The tray's menu, and closing to the tray: the title bar's close hides the window (with the
setting on and a tray), File → Quit and the tray's Quit really quit."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QApplication
from ui_fixtures import settle
from uifakes import open_window

from reverie.app.ui import tray
from reverie.app.ui.changes import SETTINGS
from reverie.core.settings import load_settings, save_settings


class FakeTray:
    def __init__(self) -> None:
        self.messages = []

    def showMessage(self, title, msg, icon=None, msecs=0) -> None:
        self.messages.append((title, msg))


class CloseFromTitleBar:
    """A close event as the window manager sends it (Qt marks those spontaneous)."""

    def __init__(self, spontaneous: bool = True) -> None:
        self._spontaneous = spontaneous
        self.accepted = True

    def spontaneous(self) -> bool:
        return self._spontaneous

    def ignore(self) -> None:
        self.accepted = False

    def accept(self) -> None:
        self.accepted = True


def keep_in_tray(qtbot, window, on=True):
    vault = window.session.vault
    window.session.run_op(
        lambda: save_settings(vault, replace(load_settings(vault), close_to_tray=on)), changes=SETTINGS
    )
    companion = window.features["companion"]
    qtbot.waitUntil(lambda: companion.settings.close_to_tray is on, timeout=30_000)
    return companion


def test_the_menu_offers_capture_open_reminders_and_quit(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    companion = window.features["companion"]
    menu = tray.tray_menu(companion)
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == list(tray.MENU)
    menu.actions()[0].trigger()
    assert companion.box.isVisible()
    companion.box.hide()
    window.hide()
    menu.actions()[1].trigger()
    assert window.isVisible()
    opened = []
    window.register_action("reminders", lambda: opened.append(True))
    menu.actions()[2].trigger()
    assert opened == [True]
    settle(qtbot, window.session)
    window.close()


def test_closing_from_the_title_bar_keeps_reverie_in_the_tray(qtbot, paths, vault, monkeypatch):
    window = open_window(qtbot, paths, vault)
    companion = keep_in_tray(qtbot, window)
    companion.tray = FakeTray()
    event = CloseFromTitleBar()
    window.closeEvent(event)
    assert not event.accepted and not window.isVisible()
    assert window.session.is_open  # still running: reminders fire, capture works
    quits = []
    monkeypatch.setattr(QApplication, "quit", staticmethod(lambda: quits.append(True)))
    companion.quit()  # the tray's Quit
    assert quits == [True] and vault.closed


def test_file_quit_really_quits_with_the_setting_on(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    companion = keep_in_tray(qtbot, window)
    companion.tray = FakeTray()
    event = CloseFromTitleBar(spontaneous=False)  # window.close() from File → Quit or Ctrl+Q
    assert not companion.keeps_in_tray(event)
    window.close()
    assert vault.closed


def test_without_a_tray_closing_closes(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    companion = keep_in_tray(qtbot, window)
    companion.tray = None
    assert not companion.keeps_in_tray(CloseFromTitleBar())
    window.close()
    assert vault.closed


def test_the_setting_off_closes(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    companion = window.features["companion"]
    companion.tray = FakeTray()
    settle(qtbot, window.session)
    assert not companion.settings.close_to_tray
    assert not companion.keeps_in_tray(CloseFromTitleBar())
    window.close()
    assert vault.closed


def test_a_second_launch_shows_the_window_or_the_capture_box(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    companion = window.features["companion"]
    window.hide()
    companion.handle("show")
    assert window.isVisible()
    companion.handle("capture")
    assert companion.box.isVisible()
    settle(qtbot, window.session)
    window.close()


def test_without_a_tray_the_desktop_service_is_asked_off_the_gui_thread(qtbot, paths, vault, monkeypatch):
    import threading

    asked_on: list[str] = []

    class Bus:
        on_action = None

        def call(self, method, *args):
            raise AssertionError(method)

        def close(self) -> None:
            pass

    def opened():
        asked_on.append(threading.current_thread().name)
        return Bus(), True

    monkeypatch.setattr(tray, "tray_available", lambda: False)
    monkeypatch.setattr(tray, "open_session_bus", opened)
    window = open_window(qtbot, paths, vault)
    companion = window.features["companion"]
    qtbot.waitUntil(lambda: companion.notifier.desktop is not None, timeout=10_000)
    assert asked_on == ["reverie-dbus"]
    assert companion.notifier.desktop.supports_actions() is True
    window.hide()
