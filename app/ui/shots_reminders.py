"""Screenshot scenes of reminders, the morning recap and the review of fading memories: the "Remind
me" chip under a Chat message, the Reminders page (upcoming, missed, done), Home with the recap and
the fading card, the review dialog, and Insights with the review history.

The sample vault gets, once per window and on the database lane, what these screens show: a few
reminders (one missed while Reverie was closed, already shown), memories that are fading, two weeks
of reviews, a consolidation run from last night, and a note from this day a year ago."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from reverie.app.ui.changes import IMPORTED, SETTINGS
from reverie.app.ui.remindchip import message_source
from reverie.core import conversations, ingest, notes, reminders, review
from reverie.core.retention import DAY
from reverie.core.settings import load_settings, save_settings
from reverie.core.vault import Vault

if TYPE_CHECKING:
    from reverie.app.ui.screenplay import Stage
    from reverie.app.ui.shotdata import Shooter  # the protocol (shots imports this module)

CHIP_MESSAGE = "Remind me to pick up my prescription Monday before 6pm"
# (days ago, choice): two weeks of reviews, a few a day
HISTORY = ((1, "keep"), (1, "keep"), (1, "fade"), (2, "keep"), (2, "pin"), (4, "correct"), (4, "keep"),
           (4, "keep"), (6, "fade"), (9, "keep"), (9, "keep"))  # fmt: skip


def _at(now: float, days: int, hour: int, minute: int = 0) -> float:
    local = datetime.fromtimestamp(now) + timedelta(days=days)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0).timestamp()


def seed(vault: Vault, note_id: str | None) -> dict[str, str]:
    """What the scenes show (database lane); returns the ids they open."""
    now = vault.now()
    ids: dict[str, str] = {}
    conv = conversations.create_conversation(vault, "Errands")
    conversations.add_message(vault, conv.id, "user", CHIP_MESSAGE)
    conversations.add_message(vault, conv.id, "assistant", "Noted: the prescription, Monday before 18:00.")
    ids["chip"] = conv.id
    today = _at(now, 0, 17) if _at(now, 0, 17) > now + 600 else now + 2 * 3600
    src = ("note", note_id) if note_id else ("user", None)
    reminders.add_reminder(vault, "Pick up the prescription", today, now, source_kind=src[0], source_id=src[1])
    reminders.add_reminder(vault, "Call Lena about Saturday's dinner", _at(now, 2, 19), now)
    reminders.add_reminder(vault, "Renew the passport before the Lisbon trip", _at(now, 21, 9), now)
    missed_at = _at(now, -1, 18)
    reminders.add_reminder(vault, "Water Marta's plants", missed_at, missed_at - 3600)
    for firing in reminders.claim_due(vault, now, missed=True):  # fell due while Reverie was closed, shown
        reminders.acknowledge(vault, firing.id, now)
    done = reminders.add_reminder(vault, "Book the dentist", now + 3600, now - 86400)
    reminders.mark_done(vault, done.id, now - 3 * 3600)
    # memories that fade: recorded weeks ago, weakly held
    rows = vault.query(
        "SELECT id FROM memories WHERE kind IN ('note', 'chat') AND pinned = 0 AND archived = 0 "
        "AND trust != 'assistant' ORDER BY id LIMIT 18"
    )
    with vault.tx() as conn:
        for i, (mid,) in enumerate(rows):
            conn.execute(
                "UPDATE memories SET recorded_at = ?, last_recalled_at = NULL, strength = 10, importance = 0.2 "
                "WHERE id = ?",
                (now - (18 + i) * DAY, mid),
            )
    for (back, choice), (mid,) in zip(HISTORY, rows[: len(HISTORY)], strict=False):
        text = None
        if choice == "correct":
            (old,) = vault.query("SELECT text FROM memories WHERE id = ?", (mid,))[0]
            text = old
        review.review(vault, mid, choice, now - back * DAY - 3 * 3600, text=text)
    # last night's consolidation, and what it learned
    with vault.tx() as conn:
        start = _at(now, 0, 3) if _at(now, 0, 3) < now else now - 5 * 3600
        run = conn.execute(
            "INSERT INTO job_runs(job, scheduled_for, started_at, finished_at, status, counts) "
            "VALUES ('consolidation', ?, ?, ?, 'ok', ?)",
            (start, start, start + 40, json.dumps({"facts": 2})),
        ).lastrowid
        for text in ("Lena's dinner is on Saturday at 8pm.", "The prescription is ready at the pharmacy on Elm St."):
            ingest.insert_memory(
                conn, start + 40, kind="fact", source_kind="consolidation", source_id=f"run:{run}", text=text,
                actor="consolidation",
            )  # fmt: skip
    year_ago = datetime.fromtimestamp(now).replace(year=datetime.fromtimestamp(now).year - 1, hour=11).timestamp()
    notes.create_note(
        vault, "First frost on the allotment; the tulip bulbs went in.", "Allotment", happened_at=year_ago
    )
    return ids


def _seeded(stage: Stage) -> None:
    if stage.ids.get("reminders-seeded"):
        return
    session = stage.window.session
    done: dict[str, str] = {}
    session.run_op(seed, session.vault, stage.ids.get("note"), changes=IMPORTED | SETTINGS, on_done=done.update)
    stage.settle()
    stage.settle()
    stage.ids.update(done)
    stage.ids["reminders-seeded"] = "yes"


def _recap(stage: Stage, on: bool) -> None:
    session = stage.window.session

    def switch(vault: Vault) -> None:
        save_settings(vault, dataclasses.replace(load_settings(vault), recap_enabled=on, review_enabled=True))

    session.run_op(switch, session.vault, changes=SETTINGS)
    stage.settle()
    stage.settle()


def chip_scene(sh: Shooter, stage: Stage) -> None:
    _seeded(stage)
    chat = stage.page("chat")
    cid = stage.ids["chip"]
    chat.load(cid)
    stage.settle()
    chat.remind_chip.offer(CHIP_MESSAGE, "message", message_source(cid))
    stage.settle()
    stage.settle()
    sh.snap(stage.window, "remind-chip")
    dialog = chat.remind_chip.edit_dialog()
    if dialog is not None:
        dialog.show()
        sh.pump(0.2)
        sh.snap(dialog, "remind-edit-time")
        dialog.reject()
        dialog.deleteLater()
    chat.remind_chip.clear()


def reminders_scene(sh: Shooter, stage: Stage) -> None:
    _seeded(stage)
    page = stage.page("reminders")
    page.refresh()
    stage.settle()
    for index, name in enumerate(("reminders-upcoming", "reminders-missed", "reminders-done")):
        page.tabs.setCurrentIndex(index)
        stage.settle()
        sh.snap(stage.window, name)
    page.tabs.setCurrentIndex(0)


def home_scene(sh: Shooter, stage: Stage) -> None:
    _seeded(stage)
    _recap(stage, True)
    stage.page("home")
    stage.settle()
    sh.snap(stage.window, "home-companion")
    if "review-dialog" in sh.screens:
        cards = stage.window.home.companion
        cards.open_review()
        dialog: Any = cards.dialog
        if dialog is not None:
            stage.settle()
            sh.snap(dialog, "review-dialog")
            dialog.reject()
            dialog.deleteLater()
            cards.dialog = None
    _recap(stage, False)  # the other screens show Home as it is by default


def insights_scene(sh: Shooter, stage: Stage) -> None:
    _seeded(stage)
    stage.page("insights")
    stage.settle()
    stage.settle()
    sh.snap(stage.window, "insights-review")
