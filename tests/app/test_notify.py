"""A reminder that fires is shown: in the tray's message, as a desktop notification over D-Bus, or in
the window; missed ones once, as missed; each firing acknowledged only after it was shown."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

from ui_fixtures import settle

from reverie.app.ui.notify import DesktopNotifications, Notice, Notifier, ReminderBanner
from reverie.app.ui.reminders_runtime import RemindersRuntime
from reverie.core import notes, reminders
from reverie.core.settings import load_settings, save_settings


class FakeTray:
    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []

    def showMessage(self, title, msg, icon=None, msecs=0) -> None:
        self.messages.append((title, msg))


class FakeReply:
    def __init__(self, *args) -> None:
        self._args = list(args)

    def arguments(self):
        return self._args


class FakeNotifications:
    """org.freedesktop.Notifications, as QDBusInterface.call sees it."""

    def __init__(self, caps=("body", "actions")) -> None:
        self.caps = list(caps)
        self.calls: list[tuple] = []

    def call(self, method, *args):
        self.calls.append((method, *args))
        if method == "GetCapabilities":
            return FakeReply(self.caps)
        if method == "Notify":
            return FakeReply(41)
        raise AssertionError(method)


def make(qtbot, tray=None, desktop=None):
    banner = ReminderBanner()
    qtbot.addWidget(banner)
    said: list[str] = []
    return Notifier(banner, said.append, tray=tray, desktop=desktop), banner, said


NOTICE = Notice(7, 3, "Reminder", "Call Anna about the tickets", "Note “Trip”")


def test_with_a_tray_the_tray_shows_it_with_its_source(qtbot):
    tray = FakeTray()
    notifier, banner, said = make(qtbot, tray=tray)
    assert notifier.show(NOTICE, notify=True) == "tray"
    assert tray.messages == [("Reminder", "Call Anna about the tickets\nFrom: Note “Trip”")]
    assert banner.current == NOTICE and said == ["Reminder: Call Anna about the tickets (from Note “Trip”)"]


def test_without_a_tray_the_desktop_service_shows_it_with_snooze_and_done(qtbot):
    fake = FakeNotifications()
    desktop = DesktopNotifications(fake)
    notifier, banner, _ = make(qtbot, desktop=desktop)
    assert notifier.show(NOTICE, notify=True) == "dbus"
    method, app, replaces, icon, summary, body, actions, hints, timeout = fake.calls[-1]
    assert (method, app, summary) == ("Notify", "Reverie", "Reminder")
    assert "Note “Trip”" in body and actions == ["snooze", "Snooze 1 hour", "done", "Done"]
    with qtbot.waitSignal(notifier.done) as got:
        desktop.action.emit(41, "done")
    assert got.args == [7] and banner.current is None  # answered there: not asked again in the window


def test_a_server_without_actions_gets_no_buttons(qtbot):
    fake = FakeNotifications(caps=("body",))
    notifier, _, _ = make(qtbot, desktop=DesktopNotifications(fake))
    assert notifier.show(NOTICE, notify=True) == "dbus"
    assert fake.calls[-1][6] == []


def test_with_neither_the_window_shows_it_with_snooze_and_done(qtbot):
    notifier, banner, said = make(qtbot)
    assert notifier.show(NOTICE, notify=True) == "window"
    assert banner.isVisibleTo(banner.parentWidget() or banner) and "Call Anna" in banner.label.text()
    assert banner.source.text() == "From: Note “Trip”" and banner.title.text() == "Reminder" and said
    with qtbot.waitSignal(notifier.snooze) as got:
        banner.snooze_button.click()
    assert got.args == [7] and banner.current is None


def test_notifications_off_shows_it_in_the_window_only(qtbot):
    tray, fake = FakeTray(), FakeNotifications()
    notifier, banner, _ = make(qtbot, tray=tray, desktop=DesktopNotifications(fake))
    assert notifier.show(NOTICE, notify=False) == "window"
    assert tray.messages == [] and fake.calls == [] and banner.current == NOTICE


def runtime(qtbot, session, tray=None):
    notifier, banner, said = make(qtbot, tray=tray)
    rt = RemindersRuntime(session, notifier)
    return rt, banner


def test_a_due_reminder_is_shown_then_acknowledged(qtbot, paths, vault, clock):
    from reverie.app.ui.session import Session

    note = notes.create_note(vault, "# Trip\n\nBook the train.")
    r = reminders.add_reminder(
        vault, "Book the train", clock.now() + 60, clock.now(), source_kind="note", source_id=note.id
    )
    session = Session(paths)
    tray = FakeTray()
    rt, banner = runtime(qtbot, session, tray)
    session.set_vault(vault)
    qtbot.waitUntil(lambda: rt.scheduler is not None, timeout=10_000)
    settle(qtbot, session)
    clock.advance(61)
    with qtbot.waitSignal(rt.fired, timeout=10_000) as got:
        session.db.submit(rt.scheduler.tick)
    assert got.args[0].text == "Book the train" and got.args[0].source == "Note “Trip”"
    assert tray.messages and tray.messages[0][0] == "Reminder"
    qtbot.waitUntil(lambda: reminders.get_reminder(vault, r.id).state == "fired", timeout=10_000)
    assert reminders.firings(vault, r.id)[0]["acked_at"] is not None
    # Done in the banner: a write on the database lane
    banner.done_button.click()
    qtbot.waitUntil(lambda: reminders.get_reminder(vault, r.id).state == "done", timeout=10_000)
    settle(qtbot, session)
    session.close()


def test_missed_reminders_are_shown_once_at_start_as_missed_with_their_time(qtbot, paths, vault, clock):
    from reverie.app.ui.session import Session

    r = reminders.add_reminder(vault, "Water the plants", clock.now() + 60, clock.now())
    save_settings(vault, replace(load_settings(vault), reminders_notify=False))
    clock.advance(3600)  # Reverie was closed
    session = Session(paths)
    tray = FakeTray()
    rt, banner = runtime(qtbot, session, tray)
    with qtbot.waitSignal(rt.fired, timeout=10_000) as got:
        session.set_vault(vault)
    notice = got.args[0]
    assert notice.missed and notice.title.startswith("Missed reminder · ") and " at " in notice.title
    assert tray.messages == []  # notifications off: in the window only
    assert banner.current == notice
    qtbot.waitUntil(lambda: reminders.unshown_missed(vault) == [], timeout=10_000)
    assert reminders.get_reminder(vault, r.id).state == "missed"
    settle(qtbot, session)
    session.close()


def test_a_firing_not_shown_before_close_stays_claimed(qtbot, paths, vault, clock):
    from reverie.app.ui.session import Session

    reminders.add_reminder(vault, "Call the bank", clock.now() + 60, clock.now())
    session = Session(paths)
    rt, _ = runtime(qtbot, session)
    session.set_vault(vault)
    qtbot.waitUntil(lambda: rt.scheduler is not None, timeout=10_000)
    settle(qtbot, session)
    scheduler = rt.scheduler
    rt._closed = True  # the window is closing: nothing is shown any more
    clock.advance(61)
    assert scheduler.tick() == []
    assert [f.reminder.text for f in reminders.recover(vault, clock.now())] == ["Call the bank"]
    session.close()


def test_the_morning_recap_notifies_only_when_asked(qtbot, paths, vault, clock):

    from reverie.app.ui.notify import RECAP_TITLE
    from reverie.app.ui.session import Session

    save_settings(vault, replace(load_settings(vault), recap_enabled=True, recap_time="08:00", recap_notify=True))
    session = Session(paths)
    tray = FakeTray()
    notifier, _, _ = make(qtbot, tray=tray)
    rt = RemindersRuntime(session, notifier, tz=UTC)  # the clock reads 11:06 UTC
    session.set_vault(vault)
    qtbot.waitUntil(lambda: rt.scheduler is not None, timeout=10_000)
    settle(qtbot, session)
    with qtbot.waitSignal(rt.recap, timeout=10_000):
        session.db.submit(rt.scheduler.tick_recap)
    assert tray.messages[-1][0] == RECAP_TITLE
    session.close()


def test_the_morning_recap_is_quiet_by_default(qtbot, paths, vault, clock):

    from reverie.app.ui.session import Session

    save_settings(vault, replace(load_settings(vault), recap_enabled=True, recap_time="08:00"))
    session = Session(paths)
    tray = FakeTray()
    notifier, _, _ = make(qtbot, tray=tray)
    rt = RemindersRuntime(session, notifier, tz=UTC)
    session.set_vault(vault)
    qtbot.waitUntil(lambda: rt.scheduler is not None, timeout=10_000)
    settle(qtbot, session)
    done = []
    session.db.submit(rt.scheduler.tick_recap, on_done=done.append)
    qtbot.waitUntil(lambda: done == [True], timeout=10_000)  # the recap's time was recorded
    settle(qtbot, session)
    assert tray.messages == []
    session.close()


def test_done_in_the_banner_tells_the_pages_reminders_changed(qtbot, paths, vault, clock):
    from reverie.app.ui.session import Session

    r = reminders.add_reminder(vault, "Pay the rent", clock.now() + 60, clock.now())
    session = Session(paths)
    rt, banner = runtime(qtbot, session)
    session.set_vault(vault)
    qtbot.waitUntil(lambda: rt.scheduler is not None, timeout=10_000)
    settle(qtbot, session)
    clock.advance(61)
    with qtbot.waitSignal(rt.fired, timeout=10_000):
        session.db.submit(rt.scheduler.tick)
    with qtbot.waitSignal(session.changed, timeout=10_000) as got:
        banner.done_button.click()
    assert got.args[0].reminders
    settle(qtbot, session)
    assert reminders.get_reminder(vault, r.id).state == "done"
    session.close()


def test_the_real_bus_path_sends_what_the_specification_asks(qtbot, monkeypatch):
    """Over a private session bus to a service that checks Notify's signature (susssasa{sv}i), and its
    ActionInvoked signal coming back as Done."""
    import json
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    import pytest

    if shutil.which("dbus-daemon") is None:
        pytest.skip("no dbus-daemon")
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"], stdout=subprocess.PIPE, text=True
    )
    server = None
    try:
        address = bus.stdout.readline().strip()
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        script = Path(__file__).with_name("fake_notifications_server.py")
        server = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
        assert json.loads(server.stdout.readline()) == {"ready": True}
        desktop = DesktopNotifications.from_session_bus()
        assert desktop is not None and desktop.supports_actions()
        notifier, banner, _ = make(qtbot, desktop=desktop)
        assert notifier.show(NOTICE, notify=True) == "dbus"
        calls = [json.loads(server.stdout.readline()) for _ in range(2)]
        notify = next(c for c in calls if c["member"] == "Notify")
        assert notify["signature"] == "susssasa{sv}i"
        assert notify["body"][3] == "Reminder" and "Note “Trip”" in notify["body"][4]
        from jeepney import DBusAddress, new_signal
        from jeepney.io.blocking import open_dbus_connection

        with open_dbus_connection(bus="SESSION") as conn:
            signal = new_signal(
                DBusAddress("/org/freedesktop/Notifications", interface="org.freedesktop.Notifications"),
                "ActionInvoked",
                "us",
                (5, "done"),
            )
            with qtbot.waitSignal(notifier.done, timeout=10_000) as got:
                conn.send(signal)
        assert got.args == [7] and banner.current is None
        desktop.iface.close()
    finally:
        for proc in (server, bus):
            if proc is not None:
                proc.terminate()
                proc.wait(10)
