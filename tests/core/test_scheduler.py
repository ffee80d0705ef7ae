from __future__ import annotations

from datetime import UTC, datetime

from reverie.core import conversations, jobruns
from reverie.core.scheduler import NightlyScheduler, is_idle, last_slot, missed_slot
from reverie.core.settings import Settings


def ts(s: str) -> float:
    return datetime.fromisoformat(s).replace(tzinfo=UTC).timestamp()


def test_last_slot_and_missed_slot_are_coalesced():
    assert last_slot(ts("2026-11-20T10:00"), 3, 0, UTC) == ts("2026-11-20T03:00")
    assert last_slot(ts("2026-11-20T02:59"), 3, 0, UTC) == ts("2026-11-19T03:00")
    # three nights missed: one slot to run, the latest
    assert missed_slot(ts("2026-11-20T10:00"), ts("2026-11-17T03:00"), 3, 0, UTC) == ts("2026-11-20T03:00")
    # last night's run happened, or a manual run after 03:00 today: nothing to catch up
    assert missed_slot(ts("2026-11-20T10:00"), ts("2026-11-20T03:00"), 3, 0, UTC) is None
    assert missed_slot(ts("2026-11-20T10:00"), ts("2026-11-20T09:00"), 3, 0, UTC) is None
    # before 03:00, yesterday's slot still counts
    assert missed_slot(ts("2026-11-20T01:00"), ts("2026-11-19T03:00"), 3, 0, UTC) is None
    assert missed_slot(ts("2026-11-20T01:00"), None, 3, 0, UTC) == ts("2026-11-19T03:00")
    assert is_idle(None, 10) and is_idle(600, 10) and not is_idle(599, 10)


class Recorder:
    """A job that records a run in job_runs, like the real one."""

    def __init__(self, vault, clock):
        self.vault, self.clock, self.calls = vault, clock, []

    def __call__(self, slot, cancel, progress):
        self.calls.append(slot)
        rid = jobruns.start_run(self.vault, "consolidation", self.clock.now(), slot)
        jobruns.finish_run(self.vault, rid, self.clock.now(), "ok", counts={}, log=[])


def _scheduler(vault, clock, job, settings=None, idle=None):
    settings = settings or Settings()
    return NightlyScheduler(
        vault, job, settings_loader=lambda: settings, clock=clock, idle_seconds=idle or (lambda now: None), tz=UTC
    )


def test_a_missed_night_is_caught_up_once(vault, clock):
    clock.set(ts("2026-11-16T03:00"))
    job = Recorder(vault, clock)
    sched = _scheduler(vault, clock, job)
    assert sched.tick() == "ran"  # first start: the latest night
    clock.set(ts("2026-11-20T09:30"))  # the app was closed for four nights
    assert sched.tick() == "ran"
    assert sched.tick() == "not-due"
    clock.set(ts("2026-11-20T23:00"))
    assert sched.tick() == "not-due"
    assert job.calls == [ts("2026-11-16T03:00"), ts("2026-11-20T03:00")]
    clock.set(ts("2026-11-21T03:00"))
    assert sched.tick() == "ran"
    assert len(jobruns.recent_runs(vault, "consolidation")) == 3


def test_a_failed_or_cancelled_night_is_retried_but_disabled_never_runs(vault, clock):
    clock.set(ts("2026-11-20T04:00"))
    calls = []

    def failing(slot, cancel, progress):
        calls.append(slot)
        rid = jobruns.start_run(vault, "consolidation", clock.now(), slot)
        jobruns.finish_run(vault, rid, clock.now(), "cancelled", counts={}, log=[])

    sched = _scheduler(vault, clock, failing)
    assert sched.tick() == "ran" and sched.tick() == "ran"
    assert _scheduler(vault, clock, failing, Settings(consolidation_enabled=False)).tick() == "not-due"
    assert len(calls) == 2


def test_the_run_waits_until_the_user_is_idle(vault, clock):
    clock.set(ts("2026-11-20T03:00"))
    c = conversations.create_conversation(vault, "late")
    conversations.add_message(vault, c.id, "user", "still up")
    job = Recorder(vault, clock)
    sched = NightlyScheduler(vault, job, settings_loader=Settings, clock=clock, tz=UTC)  # idle from the vault
    clock.advance(5 * 60)
    assert sched.tick() == "deferred" and job.calls == []
    clock.advance(5 * 60)
    assert sched.tick() == "ran" and job.calls == [ts("2026-11-20T03:00")]


def test_apscheduler_jobs_are_coalesced_one_at_a_time_with_a_catch_up(vault, clock):
    clock.set(ts("2026-11-20T09:00"))
    sched = _scheduler(vault, clock, Recorder(vault, clock), Settings(consolidation_time="02:30"))
    rid = jobruns.start_run(vault, "consolidation", ts("2026-11-19T02:30"))  # left running by a crash
    sched.start(paused=True)
    try:
        jobs = {j.id: j for j in sched.jobs()}
        assert set(jobs) == {"nightly"}
        nightly = jobs["nightly"]
        # the missed night is caught up at once: the nightly job's first run is now, not tonight
        assert nightly.next_run_time.timestamp() == clock.now()
        assert nightly.coalesce is True and nightly.max_instances == 1 and nightly.misfire_grace_time is None
        assert "hour='2'" in str(nightly.trigger) and "minute='30'" in str(nightly.trigger)
    finally:
        sched.shutdown()
    ((status,),) = vault.query("SELECT status FROM job_runs WHERE id = ?", (rid,))
    assert status == "failed"


def test_shutdown_while_a_deferred_catch_up_schedules_its_retry_never_hangs(vault, clock):
    """The catch-up fires at start; the user is active, so it schedules a retry; closing at that
    moment must not deadlock on APScheduler's own lock (it once did)."""
    import threading

    ran = []
    for _ in range(15):
        sched = NightlyScheduler(
            vault, lambda *a: ran.append(a), settings_loader=Settings, clock=clock, idle_seconds=lambda now: 0.0, tz=UTC
        )
        assert sched.due() is not None  # a night is due: start adds the catch-up
        sched.start()
        stopper = threading.Thread(target=sched.shutdown)
        stopper.start()
        stopper.join(10)
        assert not stopper.is_alive(), "shutdown hung"
    assert ran == []  # never idle: deferred, never run


def test_a_changed_consolidation_time_applies_at_once(vault, clock):
    clock.set(ts("2026-11-20T09:00"))
    settings = {"now": Settings(consolidation_time="03:00")}
    job = Recorder(vault, clock)
    sched = NightlyScheduler(
        vault, job, settings_loader=lambda: settings["now"], clock=clock, idle_seconds=lambda now: None, tz=UTC
    )
    assert sched.reschedule() is False  # not started: nothing to move
    jobruns.finish_run(
        vault, jobruns.start_run(vault, "consolidation", clock.now()), clock.now(), "ok", counts={}, log=[]
    )  # last night is covered: no catch-up
    sched.start(paused=True)
    try:
        settings["now"] = Settings(consolidation_time="04:45")
        assert sched.reschedule() is True
        (nightly,) = sched.jobs()
        assert "hour='4'" in str(nightly.trigger) and "minute='45'" in str(nightly.trigger)
    finally:
        sched.shutdown()
    assert sched.reschedule() is False
