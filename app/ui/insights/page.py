"""Insights: charts of how memories fade and of what was remembered day by day (Qt Charts).

The numbers come from ``core.insights`` and ``core.memories.timeline`` on the database lane;
this page only draws them.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from reverie.app.ui import fmt
from reverie.app.ui.changes import OpChanges
from reverie.app.ui.insights.review_history import ReviewHistoryView
from reverie.app.ui.services import AppServices
from reverie.app.ui.session import Session
from reverie.app.ui.shell import Page, Shell
from reverie.app.ui.theme import current_theme, theme_signals
from reverie.app.ui.uikit import alive, counted
from reverie.core import insights, memories
from reverie.core.vault import Vault

KIND_COLORS = {"all": "#7c6fd6", "chat": "#3b8fd9", "note": "#3fa66a", "fact": "#e0913a", "summary": "#c4568f"}
KIND_NAMES = {"all": "All memories", "chat": "Conversations", "note": "Notes", "fact": "Facts", "summary": "Summaries"}
SHORT_NAMES = {"all": "All", "chat": "Chats", "note": "Notes", "fact": "Facts", "summary": "Summaries"}
CURVE_DAYS = 60
ACTIVITY_DAYS = 30


class InsightsData:
    def __init__(
        self,
        now: float,
        curves: dict[str, list[tuple[int, float]]],
        histogram: list[int],
        days: list[tuple[str, dict[str, int]]],
        counts: dict[str, int],
        pinned: int,
    ) -> None:
        self.now, self.curves, self.histogram, self.days = now, curves, histogram, days
        self.counts, self.pinned = counts, pinned


def load_insights(vault: Vault) -> InsightsData:
    now = vault.now()
    states = insights.fade_states(vault)
    curves = insights.retention_curves(states, now, CURVE_DAYS, step=2)
    return InsightsData(
        now,
        curves,
        insights.retention_histogram(states, now, 10),
        list(reversed(memories.timeline(vault, now, ACTIVITY_DAYS))),
        vault.counts(),
        sum(1 for s in states if s.pinned),
    )


def fade_kinds(d: InsightsData) -> list[str]:
    """The fade chart's curves: all memories, and each kind unless there is one kind only."""
    return [
        k
        for k in ("all", "chat", "note", "fact", "summary")
        if d.curves.get(k) and (k == "all" or len(d.curves) != 2)  # one kind only: "all" says it
    ]


def activity_kinds(d: InsightsData) -> list[str]:
    return [k for k in ("chat", "note", "fact", "summary") if any(c.get(k) for _, c in d.days)]


def nice_axis(peak: float, most: int = 5) -> tuple[int, int]:
    """``(step, intervals)`` of a 0-based count axis that reaches ``peak``: the step is 1, 2 or 5
    times a power of ten (ticks a reader takes in at a glance), with at most ``most`` intervals."""
    peak = max(1.0, float(peak))
    power = 1
    while True:
        for m in (1, 2, 5):
            step = m * power
            intervals = max(1, math.ceil(peak / step))
            if intervals <= most:
                return step, intervals
        power *= 10


def _count_axis(peak: float, most: int = 5) -> QValueAxis:
    """A 0..n axis with round whole-number ticks, reaching ``peak``, at most ``most`` intervals."""
    step, intervals = nice_axis(peak, most)
    axis = QValueAxis()
    axis.setRange(0, step * intervals)
    axis.setTickCount(intervals + 1)
    axis.setLabelFormat("%d")
    return axis


def sparse_labels(labels: list[str], step: int) -> list[str]:
    """Every ``step``-th label (the first and every multiple of ``step`` after it), the others
    blank; categories must stay unique, so blanks and repeats differ by zero-width spaces."""
    out: list[str] = []
    for i, label in enumerate(labels):
        text = label if step == 1 or i % step == 0 else ""
        while text in out:
            text += "\u200b"
        out.append(text)
    return out


