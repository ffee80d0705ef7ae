"""Insights: what was chosen in the review of fading memories, day by day (kept, pinned, let fade,
corrected; ``core.review.review_history``), a stacked bar chart beside the activity chart. It takes
its place only once there is a review to show; the numbers are read on the database lane."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QResizeEvent
from PySide6.QtWidgets import QGridLayout, QWidget

from reverie.app.ui.session import Session
from reverie.app.ui.theme import current_theme
from reverie.app.ui.uikit import alive
from reverie.core import review
from reverie.core.review import ReviewDay
from reverie.core.scheduler import local_tz
from reverie.core.vault import Vault

DAYS = 14
CHOICE_COLORS = {"keep": "#3fa66a", "pin": "#7c6fd6", "fade": "#9a9aa2", "correct": "#3b8fd9"}
CHOICE_NAMES = {"keep": "Kept", "pin": "Pinned", "fade": "Let fade", "correct": "Corrected"}
SHORT_NAMES = {"keep": "Kept", "pin": "Pin", "fade": "Fade", "correct": "Fixed"}  # a narrow chart's legend


def load_review_days(vault: Vault, days: int = DAYS) -> tuple[float, list[ReviewDay]]:
    """(now, the last ``days`` days of reviews, oldest first; days without one are left out)."""
    now = vault.now()
    return now, review.review_history(vault, local_tz(), since=now - days * 86400.0)


def day_rows(now: float, found: list[ReviewDay], days: int = DAYS) -> list[ReviewDay]:
    """Every day of the last ``days`` (oldest first), zero where nothing was reviewed."""
    by_day = {d.day: d for d in found}
    today = datetime.fromtimestamp(now).date()
    out = []
    for back in range(days - 1, -1, -1):
        key = (today - timedelta(days=back)).isoformat()
        out.append(by_day.get(key, ReviewDay(key)))
    return out


class ReviewHistoryView(QChartView):
    """The chart; hidden (and the activity chart takes the whole row) while no review was made."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setFrameShape(QChartView.Shape.NoFrame)
        self.setBackgroundBrush(Qt.GlobalColor.transparent)
        self.setMinimumHeight(170)
        self.now = 0.0
        self.days: list[ReviewDay] = []
        self._grid: QGridLayout | None = None
        self._activity: QWidget | None = None
        self._drawn_plan: tuple[int, bool] = (0, False)
        self.setVisible(False)

    def place(self, grid: QGridLayout, activity: QWidget) -> None:
        """Share the activity chart's row (activity left, this right) when shown."""
        self._grid, self._activity = grid, activity
        self._arrange()

    def _arrange(self) -> None:
        if self._grid is None or self._activity is None:
            return
        self._grid.removeWidget(self._activity)
        self._grid.removeWidget(self)
        if self.days:
            self._grid.addWidget(self._activity, 1, 0)
            self._grid.addWidget(self, 1, 1)
        else:
            self._grid.addWidget(self._activity, 1, 0, 1, 2)
        self.setVisible(bool(self.days))

    def reload(self, session: Session) -> None:
        if session.vault is not None:
            session.db.submit(load_review_days, session.vault, on_done=alive(self, self._loaded))

    def _loaded(self, result: tuple[float, list[ReviewDay]]) -> None:
        now, found = result
        had = bool(self.days)
        self.now, self.days = now, found
        if had != bool(found):
            self._arrange()
        self.draw()

    def _plan(self) -> tuple[int, bool]:
        """(label every n-th day, short legend names): what the view's width has room for (a legend
        in a row gives each entry the same share)."""
        room = max(1, self.width() - 60) / DAYS
        need = self.fontMetrics().horizontalAdvance("30") + 12
        step = next((n for n in (1, 2, 7) if room * n >= need), 14)
        share = (self.width() - 40) / len(CHOICE_NAMES)
        fits = all(self.fontMetrics().horizontalAdvance(n) + 24 <= share for n in CHOICE_NAMES.values())
        return step, not fits

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        """As tall as the activity chart beside it asks to be (the rows of charts keep their share)."""
        return self._activity.sizeHint() if self._activity is not None else super().sizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        if self._plan() != self._drawn_plan:
            self.draw()

    def draw(self) -> None:
        if not self.days:
            return
        self._drawn_plan = plan = self._plan()
        chart = review_chart(day_rows(self.now, self.days), *plan)
        chart.setTheme(
            QChart.ChartTheme.ChartThemeDark if current_theme() == "dark" else QChart.ChartTheme.ChartThemeLight
        )
        for series in chart.series():
            if isinstance(series, QStackedBarSeries):
                for bs in series.barSets():
                    bs.setColor(QColor(CHOICE_COLORS[str(bs.property("choice"))]))
                    bs.setBorderColor(QColor(0, 0, 0, 0))
        old = self.chart()
        self.setChart(chart)
        if old is not None:
            old.deleteLater()

    def totals(self) -> dict[str, int]:
        return {c: sum(getattr(d, c) for d in self.days) for c in CHOICE_NAMES}


def review_chart(rows: list[ReviewDay], step: int = 2, short: bool = False) -> QChart:
    """Stacked bars of the choices per day; every ``step``-th day labelled (counted back from today),
    each label free to use the room of the days it skips; the legend below (``short`` names)."""
    chart = QChart()
    chart.setTitle("Your reviews of fading memories")
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(6)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    names = SHORT_NAMES if short else CHOICE_NAMES
    series = QStackedBarSeries()
    for choice, name in names.items():
        if not any(getattr(d, choice) for d in rows):
            continue
        bs = QBarSet(name)
        bs.setProperty("choice", choice)
        for d in rows:
            bs.append(getattr(d, choice))
        series.append(bs)
    series.setBarWidth(0.7)
    chart.addSeries(series)
    cats = QBarCategoryAxis()
    cats.append([d.day for d in rows])
    days = QCategoryAxis()
    days.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    days.setRange(-0.5, len(rows) - 0.5)
    days.setStartValue(-0.5)
    for i, d in enumerate(rows):
        if (len(rows) - 1 - i) % step == 0:  # today labelled, and every step-th day before it
            days.append(str(datetime.strptime(d.day, "%Y-%m-%d").day), i)
    days.setGridLineVisible(False)
    peak = max((d.total for d in rows), default=0)
    step = next((s for s in (1, 2, 5, 10, 20, 50) if peak <= 4 * s), 100)
    intervals = max(1, math.ceil(peak / step))
    y = QValueAxis()
    y.setRange(0, step * intervals)
    y.setTickCount(intervals + 1)
    y.setLabelFormat("%d")
    chart.addAxis(cats, Qt.AlignmentFlag.AlignBottom)
    cats.setLabelsVisible(False)  # a category axis cuts each label to its bar: the labels go on ``days``
    cats.setGridLineVisible(False)
    chart.addAxis(days, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(cats)
    series.attachAxis(days)
    series.attachAxis(y)
    return chart
