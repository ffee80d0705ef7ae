"""Where a brought-in note lives, under its title: "From report.pdf · 12 pages · ~/Documents/Work" with
"Open file" and "Show in folder"; and, above the text of a PDF note opened at a passage, the page that
passage is on ("page 3 of 12") with "Open at page 3". The words come from ``core.notesource``; whether
the file is still there is looked up on the database lane with the note (``notes.loading``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolButton, QWidget

from reverie.app.ui import icons
from reverie.app.ui.uikit import ElidedLabel
from reverie.core import notesource
from reverie.core.notesource import NoteOrigin

WHERE_MIN_PX = 140  # room the path keeps before the buttons give up their words


def open_url(url: QUrl) -> bool:
    """Hand a URL to the system (its viewer for a file); False when nothing opened it."""
    return bool(QDesktopServices.openUrl(url))


def page_url(path: str, page: int | None) -> QUrl:
    """``file:///…/report.pdf#page=3``: viewers that honour it open the page."""
    url = QUrl.fromLocalFile(path)
    if page is not None:
        url.setFragment(f"page={page}")
    return url


def _link_button(text: str, icon: str, tip: str) -> QToolButton:
    b = QToolButton()
    b.setObjectName("originAction")
    b.setText(text)
    b.setIcon(icons.icon(icon))
    b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    b.setAutoRaise(True)
    b.setToolTip(tip)
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    return b


class OriginLine(QWidget):
    """The quiet line under a brought-in note's title; hidden for a note written in Reverie."""

    problem = Signal(str)  # a sentence when the system could not open the file

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noteOrigin")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(2, 0, 0, 0)
        lay.setSpacing(0)
        self.what = ElidedLabel()  # "From report.pdf · 12 pages": kept whole while there is room
        self.what.setObjectName("muted")
        self.what.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.where = ElidedLabel(mode=Qt.TextElideMode.ElideMiddle)  # " · ~/Documents/Work": cut in its middle
        self.where.setObjectName("muted")
        self.open_button = _link_button("Open file", "open", "Open the file this note was read from")
        self.folder_button = _link_button("Show in folder", "folder", "Open the folder that holds the file")
        lay.addWidget(self.what)
        lay.addWidget(self.where, 1)
        lay.addSpacing(6)
        lay.addWidget(self.open_button)
        lay.addSpacing(4)
        lay.addWidget(self.folder_button)
        self.origin: NoteOrigin | None = None
        self.present = False
        self.open_button.clicked.connect(self.open_file)
        self.folder_button.clicked.connect(self.show_folder)
        self.setVisible(False)

    def set_origin(self, origin: NoteOrigin | None, present: bool = True, page: int | None = None) -> None:
        self.origin, self.present = origin, present
        self.setVisible(origin is not None)
        if origin is None:
            self.what.setText("")
            self.where.setText("")
            return
        what, where = notesource.origin_parts(origin, present=present, home=str(Path.home()), page=page)
        self.what.setText(what)
        self.where.setText(where)
        self.open_button.setVisible(present and origin.file is not None)
        self.open_button.setToolTip(f"Open file: {origin.file}" if origin.file else "")
        folder = origin.folder_on_disk
        self.folder_button.setVisible(present and folder is not None)
        self.folder_button.setToolTip(f"Show in folder: {folder}" if folder else "")
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """In a narrow editor the buttons show their icons alone, so the words stay whole."""
        shown = [b for b in (self.open_button, self.folder_button) if not b.isHidden()]
        worded = sum(b.fontMetrics().horizontalAdvance(b.text()) + b.iconSize().width() + 16 for b in shown)
        need = self.what.sizeHint().width() + min(self.where.sizeHint().width(), WHERE_MIN_PX) + worded + 16
        wide = self.width() >= need
        for b in shown:
            b.setToolButtonStyle(
                Qt.ToolButtonStyle.ToolButtonTextBesideIcon if wide else Qt.ToolButtonStyle.ToolButtonIconOnly
            )

    def text(self) -> str:
        """The whole line, as the user would read it with room enough."""
        return self.what.text() + self.where.text()

    def open_file(self) -> None:
        if self.origin is not None and self.origin.file and not open_url(page_url(self.origin.file, None)):
            self.problem.emit(f"No program opened {self.origin.name}.")

    def show_folder(self) -> None:
        folder = self.origin.folder_on_disk if self.origin is not None else None
        if folder and not open_url(QUrl.fromLocalFile(folder)):
            self.problem.emit(f"No program opened the folder {folder}.")


class PageNote(QWidget):
    """Beside the marked passage of a PDF note: the page it is on, and "Open at page 3"."""

    problem = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pageNote")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(2, 0, 0, 0)
        lay.setSpacing(4)
        self.label = QLabel("")
        self.label.setObjectName("muted")
        self.open_button = _link_button("Open at page", "open", "")
        lay.addWidget(self.label)
        lay.addWidget(self.open_button)
        lay.addStretch(1)
        self.origin: NoteOrigin | None = None
        self.page: int | None = None
        self.open_button.clicked.connect(self.open_page)
        self.setVisible(False)

    def show_page(self, origin: NoteOrigin | None, page: int | None, present: bool = True) -> None:
        """Name the page of the marked passage (None: hide)."""
        self.origin, self.page = origin, page
        on = origin is not None and page is not None
        self.setVisible(on)
        if origin is None or page is None:
            return
        self.label.setText(f"The marked passage is on {notesource.page_line(origin, page)}.")
        self.open_button.setText(f"Open at page {page}")
        self.open_button.setToolTip(f"Open {origin.name} at page {page}")
        self.open_button.setVisible(present and origin.file is not None)

    def open_page(self) -> None:
        origin, page = self.origin, self.page
        if origin is None or origin.file is None or page is None:
            return
        # A viewer that does not take "#page=" may refuse the URL: then the file opens at its start.
        if not open_url(page_url(origin.file, page)) and not open_url(page_url(origin.file, None)):
            self.problem.emit(f"No program opened {origin.name}.")
