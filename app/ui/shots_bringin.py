"""Screenshot scenes of File → Bring in…: the chooser (a folder or a file, and what can come in), the
preview of a small Documents folder (new notes and a file left out with its reason), the job in
progress, its report, and the offer at start to continue a bring-in that stopped.

Each size and theme brings in a folder of its own (new files each time), so every report is a
real one; the job in progress is held on its lane while it is shown."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reverie.app.ui.transfer.bring_dialog import BringChooser
from reverie.app.ui.transfer.bring_resume import ResumeOffer

Stage = Any  # screenplay.Stage (not imported: shots imports this module)
Shooter = Any  # shots.Shooter

FILES = (
    ("Journal/2026-11-02.md", "# Long run\n\n14 km along the river, knee fine. #running\n"),
    ("Journal/2026-11-03.md", "# Dentist\n\nBooked for Dec 3 at 14:30. See [[Health]].\n"),
    ("Health.md", "# Health\n\n- dentist every 6 months\n- physio on Thursdays\n"),
    ("Recipes/Pesto.html", "<html><head><title>Walnut-free pesto</title></head><body><h1>Pesto</h1>"
     "<p>Basil, pine nuts, parmesan, olive oil.</p></body></html>"),
    ("Letters/To Marta.txt", "Dear Marta,\n\nThank you for watering the plants while we were away.\n"),
)  # fmt: skip


@dataclass(frozen=True)
class _Stopped:
    """What ``pending_jobs`` gives for a bring-in that stopped (for the offer's screenshot)."""

    path: str
    mine: bool
    done: int
    total: int
    started_at: float


def _folder(sh: Shooter) -> Path:
    w, h = sh.size
    folder = sh.tmp / f"bring-{w}x{h}-{getattr(sh, 'theme', 'light')}" / "Documents"
    if not folder.exists():
        for rel, text in FILES:
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text, encoding="utf-8")
        (folder / "Scans").mkdir()
        (folder / "Scans" / "receipt.pdf").write_bytes(b"%PDF-1.4\n% cut short while downloading\n")
    return folder


def _until(sh: Shooter, done: Any, seconds: float = 60) -> None:
    """Pump events until ``done()`` (the preview and the job run on the bring-in lane, which
    ``stage.settle`` does not wait for)."""
    for _ in range(int(seconds / 0.05)):
        if done():
            return
        sh.pump(0.05)


def chooser_scene(sh: Shooter, stage: Stage) -> None:
    chooser = BringChooser(stage.window)
    chooser.show()
    sh.pump(0.2)
    sh.snap(chooser, "bring-chooser")
    chooser.reject()
    chooser.deleteLater()


def bring_scene(sh: Shooter, stage: Stage) -> None:
    """The preview, the job held at 3,200 of 10,000 files, then its report."""
    transfer = stage.window.features["transfer"]
    dialog = transfer.bring_dialog(_folder(sh))
    dialog.show()
    _until(sh, lambda: dialog.preview is not None)  # the preview, on the bring-in lane
    sh.snap(dialog, "bring-preview")
    gate = threading.Event()  # the bring-in lane holds the job while the dialog shows it running
    transfer.runner.lane.submit(gate.wait)
    try:
        dialog.start()
        if dialog.job is not None:
            dialog.job.progressed.emit("reading files", 3200, 10000)
        sh.pump(0.2)
        sh.snap(dialog, "bring-progress")
    finally:
        gate.set()
    _until(sh, lambda: dialog.report is not None)  # the few files of the folder come in
    stage.settle()
    sh.snap(dialog, "bring-report")
    dialog.reject()
    dialog.deleteLater()


def resume_scene(sh: Shooter, stage: Stage) -> None:
    transfer = stage.window.features["transfer"]
    stopped = _Stopped(str(Path.home() / "Documents"), False, 3200, 10000, sh.now - 3600)
    offer = ResumeOffer(stopped, stage.window.session, transfer.runner, stage.window)
    offer.show()
    sh.pump(0.2)
    sh.snap(offer, "bring-resume")
    offer.close()
    offer.deleteLater()
