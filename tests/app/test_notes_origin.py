"""A brought-in note in the Notes screen: where it lives under its title ("Open file", "Show in folder"),
the page of a PDF passage it is opened at ("Open at page 3"), and its attachments (a click opens a
private copy in the system's viewer)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import record_threads
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from uifakes import open_window

from reverie.app.ui.notes.loading import THUMB_PX
from reverie.core import attachments, notes

PAGES = [[1, 0, 40], [2, 40, 80], [3, 80, 120]]


def _pdf_body() -> str:
    return "".join(f"Page {n} text about the harbour project.".ljust(40, ".") for n in (1, 2, 3))


@pytest.fixture
def opened(monkeypatch):
    urls: list[QUrl] = []

    def fake_open(url: QUrl) -> bool:
        urls.append(QUrl(url))
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(fake_open))
    return urls


def _page(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    return window, window.show_page("notes")


def _pdf_note(vault, pdf: Path):
    body = _pdf_body()
    assert len(body) == 120
    return notes.create_note(
        vault,
        body,
        "Harbour report",
        origin=f"file:{pdf}",
        meta={"source_file": str(pdf), "path": pdf.name, "pages": PAGES, "source": {"kind": "pdf", "label": "PDF"}},
    )


def test_a_pdf_note_opened_at_a_passage_says_its_page_and_opens_the_file_there(qtbot, paths, vault, tmp_path, opened):
    pdf = tmp_path / "Work" / "report.pdf"
    pdf.parent.mkdir()
    pdf.write_bytes(b"%PDF-1.4 not really")
    note = _pdf_note(vault, pdf)
    _window, page = _page(qtbot, paths, vault)
    page.open_note(note.id, 85, 110)
    qtbot.waitUntil(lambda: page.editor.highlighted_range() is not None, timeout=10_000)
    ed = page.editor
    assert ed.origin_line.isVisibleTo(page)
    line = ed.origin_line.text()
    assert line.startswith("From report.pdf · 3 pages · ")
    assert line.endswith(str(pdf.parent).replace(str(Path.home()), "~"))
    assert ed.page_note.isVisibleTo(page)
    assert "page 3 of 3" in ed.page_note.label.text()
    assert ed.page_note.open_button.text() == "Open at page 3"
    qtbot.mouseClick(ed.page_note.open_button, Qt.MouseButton.LeftButton)
    assert opened[-1].toLocalFile() == str(pdf)
    assert opened[-1].fragment() == "page=3"
    qtbot.mouseClick(ed.origin_line.open_button, Qt.MouseButton.LeftButton)
    assert opened[-1] == QUrl.fromLocalFile(str(pdf))
    qtbot.mouseClick(ed.origin_line.folder_button, Qt.MouseButton.LeftButton)
    assert opened[-1] == QUrl.fromLocalFile(str(pdf.parent))

    page.open_note(note.id, 5, 20)  # the first page
    qtbot.waitUntil(lambda: "page 1 of 3" in ed.page_note.label.text(), timeout=10_000)
    qtbot.keyClicks(ed.body, "x")  # editing drops the mark, and the page it named
    assert not ed.page_note.isVisibleTo(page)


def test_a_moved_file_is_said_to_be_gone_and_not_offered(qtbot, paths, vault, tmp_path, opened):
    pdf = tmp_path / "Work" / "report.pdf"  # never written: the file was moved away
    note = _pdf_note(vault, pdf)
    _window, page = _page(qtbot, paths, vault)
    page.open_note(note.id)
    qtbot.waitUntil(lambda: page.editor.origin_line.isVisibleTo(page), timeout=10_000)
    ed = page.editor
    assert "no longer in" in ed.origin_line.text()
    assert not ed.origin_line.open_button.isVisibleTo(page)
    assert not ed.origin_line.folder_button.isVisibleTo(page)
    assert opened == []


def test_a_note_written_in_reverie_shows_no_origin_and_no_attachments(qtbot, paths, vault):
    note = notes.create_note(vault, "Plans for the weekend", "Weekend")
    _window, page = _page(qtbot, paths, vault)
    page.open_note(note.id)
    qtbot.waitUntil(lambda: page.editor.note is not None, timeout=10_000)
    assert not page.editor.origin_line.isVisibleTo(page)
    assert not page.editor.page_note.isVisibleTo(page)
    assert not page.editor.attachments.isVisibleTo(page)


def test_an_evernote_note_lists_its_attachments_and_a_click_opens_a_private_copy(qtbot, paths, vault, tmp_path, opened):
    export = tmp_path / "Travel.enex"
    export.write_text("<en-export/>")
    note = notes.create_note(
        vault,
        "The hotel is by the station.",
        "Lisbon hotel",
        origin=f"enex:{export}#abc123",
        meta={"folder": "Travel", "source": {"kind": "enex", "label": "Evernote export"}},
    )
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    img = QImage(64, 32, QImage.Format.Format_RGB32)
    img.fill(QColor("#3a7"))
    raw = QByteArray()
    buf = QBuffer(raw)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    png = bytes(raw.data())
    with vault.tx() as conn:
        attachments.store(conn, vault.now(), note.id, "photo.png", "image/png", png)
        attachments.store(conn, vault.now(), note.id, "booking.pdf", "application/pdf", b"%PDF-1.4 booking")
    _window, page = _page(qtbot, paths, vault)
    page.open_note(note.id)
    ed = page.editor
    qtbot.waitUntil(lambda: ed.attachments.isVisibleTo(page), timeout=10_000)
    assert ed.origin_line.text() == "From Evernote · notebook Travel"
    assert not ed.origin_line.open_button.isVisibleTo(page)  # an entry of an export has no file of its own
    assert ed.origin_line.folder_button.isVisibleTo(page)
    assert ed.attachments.names() == ["booking.pdf", "photo.png"]
    assert ed.attachments.header.text() == "2 attachments"
    photo = ed.attachments.rows[1]
    assert photo.thumb is not None and max(photo.thumb.width(), photo.thumb.height()) == THUMB_PX
    assert ed.attachments.rows[0].thumb is None
    assert "16 bytes" in ed.attachments.list.item(0).text()
    qtbot.mouseClick(ed.attachments.header, Qt.MouseButton.LeftButton)  # folded away, as the backlinks fold
    assert not ed.attachments.list.isVisibleTo(page) and ed.attachments.isVisibleTo(page)
    qtbot.mouseClick(ed.attachments.header, Qt.MouseButton.LeftButton)
    assert ed.attachments.list.isVisibleTo(page)

    item = ed.attachments.list.item(0)
    rect = ed.attachments.list.visualItemRect(item)
    qtbot.mouseClick(ed.attachments.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=10_000)
    copy = Path(opened[0].toLocalFile())
    assert copy.name == "booking.pdf"
    assert copy.read_bytes() == b"%PDF-1.4 booking"
    assert os.stat(copy).st_mode & 0o077 == 0  # private to the user
    folder = page._copies.folder
    assert folder is not None and copy.is_relative_to(folder)
    page._copies.remove()
    assert not folder.exists()


def test_a_watched_folder_note_names_its_file(qtbot, paths, vault, tmp_path, opened):
    root = tmp_path / "Notes"
    (root / "Journal").mkdir(parents=True)
    md = root / "Journal" / "2023-05-04.md"
    md.write_text("A walk by the river.")
    with vault.tx() as conn:
        conn.execute("INSERT INTO watched_folders(path, mine, added_at) VALUES (?, 1, ?)", (str(root), vault.now()))
    note = notes.create_note(
        vault, "A walk by the river.", "2023-05-04", origin=f"file:{md}", meta={"path": "Journal/2023-05-04.md"}
    )
    _window, page = _page(qtbot, paths, vault)
    page.open_note(note.id)
    qtbot.waitUntil(lambda: page.editor.origin_line.isVisibleTo(page), timeout=10_000)
    assert page.editor.origin_line.text() == "From a watched folder: " + str(md).replace(str(Path.home()), "~")
    qtbot.mouseClick(page.editor.origin_line.open_button, Qt.MouseButton.LeftButton)
    assert opened == [QUrl.fromLocalFile(str(md))]


def test_the_origin_and_the_attachments_are_read_and_written_on_the_database_lane(
    qtbot, paths, vault, tmp_path, opened
):
    import threading

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    note = _pdf_note(vault, pdf)
    with vault.tx() as conn:
        attachments.store(conn, vault.now(), note.id, "scan.pdf", "application/pdf", b"%PDF-1.4 scan")
    seen = record_threads(vault)
    try:
        _window, page = _page(qtbot, paths, vault)
        page.open_note(note.id, 90, 100)
        ed = page.editor
        qtbot.waitUntil(lambda: ed.attachments.isVisibleTo(page) and ed.page_note.isVisibleTo(page), timeout=30_000)
        page.open_attachment(ed.attachments.rows[0].id, "scan.pdf")
        qtbot.waitUntil(lambda: len(opened) == 1, timeout=10_000)
        qtbot.waitUntil(lambda: page.session.db.pending == 0, timeout=10_000)
    finally:
        del vault.tx, vault.read
    assert seen and threading.main_thread().name not in seen
    assert Path(opened[0].toLocalFile()).read_bytes() == b"%PDF-1.4 scan"


def _png(w: int, h: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    img = QImage(w, h, QImage.Format.Format_RGB32)
    img.fill(QColor("#3a7"))
    raw = QByteArray()
    buf = QBuffer(raw)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    return bytes(raw.data())


def test_markdown_images_of_attachments_show_in_the_preview_and_embeds_open_the_file(qtbot, paths, vault, opened):
    from PySide6.QtGui import QImage, QTextDocument

    from reverie.app.ui.notes.loading import PREVIEW_IMAGE_PX

    body = "The view:\n\n![](view%20one.png)\n\nAnd a scan: ![[scans/receipt.png]]\n\n![](elsewhere.png)"
    note = notes.create_note(vault, body, "Views", origin="enex:/x/a.enex#v", meta={"folder": "Travel"})
    with vault.tx() as conn:
        attachments.store(conn, vault.now(), note.id, "view one.png", "image/png", _png(1200, 600))
        attachments.store(conn, vault.now(), note.id, "scans/receipt.png", "image/png", _png(20, 30))
    _window, page = _page(qtbot, paths, vault)
    ed = page.editor
    ed.tabs.setCurrentIndex(1)  # Preview
    page.open_note(note.id)
    qtbot.waitUntil(lambda: ed.attachments.isVisibleTo(page), timeout=10_000)
    doc = ed.preview.document()
    image = doc.resource(QTextDocument.ResourceType.ImageResource.value, QUrl("view%20one.png"))
    assert isinstance(image, QImage) and image.width() == PREVIEW_IMAGE_PX  # drawn from the vault, made narrower
    missing = doc.resource(QTextDocument.ResourceType.ImageResource.value, QUrl("elsewhere.png"))
    assert not isinstance(missing, QImage) or missing.isNull()  # not an attachment: nothing is loaded
    shown = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                shown.append(fmt.toImageFormat().name())
            it += 1
        block = block.next()
    assert "view%20one.png" in shown  # an image without words is drawn too (Qt's reader drops it)
    embed = next(t for t in ed.links if t.link.is_file)
    assert embed.note_id is not None and embed.tooltip.startswith("Open “scans/receipt.png”")
    page.follow_link(embed)
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=10_000)
    assert Path(opened[0].toLocalFile()).name == "receipt.png"


def test_in_a_narrow_editor_the_origin_buttons_give_up_their_words_first(qtbot, tmp_path):
    from reverie.app.ui.notes.origin import OriginLine
    from reverie.core import notesource

    pdf = tmp_path / "Work" / "Harbour redevelopment report 2026.pdf"
    line = OriginLine()
    qtbot.addWidget(line)
    line.set_origin(notesource.describe(f"file:{pdf}", {"pages": PAGES}), True)
    line.resize(1400, 30)
    line.show()
    qtbot.waitExposed(line)
    assert line.open_button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    assert line.what.shown() == line.what.text()
    line.resize(480, 30)
    qtbot.waitUntil(lambda: line.open_button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly)
    assert line.folder_button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
    qtbot.waitUntil(lambda: line.what.shown() == "From Harbour redevelopment report 2026.pdf · 3 pages")
    line.resize(200, 30)  # narrower still: the words are cut with "…", never clipped
    qtbot.waitUntil(lambda: line.what.shown().endswith("…"))
    line.resize(1400, 30)  # and the line grows back
    qtbot.waitUntil(lambda: line.open_button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon)


def test_pictures_are_made_once_per_content(qapp, vault, monkeypatch):
    from reverie.app.ui.notes import loading

    note = notes.create_note(vault, "![](p.png)", "Pictures")
    with vault.tx() as conn:
        attachments.store(conn, vault.now(), note.id, "p.png", "image/png", _png(600, 300))
    reads: list[str] = []
    real = attachments.read
    monkeypatch.setattr(attachments, "read", lambda conn, aid: (reads.append(aid), real(conn, aid))[1])
    first = loading.load_note(vault, note.id)
    assert len(reads) == 2 and first.attachments[0].thumb is not None  # its picture, and its Preview image
    assert first.images["p.png"].width() == loading.PREVIEW_IMAGE_PX
    loading.load_note(vault, note.id)
    assert len(reads) == 2  # opened again: nothing read or decoded again
    with vault.tx() as conn:
        attachments.store(conn, vault.now(), note.id, "p.png", "image/png", _png(100, 300))
    again = loading.load_note(vault, note.id)
    assert len(reads) == 4 and again.images["p.png"].width() == 100  # new bytes, new pictures


def test_when_no_program_takes_the_page_the_file_opens_and_when_none_takes_it_the_note_says_so(
    qtbot, paths, vault, tmp_path, monkeypatch
):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    note = _pdf_note(vault, pdf)
    _window, page = _page(qtbot, paths, vault)
    page.open_note(note.id, 45, 50)
    ed = page.editor
    qtbot.waitUntil(lambda: ed.page_note.isVisibleTo(page), timeout=10_000)
    asked: list[QUrl] = []
    takes_plain = [True]

    def fake_open(url: QUrl) -> bool:
        asked.append(QUrl(url))
        return not url.hasFragment() and takes_plain[0]

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(fake_open))
    qtbot.mouseClick(ed.page_note.open_button, Qt.MouseButton.LeftButton)
    assert [u.fragment() for u in asked] == ["page=2", ""]  # then the file at its start
    assert ed.status.text() == ""
    takes_plain[0] = False
    qtbot.mouseClick(ed.page_note.open_button, Qt.MouseButton.LeftButton)
    assert ed.status.text() == "No program opened report.pdf."
