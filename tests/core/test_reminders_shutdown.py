"""The window stops the reminder scheduler from the GUI thread while the database lane may still be
starting it: whichever comes first, nothing raises and no scheduler thread is left running."""

from __future__ import annotations

import threading
from zoneinfo import ZoneInfo

from reverie.core.reminders_schedule import ReminderScheduler

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_shutdown_before_start_leaves_start_with_nothing_to_run(vault, clock):
    sched = ReminderScheduler(vault, lambda firing: None, clock=clock, tz=BERLIN)
    sched.shutdown()
    sched.start()
    assert sched.jobs() == []
    assert not any(t.name.startswith("APScheduler") for t in threading.enumerate() if t.is_alive())


def test_a_shutdown_racing_a_start_never_raises(vault, clock):
    errors: list[BaseException] = []
    for _ in range(20):
        sched = ReminderScheduler(vault, lambda firing: None, clock=clock, tz=BERLIN)

        def start(s: ReminderScheduler = sched) -> None:
            try:
                s.start()
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

        t = threading.Thread(target=start)
        t.start()
        try:
            sched.shutdown()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        t.join(10)
        sched.shutdown()
        assert sched.jobs() == []
    assert errors == []
