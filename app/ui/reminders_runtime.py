"""Reminders while the window is open: the core ``ReminderScheduler`` started when the vault opens
(on the database lane), rebuilt after every change (``Session.changed``), stopped at close.

With the morning recap on, its time is recorded once a day (``tick_recap``) and, only when the
recap's notification is on too, a notification says it is ready.

A firing is claimed on the scheduler's thread; ``_on_due`` names its source there (a vault read),
hands it to the GUI thread and waits (at most ``SHOW_TIMEOUT_S``) until the ``Notifier`` has shown
it; only then does the scheduler acknowledge it. A firing not shown (the window closing) raises, so
it stays claimed and is shown as missed at the next start. Missed reminders (fell due while Reverie
was closed) come through the same path at start, once, as missed with their time. Snooze and Done
(from the banner or a desktop notification) are writes on the database lane.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from reverie.app.ui.changes import REMINDERS, OpChanges
from reverie.app.ui.notify import SNOOZE_SECONDS, Notifier, notice_for
from reverie.app.ui.session import Session
from reverie.core import reminders
from reverie.core.reminders import Firing
from reverie.core.reminders_schedule import ReminderScheduler
from reverie.core.scheduler import local_tz
from reverie.core.settings import load_settings

log = logging.getLogger(__name__)
SHOW_TIMEOUT_S = 20.0


@dataclass
class _Pending:
    firing: Firing
    source: str
    notify: bool
    now: float
    shown: threading.Event = field(default_factory=threading.Event)
    ok: bool = False


class RemindersRuntime(QObject):
    fired = Signal(object)  # the Notice shown (GUI thread)
    recap = Signal(float)  # the morning recap's time came (GUI thread), when its notification is on
    _due = Signal(object)  # _Pending, from the scheduler's thread

    def __init__(self, session: Session, notifier: Notifier, *, tz: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.notifier = notifier
        self.tz = tz if tz is not None else local_tz()
        self.scheduler: ReminderScheduler | None = None
        self._closed = False
        self._waiting: list[_Pending] = []
        self._lock = threading.Lock()
        self._due.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self.recap.connect(lambda _now: self.notifier.show_recap())
        notifier.snooze.connect(self.snooze)
        notifier.done.connect(self.done)
        session.vault_ready.connect(lambda vault: session.db.submit(self._start, vault))
        session.changed.connect(self._changed)
        session.closing.connect(self.stop)
        session.at_close(lambda _vault: self.stop())

    # -- database lane -------------------------------------------------------------------------
    def _start(self, vault: Any) -> None:
        if self._closed:
            return
        if self.scheduler is not None:
            self.scheduler.shutdown()
        scheduler = ReminderScheduler(
            vault,
            self._on_due,
            tz=self.tz,
            # every firing comes to the window, which shows it as a notification or in the window alone
            settings_loader=lambda: replace(load_settings(vault), reminders_notify=True),
            on_recap=lambda now: self._on_recap(vault, now),
        )
        self.scheduler = scheduler
        scheduler.start()  # the missed ones first, once
        if self._closed:  # the window closed while it started
            scheduler.shutdown()

    def _rebuild(self) -> None:
        if self.scheduler is not None and not self._closed:
            self.scheduler.changed()
            self.scheduler.tick()  # a reminder snoozed into the past, or added for now, fires at once

    def _changed(self, _changes: OpChanges) -> None:
        if self.scheduler is not None and not self._closed:
            self.session.db.submit(self._rebuild)

    # -- the scheduler's thread ---------------------------------------------------------------------
    def _on_due(self, firing: Firing) -> None:
        if self._closed or self.scheduler is None:
            raise RuntimeError("the window is closing")
        vault = self.scheduler.vault
        pending = _Pending(
            firing,
            reminders.describe_reminder_source(vault, firing.reminder),
            load_settings(vault).reminders_notify,
            vault.now(),
        )
        with self._lock:
            self._waiting.append(pending)
        self._due.emit(pending)
        pending.shown.wait(SHOW_TIMEOUT_S)
        with self._lock:
            if pending in self._waiting:
                self._waiting.remove(pending)
        if not pending.ok:
            raise RuntimeError("the reminder was not shown")  # stays claimed: missed at the next start

    def _on_recap(self, vault: Any, now: float) -> None:
        """The recap's time came (it is on): a notification only when that was asked for too."""
        if not self._closed and load_settings(vault).recap_notify:
            self.recap.emit(now)

    # -- GUI thread ------------------------------------------------------------------------------------
    def _show(self, pending: _Pending) -> None:
        if not self._closed:
            notice = notice_for(pending.firing, pending.source, pending.now, self.tz)
            self.notifier.show(notice, notify=pending.notify)
            pending.ok = True
            self.fired.emit(notice)
        pending.shown.set()

    def snooze(self, reminder_id: int) -> None:
        vault = self.session.vault
        if vault is not None:
            self.session.run_op(
                lambda: reminders.snooze(vault, reminder_id, SNOOZE_SECONDS, vault.now()),
                changes=REMINDERS,
                on_done=lambda r: self.notifier.status(f"Snoozed for an hour: {r.text}"),
                on_error=self.notifier.status,
            )

    def done(self, reminder_id: int) -> None:
        vault = self.session.vault
        if vault is not None:
            self.session.run_op(
                lambda: reminders.mark_done(vault, reminder_id, vault.now()),
                changes=REMINDERS,
                on_done=lambda r: self.notifier.status(f"Done: {r.text}"),
                on_error=self.notifier.status,
            )

    def stop(self) -> None:
        """At close: nothing more is shown; a firing waiting to be shown stays claimed (missed next time)."""
        self._closed = True
        with self._lock:
            waiting, self._waiting = self._waiting, []
        for pending in waiting:
            pending.shown.set()
        if self.scheduler is not None:
            self.scheduler.shutdown()
            self.scheduler = None
