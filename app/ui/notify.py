"""Showing a reminder that fired: the tray's message where Qt has a tray, else the desktop's
notification service over D-Bus (``org.freedesktop.Notifications``, with "Snooze 1 hour" and
"Done" when the server supports actions), else the window itself (a banner with Snooze and Done,
and a sentence in the status bar). With reminder notifications off, only the window shows it.

The platform's services are reached through two small boundaries, ``tray`` (an object with
``showMessage``) and ``DesktopNotifications`` (wrapping a D-Bus interface with ``call``), so a test
fakes them. Nothing here touches the vault: ``Notifier.show`` is called on the GUI thread with
what to say, and its ``snooze`` / ``done`` signals carry the reminder's id back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSystemTrayIcon, QVBoxLayout, QWidget

from reverie.core.reminder_time import local_label
from reverie.core.reminders import Firing

log = logging.getLogger(__name__)

SNOOZE_SECONDS = 3600
DBUS_SERVICE = "org.freedesktop.Notifications"
DBUS_PATH = "/org/freedesktop/Notifications"
TIMEOUT_S = 2.0
RECAP_TITLE = "Your morning recap is ready"
RECAP_BODY = "Today's reminders and notes, and what Reverie learned last night: open Reverie to read it."


@dataclass(frozen=True)
class Notice:
    """One reminder to show: its title line, its text and the source it was asked in."""

    reminder_id: int
    firing_id: int
    title: str
    text: str
    source: str
    missed: bool = False

    @property
    def body(self) -> str:
        return f"{self.text}\nFrom: {self.source}"

    @property
    def line(self) -> str:
        """One line, for the status bar."""
        return f"{self.title}: {self.text} (from {self.source})"


def notice_for(firing: Firing, source: str, now: float, tz: tzinfo | None) -> Notice:
    """What to say about a firing; a missed one says so, with the time it was for."""
    reminder = firing.reminder
    if firing.missed:
        title = f"Missed reminder · {local_label(firing.due_at, now, tz)}"
    elif firing.late:
        title = f"Reminder (late) · {local_label(firing.due_at, now, tz)}"
    else:
        title = "Reminder"
    return Notice(reminder.id, firing.id, title, reminder.text, source, firing.missed)


class Tray(Protocol):
    def showMessage(self, title: str, msg: str, icon: Any = ..., msecs: int = ...) -> None: ...  # noqa: N802


def open_session_bus() -> tuple[Any, bool] | None:
    """The session bus's notification service and whether it shows buttons, or None when there is no
    bus or nobody provides it. The calls go through jeepney (installed with keyring on Linux): PySide's
    QtDBus cannot send the uint32 the specification asks for, and a service checks the signature.
    Blocks up to ``TIMEOUT_S``: call it off the GUI thread."""
    try:
        bus = _SessionBus()
    except Exception as exc:  # noqa: BLE001 - no bus, no jeepney: reminders show in the window
        log.info("no desktop notifications: %s", exc)
        return None
    try:
        caps = bus.call("GetCapabilities").arguments()
        return bus, "actions" in list(caps[0] if caps else [])
    except Exception as exc:  # noqa: BLE001 - nobody provides the service
        log.info("no desktop notification service: %s", exc)
        bus.close()
        return None


class DesktopNotifications(QObject):
    """The freedesktop notification service over D-Bus. ``iface`` is a ``QDBusInterface`` (or a test's
    fake with ``call(method, *args)`` returning an object with ``arguments()``)."""

    action = Signal(int, str)  # notification id, action key

    def __init__(self, iface: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.iface = iface
        self._actions: bool | None = None

    @classmethod
    def from_session_bus(cls, parent: QObject | None = None) -> DesktopNotifications | None:
        """The session bus's notification service, or None when there is no bus or nobody provides it
        (blocks up to ``TIMEOUT_S``: the window calls ``open_session_bus`` off the GUI thread instead)."""
        opened = open_session_bus()
        return None if opened is None else cls.wrap(opened, parent)

    @classmethod
    def wrap(cls, opened: tuple[Any, bool], parent: QObject | None = None) -> DesktopNotifications:
        """The service ``open_session_bus`` found, as an object of the GUI thread."""
        bus, actions = opened
        found = cls(bus, parent)
        found._actions = actions
        bus.on_action = found.action.emit  # from jeepney's thread: queued to the GUI thread
        return found

    def supports_actions(self) -> bool:
        if self._actions is None:
            try:
                reply = self.iface.call("GetCapabilities")
                caps = reply.arguments()[0] if reply.arguments() else []
                self._actions = "actions" in list(caps)
            except Exception:  # noqa: BLE001 - a server that cannot say: no buttons
                self._actions = False
        return self._actions

    def notify(self, summary: str, body: str, actions: list[str]) -> int | None:
        """Show one notification; its id, or None when the service refused it."""
        args = ("Reverie", 0, "reverie", summary, body, actions if self.supports_actions() else [], {}, -1)
        try:
            reply = self.iface.call("Notify", *args)
        except Exception:
            log.warning("the notification service failed", exc_info=True)
            return None
        got = reply.arguments() if reply is not None else []
        if not got:
            return None
        try:
            return int(got[0])
        except (TypeError, ValueError):
            return None


class _Reply:
    def __init__(self, body: tuple[Any, ...]) -> None:
        self.body = body

    def arguments(self) -> list[Any]:
        return list(self.body)


class _SessionBus:
    """``org.freedesktop.Notifications`` on the session bus through jeepney's thread-safe router;
    ``ActionInvoked`` signals are read on a thread of its own and passed to ``on_action``."""

    SIGNATURES = {"GetCapabilities": None, "Notify": "susssasa{sv}i"}

    def __init__(self) -> None:
        import threading

        from jeepney import DBusAddress, MatchRule
        from jeepney.bus_messages import message_bus
        from jeepney.io.threading import DBusRouter, open_dbus_connection

        self.router = DBusRouter(open_dbus_connection(bus="SESSION"))
        self.address = DBusAddress(DBUS_PATH, bus_name=DBUS_SERVICE, interface=DBUS_SERVICE)
        self.on_action: Any = None
        rule = MatchRule(type="signal", interface=DBUS_SERVICE, member="ActionInvoked", path=DBUS_PATH)
        self.router.send_and_get_reply(message_bus.AddMatch(rule), timeout=TIMEOUT_S)
        self._filter = self.router.filter(rule, bufsize=32)
        threading.Thread(target=self._listen, name="reverie-notify", daemon=True).start()

    def _listen(self) -> None:
        while True:
            try:
                msg = self._filter.queue.get()
            except Exception:  # noqa: BLE001 - the router closed
                return
            if msg is None:
                return
            if self.on_action is not None and len(msg.body) >= 2:
                self.on_action(int(msg.body[0]), str(msg.body[1]))

    def call(self, method: str, *args: Any) -> _Reply:
        from jeepney import MessageType, new_method_call

        msg = new_method_call(self.address, method, self.SIGNATURES.get(method), args)
        reply = self.router.send_and_get_reply(msg, timeout=TIMEOUT_S)
        if reply.header.message_type == MessageType.error:
            raise RuntimeError(str(reply.body[0] if reply.body else "the notification service refused"))
        return _Reply(reply.body)

    def close(self) -> None:
        self._filter.queue.put(None)
        self.router.close()


class ReminderBanner(QWidget):
    """The in-window reminder, above the page: its title, text and source, with Snooze 1 hour, Done
    and Dismiss. Several wait their turn ("+2 more")."""

    snooze = Signal(int)
    done = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 12, 24, 0)
        card = QFrame()
        card.setObjectName("reminderBanner")
        card.setStyleSheet(
            "#reminderBanner { border: 1px solid palette(highlight); border-radius: 8px; background: palette(base); }"
        )
        outer.addWidget(card)
        self.notices: list[Notice] = []
        row = QHBoxLayout(card)
        row.setContentsMargins(14, 10, 10, 10)
        row.setSpacing(8)
        col = QVBoxLayout()
        col.setSpacing(2)
        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.label = QLabel()  # the reminder's text
        self.source = QLabel()
        self.source.setObjectName("muted")
        for w in (self.title, self.label, self.source):
            w.setWordWrap(True)
            w.setTextFormat(Qt.TextFormat.PlainText)
            col.addWidget(w)
        row.addLayout(col, 1)
        self.snooze_button = QPushButton("Snooze 1 hour")
        self.done_button = QPushButton("Done")
        self.close_button = QPushButton("Dismiss")
        for b in (self.snooze_button, self.done_button, self.close_button):
            row.addWidget(b, 0, Qt.AlignmentFlag.AlignVCenter)
        self.snooze_button.clicked.connect(lambda: self._answer(self.snooze))
        self.done_button.clicked.connect(lambda: self._answer(self.done))
        self.close_button.clicked.connect(lambda: self._answer(None))
        self.hide()

    @property
    def current(self) -> Notice | None:
        return self.notices[0] if self.notices else None

    def add(self, notice: Notice) -> None:
        self.notices.append(notice)
        self._refresh()

    def drop(self, reminder_id: int) -> None:
        self.notices = [n for n in self.notices if n.reminder_id != reminder_id]
        self._refresh()

    def _answer(self, signal: Any) -> None:
        if not self.notices:
            return
        notice = self.notices.pop(0)
        if signal is not None:
            signal.emit(notice.reminder_id)
        self._refresh()

    def _refresh(self) -> None:
        notice = self.current
        if notice is None:
            self.hide()
            return
        more = f"  (+{len(self.notices) - 1} more)" if len(self.notices) > 1 else ""
        self.title.setText(notice.title + more)
        self.label.setText(notice.text)
        self.source.setText(f"From: {notice.source}")
        self.show()


class Notifier(QObject):
    """Shows each notice the way the platform and the settings allow; ``shown`` says which way."""

    snooze = Signal(int)  # reminder id
    done = Signal(int)
    shown = Signal(str, object)  # "tray" | "dbus" | "window", the Notice

    def __init__(
        self,
        banner: ReminderBanner,
        status: Any,
        *,
        tray: Tray | None = None,
        desktop: DesktopNotifications | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.banner = banner
        self.status = status  # callable(sentence)
        self.tray = tray
        self.desktop: DesktopNotifications | None = None
        self._sent: dict[int, int] = {}  # D-Bus notification id -> reminder id
        banner.snooze.connect(self.snooze)
        banner.done.connect(self.done)
        if desktop is not None:
            self.use_desktop(desktop)

    def use_desktop(self, desktop: DesktopNotifications) -> None:
        """Notify through the desktop's service from now on (found after the window opened)."""
        self.desktop = desktop
        desktop.action.connect(self._desktop_action)

    def show(self, notice: Notice, *, notify: bool) -> str:
        """Show ``notice``; with ``notify`` off, in the window alone. Returns the way it went."""
        how = "window"
        if notify and self.tray is not None:
            self.tray.showMessage(notice.title, notice.body, QSystemTrayIcon.MessageIcon.Information, 15_000)
            how = "tray"
        elif notify and self.desktop is not None:
            nid = self.desktop.notify(notice.title, notice.body, ["snooze", "Snooze 1 hour", "done", "Done"])
            if nid is not None:
                self._sent[nid] = notice.reminder_id
                how = "dbus"
        self.banner.add(notice)  # in the window too, with Snooze and Done, until it is answered
        self.status(notice.line)
        self.shown.emit(how, notice)
        return how

    def show_recap(self) -> str:
        """The morning recap is ready (called only when its notification is on)."""
        title, body = RECAP_TITLE, RECAP_BODY
        how = "window"
        if self.tray is not None:
            self.tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, 15_000)
            how = "tray"
        elif self.desktop is not None and self.desktop.notify(title, body, []) is not None:
            how = "dbus"
        self.status(f"{title}: {body}")
        return how

    def _desktop_action(self, nid: int, key: str) -> None:
        rid = self._sent.pop(nid, None)
        if rid is None:
            return
        self.banner.drop(rid)  # answered in the notification: not asked again in the window
        if key == "snooze":
            self.snooze.emit(rid)
        elif key == "done":
            self.done.emit(rid)
