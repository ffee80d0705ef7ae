"""The note editor: title, where a brought-in note lives, tags, properties, Markdown text with a preview
(wikilinks, callouts), its attachments, the notes linking here, and the highlight of a cited passage
(with the page it is on, for a PDF)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QImage, QKeyEvent, QTextCharFormat, QTextCursor, QTextDocument
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

from reverie.app.ui.notes.attachments import AttachmentsPanel
from reverie.app.ui.notes.backlinks import BacklinksPanel
from reverie.app.ui.notes.loading import AttachmentRow, LoadedNote
from reverie.app.ui.notes.markdown import LINK_SCHEME, LinkTarget, heading_block_top, render
from reverie.app.ui.notes.origin import OriginLine, PageNote
from reverie.app.ui.notes.properties import PropertiesPanel
from reverie.app.ui.theme import theme_signals
from reverie.app.ui.uikit import PREVIEW_MAX_CHARS, utf16_offset
from reverie.core.notesource import NoteOrigin
from reverie.core.records import Note
from reverie.core.sources import first_line_title
from reverie.core.wikilinks import WikiLink, title_key

WRITE, PREVIEW = 0, 1
WEB_SCHEMES = ("http", "https", "mailto")


class _LeaveOnEscape(QObject):
    """Esc in the text moves the focus on (Tab there indents, as Markdown lists want)."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and isinstance(obj, QWidget)
        ):
            nxt = obj.nextInFocusChain()
            while nxt is not obj:
                if (
                    nxt.isVisible()
                    and nxt.isEnabled()
                    and nxt.focusPolicy() & Qt.FocusPolicy.TabFocus
                    and not nxt.focusProxy()
                ):
                    nxt.setFocus(Qt.FocusReason.TabFocusReason)
                    break
                nxt = nxt.nextInFocusChain()
            return True
        return False


class _Preview(QTextBrowser):
    """The Preview: Markdown images that name one of the note's attachments are drawn from the vault
    (``images``, read with the note on the database lane); nothing else is loaded from anywhere."""

    def __init__(self) -> None:
        super().__init__()
        self.images: dict[str, QImage] = {}

    def loadResource(self, kind: int, url: QUrl | str) -> Any:  # noqa: N802 - Qt naming
        if kind == QTextDocument.ResourceType.ImageResource.value and self.images:
            u = QUrl(url)
            for key in (u.toString(), u.toString(QUrl.ComponentFormattingOption.FullyEncoded), u.path()):
                if key in self.images:
                    return self.images[key]
        return None  # not a file beside the vault, not the web


