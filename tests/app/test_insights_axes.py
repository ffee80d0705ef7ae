"""Insights' axes: round ticks (1, 2 or 5 × 10^k) and titles that fit their chart, light and dark."""

from __future__ import annotations

import pytest
import ui_fixtures
from PySide6.QtCharts import QBarCategoryAxis, QCategoryAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication
from ui_fixtures import settle

from reverie.app.ui.insights import InsightsPage
from reverie.app.ui.insights.page import nice_axis
from reverie.app.ui.theme import apply_theme
from reverie.core import ingest

ui_session = ui_fixtures.ui_session


def _round(step: float) -> bool:
    while step >= 10:
        step /= 10
    return step in (1, 2, 5)


@pytest.mark.parametrize("peak", [0, 1, 3, 7, 9, 10, 11, 38, 99, 101, 863, 4313, 12_345, 999_999])
def test_count_axes_step_by_round_numbers_and_hold_the_peak(peak):
    step, n = nice_axis(peak)
    assert _round(step) and step >= 1
    assert n * step >= peak and 1 <= n <= 5
    assert (n - 1) * step < max(peak, 1)  # no empty interval above the peak


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("size", [(600, 540), (780, 560), (1060, 640)])
def test_axis_ticks_are_round_and_titles_fit(qtbot, ui_session, vault, theme, size):
    now = vault.now()
    with vault.tx() as conn:  # 4,313 memories today: the old axis said 1187, 2374, 3561
        for i in range(4313):
            ingest.insert_memory(
                conn,
                now,
                kind="fact",
                source_kind="consolidation",
                source_id="run",
                text=f"fact {i}",
                happened_at=now - 1,
                log_history=False,
            )
    apply_theme(QApplication.instance(), theme)
    page = InsightsPage(ui_session)
    qtbot.addWidget(page)
    page.resize(*size)
    page.show()
    page.reload()
    settle(qtbot, ui_session)
    qtbot.waitUntil(lambda: page.data is not None)
    qtbot.wait(1)  # let the charts lay out
    for view in (page.fade_view, page.held_view, page.activity_view):
        chart = view.chart()
        for axis in chart.axes(Qt.Orientation.Vertical):
            if axis.labelFormat() == "%d":  # a count axis
                n = axis.tickCount() - 1
                step = (axis.max() - axis.min()) / n
                assert axis.min() == 0 and step == int(step) and _round(step), (axis.max(), n)
        for axis in chart.axes(Qt.Orientation.Horizontal):
            if isinstance(axis, QBarCategoryAxis):  # places the bars; its labels (cut to one bar) are hidden
                assert not axis.labelsVisible() and not axis.titleText()
            if isinstance(axis, QCategoryAxis):  # each label fits the bars up to the next label (no "1…")
                slot = chart.plotArea().width() / (axis.max() - axis.min())
                fm = QFontMetricsF(axis.labelsFont())
                assert len(axis.categoriesLabels()) >= 2
                for label in axis.categoriesLabels():
                    assert fm.horizontalAdvance(label) + 4 <= slot * axis.property("step"), (label, slot)
            width = QFontMetricsF(axis.titleFont()).horizontalAdvance(axis.titleText())
            assert width <= chart.plotArea().width(), (axis.titleText(), chart.plotArea().width())
        title_width = QFontMetricsF(chart.titleFont()).horizontalAdvance(chart.title())
        assert title_width <= view.width() - 8, chart.title()
    apply_theme(QApplication.instance(), "light")


def test_the_page_fits_a_small_window(qtbot, ui_session):
    page = InsightsPage(ui_session)
    qtbot.addWidget(page)
    assert page.minimumSizeHint().height() <= 540  # the page of an 800 × 600 window, less the menu bar
