"""Reverie as a companion that stays around: the tray icon and its menu (Quick capture…, Open
Reverie, Reminders…, Quit), the quick-capture box, reminders shown as they fire (``notify``,
``reminders_runtime``), closing to the tray, and the autostart entry. Installed once by the
composition root (``compose.install_features``) with ``install(shell, services)``.

Settings are read on the database lane when the vault opens and after every change of settings;
the GUI thread keeps the last ones read. Closing the window from the window manager hides it when
"Keep Reverie in the tray" is on and a tray exists; File → Quit and the tray's Quit really quit.
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon, QWidget

from reverie.app.ui import autostart
from reverie.app.ui.capture import CaptureBox
from reverie.app.ui.changes import OpChanges
from reverie.app.ui.notify import DesktopNotifications, Notifier, ReminderBanner, open_session_bus
from reverie.app.ui.reminders_runtime import RemindersRuntime
from reverie.app.ui.services import AppServices
from reverie.app.ui.shell import Shell
from reverie.core.settings import Settings, load_settings

log = logging.getLogger(__name__)
MENU = ("Quick capture…", "Open Reverie", "Reminders…", "Quit")
XDG_AUTOSTART = sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))


def tray_available() -> bool:
    return QSystemTrayIcon.isSystemTrayAvailable()


def tray_menu(companion: Companion, parent: QWidget | None = None) -> QMenu:
    menu = QMenu(parent)
    menu.addAction(MENU[0], companion.capture)
    menu.addAction(MENU[1], companion.open_window)
    menu.addAction(MENU[2], companion.open_reminders)
    menu.addSeparator()
    menu.addAction(MENU[3], companion.quit)
    return menu


class Companion(QObject):
    """What ``install`` builds; ``handle`` takes a request handed over by a second launch."""

    bus_found = Signal(object)  # (the session bus, shows buttons) or None, from the thread that asked

    def __init__(self, shell: Shell, services: AppServices, *, tray: Any = None, desktop: Any = None) -> None:
        window = shell.window()
        super().__init__(window)
        self.shell = shell
        self.services = services
        self.session = services.session
        self.settings = Settings()
        self.box = CaptureBox(services)
        shell.register_unsaved(self.box.unsaved_text)
        self.session.at_close(self.box.last_save)
        self.banner = ReminderBanner(window)
        slot = getattr(window, "banners", None)
        if slot is not None:
            slot.insertWidget(0, self.banner)
        self.tray_icon: QSystemTrayIcon | None = None
        self.menu: QMenu | None = None
        if tray is None and tray_available():
            tray = self._make_tray(window)
        self.tray = tray
        self.notifier = Notifier(self.banner, shell.show_message, tray=tray, desktop=desktop, parent=self)
        if tray is None and desktop is None:
            # Asking the session bus can wait up to its timeout: not on the GUI thread, not at start-up.
            self.bus_found.connect(self._use_bus)
            threading.Thread(target=self._find_bus, name="reverie-dbus", daemon=True).start()
        self.runtime = RemindersRuntime(self.session, self.notifier, parent=self)
        shell.register_action("quick_capture", self.capture)
        self.session.vault_ready.connect(lambda vault: self.session.db.submit(self._read, vault, on_done=self._apply))
        self.session.changed.connect(self._changed)

    def _find_bus(self) -> None:
        opened = open_session_bus()
        try:
            self.bus_found.emit(opened)
        except RuntimeError:  # the window closed meanwhile
            if opened is not None:
                opened[0].close()

    def _use_bus(self, opened: tuple[Any, bool] | None) -> None:
        if opened is not None:
            self.notifier.use_desktop(DesktopNotifications.wrap(opened, self))

    def _make_tray(self, window: QWidget) -> QSystemTrayIcon:
        icon = QSystemTrayIcon(QApplication.windowIcon(), self)
        icon.setToolTip("Reverie")
        self.menu = tray_menu(self, window)
        icon.setContextMenu(self.menu)
        icon.activated.connect(self._activated)
        icon.messageClicked.connect(self.open_window)
        icon.show()
        self.tray_icon = icon
        return icon

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.open_window()

    # -- settings (read on the database lane) ---------------------------------------------------------
    @staticmethod
    def _read(vault: Any) -> Settings:
        settings = load_settings(vault)
        if XDG_AUTOSTART:
            try:
                autostart.set_autostart(settings.start_at_login)
            except OSError as exc:
                log.warning("the autostart entry could not be changed: %s", exc)
        return settings

    def _apply(self, settings: Settings) -> None:
        self.settings = settings

    def _changed(self, changes: OpChanges) -> None:
        vault = self.session.vault
        if changes.settings and vault is not None:
            self.session.db.submit(self._read, vault, on_done=self._apply)

    # -- commands ---------------------------------------------------------------------------------
    def handle(self, message: str) -> None:
        """A request from a second ``reverie``: "show" the window, or "capture"."""
        if message == "capture":
            self.capture()
        else:
            self.open_window()

    def capture(self) -> None:
        self.box.open_box()

    def open_window(self) -> None:
        window = self.shell.window()
        if window.isMinimized():
            window.showNormal()
        else:
            window.show()
        window.raise_()
        window.activateWindow()

    def open_reminders(self) -> None:
        self.open_window()
        action = self.shell.action("reminders")
        if action is not None:
            action()
            return
        pages = getattr(self.shell, "pages", {})
        if "reminders" in pages:
            self.shell.show_page("reminders")

    def quit(self) -> None:
        """Really quit (the unsaved-text check of the window still asks)."""
        if self.shell.window().close():
            self.box.hide()
            QApplication.quit()

    def keeps_in_tray(self, event: QCloseEvent) -> bool:
        """A close from the window manager, with "Keep Reverie in the tray" on and a tray: hide instead."""
        return self.tray is not None and self.settings.close_to_tray and event.spontaneous()


def install(shell: Shell, services: AppServices) -> Companion:
    companion = Companion(shell, services)
    shell.register_action("close_to_tray", companion.keeps_in_tray)
    return companion
