"""The daily backup runs from the nightly scheduler: checked at start and hourly, once a day."""

from __future__ import annotations

from datetime import UTC

from reverie.core import backup, jobruns
from reverie.core.scheduler import BACKUP_CHECK_MINUTES, NightlyScheduler
from reverie.core.settings import Settings


def _never(*_args):
    raise AssertionError("consolidation must not run here")


def test_the_backup_runs_once_a_day_and_is_logged(vault, clock, tmp_path):
    settings = Settings(backup_enabled=True, backup_folder=str(tmp_path / "b"), consolidation_enabled=False)
    sched = NightlyScheduler(vault, _never, settings_loader=lambda: settings, clock=clock, tz=UTC)
    assert sched.tick_backup() == "not-due"  # no backup job given: nothing to do
    sched.backup_job = lambda now: backup.run_backup(vault, settings, now, UTC)
    assert sched.tick_backup() == "ran"
    assert sched.tick_backup() == "not-due"
    clock.advance(86_400 - 1)
    assert sched.tick_backup() == "not-due"
    clock.advance(1)
    assert sched.tick_backup() == "ran"
    runs = jobruns.recent_runs(vault, backup.JOB)
    assert [r.status for r in runs] == ["ok", "ok"] and len(backup.list_backups(tmp_path / "b")) == 2
    settings.backup_enabled = False
    clock.advance(86_400)
    assert sched.tick_backup() == "not-due"


def test_start_adds_an_hourly_backup_check_that_runs_at_once(vault, clock, tmp_path):
    sched = NightlyScheduler(vault, _never, settings_loader=Settings, clock=clock, tz=UTC)
    sched.backup_job = lambda now: None
    sched.start(paused=True)
    try:
        jobs = {j.id: j for j in sched.jobs()}
        assert jobs["backup"].trigger.interval.total_seconds() == BACKUP_CHECK_MINUTES * 60
        assert jobs["backup"].next_run_time.timestamp() == clock.now()
    finally:
        sched.shutdown()
