"""The nightly scheduler: consolidation and decay at the chosen local time, while the user is idle,
one run at a time, and a missed night caught up once on the next start.

The rules are pure functions of ``now`` and the last covering run recorded in ``job_runs``
(``last_slot``, ``missed_slot``); ``NightlyScheduler`` wraps APScheduler 3's
``BackgroundScheduler`` (a cron job at the chosen time, coalesced, one instance, no misfire
limit, so a machine that slept through 03:00 runs once on waking) and, on ``start``, runs a
night missed while the app was closed. ``tick()`` is what a firing does; tests call it directly
with an injected clock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from typing import Any

from reverie.core import backup, jobruns
from reverie.core.clock import Clock

log = logging.getLogger(__name__)

JOB = "consolidation"
BACKUP_CHECK_MINUTES = 60  # how often the backup job looks whether a day has passed since the last backup
RETRY_MINUTES = 5


def parse_time(hhmm: str) -> tuple[int, int]:
    h, _, m = hhmm.partition(":")
    return int(h), int(m)


def last_slot(now: float, hour: int, minute: int, tz: tzinfo | None) -> float:
    """The latest scheduled time (``hour:minute`` local) at or before ``now``."""
    local = datetime.fromtimestamp(now, tz)
    slot = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if slot > local:
        slot = (slot - timedelta(days=1)).replace(hour=hour, minute=minute)
    return slot.timestamp()


def missed_slot(now: float, last_covered: float | None, hour: int, minute: int, tz: tzinfo | None) -> float | None:
    """The slot to run for now, or None: the latest slot, unless a run that finished ok started
    at or after it. However many nights were missed, there is one slot to run (coalesced)."""
    slot = last_slot(now, hour, minute, tz)
    if last_covered is not None and last_covered >= slot:
        return None
    return slot


def is_idle(idle_seconds: float | None, idle_minutes: float) -> bool:
    """Unknown activity (None) counts as idle: with the window closed nobody is typing."""
    return idle_seconds is None or idle_seconds >= idle_minutes * 60


def vault_idle_seconds(vault: Any, now: float) -> float | None:
    """Seconds since the user last wrote (a message or a note), from the vault."""
    row = vault.query(
        "SELECT max(t) FROM (SELECT max(created_at) AS t FROM messages WHERE role = 'user' "
        "UNION ALL SELECT max(updated_at) FROM notes)"
    )
    last = row[0][0] if row else None
    return None if last is None else max(0.0, now - float(last))


def local_tz() -> tzinfo | None:
    try:
        import tzlocal

        return tzlocal.get_localzone()
    except Exception:  # noqa: BLE001 - fall back to the process's local time
        return None


Progress = Callable[[str, float], None]
Job = Callable[[float | None, threading.Event, Progress | None], Any]


class NightlyScheduler:
    """Runs ``job(scheduled_for, cancel, progress)`` every night; see the module docstring."""

    def __init__(
        self,
        vault: Any,
        job: Job,
        *,
        settings_loader: Callable[[], Any],
        clock: Clock | None = None,
        idle_seconds: Callable[[float], float | None] | None = None,
        tz: tzinfo | None = None,
        retry_minutes: float = RETRY_MINUTES,
    ) -> None:
        self.vault = vault
        self.job = job
        self.settings_loader = settings_loader
        self.clock = clock or vault.clock
        self.idle_seconds = idle_seconds or (lambda now: vault_idle_seconds(vault, now))
        self.tz = tz if tz is not None else local_tz()
        self.retry_minutes = retry_minutes
        self.cancel_event = threading.Event()
        self._sched: Any = None
        # Guards _sched between a firing job that schedules its retry and shutdown(): APScheduler's
        # shutdown(wait=True) holds its job-store lock while it waits for the running job, so a job
        # adding a retry at that moment would wait for ever.
        self._guard = threading.Lock()
        self.last_result: Any = None
        # The daily backup (core/backup.py run_backup), set before start(): ``backup_job(now)``.
        self.backup_job: Callable[[float], Any] | None = None

    # -- the rules, with the injected clock ---------------------------------------------------
    def due(self) -> float | None:
        s = self.settings_loader()
        if not s.consolidation_enabled:
            return None
        hour, minute = parse_time(s.consolidation_time)
        return missed_slot(self.clock.now(), jobruns.last_covering_start(self.vault, JOB), hour, minute, self.tz)

    def tick(self) -> str:
        """What a firing does: 'ran', 'not-due', or 'deferred' (user active; retried later)."""
        slot = self.due()
        if slot is None:
            return "not-due"
        now = self.clock.now()
        if not is_idle(self.idle_seconds(now), self.settings_loader().idle_minutes):
            self._schedule_retry()
            return "deferred"
        self.cancel_event.clear()
        self.last_result = self.job(slot, self.cancel_event, None)
        return "ran"

    def run_now(self, progress: Progress | None = None) -> Any:
        """Run at once (the button, the CLI), on the caller's thread; ``cancel()`` stops it."""
        self.cancel_event.clear()
        self.last_result = self.job(None, self.cancel_event, progress)
        return self.last_result

    def backup_due(self) -> bool:
        if self.backup_job is None:
            return False
        last = jobruns.last_covering_start(self.vault, backup.JOB)
        return backup.backup_due(self.clock.now(), last, self.settings_loader())

    def tick_backup(self) -> str:
        """What the hourly backup check does: 'ran' (ok or failed, recorded in job runs) or 'not-due'."""
        if self.backup_job is None or not self.backup_due():
            return "not-due"
        self.backup_job(self.clock.now())
        return "ran"

    def _safe_backup(self) -> None:
        try:
            self.tick_backup()
        except Exception:  # a failing backup must not kill the scheduler thread
            log.exception("the daily backup did not run")

    def _safe_tick(self) -> None:
        try:
            self.tick()
        except Exception:  # a busy or failing run must not kill the scheduler thread
            log.exception("nightly consolidation did not run")

    def _schedule_retry(self) -> None:
        with self._guard:
            if self._sched is None:
                return
            when = datetime.fromtimestamp(self.clock.now(), self.tz) + timedelta(minutes=self.retry_minutes)
            self._sched.add_job(self._safe_tick, "date", run_date=when, id="retry", replace_existing=True)

    # -- APScheduler ---------------------------------------------------------------------------
    def start(self, *, paused: bool = False) -> None:
        from apscheduler.schedulers.background import BackgroundScheduler

        jobruns.close_interrupted(self.vault, JOB, self.clock.now())
        s = self.settings_loader()
        hour, minute = parse_time(s.consolidation_time)
        options: dict[str, Any] = {
            "job_defaults": {"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            "executors": {
                "default": {
                    "type": "threadpool",
                    "max_workers": 1,
                    "pool_kwargs": {"thread_name_prefix": "reverie-nightly"},
                }
            },
        }
        if self.tz is not None:
            options["timezone"] = self.tz
        self._sched = BackgroundScheduler(**options)
        # A night missed while Reverie was closed is caught up once, now: the nightly job's first run
        # is brought forward (a separate one-off job would race APScheduler's shutdown).
        first = {"next_run_time": datetime.fromtimestamp(self.clock.now(), self.tz)} if self.due() is not None else {}
        self._sched.add_job(self._safe_tick, self._trigger(hour, minute), id="nightly", replace_existing=True, **first)
        if self.backup_job is not None:
            # checked at start and every hour: a backup a day, whenever the app is open
            self._sched.add_job(
                self._safe_backup,
                "interval",
                minutes=BACKUP_CHECK_MINUTES,
                id="backup",
                replace_existing=True,
                next_run_time=datetime.fromtimestamp(self.clock.now(), self.tz),
            )
        self._sched.start(paused=paused)

    def reschedule(self) -> bool:
        """Apply the consolidation time saved in the settings now (the window calls it when settings
        are saved), not at the next start. False when the scheduler is not running."""
        hour, minute = parse_time(self.settings_loader().consolidation_time)
        with self._guard:
            if self._sched is None:
                return False
            self._sched.reschedule_job("nightly", trigger=self._trigger(hour, minute))
        return True

    def _trigger(self, hour: int, minute: int) -> Any:
        from apscheduler.triggers.cron import CronTrigger

        if self.tz is None:
            return CronTrigger(hour=hour, minute=minute)
        return CronTrigger(hour=hour, minute=minute, timezone=self.tz)

    def jobs(self) -> list[Any]:
        return [] if self._sched is None else self._sched.get_jobs()

    def cancel(self) -> None:
        self.cancel_event.set()

    def shutdown(self) -> None:
        """Stop: a running consolidation is cancelled and waited for (it writes all or nothing)."""
        self.cancel_event.set()
        with self._guard:
            sched, self._sched = self._sched, None
        if sched is not None:
            sched.shutdown(wait=True)
