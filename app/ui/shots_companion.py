"""Screenshot scenes of the companion: the tray's menu, the quick-capture box (empty, and with an
answer of the window's chat model) and a reminder that fired (the banner in the window)."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QPoint

from reverie.app.ui.notify import Notice
from reverie.app.ui.tray import tray_menu

Stage = Any  # screenplay.Stage (not imported: shots imports this module)
Shooter = Any  # shots.Shooter

QUESTION = "? where do the tulip bulbs go"


def _companion(stage: Stage) -> Any:
    return stage.window.features["companion"]


def tray_scene(sh: Shooter, stage: Stage) -> None:
    menu = tray_menu(_companion(stage))
    menu.popup(QPoint(40, 40))
    sh.pump(0.2)
    sh.snap(menu, "tray-menu")
    menu.close()
    menu.deleteLater()


def capture_scene(sh: Shooter, stage: Stage) -> None:
    box = _companion(stage).box
    box.edit.clear()
    for w in (box.question, box.answer, box.sources, box.status):
        w.hide()
    box.open_box()
    sh.pump(0.2)
    sh.snap(box, "capture-empty")
    if "capture-answer" not in sh.screens:
        box.hide()
        return
    if not stage.ids.get("capture-asked"):
        box.edit.setPlainText(QUESTION)
        box.submit()
        end = time.monotonic() + 300
        while (box.flow.running or stage.window.session.model.pending) and time.monotonic() < end:
            sh.pump(0.1)
        stage.ids["capture-asked"] = "yes"
    for w in (box.question, box.answer):
        w.show()
    box.sources.setVisible(bool(box.sources.text()))
    box.adjustSize()
    sh.pump(0.2)
    sh.snap(box, "capture-answer")
    box.hide()


def reminder_scene(sh: Shooter, stage: Stage) -> None:
    stage.page("home")
    companion = _companion(stage)
    notice = Notice(0, 0, "Reminder", "Call Anna about the concert tickets", "Note “Trip to Lisbon”")
    companion.banner.add(notice)
    stage.settle()
    sh.snap(stage.window, "reminder-fired")
    missed = Notice(0, 0, "Missed reminder · Mon 7 Dec at 17:00", "Water the tomatoes", "You", missed=True)
    companion.banner.notices.clear()
    companion.banner.add(missed)
    stage.settle()
    sh.snap(stage.window, "reminder-fired-missed")
    companion.banner.notices.clear()
    companion.banner.add(notice)
    companion.banner.drop(0)
    stage.settle()
