"""Screenshot scenes of brought-in notes in the Notes screen: a PDF opened at a cited passage (its file
under the title, the page beside the passage), an Evernote note in the Preview with the photo its text
shows and its attachments, and a Day One entry.

The sample vault gets, once per window and on the database lane, the notes these screens show, with
the meta the bring-in pipeline writes (``core.bring.write``) and their files in the run's temporary
folder, so "Open file" and "Show in folder" are offered as they would be."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter

from reverie.app.ui.changes import IMPORTED
from reverie.core import attachments, notes
from reverie.core.vault import Vault

if TYPE_CHECKING:
    from reverie.app.ui.screenplay import Stage
    from reverie.app.ui.shotdata import Shooter  # the protocol (shots imports this module)

PDF_PAGES = (
    "Harbour redevelopment: progress report\n\nThe council approved the second phase in March. The quay wall "
    "along the east basin is finished, and the old grain silo is being turned into flats.",
    "Budget\n\nThe second phase costs 41 million euros, of which the port authority pays 60 percent. The rest "
    "comes from the city and a European fund for coastal towns.",
    "Timeline\n\nThe new ferry terminal opens in spring 2027. The cycle bridge over the inner harbour is "
    "planned for the summer after, once the dredging is done.",
)
EVERNOTE_BODY = (
    "# Lisbon, hotel and trains\n\nThe hotel is on Rua das Flores, five minutes from Cais do Sodré. "
    "Check-in from 15:00; the booking is attached.\n\n- Train to Sintra from Rossio, every 20 minutes\n"
    "- Tram 28 early, before the queues\n\n![](view-from-the-room.png)"
)
DAYONE_BODY = (
    "A slow Sunday. Walked along the river to the old mill with Marta; the water was high after the rain "
    "and the herons were back on the island.\n\nDinner at the little Georgian place: khachapuri again."
)


def _picture(w: int, h: int, top: str, bottom: str, fmt: str = "PNG") -> bytes:
    """A small picture (a sky over water), made without a file: a QImage may be drawn on any thread."""
    image = QImage(w, h, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    sky = QLinearGradient(QPointF(0, 0), QPointF(0, h))
    sky.setColorAt(0, QColor(top))
    sky.setColorAt(1, QColor(bottom))
    painter.fillRect(image.rect(), sky)
    painter.fillRect(0, h * 2 // 3, w, h // 3, QColor("#2f5d7c"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#f4d58d"))
    painter.drawEllipse(w * 2 // 3, h // 5, h // 4, h // 4)
    painter.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, fmt)
    return bytes(data.data())


def seed(vault: Vault, tmp: str) -> dict[str, str]:
    """The notes the scenes open, and their files (database lane); returns their ids."""
    root = Path(tmp) / "Documents"
    work = root / "Work"
    work.mkdir(parents=True, exist_ok=True)
    pdf = work / "Harbour report 2026.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% a stand-in for the report the note was read from\n")
    body, pages, start = "", [], 0
    for n, text in enumerate(PDF_PAGES, 1):
        if body:
            body += "\n\n"
            start = len(body)
        body += text
        pages.append([n, start, len(body)])
    now = vault.now()
    ids: dict[str, str] = {}
    note = notes.create_note(
        vault,
        body,
        "Harbour redevelopment: progress report",
        origin=f"file:{pdf}",
        happened_at=now - 9 * 86400,
        meta={
            "source": "pdf",
            "path": pdf.name,
            "source_file": str(pdf),
            "pages": pages,
            "bring": {"kind": "folder", "label": "Documents folder"},
        },
    )
    ids["bring-pdf"] = note.id
    ids["bring-pdf-span"] = f"{pages[2][1]},{pages[2][1] + len('Timeline')}"
    export = root / "Evernote" / "Travel.enex"
    export.parent.mkdir(parents=True, exist_ok=True)
    export.write_text("<en-export/>\n", encoding="utf-8")
    ever = notes.create_note(
        vault,
        EVERNOTE_BODY,
        "Lisbon, hotel and trains",
        tags=["travel"],
        origin=f"enex:{export}#lisbon-hotel",
        happened_at=now - 40 * 86400,
        meta={"source": "enex", "export": str(export), "entry": "lisbon-hotel", "folder": "Travel"},
    )
    with vault.tx() as conn:
        photo = _picture(480, 320, "#f7b267", "#9ec5e8")
        attachments.store(conn, now, ever.id, "view-from-the-room.png", "image/png", photo)
        booking = b"%PDF-1.4\n" + b"0" * 48_000
        attachments.store(conn, now, ever.id, "Hotel booking — Rua das Flores.pdf", "application/pdf", booking)
        attachments.store(conn, now, ever.id, "train-times.txt", "text/plain", b"Rossio - Sintra 08:11 08:31 08:51\n")
    ids["bring-evernote"] = ever.id
    journal = root / "Day One" / "Journal.json"
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_text("{}", encoding="utf-8")
    day = notes.create_note(
        vault,
        DAYONE_BODY,
        "A slow Sunday",
        origin=f"dayone:{journal}#2F1C0A",
        happened_at=now - 3 * 86400,
        meta={"source": "dayone", "export": str(journal), "entry": "2F1C0A", "folder": "Personal"},
    )
    with vault.tx() as conn:
        mill = _picture(400, 300, "#cfd9df", "#e2ebf0", "JPEG")
        attachments.store(conn, now, day.id, "photos/mill.jpeg", "image/jpeg", mill)
    ids["bring-dayone"] = day.id
    return ids


def _seeded(sh: Shooter, stage: Stage) -> None:
    if stage.ids.get("bring-pdf"):
        return
    session = stage.window.session
    done: dict[str, str] = {}
    session.run_op(seed, session.vault, str(sh.tmp), changes=IMPORTED, on_done=done.update)
    stage.settle()
    stage.settle()
    stage.ids.update(done)


def notes_scene(sh: Shooter, stage: Stage) -> None:
    _seeded(sh, stage)
    page: Any = stage.page("notes")
    start, end = (int(x) for x in stage.ids["bring-pdf-span"].split(","))
    page.open_note(stage.ids["bring-pdf"], start, end)
    stage.settle()
    sh.snap(stage.window, "notes-pdf")
    page.editor.tabs.setCurrentIndex(1)  # the Preview draws the photo the text shows, from the vault
    page.open_note(stage.ids["bring-evernote"])
    stage.settle()
    sh.snap(stage.window, "notes-evernote")
    page.editor.tabs.setCurrentIndex(0)
    page.open_note(stage.ids["bring-dayone"])
    stage.settle()
    sh.snap(stage.window, "notes-dayone")
