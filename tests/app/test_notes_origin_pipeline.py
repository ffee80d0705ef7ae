"""Notes brought in by the real pipeline (core.bring) as the Notes screen shows them: a PDF read by
pypdf with its pages, an Evernote export with its notebook and attachments."""

from __future__ import annotations

from bring_docs_fixtures import enex_file, text_pdf

from reverie.app.ui.notes.loading import load_note
from reverie.core import notes, notesource
from reverie.core.bring.pipeline import bring_in
from reverie.core.bring.plan import plan


def test_a_pdf_brought_in_says_its_file_its_pages_and_the_page_of_each_passage(vault, tmp_path):
    folder = tmp_path / "Documents"
    folder.mkdir()
    pdf = text_pdf(folder)
    bring_in(vault, plan(pdf))
    (note,) = notes.list_notes(vault)
    loaded = load_note(vault, note.id)
    origin = loaded.origin
    assert origin is not None and loaded.present
    assert origin.file == str(pdf.resolve()) and origin.page_count >= 3
    line = notesource.origin_line(origin, present=True, home="/nowhere")
    assert line == f"From lisbon.pdf · {origin.page_count} pages · {pdf.parent.resolve()}"
    for page, start, end in origin.pages:  # each page's text is on that page
        assert origin.page_at(start) == page and origin.page_at(max(start, end - 1)) == page
    pdf.unlink()
    assert not load_note(vault, note.id).present  # the file moved away


def test_an_evernote_export_says_its_notebook_and_lists_its_files(qapp, vault, tmp_path):
    export = enex_file(tmp_path)
    bring_in(vault, plan(export))
    found = [load_note(vault, n.id) for n in notes.list_notes(vault)]
    assert found and all(f.origin is not None and f.origin.kind == "enex" for f in found)
    assert all(f.origin is not None and f.origin.export == str(export.resolve()) for f in found)
    with_files = [f for f in found if f.attachments]
    assert with_files, "the export's notes carry their resources"
    for f in found:
        assert f.origin is not None
        line = notesource.origin_line(f.origin, present=True, home="/nowhere")
        assert line.startswith("From Evernote")
        if f.origin.folder:
            assert line == f"From Evernote · notebook {f.origin.folder}"
