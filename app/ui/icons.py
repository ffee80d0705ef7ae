"""The window's icons, chosen in one place, drawn from the Material Design Icons font that
``qtawesome`` ships (MIT). Pages ask ``icons.icon("notes")``; never a file path or an icon name.

An icon is drawn when it is painted, in the palette's text colour at that moment, so every icon
follows the light and dark themes (and the system switching between them) with no reload; a
disabled icon takes the disabled text colour.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_API", "pyside6")  # qtawesome (through qtpy) must bind to PySide6

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap

# What each thing in the window is drawn with (mdi6 names: https://pictogrammers.com/library/mdi/).
NAMES: dict[str, str] = {
    # the pages, in the sidebar's order
    "home": "mdi6.home-outline",
    "chat": "mdi6.chat-outline",
    "notes": "mdi6.note-text-outline",
    "search": "mdi6.magnify",
    "memories": "mdi6.brain",
    "insights": "mdi6.chart-timeline-variant",
    "reminders": "mdi6.bell-outline",
    "settings": "mdi6.cog-outline",
    # what a memory came from
    "note": "mdi6.file-document-outline",
    "conversation": "mdi6.message-text-outline",
    "fact": "mdi6.lightbulb-outline",
    # commands
    "new_note": "mdi6.note-plus-outline",
    "new_chat": "mdi6.chat-plus-outline",
    "ask": "mdi6.send",
    "send": "mdi6.send",
    "stop": "mdi6.stop",
    "save": "mdi6.content-save-outline",
    "edit": "mdi6.pencil-outline",
    "delete": "mdi6.trash-can-outline",
    "undo": "mdi6.undo",
    "copy": "mdi6.content-copy",
    "pin": "mdi6.pin-outline",
    "unpin": "mdi6.pin-off-outline",
    "archive": "mdi6.archive-outline",
    "open": "mdi6.open-in-new",
    "close": "mdi6.close",
    "add": "mdi6.plus",
    "filter": "mdi6.filter-variant",
    "refresh": "mdi6.refresh",
    "tag": "mdi6.tag-outline",
    "folder": "mdi6.folder-outline",
    "today": "mdi6.calendar-today",
    "recent": "mdi6.history",
    "import": "mdi6.import",
    "export": "mdi6.export",
    "consolidate": "mdi6.weather-night",
    "unlock": "mdi6.lock-open-variant-outline",
    "locked": "mdi6.lock-outline",
    "vault": "mdi6.database-outline",
    "palette": "mdi6.lightning-bolt-outline",
    "shortcuts": "mdi6.keyboard-outline",
    "help": "mdi6.help-circle-outline",
    "about": "mdi6.information-outline",
    "quit": "mdi6.exit-to-app",
    "collapse": "mdi6.chevron-double-left",
    "expand": "mdi6.chevron-double-right",
    # a note's attachments, by their type
    "attachment": "mdi6.paperclip",
    "file": "mdi6.file-outline",
    "file_image": "mdi6.file-image-outline",
    "file_pdf": "mdi6.file-pdf-box",
    "file_audio": "mdi6.file-music-outline",
    "file_video": "mdi6.file-video-outline",
    "file_text": "mdi6.file-document-outline",
    "file_archive": "mdi6.folder-zip-outline",
}

_cache: dict[tuple[str, str], QIcon] = {}


def _drawn(spec: str, color: str) -> QIcon:
    import qtawesome

    key = (spec, color)
    found = _cache.get(key)
    if found is None:
        found = qtawesome.icon(spec, color=color, color_disabled=color, color_active=color, color_selected=color)
        _cache[key] = found
    return found


def text_color(mode: QIcon.Mode = QIcon.Mode.Normal) -> QColor:
    """The colour an icon is drawn in now: the palette's text colour (disabled text when disabled)."""
    pal = QGuiApplication.palette()
    group = QPalette.ColorGroup.Disabled if mode == QIcon.Mode.Disabled else QPalette.ColorGroup.Active
    return pal.color(group, QPalette.ColorRole.WindowText)


class _ThemedEngine(QIconEngine):
    def __init__(self, spec: str) -> None:
        super().__init__()
        self.spec = spec

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        _drawn(self.spec, text_color(mode).name()).paint(
            painter, rect, Qt.AlignmentFlag.AlignCenter, QIcon.Mode.Normal, state
        )

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pm = QPixmap(size)
        pm.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pm)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return pm

    def clone(self) -> QIconEngine:
        return _ThemedEngine(self.spec)


def icon(name: str) -> QIcon:
    """The icon for ``name`` (a key of ``NAMES``: a page, a source, a command), in the theme's text colour.
    An unknown name is a programming error: KeyError."""
    return QIcon(_ThemedEngine(NAMES[name]))
