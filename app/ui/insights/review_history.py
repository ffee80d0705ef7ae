"""Insights: what was chosen in the review of fading memories, day by day (kept, pinned, let fade,
corrected; ``core.review.review_history``), a stacked bar chart beside the activity chart. It takes
its place only once there is a review to show; the numbers are read on the database lane."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from PySide6.QtCharts import QBarCategoryAxis, QBarSet, QChart, QChartView, QStackedBarSeries, QValueAxis
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter
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

    def draw(self) -> None:
        if not self.days:
            return
        chart = review_chart(day_rows(self.now, self.days))
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


def review_chart(rows: list[ReviewDay]) -> QChart:
    chart = QChart()
    chart.setTitle("Your reviews of fading memories")
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(6)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    series = QStackedBarSeries()
    for choice, name in CHOICE_NAMES.items():
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
    labels = []
    for i, d in enumerate(rows):
        day = datetime.strptime(d.day, "%Y-%m-%d")
        text = str(day.day) if (len(rows) - 1 - i) % 2 == 0 else ""  # every other day, today labelled
        while text in labels:
            text += "\u200b"
        labels.append(text)
    cats.append(labels)
    cats.setGridLineVisible(False)
    peak = max((d.total for d in rows), default=0)
    step = next((s for s in (1, 2, 5, 10, 20, 50) if peak <= 4 * s), 100)
    intervals = max(1, math.ceil(peak / step))
    y = QValueAxis()
    y.setRange(0, step * intervals)
    y.setTickCount(intervals + 1)
    y.setLabelFormat("%d")
    chart.addAxis(cats, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(cats)
    series.attachAxis(y)
    return chart
