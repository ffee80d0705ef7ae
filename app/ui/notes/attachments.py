"""A note's attachments, under its text: each file's name and size with an icon for its type (a small
picture for an image); a click opens it in the system's viewer, from a private copy written on the
database lane (``loading.OpenedCopies``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QIcon, QKeyEvent, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QToolButton, QVBoxLayout, QWidget

from reverie.app.ui import icons
from reverie.app.ui.notes.loading import THUMB_PX, AttachmentRow, OpenedCopies
from reverie.app.ui.notes.origin import open_url
from reverie.app.ui.session import Session
from reverie.app.ui.uikit import settings
from reverie.core.textutil import human_size

IdRole = Qt.ItemDataRole.UserRole + 1
NameRole = Qt.ItemDataRole.UserRole + 2
MAX_VISIBLE_ROWS = 4
ROW_PX = THUMB_PX + 4


def icon_name(mime: str, name: str = "") -> str:
    """The icon for a file of this type (a key of ``icons.NAMES``)."""
    mime = mime.lower()
    low = name.lower()
    if mime.startswith("image/"):
        return "file_image"
    if mime == "application/pdf" or low.endswith(".pdf"):
        return "file_pdf"
    if mime.startswith("audio/"):
        return "file_audio"
    if mime.startswith("video/"):
        return "file_video"
    if mime.startswith("text/") or "document" in mime or "msword" in mime:
        return "file_text"
    if "zip" in mime or "compressed" in mime or "tar" in mime:
        return "file_archive"
    return "file"


class AttachmentsPanel(QWidget):
    """Hidden when the note carries no file."""

    open_attachment = Signal(str, str)  # the attachment's id, its name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachments")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        self.header = QToolButton()
        self.header.setObjectName("attachmentsHeader")
        self.header.setAutoRaise(True)
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.list = QListWidget()
        self.list.setObjectName("attachmentList")
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.list.setWordWrap(False)
        self.list.setUniformItemSizes(True)
        self.list.setIconSize(QSize(THUMB_PX, THUMB_PX))
        self.list.setViewMode(QListView.ViewMode.ListMode)
        self.list.setCursor(Qt.CursorShape.PointingHandCursor)
        self.list.setToolTip("Click one to open it")
        lay.addWidget(self.header)
        lay.addWidget(self.list)
        self.rows: list[AttachmentRow] = []
        self.expanded = bool(settings().value("notes/attachments_open", True, type=bool))
        self.header.clicked.connect(lambda: self.set_expanded(not self.expanded))
        self.list.itemClicked.connect(self._activated)  # a click; Enter below (not both: one viewer opens)
        self.list.installEventFilter(self)
        self.set_rows([])

    def set_rows(self, rows: list[AttachmentRow] | tuple[AttachmentRow, ...]) -> None:
        self.rows = list(rows)
        self.list.clear()
        row_h = max(ROW_PX, self.list.fontMetrics().height() + 8)  # a bigger text size makes taller rows
        for r in self.rows:
            icon = QIcon(QPixmap.fromImage(r.thumb)) if r.thumb is not None else icons.icon(icon_name(r.mime, r.name))
            item = QListWidgetItem(icon, f"{r.name}  ·  {human_size(r.size)}")
            item.setSizeHint(QSize(0, row_h))  # every row as high, a picture's or an icon's
            item.setData(IdRole, r.id)
            item.setData(NameRole, r.name)
            item.setToolTip(f"{r.name}\n{r.mime}, {human_size(r.size)}\nClick to open it")
            self.list.addItem(item)
        n = len(self.rows)
        self.header.setText(f"{n} attachment{'s' if n != 1 else ''}")
        self.setVisible(n > 0)
        self._sync()
        self.list.setFixedHeight(max(min(n, MAX_VISIBLE_ROWS), 1) * row_h + 2 * self.list.frameWidth() + 2)

    def set_expanded(self, on: bool) -> None:
        self.expanded = on
        settings().setValue("notes/attachments_open", on)
        self._sync()

    def _sync(self) -> None:
        self.list.setVisible(self.expanded)
        self.header.setArrowType(Qt.ArrowType.DownArrow if self.expanded else Qt.ArrowType.RightArrow)
        self.header.setToolTip(("Hide" if self.expanded else "Show") + " the files this note carries")

    def names(self) -> list[str]:
        return [r.name for r in self.rows]

    def find(self, name: str) -> AttachmentRow | None:
        """The attachment a link names: by its whole name, else by its file name."""
        leaf = name.replace("\\", "/").rsplit("/", 1)[-1]
        exact = next((r for r in self.rows if r.name == name), None)
        return exact or next((r for r in self.rows if r.name.rsplit("/", 1)[-1] == leaf), None)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if (
            obj is self.list
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.list.currentItem() is not None
        ):
            self._activated(self.list.currentItem())
            return True
        return False

    def _activated(self, item: QListWidgetItem) -> None:
        aid = item.data(IdRole)
        if aid:
            self.open_attachment.emit(str(aid), str(item.data(NameRole)))


def open_copy(
    session: Session, copies: OpenedCopies, attachment_id: str, name: str, say: Callable[[str], None]
) -> None:
    """Write a private copy of an attachment on the database lane, then hand it to the system's viewer;
    ``say`` gets a sentence while it opens, and when no program took it."""
    vault = session.vault
    if vault is None:
        return
    say(f"Opening {name}…")

    def written(path: Path) -> None:
        say("" if open_url(QUrl.fromLocalFile(str(path))) else f"No program opened {name}.")

    session.db.submit(copies.export, vault, attachment_id, on_done=written, on_error=say)
