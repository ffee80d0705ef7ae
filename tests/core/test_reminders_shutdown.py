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


def test_a_shutdown_as_a_reminder_falls_due_leaves_no_error_on_the_scheduler_thread(vault, clock, monkeypatch):
    """APScheduler 3 marks itself stopped before it takes its job-store lock, so a date job falling
    due during the shutdown made its thread raise JobLookupError (seen in a test run); the date jobs
    are removed first."""
    import time
    from datetime import datetime, timedelta

    raised: list[BaseException] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: raised.append(args.exc_value))
    for i in range(40):
        sched = ReminderScheduler(vault, lambda firing: None, clock=clock, tz=BERLIN)
        sched.start()
        when = datetime.now(BERLIN) + timedelta(milliseconds=5 + i % 10)
        sched._sched.add_job(lambda: None, "date", run_date=when, id=f"reminder:{1000 + i}")
        time.sleep((5 + i % 10) / 1000)
        sched.shutdown()
    assert raised == []


def test_a_date_job_that_fell_due_while_the_jobs_were_rebuilt_is_no_error(vault, clock):
    """APScheduler removes a date job once it has run: ``changed`` may find it gone when it comes
    to remove it."""
    from apscheduler.jobstores.base import JobLookupError

    class Gone:
        id = "reminder:77"

        def remove(self) -> None:
            raise JobLookupError(self.id)

    sched = ReminderScheduler(vault, lambda firing: None, clock=clock, tz=BERLIN)
    sched.start(paused=True)
    try:
        real = sched._sched.get_jobs
        sched._sched.get_jobs = lambda *a, **k: [Gone(), *real(*a, **k)]
        assert sched.changed() == 0
    finally:
        sched.shutdown()
