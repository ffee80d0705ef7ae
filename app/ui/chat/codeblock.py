"""Fenced code in a message: split out of the Markdown and shown in a box of its own that scrolls
sideways inside the bubble, so one long line never widens the thread."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFontDatabase, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QFrame, QPlainTextEdit, QSizePolicy, QWidget

MAX_LINES = 24  # a longer block scrolls up and down inside itself too
# A fence opens at the start of a line (up to three spaces in) and closes with a line of ``` (or the
# text ends: an answer being streamed, or a reply cut short).
_FENCE = re.compile(r"^ {0,3}```[^\n`]*\n(.*?)(?:^ {0,3}```[ \t]*$\n?|\Z)", re.S | re.M)


def split_code(text: str) -> list[tuple[str, str]]:
    """``text`` as ("text", markdown) and ("code", code) pieces, in order; blank prose is dropped."""
    pieces: list[tuple[str, str]] = []
    at = 0
    for m in _FENCE.finditer(text):
        if text[at : m.start()].strip():
            pieces.append(("text", text[at : m.start()]))
        pieces.append(("code", m.group(1).rstrip("\n")))
        at = m.end()
    if text[at:].strip():
        pieces.append(("text", text[at:]))
    return pieces


class CodeBlock(QPlainTextEdit):
    """Read-only monospace code that never wraps: a long line scrolls sideways inside the box."""

    def __init__(self, code: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("codeBlock")
        self.setReadOnly(True)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # Any width the bubble has: the box never asks for the width of its longest line.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(80)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.set_code(code)

    def set_code(self, code: str) -> None:
        if code != self.toPlainText():
            self.setPlainText(code)
        self._fit_height()

    def _fit_height(self) -> None:
        """As tall as its lines (up to MAX_LINES), plus the sideways scrollbar when a line is wider
        than the box: measured with the font the theme gave it (fonts change when it is styled)."""
        lines = min(max(1, self.blockCount()), MAX_LINES)
        line = self.blockBoundingRect(self.document().firstBlock()).height() or self.fontMetrics().lineSpacing()
        fm = self.fontMetrics()
        widest = max((fm.horizontalAdvance(text) for text in self.toPlainText().splitlines()), default=0)
        margins = self.contentsMargins()
        chrome = margins.top() + margins.bottom() + 2 * round(self.document().documentMargin())
        bar = self.horizontalScrollBar().sizeHint().height() if widest > self.viewport().width() - 8 else 0
        self.setFixedHeight(round(lines * line) + chrome + bar + 1)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt naming
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_height()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        self._fit_height()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit_height()
