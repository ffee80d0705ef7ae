"""A chat answer that cites a passage of a PDF note: its chip names the file and the page
("[1] report.pdf p. 2"), and a click opens the note at that passage, saying which page it is on."""

from __future__ import annotations

from PySide6.QtCore import Qt
from uifakes import open_window

from reverie.core import notes


def test_a_pdf_passage_is_cited_by_file_and_page_and_opens_at_its_page(qtbot, paths, vault, tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    paras = [
        "The harbour council met in March about the quay wall.",
        "The ferry terminal opens in spring; the passport office moves next to it.",
        "The cycle bridge comes the summer after.",
    ]
    body = "\n\n".join(paras)
    starts = [body.index(p) for p in paras]
    pages = [[1, 0, starts[1]], [2, starts[1], starts[2]], [3, starts[2], len(body)]]
    notes.create_note(
        vault, body, "Harbour report", origin=f"file:{pdf}", meta={"source_file": str(pdf), "pages": pages}
    )
    window = open_window(qtbot, paths, vault)
    chat = window.show_page("chat")
    chat.composer.setPlainText("When does the ferry terminal open and where is the passport office?")
    chat.send()
    qtbot.waitUntil(
        lambda: not chat.flow.running and bool(chat.thread.widgets) and bool(chat.thread.widgets[-1].chips),
        timeout=30_000,
    )
    chips = chat.thread.widgets[-1].chips
    labels = [c.text() for c in chips]
    assert all(" p. " in t and "report.pdf" in t for t in labels), labels
    chip = next(c for c in chips if c.text().endswith("report.pdf p. 2"))
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    page = window.pages["notes"].widget
    qtbot.waitUntil(lambda: page.editor.page_note.isVisibleTo(page), timeout=10_000)
    assert "page 2 of 3" in page.editor.page_note.label.text()
