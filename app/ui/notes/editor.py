"""The note editor: title, tags, Markdown text with a preview, and the highlight of a cited passage."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui.uikit import PREVIEW_MAX_CHARS, utf16_offset
from reverie.core.records import Note
from reverie.core.sources import first_line_title


class NoteEditor(QWidget):
    edited = Signal()  # the user changed the title, tags or text

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.note: Note | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)
        self.title = QLineEdit()
        self.title.setObjectName("noteTitle")
        self.title.setPlaceholderText("Title (the first line when left empty)")
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("Tags, separated by spaces or commas")
        self.body = QPlainTextEdit()
        self.body.setObjectName("noteBody")
        self.body.setPlaceholderText("Write in Markdown. Reverie saves as you type.")
        self.preview = QTextBrowser()
        self.preview.setOpenExternalLinks(False)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.body, "Write")
        self.tabs.addTab(self.preview, "Preview")
        self.status = QLabel("")
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)
        for w in (self.title, self.tags, self.tabs, self.status):
            lay.addWidget(w)
        self.title.textEdited.connect(lambda _t: self._user_edit())
        self.tags.textEdited.connect(lambda _t: self._user_edit())
        self.body.textChanged.connect(self._body_changed)
        self.tabs.currentChanged.connect(lambda i: self.render_preview() if i == 1 else None)
        self._loading = False

    # -- content ---------------------------------------------------------------------------
    def set_note(self, note: Note | None) -> None:
        """Show a note (None: an empty draft) without counting it as an edit."""
        self._loading = True
        try:
            self.note = note
            self.title.setText(note.title if note else "")
            self.tags.setText(" ".join(note.tags) if note else "")
            self.body.setPlainText(note.body if note else "")
            self.body.setExtraSelections([])
        finally:
            self._loading = False
        if self.tabs.currentIndex() == 1:
            self.render_preview()

    def values(self) -> tuple[str, str, str]:
        """(title, tags, body) as typed; an empty title becomes the body's first line."""
        body = self.body.toPlainText()
        title = self.title.text().strip()
        if not title:
            title = first_line_title(body)
        return title, self.tags.text(), body

    def is_empty(self) -> bool:
        return not self.title.text().strip() and not self.body.document().characterCount() > 1

    def _body_changed(self) -> None:
        if self._loading:
            return
        self.body.setExtraSelections([])
        self._user_edit()

    def _user_edit(self) -> None:
        if not self._loading:
            self.edited.emit()

    def render_preview(self) -> None:
        text = self.body.toPlainText()
        if len(text) > PREVIEW_MAX_CHARS:
            self.preview.setPlainText(text[:PREVIEW_MAX_CHARS] + f"\n\n[The preview stops here; the note has "
                                      f"{len(text):,} characters, all saved.]")
        else:
            self.preview.setMarkdown(text)

    # -- a cited passage ----------------------------------------------------------------------
    def highlight(self, start: int | None, end: int | None) -> None:
        """Scroll to the passage [start, end) of the body (Python offsets) and mark it."""
        if start is None:
            return
        text = self.body.toPlainText()
        end = start if end is None else end
        a, b = utf16_offset(text, start), utf16_offset(text, end)
        self.tabs.setCurrentIndex(0)
        cursor = QTextCursor(self.body.document())
        cursor.setPosition(a)
        cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
        sel = QTextEdit.ExtraSelection()
        fmt = QTextCharFormat()
        fmt.setBackground(QColor("#ffe28a"))
        fmt.setForeground(QColor("#111111"))
        sel.format = fmt  # type: ignore[attr-defined]
        sel.cursor = cursor  # type: ignore[attr-defined]
        self.body.setExtraSelections([sel])
        place = QTextCursor(self.body.document())
        place.setPosition(b)
        self.body.setTextCursor(place)
        self.body.ensureCursorVisible()
        place.setPosition(a)
        self.body.setTextCursor(place)
        self.body.centerCursor()

    def highlighted_range(self) -> tuple[int, int] | None:
        """The marked passage in UTF-16 positions (what tests and the e2e check look at)."""
        sels = self.body.extraSelections()
        if not sels:
            return None
        c = sels[0].cursor
        return c.selectionStart(), c.selectionEnd()


