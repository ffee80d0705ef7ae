"""The Search screen on a real vault: results as you type, highlights, filters, bad queries, and
Enter opening the result in context."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from uifakes import open_window

from reverie.app.ui.search.model import HtmlRole
from reverie.core import conversations, notes
from reverie.core.clock import DAY


def _search(qtbot, window, text):
    page = window.show_page("search")
    page.query.setText(text)
    qtbot.waitUntil(lambda: not page._timer.isActive() and page.status.text() != "Searching…", timeout=10_000)
    return page


def test_ctrl_shift_f_focuses_search_and_results_come_as_you_type(qtbot, paths, vault):
    notes.create_note(vault, "# Garden\n\nThe tomatoes need watering every morning.")
    notes.create_note(vault, "Shopping: milk and bread.")
    window = open_window(qtbot, paths, vault)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    page = window.pages["search"].widget
    assert window.stack.currentWidget() is page
    assert page.query.hasFocus()
    qtbot.keyClicks(page.query, "tomat")  # an unfinished word still finds
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    html = page.model.index(0).data(HtmlRole)
    assert "Garden" in html and "<b style" in html and ">tomat" in html
    assert "1 result" in page.status.text()


@pytest.mark.parametrize("query", ['"((', "*", "AND OR NOT", "NEAR(", "'; DROP TABLE notes; --"])
def test_odd_queries_are_words_or_nothing_never_an_error(qtbot, paths, vault, query):
    notes.create_note(vault, "Notes on tables and chairs.")
    window = open_window(qtbot, paths, vault)
    page = _search(qtbot, window, query)
    assert "wrong" not in page.status.text().lower()
    assert page.model.rowCount() in (0, 1)
    assert notes.list_notes(vault)  # still there


def test_a_pasted_wall_of_text_is_cut_to_a_query(qtbot, paths, vault):
    notes.create_note(vault, "alpha beta gamma")
    window = open_window(qtbot, paths, vault)
    page = window.show_page("search")
    page.query.setFocus()
    page.query.insert("alpha " * 1_000_000)  # what a 6 MB paste does
    assert len(page.query.text()) == 500
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)


def test_kind_date_and_archived_filters(qtbot, paths, vault, clock):
    old = notes.create_note(vault, "The lighthouse was painted red.", happened_at=clock.now() - 90 * DAY)
    notes.create_note(vault, "The lighthouse keeper waved.")
    conv = conversations.create_conversation(vault, "Coast")
    conversations.add_message(vault, conv.id, "user", "We saw the lighthouse from the ferry.")
    window = open_window(qtbot, paths, vault)
    page = _search(qtbot, window, "lighthouse")
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)
    page.kind_boxes["chat"].setChecked(True)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    assert page.model.hits[0].memory.kind == "chat"
    page.kind_boxes["chat"].setChecked(False)
    page.kind_boxes["note"].setChecked(True)
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    page.range.setCurrentText("Past month")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    assert "waved" in page.model.hits[0].memory.text
    page.range.setCurrentText("Any time")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    with vault.tx() as conn:
        conn.execute("UPDATE memories SET archived = 1 WHERE source_id = ?", (old.id,))
    page.run_search()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    page.archived.setCurrentIndex(page.archived.findData("only"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.model.hits[0].memory.archived, timeout=10_000)
    assert "painted red" in page.model.hits[0].memory.text
    page.archived.setCurrentIndex(page.archived.findData("include"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)


def test_enter_opens_the_result_in_its_note_or_conversation(qtbot, paths, vault):
    note = notes.create_note(vault, "# Recipes\n\nPancakes need two eggs.\n\nBread needs yeast and patience.")
    conv = conversations.create_conversation(vault, "Chat about bikes")
    msg = conversations.add_message(vault, conv.id, "user", "My bike has a squeaky chain.")
    window = open_window(qtbot, paths, vault)
    page = _search(qtbot, window, "yeast patience")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    page.query.setFocus()
    qtbot.keyClick(page.query, Qt.Key.Key_Return)
    notes_page = window.pages["notes"].widget
    assert window.stack.currentWidget() is notes_page
    qtbot.waitUntil(lambda: notes_page.editor.highlighted_range() is not None, timeout=10_000)
    assert notes_page.editor.note.id == note.id
    s, e = notes_page.editor.highlighted_range()
    assert notes_page.editor.body.toPlainText()[s:e] == "Bread needs yeast and patience."
    page = _search(qtbot, window, "bread eggs pancakes bike")  # any word: both notes' passages and the message
    qtbot.waitUntil(lambda: page.model.rowCount() >= 2, timeout=10_000)
    page.query.setFocus()
    qtbot.keyClick(page.query, Qt.Key.Key_Down)
    assert page.results.currentIndex().row() == 1  # Up/Down in the box move through the results
    qtbot.keyClick(page.query, Qt.Key.Key_Up)
    assert page.results.currentIndex().row() == 0
    page = _search(qtbot, window, "squeaky")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    page.results.setFocus()
    qtbot.keyClick(page.results, Qt.Key.Key_Return)
    chat = window.pages["chat"].widget
    assert window.stack.currentWidget() is chat
    qtbot.waitUntil(
        lambda: (
            chat.cid == conv.id
            and chat.thread.widget_for(msg.id) is not None
            and chat.thread.widget_for(msg.id).property("highlighted") is True
        ),
        timeout=10_000,
    )


def test_a_custom_date_range_keeps_only_what_happened_between(qtbot, paths, vault, clock):
    from datetime import date, timedelta

    from PySide6.QtCore import QDate

    notes.create_note(vault, "The harbour festival had fireworks.", happened_at=clock.now() - 90 * DAY)
    notes.create_note(vault, "The harbour was quiet today.")
    window = open_window(qtbot, paths, vault)
    page = _search(qtbot, window, "harbour")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    page.range.setCurrentText("Between…")
    assert page.since.isVisibleTo(page) and page.until.isVisibleTo(page)
    old_day = date.fromtimestamp(clock.now() - 90 * DAY)
    page.since.setDate(QDate(old_day - timedelta(days=1)))
    page.until.setDate(QDate(old_day + timedelta(days=1)))
    qtbot.waitUntil(
        lambda: page.model.rowCount() == 1 and "fireworks" in page.model.hits[0].memory.text, timeout=10_000
    )


def test_a_time_phrase_with_nothing_in_it_says_the_results_are_from_any_time(qtbot, paths, vault):
    notes.create_note(vault, "Caroline moved here from Sweden.")
    window = open_window(qtbot, paths, vault)
    page = _search(qtbot, window, "Caroline Sweden 4 years ago")
    assert page.model.rowCount() == 1
    assert "from any time: nothing matched “4 years ago”" in page.status.text()


def test_reverie_s_replies_show_only_with_their_box(qtbot, paths, vault):
    conv = conversations.create_conversation(vault, "Bikes")
    conversations.add_message(vault, conv.id, "user", "My bike chain squeaks.")
    reply = conversations.add_message(vault, conv.id, "assistant", "Noted: bike chain squeaks.")
    window = open_window(qtbot, paths, vault)
    page = _search(qtbot, window, "squeaks")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    assert page.model.hits[0].memory.kind == "chat"  # the user's words, not the reply
    page.kind_boxes["reply"].setChecked(True)
    page = _search(qtbot, window, "chain squeaks")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    assert page.model.hits[0].memory.source_id == reply.id and page.model.hits[0].memory.kind == "reply"
    page.kind_boxes["chat"].setChecked(True)
    page = _search(qtbot, window, "chain squeaks")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)


def test_snippets_show_the_text_a_reader_sees_not_its_markdown(qtbot, paths, vault):
    notes.create_note(
        vault, "# Sailing\n\n> [!Example] A **windy** day\n> ![[icon.svg#icon]] We sailed to the *lighthouse* at dawn."
    )
    window = open_window(qtbot, paths, vault)
    page = _search(qtbot, window, "lighthouse")
    assert page.model.rowCount() >= 1
    html = page.model.index(0).data(HtmlRole)
    body = html.split("</div>", 1)[1]
    for mark in ("[!Example]", "**", "![[", "icon.svg", "&gt; "):
        assert mark not in body, mark
    assert "windy" in body and ">lighthouse</b>" in body  # the plain text, still highlighted


def test_the_filters_wrap_in_a_narrow_window(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    page = window.show_page("search")
    assert page.minimumSizeHint().width() <= 560  # the page of an 800 × 600 window
    page.resize(560, 500)
    qtbot.waitUntil(lambda: page.filters.height() > page.archived.height() * 1.5)  # two lines
    for w in (*page.kind_boxes.values(), page.range, page.archived):
        right = w.mapTo(page, w.rect().topRight()).x()
        assert right <= page.width(), w


def test_a_fact_s_title_line_does_not_say_its_kind_twice(qtbot, paths, vault):
    from ui_fixtures import add_fact

    add_fact(vault, "The user's sister Anna lives in Porto.")
    window = open_window(qtbot, paths, vault)
    page = _search(qtbot, window, "Porto")
    assert page.model.rowCount() == 1
    head = page.model.index(0).data(HtmlRole).split("</div>", 1)[0]
    assert "<b>Fact</b>" in head and "· fact ·" not in head


def test_a_locked_vault_says_so_with_unlock_and_searches_what_was_typed_once_open(qtbot, paths, vault):
    from uifakes import fake_services

    from reverie.app.ui.main_window import MainWindow
    from reverie.app.ui.session import Session

    notes.create_note(vault, "# Garden\n\nThe tomatoes need watering every morning.")
    session = Session(paths)  # the vault stays locked for now
    window = MainWindow(session, fake_services(session))
    qtbot.addWidget(window)
    window.resize(800, 600)
    window.show()
    page = window.show_page("search")
    page.query.setText("tomatoes")
    qtbot.waitUntil(lambda: not page._timer.isActive(), timeout=10_000)
    assert page.locked.isVisible() and page.locked.button.text() == "Unlock"
    assert "locked" in page.status.text() and "not open yet" not in page.status.text()
    session.set_vault(vault)  # unlocked: the words typed meanwhile are searched
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    assert page.query.text() == "tomatoes" and not page.locked.isVisible()
    window.close()
