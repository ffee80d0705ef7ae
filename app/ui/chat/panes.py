"""The three panes of Chat (conversations, the conversation, Sources) and how they share the width.

The conversation gets the room: the side panes keep their width and the conversation takes the
rest. When the page is too narrow for a side pane and a readable conversation, that pane hides
(Sources first, then the conversation list); its toggle button brings it back. What the user
chose with a toggle holds until the page crosses that pane's width again.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QToolButton, QWidget

from reverie.app.ui import icons
from reverie.app.ui.uikit import ElidedLabel, settings

LIST_WIDTH = 230  # the conversation list, as first shown
LIST_MIN = 170
SOURCES_WIDTH = 280
SOURCES_MIN = 220
CENTER_MIN = 300  # never narrower (a side pane gives way first)
READABLE = 420  # the conversation list shows by itself while the conversation keeps this much
ROOMY = 580  # ... and Sources while the conversation keeps this much
SETTINGS_KEY = "chat/panes"  # the side panes' widths, as the user dragged them


class PaneBar(QWidget):
    """The bar over the conversation: the list's toggle, the open conversation's title, Sources' toggle."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list_toggle = QToolButton()
        self.list_toggle.setObjectName("paneToggle")
        self.list_toggle.setIcon(icons.icon("chat"))
        self.list_toggle.setToolTip("Show or hide the conversations")
        self.list_toggle.setAccessibleName("Conversations")
        self.title = ElidedLabel("New conversation")
        self.title.setObjectName("chatTitle")
        self.sources_toggle = QToolButton()
        self.sources_toggle.setObjectName("paneToggle")
        self.sources_toggle.setText("Sources")
        self.sources_toggle.setToolTip("Show or hide what the answer was given and cited")
        self.sources_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.sources_toggle.setIcon(icons.icon("note"))
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 0)
        lay.addWidget(self.list_toggle)
        lay.addWidget(self.title, 1)
        lay.addWidget(self.sources_toggle)


class ChatPanes(QSplitter):
    """A splitter of (list, center, sources) that hides and shows its side panes by width."""

    def __init__(
        self,
        left: QWidget,
        center: QWidget,
        right: QWidget,
        list_toggle: QToolButton,
        sources_toggle: QToolButton,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName("chatPanes")
        self.left, self.center, self.right = left, center, right
        for w in (left, center, right):
            self.addWidget(w)
        self.setChildrenCollapsible(False)
        self.setStretchFactor(0, 0)
        self.setStretchFactor(1, 1)
        self.setStretchFactor(2, 0)
        left.setMinimumWidth(LIST_MIN)
        center.setMinimumWidth(CENTER_MIN)
        right.setMinimumWidth(SOURCES_MIN)
        saved = settings().value(SETTINGS_KEY)
        widths = [int(x) for x in saved] if isinstance(saved, list) and len(saved) == 2 else []
        self.list_width = max(LIST_MIN, widths[0]) if widths else LIST_WIDTH
        self.sources_width = max(SOURCES_MIN, widths[1]) if widths else SOURCES_WIDTH
        self.list_toggle, self.sources_toggle = list_toggle, sources_toggle
        for button in (list_toggle, sources_toggle):
            button.setCheckable(True)
        list_toggle.clicked.connect(lambda on: self.choose(list_shown=on))
        sources_toggle.clicked.connect(lambda on: self.choose(sources_shown=on))
        self._list_choice: bool | None = None  # None: by width
        self._sources_choice: bool | None = None
        self._fits: tuple[bool, bool] | None = None
        self.splitterMoved.connect(self._moved)

    # -- what fits -----------------------------------------------------------------------------
    def fits(self, width: int) -> tuple[bool, bool]:
        """Whether the list, and Sources, show by themselves at this page width."""
        handle = self.handleWidth()
        list_fits = width - self.list_width - handle >= READABLE
        sources_fits = list_fits and width - self.list_width - self.sources_width - 2 * handle >= ROOMY
        return list_fits, sources_fits

    def choose(self, *, list_shown: bool | None = None, sources_shown: bool | None = None) -> None:
        """The user showed or hid a pane; a pane shown where there is no room for both hides the other."""
        room = self.width() - self.list_width - self.sources_width - 2 * self.handleWidth() >= CENTER_MIN
        if list_shown is not None:
            self._list_choice = list_shown
            if list_shown and not room and self.right.isVisibleTo(self):
                self._sources_choice = False
        if sources_shown is not None:
            self._sources_choice = sources_shown
            if sources_shown and not room and self.left.isVisibleTo(self):
                self._list_choice = False
        self.arrange()

    def arrange(self) -> None:
        list_fits, sources_fits = self.fits(self.width())
        if self._fits != (list_fits, sources_fits):  # the page crossed a width: by width again
            if self._fits is not None and self._fits[0] != list_fits:
                self._list_choice = None
            if self._fits is not None and self._fits[1] != sources_fits:
                self._sources_choice = None
            self._fits = (list_fits, sources_fits)
        show_list = list_fits if self._list_choice is None else self._list_choice
        show_sources = sources_fits if self._sources_choice is None else self._sources_choice
        changed = show_list != self.left.isVisibleTo(self) or show_sources != self.right.isVisibleTo(self)
        self.left.setVisible(show_list)
        self.right.setVisible(show_sources)
        self.list_toggle.setChecked(show_list)
        self.sources_toggle.setChecked(show_sources)
        if changed or sum(self.sizes()) == 0:
            self._share()

    def _share(self) -> None:
        lw = self.list_width if self.left.isVisibleTo(self) else 0
        sw = self.sources_width if self.right.isVisibleTo(self) else 0
        self.setSizes([lw, max(CENTER_MIN, self.width() - lw - sw), sw])

    def _moved(self, *_: object) -> None:
        sizes = self.sizes()
        if self.left.isVisibleTo(self) and sizes[0]:
            self.list_width = sizes[0]
        if self.right.isVisibleTo(self) and sizes[2]:
            self.sources_width = sizes[2]
        settings().setValue(SETTINGS_KEY, [self.list_width, self.sources_width])

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        """The conversation's minimum only: a side pane hides rather than hold the window wide."""
        return QSize(CENTER_MIN, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self.arrange()
