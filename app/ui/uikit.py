"""Small helpers every screen shares: the window's QSettings, remembered splitters, debounce
timers, callbacks that outlive their widget, text highlighting, counted nouns ("1 memory",
"2 memories") and ``ElidedLabel`` (one line, cut with "…" to its width, the whole text in its tooltip)."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QLabel,
    QSizePolicy,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

SETTINGS_ORG = "Reverie"
SETTINGS_APP = "Reverie"
PREVIEW_MAX_CHARS = 100_000  # Markdown beyond this is shown as plain text (rendering it would stall the window)


def settings() -> QSettings:
    """The per-user settings of the window (geometry, splitters); the vault's settings are elsewhere."""
    return QSettings(SETTINGS_ORG, SETTINGS_APP)


def remember_splitter(splitter: QSplitter, key: str) -> None:
    """Restore a splitter's sizes saved under ``key`` and save them whenever the user moves it."""
    saved = settings().value(key)
    if saved is not None:
        splitter.restoreState(saved)
    splitter.splitterMoved.connect(lambda *_: settings().setValue(key, splitter.saveState()))


class OneRead:
    """A widget's reads on the database lane, one at a time. ``begin`` says whether to start one now; a
    read asked for while one runs is remembered, and ``end`` (called once the result is shown) starts
    it through ``again``, the widget's refresh, which reads the vault anew."""

    def __init__(self, again: Callable[[], None]) -> None:
        self.again = again
        self.busy = False
        self.pending = False

    def begin(self) -> bool:
        if self.busy:
            self.pending = True
            return False
        self.busy = True
        return True

    def end(self, *, shown: bool = True) -> None:
        """The read is over; when it was ``shown``, a read asked for meanwhile starts now (after a
        failure it waits for the next refresh)."""
        self.busy = False
        if shown and self.pending:
            self.pending = False
            self.again()


def alive(widget: QObject, fn: Callable[..., Any] | None) -> Callable[..., None] | None:
    """``fn``, called only while ``widget`` still exists: a lane's answer may arrive after the
    page was closed, and must then be dropped rather than touch a deleted widget."""
    if fn is None:
        return None

    def call(*args: Any) -> None:
        if shiboken6.isValid(widget):
            fn(*args)

    return call


def debouncer(parent: QWidget, ms: int, slot: Callable[[], None]) -> QTimer:
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(ms)
    timer.timeout.connect(slot)
    return timer


def utf16_offset(text: str, index: int) -> int:
    """Qt counts text positions in UTF-16 code units; Python in code points."""
    index = max(0, min(index, len(text)))
    prefix = text[:index]
    if prefix.isascii():
        return index
    return len(prefix.encode("utf-16-le", "surrogatepass")) // 2


def highlighted_html(text: str, spans: tuple[tuple[int, int], ...] | list[tuple[int, int]], limit: int = 400) -> str:
    """An excerpt of ``text`` around its first highlight, with the spans in bold on a yellow mark."""
    spans = sorted((max(0, s), min(len(text), e)) for s, e in spans if e > s)
    start = 0
    if spans and spans[0][0] > limit // 3:
        start = spans[0][0] - limit // 3
    end = min(len(text), start + limit)
    out, pos = [], start
    for s, e in spans:
        if e <= pos or s >= end:
            continue
        s = max(s, pos)
        out.append(html.escape(text[pos:s]))
        out.append(f"<b style='background-color:#ffe28a;color:#111'>{html.escape(text[s : min(e, end)])}</b>")
        pos = min(e, end)
    out.append(html.escape(text[pos:end]))
    body = "".join(out).replace("\n", " ")
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """ "1 memory", "2 memories", "0 notes": the number and its noun, singular only for one."""
    if n == 1:
        return f"{n} {noun}"
    if plural is None:
        if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "o", "u"):
            plural = noun[:-1] + "ies"
        elif noun.endswith(("s", "x", "ch", "sh")):
            plural = noun + "es"
        else:
            plural = noun + "s"
    return f"{n:,} {plural}"


class ElidedLabel(QLabel):
    """A one-line label that cuts its text with "…" to the width it is given (at the end, or in the
    middle for paths), and shows the whole text in its tooltip when it is cut. ``text()`` is the
    whole text; ``shown()`` what is on screen. It can shrink to a few characters, so layouts never
    clip it or grow a horizontal scrollbar."""

    def __init__(
        self, text: str = "", parent: QWidget | None = None, mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight
    ) -> None:
        super().__init__(parent)
        self._full = ""
        self._mode = mode
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt naming
        self._full = text or ""
        self._elide()

    def text(self) -> str:
        return self._full

    def shown(self) -> str:
        return super().text()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        hint = super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + 2, hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(self.fontMetrics().horizontalAdvance("…") * 4, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(0, self.contentsRect().width())
        shown = self.fontMetrics().elidedText(self._full, self._mode, width) if width else self._full
        QLabel.setText(self, shown)
        self.setToolTip(self._full if shown != self._full else "")


def paint_row_frame(
    delegate: QStyledItemDelegate,
    painter: QPainter,
    option: QStyleOptionViewItem,
    index: QModelIndex | QPersistentModelIndex,
) -> None:
    """Paint a list row's background, hover, selection and icon as the style draws them, without its
    text (the delegate paints that)."""
    opt = QStyleOptionViewItem(option)
    delegate.initStyleOption(opt, index)
    opt.text = ""
    style = opt.widget.style() if opt.widget is not None else None
    if style is not None:
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