def _label_bars(
    chart: QChart, series: QAbstractBarSeries, cats: QBarCategoryAxis, labels: list[str], step: int, title: str
) -> None:
    """Label every ``step``-th bar under its bar, the label free to use the room of the bars it
    skips (a bar category axis cuts each label to one bar's width, "1…" for 15). The category axis
    keeps placing the bars; its own labels are hidden."""
    cats.setLabelsVisible(False)
    cats.setGridLineVisible(False)
    axis = QCategoryAxis()
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    axis.setRange(-0.5, len(labels) - 0.5)
    axis.setStartValue(-0.5)
    for i in range(0, len(labels), max(1, step)):
        axis.append(labels[i], i)
    axis.setGridLineVisible(False)
    axis.setTitleText(title)
    axis.setProperty("step", step)
    chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis)


def legend_plan(kinds: list[str], width: int, metrics: QFontMetrics) -> tuple[dict[str, str], Qt.AlignmentFlag]:
    """The names and place of a legend of ``kinds`` in a chart ``width`` px wide, none of its
    entries cut: the full names in one row below the chart when they fit, else the short names
    ("Chats" for "Conversations"), else the short names in a column at the right. (A Qt legend
    in a row gives each entry the same width, and cuts a longer name to "Conv...".)"""
    room = (width - 40) / max(1, len(kinds))  # less the chart's margins; a row's equal share
    for names in (KIND_NAMES, SHORT_NAMES):
        if all(metrics.horizontalAdvance(names[k]) + 4 <= room for k in kinds):  # measured: Qt needs ~0 more
            return names, Qt.AlignmentFlag.AlignBottom
    return SHORT_NAMES, Qt.AlignmentFlag.AlignRight


def fit_legend(chart: QChart, width: int) -> None:
    """Name and place the legend of ``chart`` by ``legend_plan``, in the legend's own font (the
    chart's theme sets it); the series and bar sets carry their kind as a property."""
    entries: list[Any] = []
    for s in chart.series():
        entries.extend(s.barSets() if isinstance(s, QAbstractBarSeries) else [s])
    kinds = [str(e.property("kind")) for e in entries]
    names, where = legend_plan(kinds, width, QFontMetrics(chart.legend().font()))
    chart.legend().setAlignment(where)
    for e, kind in zip(entries, kinds, strict=True):
        if isinstance(e, QBarSet):
            e.setLabel(names[kind])
        else:
            e.setName(names[kind])


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(6)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    return chart


class InsightsPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.data: InsightsData | None = None
        self._steps: tuple[int, ...] = ()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(24, 16, 24, 12)
        title = QLabel("Insights")
        title.setObjectName("pageTitle")
        lay.addWidget(title)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setObjectName("muted")
        lay.addWidget(self.summary)
        self.stack = QStackedWidget()
        self.empty = QLabel(
            "Charts appear here once Reverie holds some memories: how well they are held, how "
            "they fade, and what you told Reverie day by day. Write a note or start a conversation."
        )
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setObjectName("muted")
        charts = QWidget()
        grid = QGridLayout(charts)
        grid.setContentsMargins(0, 0, 0, 0)
        self.fade_view = QChartView()
        self.held_view = QChartView()
        self.activity_view = QChartView()
        for v in (self.fade_view, self.held_view, self.activity_view):
            v.setRenderHint(QPainter.RenderHint.Antialiasing)
            v.setFrameShape(QChartView.Shape.NoFrame)
            v.setBackgroundBrush(Qt.GlobalColor.transparent)
            v.setMinimumHeight(170)  # two rows of charts fit a 600 px high window
        self.held_view.setToolTip("Each bar counts the memories held within 10 points: 0–9 %, 10–19 %, … 90–100 %.")
        grid.addWidget(self.fade_view, 0, 0)
        grid.addWidget(self.held_view, 0, 1)
        grid.addWidget(self.activity_view, 1, 0, 1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        self.review_view = ReviewHistoryView()  # beside the activity chart, once a review was made
        self.review_view.place(grid, self.activity_view)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(charts)
        lay.addWidget(self.stack, 1)
        session.vault_ready.connect(lambda _: self.reload())
        session.changed.connect(self._on_changes)
        theme_signals().changed.connect(self._theme_changed)  # a method: disconnected when the page goes

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        if not event.spontaneous():
            self.reload()

    def _theme_changed(self, _name: str) -> None:
        self._draw()
        self.review_view.draw()

    def _on_changes(self, changes: OpChanges) -> None:
        if changes.content or changes.settings:
            self.reload()

    def reload(self) -> None:
        self.review_view.reload(self.session)
        if self.session.vault is not None:
            self.session.db.submit(
                load_insights,
                self.session.vault,
                on_done=alive(self, self._show),
                on_error=alive(self, self.summary.setText),
            )

    def _show(self, data: InsightsData) -> None:
        self.data = data
        self._draw()

    def _draw(self) -> None:
        d = self.data
        if d is None:
            return
        total = sum(d.histogram)
        if not total:
            self.stack.setCurrentWidget(self.empty)
            self.summary.setText("")
            return
        self.stack.setCurrentIndex(1)
        held = sum(d.histogram[5:])
        self.summary.setText(
            f"{counted(total, 'active memory', 'active memories')}, {fmt.percent(held / total)} of them held well (retention 50 % or more); "
            f"{d.pinned} pinned, {d.counts.get('archived', 0)} archived. Recalling a memory, in a chat or by "
            "opening it, makes it stronger."
        )
        theme = QChart.ChartTheme.ChartThemeDark if current_theme() == "dark" else QChart.ChartTheme.ChartThemeLight
        for view, chart in (
            (self.fade_view, self._fade_chart(d)),
            (self.held_view, self._held_chart(d)),
            (self.activity_view, self._activity_chart(d)),
        ):
            chart.setTheme(theme)
            self._recolor(chart)
            if view is not self.held_view:
                fit_legend(chart, view.width())
            old = view.chart()
            view.setChart(chart)
            if old is not None:
                old.deleteLater()

    def _recolor(self, chart: QChart) -> None:
        """Our colours per kind survive the theme (setTheme resets series colours)."""
        for s in chart.series():
            kind = s.property("kind")
            if isinstance(s, QLineSeries) and kind:
                pen = QPen(QColor(KIND_COLORS[kind]))
                pen.setWidthF(3.0 if kind == "all" else 2.0)
                if kind == "all":
                    pen.setStyle(Qt.PenStyle.DashLine)
                s.setPen(pen)
            elif isinstance(s, (QStackedBarSeries, QBarSeries)):
                for bs in s.barSets():
                    bs.setColor(QColor(KIND_COLORS.get(bs.property("kind") or "all", KIND_COLORS["all"])))
                    bs.setBorderColor(QColor(0, 0, 0, 0))

    def _fade_chart(self, d: InsightsData) -> QChart:
        chart = _chart("How your memories fade if nothing is recalled")
        x = QValueAxis()
        x.setRange(0, CURVE_DAYS)
        x.setLabelFormat("%d")
        x.setTitleText("days from today")
        x.setTickCount(7)
        y = QValueAxis()
        step, intervals = nice_axis(100, self._most(self.fade_view))
        y.setRange(0, step * intervals)
        y.setLabelFormat("%d %%")
        y.setTickCount(intervals + 1)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        for kind in fade_kinds(d):
            points = d.curves[kind]
            s = QLineSeries()
            s.setName(KIND_NAMES[kind])
            s.setProperty("kind", kind)
            for day, r in points:
                s.append(day, 100 * r)
            chart.addSeries(s)
            s.attachAxis(x)
            s.attachAxis(y)
        return chart

    def _held_chart(self, d: InsightsData) -> QChart:
        chart = _chart("How well memories are held now")
        bars = QBarSet("memories")
        bars.setProperty("kind", "all")
        for n in d.histogram:
            bars.append(n)
        series = QBarSeries()
        series.append(bars)
        series.setBarWidth(0.9)
        chart.addSeries(series)
        cats = QBarCategoryAxis()
        cats.append([f"{10 * i}" for i in range(10)])
        y = _count_axis(max(d.histogram), self._most(self.held_view))
        chart.addAxis(cats, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(cats)
        series.attachAxis(y)
        _label_bars(
            chart,
            series,
            cats,
            [f"{10 * i}" for i in range(10)],
            self._label_step(self.held_view, 10),
            "retention now, %",
        )
        chart.legend().setVisible(False)
        return chart

    def _activity_chart(self, d: InsightsData) -> QChart:
        chart = _chart(f"What you told Reverie, day by day (last {ACTIVITY_DAYS} days)")
        series = QStackedBarSeries()
        for kind in activity_kinds(d):
            bs = QBarSet(KIND_NAMES[kind])
            bs.setProperty("kind", kind)
            for _, counts in d.days:
                bs.append(counts.get(kind, 0))
            series.append(bs)
        series.setBarWidth(0.8)
        chart.addSeries(series)
        cats = QBarCategoryAxis()
        days = [str(datetime.strptime(day, "%Y-%m-%d").day) for day, _ in d.days]
        cats.append(sparse_labels(days, 1))
        first, last = d.days[0][0], d.days[-1][0]
        y = _count_axis(max((sum(c.values()) for _, c in d.days), default=0), self._most(self.activity_view))
        chart.addAxis(cats, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(cats)
        series.attachAxis(y)
        _label_bars(
            chart,
            series,
            cats,
            days,
            self._label_step(self.activity_view, len(days)),
            f"{fmt.day_title(first)} – {fmt.day_title(last)}",
        )
        return chart

    def _label_step(self, view: QChartView, n: int) -> int:
        """Label every category when each has room for two digits, else every 2nd or 5th."""
        room = max(1, view.width() - 80) / max(1, n)  # less the value axis and the margins
        need = view.fontMetrics().horizontalAdvance("30") + 10
        return next((step for step in (1, 2, 5, 10) if room * step >= need), 10)

    def _most(self, view: QChartView) -> int:
        """How many intervals a value axis of ``view`` has room for (a label every ~28 px)."""
        plot = view.height() - (90 if view is self.held_view else 120)  # less title, axis title, legend
        return max(2, min(5, plot // 28))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        steps = (
            self._label_step(self.held_view, 10),
            self._label_step(self.activity_view, ACTIVITY_DAYS),
            *(self._most(v) for v in (self.fade_view, self.held_view, self.activity_view)),
            *(self._legend_key(v) for v in (self.fade_view, self.activity_view)),
        )
        if steps != self._steps:  # fewer or more labels fit now
            self._steps = steps
            self._draw()

    def _legend_key(self, view: QChartView) -> tuple[int, int]:
        """Which legend plan the view's width chooses (a redraw when it changes)."""
        if self.data is None:
            return 0, 0
        kinds = fade_kinds(self.data) if view is self.fade_view else activity_kinds(self.data)
        chart = view.chart()
        font = chart.legend().font() if chart is not None else view.font()
        names, where = legend_plan(kinds, view.width(), QFontMetrics(font))
        return (0 if names is KIND_NAMES else 1), int(where.value)

    def chart_series_names(self) -> dict[str, list[Any]]:
        """What each chart shows (for tests and screen readers)."""
        return {
            name: [s.name() for s in view.chart().series()]
            for name, view in (("fade", self.fade_view), ("held", self.held_view), ("activity", self.activity_view))
        }


def install(shell: Shell, services: AppServices) -> InsightsPage:
    page = InsightsPage(services.session)
    shell.add_page(Page("insights", "Insights", page))
    return page
