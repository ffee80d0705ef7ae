"""The Memories page, offscreen, against a real vault."""

from __future__ import annotations

import ui_fixtures
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from ui_fixtures import add_fact, settle

from reverie.app.ui.memories import MemoriesPage
from reverie.app.ui.memories.model import IdRole
from reverie.core import conversations, memories, notes, profile
from reverie.core.retention import DAY

ui_session = ui_fixtures.ui_session


def _page(qtbot, session):
    page = MemoriesPage(session)
    qtbot.addWidget(page)
    page.resize(1000, 650)
    page.show()
    page.browse.reload()
    page.about_me.reload()
    settle(qtbot, session)
    return page


def _select(qtbot, pane, text):
    for row in range(pane.model.rowCount()):
        idx = pane.model.index(row, 0)
        m = pane.model.memory(idx.data(IdRole))
        if m.text == text:
            pane.table.setCurrentIndex(idx)
            qtbot.waitUntil(lambda: pane.detail.memory is not None and pane.detail.memory.text == text)
            return m
    raise AssertionError(text)


def test_empty_vault_explains_itself(qtbot, ui_session):
    page = _page(qtbot, ui_session)
    b = page.browse
    assert b.center.currentWidget() is b.empty and "no memories yet" in b.empty.text()
    assert not page.about_me.facts.isVisible() and "No facts yet" in page.about_me.no_facts.text()


def test_browse_filter_pin_edit_archive_restore_delete(qtbot, ui_session, vault, clock):
    notes.create_note(vault, "The spare key is under the blue pot.", title="Keys")
    c = conversations.create_conversation(vault, "Weekend")
    conversations.add_message(vault, c.id, "user", "We are going hiking on Saturday.")
    add_fact(vault, "The user's sister is Anna.")
    clock.advance(days=7)
    page = _page(qtbot, ui_session)
    b = page.browse
    assert b.model.rowCount() == 3 and b.count.text() == "3 memories"
    b.kind.setCurrentIndex(2)  # Notes
    qtbot.waitUntil(lambda: b.model.rowCount() == 1)
    m = _select(qtbot, b, "The spare key is under the blue pot.")
    assert b.detail.source.text().startswith("Note “Keys”")
    assert b.detail.retention.value() < 100  # a week has passed
    assert b.detail.history_lines()[0].endswith("Remembered, from note “Keys”")

    b.detail.pin.click()
    qtbot.waitUntil(lambda: b.detail.memory.pinned and b.detail.pin.text() == "Unpin")
    assert b.detail.retention.value() == 100 and "Pinned" in b.detail.history_lines()[0]
    assert b.model.index(0, 0).data().startswith("★")

    b.detail.text.setPlainText("The spare key is under the green pot.")
    assert b.detail.save.isEnabled()
    b.detail.save.click()
    qtbot.waitUntil(lambda: b.detail.memory.text.endswith("green pot."))
    assert memories.get_memory(vault, m.id).text.endswith("green pot.")
    assert "Text edited" in b.detail.history_lines()[0]

    b.detail.text.setPlainText("   ")
    b.detail.save.click()
    qtbot.waitUntil(lambda: "cannot be empty" in b.detail.message.text())

    b.detail.archive.click()  # leaves the "Active" list
    qtbot.waitUntil(lambda: b.model.rowCount() == 0 and b.detail.memory is None)
    b.archived.setCurrentIndex(1)  # Archived
    qtbot.waitUntil(lambda: b.model.rowCount() == 1)
    _select(qtbot, b, "The spare key is under the green pot.")
    assert b.detail.archive.text() == "Restore"
    b.detail.archive.click()
    qtbot.waitUntil(lambda: b.model.rowCount() == 0)
    assert not memories.get_memory(vault, m.id).archived

    b.archived.setCurrentIndex(0)
    b.kind.setCurrentIndex(0)
    qtbot.waitUntil(lambda: b.model.rowCount() == 3)
    _select(qtbot, b, "The spare key is under the green pot.")
    asked = []
    b.confirm = lambda text: asked.append(text) or False  # the user says no
    b.detail.delete.click()
    assert asked and b.model.rowCount() == 3
    b.confirm = lambda text: True
    b.table.setFocus()
    qtbot.keyClick(b.table, Qt.Key.Key_Delete)  # the Delete key asks too
    qtbot.waitUntil(lambda: b.model.rowCount() == 2)
    assert memories.count_memories(vault, archived="include") == 2
    assert memories.memory_history(vault, m.uid)[0]["action"] == "delete"


