"""The Memories list on a real vault with many memories: pages fetched as it scrolls (no cap), a
search box and filters run on the database lane, a text column that takes the room, a detail pane
that shows the whole history."""

from __future__ import annotations

import threading

import ui_fixtures
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView
from ui_fixtures import settle

from reverie.app.ui.memories import MemoriesPage
from reverie.core import ingest, memories

ui_session = ui_fixtures.ui_session


def _bulk(vault, n, text="Memory number {i} about the garden", kind="fact"):
    now = vault.now()
    with vault.tx() as conn:
        return [
            ingest.insert_memory(
                conn,
                now,
                kind=kind,
                source_kind="consolidation",
                source_id="run",
                text=text.format(i=i),
                happened_at=now - i,
                log_history=False,
            )
            for i in range(n)
        ]


def _page(qtbot, session, width=1000, height=650):
    page = MemoriesPage(session)
    qtbot.addWidget(page)
    page.resize(width, height)
    page.show()
    page.browse.reload()
    settle(qtbot, session)
    return page


def test_the_list_has_no_cap_and_fetches_pages_off_the_gui_thread_as_it_scrolls(qtbot, ui_session, vault):
    _bulk(vault, 650)
    seen: list[str] = []
    real_read = vault.read

    def read():
        seen.append(threading.current_thread().name)
        return real_read()

    vault.read = read
    page = _page(qtbot, ui_session)
    b = page.browse
    qtbot.waitUntil(lambda: "650 memories" in b.count.text())
    assert 0 < b.model.rowCount() < 650  # a first page, not everything at once
    assert "newest" not in b.count.text()
    for _ in range(20):
        if b.model.rowCount() == 650:
            break
        b.table.scrollToBottom()
        qtbot.waitUntil(lambda: not b.model.fetching)
    qtbot.waitUntil(lambda: b.model.rowCount() == 650)
    ids = [m.id for m in b.model.memories]
    assert len(set(ids)) == 650  # no row twice
    assert b.model.index(649, 0).data().startswith("Memory number 649 ")
    vault.read = real_read
    assert seen and threading.main_thread().name not in seen


def test_search_box_and_state_filter(qtbot, ui_session, vault):
    _bulk(vault, 30)
    _bulk(vault, 3, text="A recipe for plum cake number {i}")
    page = _page(qtbot, ui_session)
    b = page.browse
    qtbot.waitUntil(lambda: "33 memories" in b.count.text())
    qtbot.keyClicks(b.search, "plum cak")  # words, the last unfinished; typing is debounced
    assert b._search_timer.isActive()
    qtbot.waitUntil(lambda: b.model.rowCount() == 3 and "3 memories with “plum cak”" in b.count.text())
    b.search.setText("plum nowhere")
    qtbot.waitUntil(lambda: b.center.currentWidget() is b.empty)
    assert "No memories with “plum nowhere”" in b.empty.text()
    b.search.clear()
    qtbot.waitUntil(lambda: b.model.rowCount() == 33)
    memories.pin(vault, b.model.memories[5].id, True)
    b.archived.setCurrentIndex(b.archived.findText("Pinned"))
    qtbot.waitUntil(lambda: b.model.rowCount() == 1)
    assert b.model.index(0, 0).data().startswith("★")


def test_the_text_column_takes_the_width_left(qtbot, ui_session, vault):
    _bulk(vault, 5)
    page = _page(qtbot, ui_session, 1100, 720)
    b = page.browse
    qtbot.waitUntil(lambda: b.model.rowCount() == 5)
    header = b.table.horizontalHeader()
    others = sum(header.sectionSize(c) for c in range(1, 5))
    assert header.sectionResizeMode(0) == QHeaderView.ResizeMode.Stretch
    assert header.sectionSize(0) >= b.table.viewport().width() - others - 2
    assert header.sectionSize(0) > 2 * others / 4 * 2  # wider than two of the compact columns
    assert not b.table.horizontalScrollBar().isVisible()


def test_sorting_by_a_column_asks_the_vault(qtbot, ui_session, vault):
    _bulk(vault, 250)
    page = _page(qtbot, ui_session)
    b = page.browse
    qtbot.waitUntil(lambda: b.model.rowCount() > 0)
    b.table.horizontalHeader().setSortIndicator(2, Qt.SortOrder.AscendingOrder)  # oldest first
    qtbot.waitUntil(lambda: b.model.index(0, 0).data() == "Memory number 249 about the garden")


def test_the_detail_shows_the_whole_history(qtbot, ui_session, vault):
    mid = _bulk(vault, 1)[0]
    for i in range(12):
        memories.pin(vault, mid, i % 2 == 0)
    page = _page(qtbot, ui_session, 900, 600)
    b = page.browse
    qtbot.waitUntil(lambda: b.model.rowCount() == 1)
    b.table.selectRow(0)
    qtbot.waitUntil(lambda: b.detail.memory is not None)
    lines = b.detail.history_lines()
    assert len(lines) == 13 and lines[-1].split(": ", 1)[1].startswith("Remembered")
    hist = b.detail.history
    assert not isinstance(hist, QAbstractItemView)  # no list squeezed into a few rows inside the pane
    qtbot.waitUntil(lambda: hist.height() >= hist.heightForWidth(hist.width()) - 1)
    b.detail.scroll.verticalScrollBar().setValue(b.detail.scroll.verticalScrollBar().maximum())
    bottom = hist.mapTo(b.detail.scroll.viewport(), hist.rect().bottomLeft()).y()
    assert bottom <= b.detail.scroll.viewport().height() + 1  # the last line can be scrolled to


def test_a_narrow_window_keeps_room_for_the_text(qtbot, ui_session, vault):
    _bulk(vault, 5)
    page = _page(qtbot, ui_session, 620, 560)  # the page in an 800 × 600 window
    b = page.browse
    qtbot.waitUntil(lambda: b.model.rowCount() == 5)
    header = b.table.horizontalHeader()
    shown = [c for c in range(5) if not b.table.isColumnHidden(c)]
    assert 0 in shown and 2 in shown
    assert header.sectionSize(0) >= sum(header.sectionSize(c) for c in shown if c) * 0.9, [
        header.sectionSize(c) for c in shown
    ]
    page.resize(1300, 800)
    qtbot.waitUntil(lambda: not b.table.isColumnHidden(4))  # room again: every column