class NoteEditor(QWidget):
    edited = Signal()  # the user changed the title, tags, properties or text
    link_clicked = Signal(object)  # a LinkTarget clicked in the preview

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.note: Note | None = None
        lay = QVBoxLayout(self)
        self._layout = lay
        lay.setContentsMargins(12, 8, 12, 8)
        self.title = QLineEdit()
        self.title.setObjectName("noteTitle")
        self.title.setPlaceholderText("Title (the first line when left empty)")
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("Tags, separated by spaces or commas")
        self.body = QPlainTextEdit()
        self.body.setObjectName("noteBody")
        self.body.setPlaceholderText(
            "Write in Markdown: [[Another note]] links to it, > [!note] makes a callout. Reverie saves as you type."
        )
        self.body.setToolTip("Tab indents; Esc moves on to the next control")
        self._escape = _LeaveOnEscape(self)
        self.body.installEventFilter(self._escape)
        self.properties = PropertiesPanel()
        self.preview = _Preview()
        self.preview.setObjectName("notePreview")
        self.preview.setOpenLinks(False)  # links are handled here; the browser must not navigate
        self.preview.setOpenExternalLinks(False)
        self.preview.anchorClicked.connect(self._anchor_clicked)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.body, "Write")
        self.tabs.addTab(self.preview, "Preview")
        self.backlinks = BacklinksPanel()
        self.origin_line = OriginLine()  # a brought-in note: where it lives
        self.page_note = PageNote()  # a PDF note opened at a passage: its page
        self.attachments = AttachmentsPanel()
        self.origin: NoteOrigin | None = None
        self.present = True
        self.status = QLabel("")
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)
        for w in (self.title, self.origin_line, self.tags, self.properties, self.page_note):
            lay.addWidget(w)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.attachments)
        lay.addWidget(self.backlinks)
        lay.addWidget(self.status)
        self.link_index: dict[str, str] = {}  # a link's key -> the id of the note it names
        self.links: list[LinkTarget] = []  # the preview's links, by their index
        self.title.textEdited.connect(lambda _t: self._user_edit())
        self.tags.textEdited.connect(lambda _t: self._user_edit())
        self.properties.edited.connect(self._user_edit)
        self.body.textChanged.connect(self._body_changed)
        self.tabs.currentChanged.connect(lambda i: self.render_preview() if i == PREVIEW else None)
        theme_signals().changed.connect(self._theme_changed)
        self.origin_line.problem.connect(self.status.setText)
        self.page_note.problem.connect(self.status.setText)
        self._loading = False

    def add_notice(self, notice: QWidget) -> None:
        """A notice above the title (the locked vault's), within the editor's margins."""
        self._layout.insertWidget(0, notice)

    # -- content ---------------------------------------------------------------------------
    def set_note(
        self,
        note: Note | None,
        images: dict[str, QImage] | None = None,
        files: tuple[AttachmentRow, ...] | None = None,
    ) -> None:
        """Show a note (None: an empty draft) without counting it as an edit. Another note than the
        one shown forgets where the last one came from and its attachments until ``set_loaded``;
        ``images``: the pictures its Markdown images show (``loading.preview_images``); ``files``: its
        attachments."""
        if note is None or self.note is None or note.id != self.note.id:
            self.show_origin(None)
            self.attachments.set_rows([])
            self.preview.images = {}
        if images is not None:
            self.preview.images = dict(images)
        if files is not None:
            self.attachments.set_rows(files)  # before the preview: ![[photo.png]] links to its file
        self.page_note.show_page(None, None)
        self._loading = True
        try:
            self.note = note
            self.title.setText(note.title if note else "")
            self.title.setCursorPosition(0)  # a long title shows its start, not its end
            self.title.setToolTip(note.title if note else "")
            self.tags.setText(" ".join(note.tags) if note else "")
            self.body.setPlainText(note.body if note else "")
            self.body.setExtraSelections([])
            self.properties.set_properties(note.properties if note else {})
        finally:
            self._loading = False
        if note is None:
            self.backlinks.set_notes(None, [])
        self.refresh_preview(keep_scroll=False)

    def set_loaded(self, loaded: LoadedNote) -> None:
        """Show a note read with where it came from and its attachments (``loading.load_note``)."""
        self.set_note(loaded.note, loaded.images, loaded.attachments)
        self.show_origin(loaded.origin, loaded.present)

    def show_origin(self, origin: NoteOrigin | None, present: bool = True) -> None:
        self.origin, self.present = origin, present
        self.origin_line.set_origin(origin, present)

    def write(self) -> None:
        """Show the Write tab and put the cursor in the text, so typing lands there."""
        self.tabs.setCurrentIndex(WRITE)
        self.body.setFocus(Qt.FocusReason.ShortcutFocusReason)

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
        self.page_note.show_page(None, None)  # the marked passage is gone with its mark
        self._user_edit()

    def _user_edit(self) -> None:
        if not self._loading:
            self.edited.emit()

    def refresh_preview(self, keep_scroll: bool = True) -> None:
        if self.tabs.currentIndex() == PREVIEW:
            self.render_preview(keep_scroll)

    def _theme_changed(self, _name: str) -> None:
        self.refresh_preview()

    def set_link_index(self, index: dict[str, str]) -> None:
        """Which notes exist, to tell links to them from links to notes not written yet."""
        if index != self.link_index:
            self.link_index = index
            self.refresh_preview()

    def resolve(self, link: WikiLink) -> str | None:
        """The id of the note a link names; for a file, of the attachment the note carries by that name."""
        if link.is_file:
            found = self.attachments.find(link.target.strip())
            return found.id if found is not None else None
        if not link.target.strip():
            return self.note.id if self.note else None
        return self.link_index.get(title_key(link.target))

    def render_preview(self, keep_scroll: bool = True) -> None:
        text = self.body.toPlainText()
        scroll = self.preview.verticalScrollBar().value() if keep_scroll else 0
        if len(text) > PREVIEW_MAX_CHARS:
            self.links = []
            self.preview.setPlainText(
                text[:PREVIEW_MAX_CHARS] + f"\n\n[The preview stops here; the note has "
                f"{len(text):,} characters, all saved.]"
            )
        else:
            self.links = render(self.preview.document(), text, self.resolve, self.preview.palette())
        self.preview.verticalScrollBar().setValue(scroll)

    def _anchor_clicked(self, url: QUrl) -> None:
        if url.scheme() == LINK_SCHEME:
            try:
                target = self.links[int(url.path())]
            except (ValueError, IndexError):
                return
            self.link_clicked.emit(target)
        elif url.scheme() in WEB_SCHEMES:
            QDesktopServices.openUrl(url)

    def show_heading(self, heading: str) -> None:
        """Scroll the preview to a heading (or a ``^block``) of the open note, when it has one."""
        if self.tabs.currentIndex() != PREVIEW:
            return
        top = heading_block_top(self.preview.document(), heading)
        if top is not None:
            self.preview.verticalScrollBar().setValue(int(top))

    # -- a cited passage ----------------------------------------------------------------------
    def highlight(self, start: int | None, end: int | None) -> None:
        """Scroll to the passage [start, end) of the body (Python offsets) and mark it."""
        if start is None:
            return
        text = self.body.toPlainText()
        end = start if end is None else end
        a, b = utf16_offset(text, start), utf16_offset(text, end)
        self.tabs.setCurrentIndex(WRITE)
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
        origin = self.origin
        self.page_note.show_page(origin, origin.page_at(start) if origin is not None else None, self.present)

    def highlighted_range(self) -> tuple[int, int] | None:
        """The marked passage in UTF-16 positions (what tests and the e2e check look at)."""
        sels = self.body.extraSelections()
        if not sels:
            return None
        c = sels[0].cursor
        return c.selectionStart(), c.selectionEnd()