def test_day_by_day_timeline(qtbot, ui_session, vault, clock):
    notes.create_note(vault, "Long ago\n\nstill long ago", happened_at=clock.now() - 3 * DAY)
    notes.create_note(vault, "Today's note")
    page = _page(qtbot, ui_session)
    b = page.browse
    b.days_button.click()
    settle(qtbot, ui_session)
    qtbot.waitUntil(lambda: b.days_model.rowCount() == 2)  # only days with memories
    assert b.days.isVisible()
    assert b.days_model.index(0, 0).data().endswith("1 note")
    assert b.model.rowCount() == 1  # today is selected
    b.days.setCurrentIndex(b.days_model.index(1, 0))
    qtbot.waitUntil(lambda: b.model.rowCount() == 2)
    assert b.days_model.index(1, 0).data().endswith("2 notes")
    b.kind.setCurrentIndex(3)  # Facts: none in the last 60 days
    qtbot.waitUntil(lambda: b.center.currentWidget() is b.empty)
    assert "Nothing of this kind was remembered in the last 60 days" in b.empty.text()
    assert b.days_model.rowCount() == 0 and b.detail.memory is None


def test_about_me_profile_and_facts_are_editable(qtbot, ui_session, vault):
    profile.set_profile(vault, "Lives in Utrecht.")
    fid = add_fact(vault, "The user's sister is Anna.")
    add_fact(vault, "The user likes tulips.")
    page = _page(qtbot, ui_session)
    me = page.about_me
    assert me.editor.toPlainText() == "Lives in Utrecht." and not me.save.isEnabled()
    assert me.facts_model.rowCount() == 2 and me.facts_title.text() == "Facts (2)"
    me.editor.setPlainText("Lives in Leiden; sister Anna.")
    me.save.click()
    qtbot.waitUntil(lambda: me.status.text() == "Profile saved.")
    assert profile.get_profile(vault) == "Lives in Leiden; sister Anna."
    row = next(r for r in range(2) if me.facts_model.facts[r].id == fid)
    me.facts_model.setData(me.facts_model.index(row, 0), "The user's sister is Anna Maria.")
    qtbot.waitUntil(lambda: any(f.text.endswith("Anna Maria.") for f in me.facts_model.facts))
    me.facts.setCurrentIndex(me.facts_model.index(0, 0))
    me.confirm = lambda text: True
    me.delete_fact.click()
    qtbot.waitUntil(lambda: me.facts_model.rowCount() == 1)
    assert memories.count_memories(vault, kinds=("fact",)) == 1


def test_detail_names_a_note_once_and_keeps_dates_on_one_line_in_a_narrow_window(qtbot, ui_session, vault):
    notes.create_note(vault, "Marta and I wrote down the journal.", title="Journal 120: the long run")
    page = _page(qtbot, ui_session)
    font = QFont(page.font())
    font.setPixelSize(13)  # 10 pt at 96 dpi, as on a desktop (offscreen draws at 72 dpi)
    page.setFont(font)
    page.resize(730, 400)  # the page in an 800x600 window, less the sidebar; the detail scrolls
    b = page.browse
    _select(qtbot, b, "Marta and I wrote down the journal.")
    settle(qtbot, ui_session)
    assert b.detail.source.text().count("Journal 120: the long run") == 1
    for label in (b.detail.happened, b.detail.recorded):
        one_line = label.fontMetrics().lineSpacing()
        qtbot.waitUntil(lambda label=label: 0 < label.height())
        assert label.heightForWidth(label.width()) < 2 * one_line, label.text()
        assert label.height() >= label.heightForWidth(label.width()), label.text()  # nothing cut


def test_detail_dates_leave_out_this_year():
    from datetime import datetime

    from reverie.app.ui.memories.detail import compact_when

    now = datetime(2026, 11, 30, 12, 0).timestamp()
    assert compact_when(datetime(2026, 11, 3, 5, 46).timestamp(), now) == "3 Nov, 05:46"
    assert compact_when(datetime(2025, 11, 30, 5, 46).timestamp(), now) == "30 Nov 2025, 05:46"
    assert compact_when(None, now) == "never"
