"""Small helpers every screen shares: the window's QSettings, remembered splitters, debounce
timers, callbacks that outlive their widget, and text highlighting."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QSettings, QTimer
from PySide6.QtWidgets import QSplitter, QWidget

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


def highlighted_html(text: str, spans: tuple[tuple[int, int], ...] | list[tuple[int, int]],
                     limit: int = 400) -> str:
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
        out.append(f"<b style='background-color:#ffe28a;color:#111'>{html.escape(text[s:min(e, end)])}</b>")
        pos = min(e, end)
    out.append(html.escape(text[pos:end]))
    body = "".join(out).replace("\n", " ")
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")

