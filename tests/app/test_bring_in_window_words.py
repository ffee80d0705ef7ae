"""The bring-in dialog's words and layout, on made-up previews and reports (no pipeline runs): the
list shows a reason without a copy of its file's name, an export is counted in notes, the report's
few lines sit together at the top, and the offer at start keeps Forget it apart."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtWidgets import QPlainTextEdit

from reverie.app.ui.transfer import bring_api
from reverie.app.ui.transfer.bring_dialog import BringDialog
from reverie.app.ui.transfer.bring_resume import ResumeOffer


def _preview(kind: str, label: str, units: int, new=(), skipped=()):
    source = SimpleNamespace(kind=kind, label=label, units=tuple(range(units)))
    counts = {"new": len(new), "changed": 0, "unchanged": 0, "skipped": len(skipped)}
    return SimpleNamespace(
        source=source,
        new=tuple(new),
        changed=(),
        unchanged=(),
        skipped=tuple(skipped),
        counts=counts,
        changes_anything=bool(new),
    )


def _dialog(qtbot, path="/tmp/x"):
    dialog = BringDialog(path, SimpleNamespace(vault=None), SimpleNamespace())
    qtbot.addWidget(dialog)
    return dialog


def test_an_export_is_counted_in_notes_and_a_folder_in_files():
    graph = _preview("logseq", "Logseq graph", 1, new=["a", "b", "c", "d"])
    assert bring_api.describe(graph.source) == "Logseq graph"  # before the preview has read it
    assert bring_api.describe(graph.source, graph) == "Logseq graph, 4 notes"
    enex = _preview("enex", "Evernote export", 1, new=["r"])
    assert bring_api.describe(enex.source, enex) == "Evernote export, 1 note"
    docs = _preview("folder", "Folder of documents", 19, new=["a"])
    assert bring_api.describe(docs.source, docs) == "Folder of documents, 19 files"


def test_the_list_shows_a_reason_without_a_copy_of_its_file_name(qtbot):
    why = "mystery.html is not UTF-8 text and declares no encoding; it would be left out."
    assert (
        bring_api.row_reason("mystery.html", why) == "is not UTF-8 text and declares no encoding; it would be left out."
    )
    assert bring_api.row_reason("Broken/cut.docx", "Broken/cut.docx is damaged.") == "is damaged."
    assert bring_api.row_reason("a/b.pdf", "b.pdf is encrypted.") == "is encrypted."
    assert bring_api.row_reason("a.md", "Reading needs pypdf.") == "Reading needs pypdf."  # names no file: as it is
    dialog = _dialog(qtbot)
    dialog.show()
    preview = _preview("folder", "Folder of documents", 2, new=["todo.txt"], skipped=[("mystery.html", why)])
    dialog._previewed(dialog._generation, preview)
    skipped = dialog.files.topLevelItem(1).child(0)
    assert (skipped.text(0), skipped.text(1)) == ("mystery.html", bring_api.row_reason("mystery.html", why))
    assert dialog.files.currentItem() is skipped and dialog.row.text() == why  # the whole sentence below
    assert skipped.toolTip(1) == why


def _report(problems=(), skipped=()):
    return SimpleNamespace(
        added=2,
        updated=0,
        unchanged=0,
        attachments=1,
        stopped=False,
        problems=list(problems),
        skipped=list(skipped),
        passages=0,
    )


def test_a_report_without_a_list_keeps_its_lines_together_and_the_dialog_short(qtbot):
    dialog = _dialog(qtbot, "/tmp/nu/data/Exports/Recipes.enex")
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.resize(420, dialog.height())  # narrow: the sentence below takes three lines or more
    qtbot.waitUntil(lambda: dialog.width() == 420)
    tall = dialog.height()
    dialog.job = SimpleNamespace(mine=False)
    dialog._brought(_report())
    qtbot.waitUntil(lambda: dialog.height() < tall)
    assert dialog.where.y() - dialog.what.geometry().bottom() < 24  # the title, the path and the sentence
    assert dialog.message.y() - dialog.where.geometry().bottom() < 24  # sit together at the top
    assert dialog.buttons.y() - dialog.message.geometry().bottom() < 60
    dialog._embedding = True
    dialog._embedding_idle(0)  # the sentence grows by one; the dialog grows with it, nothing is cut
    assert dialog.message.text().endswith("search finds them by meaning.")
    assert dialog.height() >= dialog.layout().totalHeightForWidth(dialog.width())  # no line cut


def test_the_left_out_box_wraps_its_lines(qtbot):
    dialog = _dialog(qtbot)
    dialog.job = SimpleNamespace(mine=False)
    long = "05-04-2023_1.md: " + "a reason that goes on " * 20
    dialog._brought(_report(problems=[long], skipped=[("05-04-2023_1.md", long)]))
    assert dialog.left_out.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth
    assert dialog.left_out.toPlainText() == long  # copied whole


def test_the_offer_at_start_puts_forget_it_last_and_apart(qtbot):
    job = SimpleNamespace(path="/tmp/nu/data/Many", done=1216, total=2000, mine=False)
    offer = ResumeOffer(job, SimpleNamespace(vault=None), SimpleNamespace())
    qtbot.addWidget(offer)
    offer.show()
    qtbot.waitExposed(offer)
    c, later, forget = offer.continue_button, offer.later_button, offer.forget_button
    assert c.isDefault()
    assert c.x() < later.x() < forget.x()  # Continue · Not now · Forget it
    assert forget.x() - later.geometry().right() > later.x() - c.geometry().right() + 8  # set apart
