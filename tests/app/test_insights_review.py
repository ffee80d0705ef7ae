"""Insights: the review history beside the activity chart, once a review was made: per day, how many
memories were kept, pinned, let fade and corrected."""

from __future__ import annotations

import ui_fixtures
from fading import fading_memory
from PySide6.QtCharts import QStackedBarSeries

from reverie.app.ui.changes import MEMORIES
from reverie.app.ui.insights import InsightsPage
from reverie.app.ui.insights.review_history import day_rows
from reverie.core import review
from reverie.core.review import ReviewDay

ui_session = ui_fixtures.ui_session


def test_day_rows_fill_the_days_without_reviews():
    now = 1_795_000_000.0
    rows = day_rows(now, [ReviewDay(day_rows(now, [], 3)[1].day, keep=2)], 3)
    assert [r.total for r in rows] == [0, 2, 0] and len({r.day for r in rows}) == 3


def test_the_review_chart_appears_with_the_first_review(qtbot, ui_session, vault):
    now = vault.now()
    for i in range(4):
        fading_memory(vault, f"Fading thing {i}.", now, age_days=20 + i)
    ids = [i.memory.id for i in review.review_queue(vault, now)]
    page = InsightsPage(ui_session)
    qtbot.addWidget(page)
    page.resize(1100, 720)
    page.show()
    qtbot.waitUntil(lambda: page.data is not None, timeout=10_000)
    ui_fixtures.settle(qtbot, ui_session)
    assert page.review_view.isHidden()
    grid = page.activity_view.parentWidget().layout()
    assert grid.getItemPosition(grid.indexOf(page.activity_view))[3] == 2  # the whole row

    def choose(v):
        for mid, choice in zip(ids, ("keep", "keep", "pin", "fade"), strict=True):
            review.review(v, mid, choice, v.now())

    ui_session.run_op(choose, vault, changes=MEMORIES)
    qtbot.waitUntil(lambda: not page.review_view.isHidden(), timeout=10_000)
    assert page.review_view.totals() == {"keep": 2, "pin": 1, "fade": 1, "correct": 0}
    assert grid.getItemPosition(grid.indexOf(page.activity_view))[3] == 1  # shares the row now
    series = [s for s in page.review_view.chart().series() if isinstance(s, QStackedBarSeries)][0]
    sets = {bs.label(): list(bs.at(i) for i in range(bs.count())) for bs in series.barSets()}
    assert set(sets) == {"Kept", "Pinned", "Let fade"}  # no bar set for a choice never made
    assert sets["Kept"][-1] == 2 and sum(sets["Kept"]) == 2
