"""The Insights page draws real numbers from a real vault."""

from __future__ import annotations

import ui_fixtures
from PySide6.QtWidgets import QApplication
from ui_fixtures import add_fact, settle

from reverie.app.ui.changes import OpChanges
from reverie.app.ui.insights import InsightsPage
from reverie.core import conversations, memories, notes
from reverie.core.retention import DAY

ui_session = ui_fixtures.ui_session


def test_empty_vault_explains_the_charts(qtbot, ui_session):
    page = InsightsPage(ui_session)
    qtbot.addWidget(page)
    page.reload()
    settle(qtbot, ui_session)
    qtbot.waitUntil(lambda: page.data is not None)
    assert page.stack.currentWidget() is page.empty and "Charts appear here" in page.empty.text()


def test_curves_histogram_and_activity(qtbot, ui_session, vault, clock):
    notes.create_note(vault, "one\n\ntwo", happened_at=clock.now() - 2 * DAY)
    fid = add_fact(vault, "a fact")
    memories.pin(vault, fid, True)
    clock.advance(days=14)
    page = InsightsPage(ui_session)
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: page.data is not None)
    assert page.stack.currentIndex() == 1
    names = page.chart_series_names()
    assert names["fade"] == ["All memories", "Notes", "Facts"]
    assert len(page.held_view.chart().series()[0].barSets()) == 1
    assert [b.label() for b in page.activity_view.chart().series()[0].barSets()] == ["Notes", "Facts"]
    notes_curve = page.fade_view.chart().series()[1]
    ys = [notes_curve.at(i).y() for i in range(notes_curve.count())]
    assert ys == sorted(ys, reverse=True) and ys[0] < 100  # two weeks old, already fading
    facts_curve = page.fade_view.chart().series()[2]
    assert all(facts_curve.at(i).y() == 100 for i in range(facts_curve.count()))  # pinned
    assert "3 active memories" in page.summary.text() and "1 pinned" in page.summary.text()
    hist = page.held_view.chart().series()[0].barSets()[0]
    assert hist.at(9) == 1 and sum(hist.at(i) for i in range(10)) == 3
    activity = page.activity_view.chart().series()[0].barSets()[0]
    assert activity.count() == 30 and sum(activity.at(i) for i in range(30)) == 2  # the note, 16 days ago
    ui_session.publish(OpChanges(memories=True))
    settle(qtbot, ui_session)


def _legend_texts(chart):
    from PySide6.QtWidgets import QGraphicsTextItem

    out, todo = [], list(chart.legend().childItems())
    while todo:
        item = todo.pop()
        if isinstance(item, QGraphicsTextItem):
            out.append(item.toPlainText())
        todo.extend(item.childItems())
    return out


def test_legends_are_never_cut_and_the_count_has_a_thousands_separator(qtbot, ui_session, vault, clock):
    from reverie.core import ingest

    notes.create_note(vault, "one\n\ntwo")
    add_fact(vault, "a fact")
    c = conversations.create_conversation(vault, "Plans")
    conversations.add_message(vault, c.id, "user", "We fly on Friday.")
    with vault.tx() as conn:
        ingest.insert_memory(
            conn, vault.now(), kind="summary", source_kind="consolidation", source_id="r", text="A week."
        )
    page = InsightsPage(ui_session)
    qtbot.addWidget(page)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: page.data is not None)
    for width in (600, 640, 730, 820, 900, 1040, 1200, 1380):  # the window is 800 px or wider
        page.resize(width, 560)
        qtbot.waitUntil(lambda: page.fade_view.chart() is not None)
        QApplication.processEvents()
        for view in (page.fade_view, page.activity_view):
            texts = _legend_texts(view.chart())
            assert len(texts) >= 4 and not any("..." in t or "…" in t for t in texts), (width, texts)
    page.data.histogram = [0] * 9 + [4999]
    page._draw()
    assert page.summary.text().startswith("4,999 active memories")
