"""Notes as Obsidian users write them: [[wikilinks]], callouts and quotes in the preview, the notes
linking here, and properties edited above the text."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument, QTextFrameFormat
from uifakes import open_window

from reverie.app.ui.notes.markdown import callout_color, render
from reverie.app.ui.theme import palette
from reverie.core import notes

BODY = """Order bulbs, see [[tulips]] and [[Roses|the rose note]] and [[Tulips#Colours]].
Not written yet: [[Peonies]]. A picture: ![[garden.png]] and `[[in code]]`.

> A quote from grandma.

> [!warning] Frost
> Cover the beds before **November**.
"""


def _anchors(doc: QTextDocument) -> list[tuple[str, str, QTextCharFormat]]:
    out = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            if frag.charFormat().isAnchor():
                out.append((frag.text(), frag.charFormat().anchorHref(), frag.charFormat()))
            it += 1
        block = block.next()
    return out


def _tables(doc: QTextDocument):
    frames, todo = [], [doc.rootFrame()]
    while todo:
        frame = todo.pop()
        todo += frame.childFrames()
        if frame is not doc.rootFrame():
            frames.append(frame)
    return frames


def test_wikilinks_render_as_links_and_unresolved_ones_look_different_in_both_themes():
    index = {"tulips": "t1", "roses": "r1"}
    for theme in ("light", "dark"):
        pal = palette(theme)
        doc = QTextDocument()
        targets = render(doc, BODY, lambda link: index.get(link.target.casefold()), pal)
        text = doc.toPlainText()
        assert "[[in code]]" in text  # code stays code
        assert "[[" not in text.replace("[[in code]]", "")
        anchors = {shown: (href, fmt) for shown, href, fmt in _anchors(doc)}
        assert set(anchors) >= {"tulips", "the rose note", "Tulips › Colours", "Peonies", "garden.png"}
        link = pal.color(pal.ColorRole.Link)
        assert anchors["tulips"][1].foreground().color() == link
        missing = anchors["Peonies"][1]
        assert missing.foreground().color() != link
        assert missing.underlineStyle() == QTextCharFormat.UnderlineStyle.DotLine
        assert "create" in missing.toolTip()
        by_shown = {t.link.shown: t for t in targets}
        assert by_shown["the rose note"].note_id == "r1" and by_shown["Peonies"].note_id is None
        assert by_shown["Tulips › Colours"].link.heading == "Colours"
        assert by_shown["garden.png"].link.embed


def test_quotes_and_callouts_get_a_coloured_bar_and_callouts_their_title():
    pal = palette("dark")
    doc = QTextDocument()
    render(doc, BODY, lambda link: None, pal)
    tables = _tables(doc)
    assert len(tables) == 2
    bars = []
    for table in tables:
        cell = table.cellAt(0, 0).format().toTableCellFormat()
        assert cell.leftBorder() >= 3 and cell.leftBorderStyle() == QTextFrameFormat.BorderStyle.BorderStyle_Solid
        bars.append(cell.leftBorderBrush().color())
    quote, callout = sorted(tables, key=lambda t: t.firstPosition())
    assert bars[tables.index(callout)] == QColor(callout_color("warning"))
    first = QTextCursor(doc)
    first.setPosition(callout.firstPosition())
    assert first.block().text() == "Frost"
    assert first.block().charFormat().fontWeight() >= 700 or first.charFormat().fontWeight() >= 700
    assert "> " not in doc.toPlainText() and "[!warning]" not in doc.toPlainText()
    assert callout_color("caution") == callout_color("warning") != callout_color("tip")


def test_clicking_links_opens_notes_offers_to_create_missing_ones_and_backlinks_list_linkers(qtbot, paths, vault):
    tulips = notes.create_note(vault, "# Tulips\n\nPlant in October.\n\n## Colours\n\nRed and yellow.", title="Tulips")
    plan = notes.create_note(vault, BODY, title="Garden plan")
    notes.create_note(vault, "No links here.", title="Unrelated")
    window = open_window(qtbot, paths, vault)
    page = window.show_page("notes")
    page.open_note(plan.id)
    qtbot.waitUntil(lambda: page.editor.note is not None and page.editor.note.id == plan.id, timeout=10_000)
    qtbot.waitUntil(lambda: "tulips" in page.editor.link_index, timeout=10_000)
    page.editor.tabs.setCurrentIndex(1)
    targets = {t.link.shown: i for i, t in enumerate(page.editor.links)}
    page.editor.preview.anchorClicked.emit(QUrl(f"reverie-link:{targets['Tulips › Colours']}"))
    qtbot.waitUntil(lambda: page.editor.note is not None and page.editor.note.id == tulips.id, timeout=10_000)
    assert page.editor.tabs.currentIndex() == 1  # still reading
    qtbot.waitUntil(lambda: page.editor.backlinks.titles() == ["Garden plan"], timeout=10_000)
    assert page.editor.backlinks.isVisibleTo(page)
    page.editor.backlinks.list.itemClicked.emit(page.editor.backlinks.list.item(0))
    qtbot.waitUntil(lambda: page.editor.note is not None and page.editor.note.id == plan.id, timeout=10_000)
    qtbot.waitUntil(lambda: page.editor.backlinks.titles() == [], timeout=10_000)
    page.editor.tabs.setCurrentIndex(1)
    targets = {t.link.shown: i for i, t in enumerate(page.editor.links)}
    page.editor.preview.anchorClicked.emit(QUrl(f"reverie-link:{targets['Peonies']}"))
    assert page.editor.note is None and page.editor.title.text() == "Peonies"
    assert page.editor.tabs.currentIndex() == 0
    assert len(notes.list_notes(vault)) == 3  # offered, not written until the user writes
    qtbot.keyClicks(page.editor.body, "Pink ones.")
    qtbot.waitUntil(lambda: any(n.title == "Peonies" for n in notes.list_notes(vault)), timeout=10_000)


def test_properties_are_shown_edited_and_a_bad_one_loses_nothing(qtbot, paths, vault):
    note = notes.create_note(
        vault,
        "Technology as the seventh kingdom.",
        title="What Technology Wants",
        properties={"author": "Kevin Kelly", "categories": ["Books", "Tech, history"]},
    )
    window = open_window(qtbot, paths, vault)
    page = window.show_page("notes")
    page.open_note(note.id)
    qtbot.waitUntil(lambda: page.editor.note is not None, timeout=10_000)
    table = page.editor.properties.table
    assert [(table.item(r, 0).text(), table.item(r, 1).text()) for r in range(table.rowCount())] == [
        ("author", "Kevin Kelly"),
        ("categories", "Books, Tech, history"),
    ]
    assert "2" in page.editor.properties.toggle.text()
    table.item(0, 1).setText("K. Kelly")  # what editing a cell does
    qtbot.waitUntil(lambda: notes.get_note(vault, note.id).properties.get("author") == "K. Kelly", timeout=10_000)
    # the untouched list kept its items (the comma inside one included)
    assert notes.get_note(vault, note.id).properties["categories"] == ["Books", "Tech, history"]
    page.editor.properties.add_button.click()
    row = table.rowCount() - 1
    table.item(row, 0).setText("tags")  # the note's own field: not a property
    table.item(row, 1).setText("[a, b]")
    page.editor.body.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(page.editor.body, " More.")
    qtbot.waitUntil(lambda: notes.get_note(vault, note.id).body.endswith("More."), timeout=10_000)
    error = page.editor.properties.error
    assert error.isVisibleTo(page) and "tags" in error.text() and error.text().count(".") <= 2
    assert table.item(row, 0).text() == "tags" and table.item(row, 1).text() == "[a, b]"  # kept as typed
    assert "tags" not in notes.get_note(vault, note.id).properties
    table.item(row, 0).setText("topics")
    qtbot.waitUntil(lambda: notes.get_note(vault, note.id).properties.get("topics") == ["a", "b"], timeout=10_000)
    assert not error.isVisibleTo(page)


def test_a_note_of_many_quotes_styles_the_first_ones_and_keeps_every_word():
    from reverie.app.ui.notes.markdown import MAX_STYLED_QUOTES

    text = "".join(
        f"Paragraph {i} links [[Note {i}]].\n\n> [!note] Callout {i}\n> Inside {i}.\n\n"
        for i in range(3 * MAX_STYLED_QUOTES)
    )
    doc = QTextDocument()
    render(doc, text, lambda link: None, palette("light"))
    assert len(_tables(doc)) == MAX_STYLED_QUOTES  # each bar is a table, and tables get slow in bulk
    plain = doc.toPlainText()
    last = 3 * MAX_STYLED_QUOTES - 1
    assert f"Paragraph {last} links Note {last}." in plain and f"Inside {last}." in plain
