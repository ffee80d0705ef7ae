"""Firing reminders (and the opt-in morning recap) while Reverie runs.

The vault is the truth: ``ReminderScheduler`` keeps one APScheduler 3 date job per upcoming reminder
(``reminder:<id>``), rebuilt from the vault at ``start`` and by ``changed()`` after every change
(a reminder added, snoozed, done, imported). Every job does the same thing, ``tick``: claim all
that is due (``reminders.claim_due``, one transaction), call ``on_due(firing)`` for each, then
acknowledge it. A check every minute (``CHECK_SECONDS``) calls ``tick`` too, so a machine that slept
through a reminder's time (or whose clock jumped) fires it once, marked late, within a minute of
waking. At start, reminders that fell due while Reverie was closed, and firings claimed but never
acknowledged, are passed to ``on_due`` once, marked missed.

``on_due`` runs on the scheduler's thread: the window hands it to its own thread (a signal). When it
raises, the firing stays claimed and unacknowledged and is shown as missed at the next start.
``tick(now)`` takes an injected time; tests call it directly.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from reverie.core import jobruns, reminders
from reverie.core.clock import Clock
from reverie.core.errors import ReverieError
from reverie.core.reminders import Firing
from reverie.core.scheduler import local_tz, missed_slot, parse_time

log = logging.getLogger(__name__)

CHECK_SECONDS = 60
MAX_JOBS = 500  # the soonest reminders get their own job; the minute check covers the rest
RECAP_JOB = "recap"


class ReminderScheduler:
    """See the module docstring. ``on_recap(now)`` (optional) is called once a day at the recap time
    when the recap is on (``Settings.recap_enabled``), or at start when today's was not shown yet."""

    def __init__(
        self,
        vault: Any,
        on_due: Callable[[Firing], None],
        *,
        clock: Clock | None = None,
        tz: tzinfo | None = None,
        settings_loader: Callable[[], Any] | None = None,
        on_recap: Callable[[float], None] | None = None,
    ) -> None:
        self.vault = vault
        self.on_due = on_due
        self.on_recap = on_recap
        self.clock = clock or vault.clock
        self.tz = tz if tz is not None else local_tz()
        self.settings_loader = settings_loader
        self._sched: Any = None
        self._guard = threading.Lock()
        self._stopped = False  # shut down for good: a late start() starts nothing
        self._tick_lock = threading.Lock()

    # -- what a firing does, with an injected time ----------------------------------------------
    def _notify(self) -> bool:
        return self.settings_loader is None or bool(getattr(self.settings_loader(), "reminders_notify", True))

    def _deliver(self, firings: list[Firing], now: float) -> list[Firing]:
        shown: list[Firing] = []
        for firing in firings:
            try:
                if self._notify():
                    self.on_due(firing)
            except Exception:  # left claimed: shown as missed at the next start
                log.exception("a reminder could not be shown")
                continue
            try:
                reminders.acknowledge(self.vault, firing.id, now)
            except ReverieError as exc:  # the vault closed meanwhile: the claim stays, missed at the next start
                log.warning("a reminder was shown but could not be recorded: %s", exc)
                break
            shown.append(firing)
        return shown

    def tick(self, now: float | None = None) -> list[Firing]:
        """Claim what is due at ``now``, hand each to ``on_due``, acknowledge it; returns those shown."""
        with self._tick_lock:
            now = self.clock.now() if now is None else now
            return self._deliver(reminders.claim_due(self.vault, now), now)

    def catch_up(self, now: float | None = None) -> list[Firing]:
        """At start: the missed ones (fell due while closed, or claimed and never shown), shown once."""
        with self._tick_lock:
            now = self.clock.now() if now is None else now
            return self._deliver(reminders.recover(self.vault, now), now)

    def recap_due(self, now: float | None = None) -> float | None:
        """Today's recap slot when it is on and not shown yet, else None."""
        if self.settings_loader is None or self.on_recap is None:
            return None
        s = self.settings_loader()
        if not getattr(s, "recap_enabled", False):
            return None
        now = self.clock.now() if now is None else now
        hour, minute = parse_time(s.recap_time)
        slot = missed_slot(now, jobruns.last_covering_start(self.vault, RECAP_JOB), hour, minute, self.tz)
        if slot is None or now - slot > 12 * 3600:  # yesterday's recap is not shown in the evening
            return None
        return slot

    def tick_recap(self, now: float | None = None) -> bool:
        now = self.clock.now() if now is None else now
        slot = self.recap_due(now)
        if slot is None or self.on_recap is None:
            return False
        run = jobruns.start_run(self.vault, RECAP_JOB, now, slot)
        try:
            self.on_recap(now)
        except Exception as exc:  # noqa: BLE001 - recorded; tried again at the next check
            jobruns.finish_run(self.vault, run, now, "failed", counts={}, log=[], error=str(exc))
            return False
        jobruns.finish_run(self.vault, run, now, "ok", counts={}, log=[])
        return True

    def _safe(self) -> None:
        try:
            self.tick()
            self.tick_recap()
        except Exception:  # a closed or busy vault must not kill the scheduler thread
            log.exception("reminders were not checked")

    # -- APScheduler ------------------------------------------------------------------------------
    def start(self, *, paused: bool = False) -> list[Firing]:
        """Show the missed ones once, then schedule every upcoming reminder; returns the missed shown."""
        from apscheduler.schedulers.background import BackgroundScheduler

        missed = self.catch_up()
        options: dict[str, Any] = {
            "job_defaults": {"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            "executors": {
                "default": {
                    "type": "threadpool",
                    "max_workers": 1,
                    "pool_kwargs": {"thread_name_prefix": "reverie-remind"},
                }
            },
        }
        if self.tz is not None:
            options["timezone"] = self.tz
        sched = BackgroundScheduler(**options)
        sched.add_job(self._safe, "interval", seconds=CHECK_SECONDS, id="check", replace_existing=True)
        with self._guard:
            if self._stopped:  # shut down while the missed ones were read: start nothing
                return missed
            self._sched = sched
        self.changed()
        with self._guard:  # a shutdown on another thread waits until the scheduler has really started
            if self._sched is sched:
                sched.start(paused=paused)
        return missed

    def changed(self) -> int:
        """Rebuild the date jobs from the vault (after any change); returns how many are scheduled."""
        from apscheduler.jobstores.base import JobLookupError

        times = reminders.upcoming_times(self.vault, MAX_JOBS)
        with self._guard:
            if self._sched is None:
                return 0
            for job in self._sched.get_jobs():
                if job.id.startswith("reminder:"):
                    with contextlib.suppress(JobLookupError):  # it fell due meanwhile: APScheduler removed it
                        job.remove()
            for rid, at in times:
                self._sched.add_job(
                    self._safe, "date", run_date=datetime.fromtimestamp(at, self.tz), id=f"reminder:{rid}",
                    replace_existing=True,
                )  # fmt: skip
        return len(times)

    def jobs(self) -> list[Any]:
        return [] if self._sched is None else self._sched.get_jobs()

    def shutdown(self) -> None:
        with self._guard:
            sched, self._sched = self._sched, None
            self._stopped = True
        if sched is not None and sched.running:
            # APScheduler 3 marks itself stopped before it takes its job-store lock: a date job
            # falling due meanwhile made its thread raise JobLookupError. With no jobs left (this
            # waits for a pass over the jobs in progress) nothing can fall due.
            sched.remove_all_jobs()
            sched.shutdown(wait=True)
