"""The command palette (Ctrl+K): every page, every command the features registered on the shell,
and a search of notes and memories, from one box.

What is typed filters the pages and commands by their names at once; from two characters on it
also runs a word search on the database lane (the Search page's retriever, ``services.searcher``),
and Enter opens a hit where it came from (``shell.open_source``). The GUI thread never waits:
results that arrive after the user typed on are dropped.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QFrame, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from reverie.app.ui import icons
from reverie.app.ui.services import AppServices
from reverie.app.ui.shell import Shell
from reverie.app.ui.uikit import alive, debouncer
from reverie.core.records import Memory
from reverie.core.sources import clip

MAX_HITS = 8
WIDTH = 560
MAX_ROWS = 10  # the list grows with its results up to this many rows, then scrolls
MIN_SEARCH = 2
SEARCH_DELAY_MS = 150

# Readable names of the commands the features register (others read as their key, capitalised).
ACTION_LABELS = {
    "consolidate": "Consolidate memories now",
    "unlock": "Unlock the vault…",
    "export": "Export vault…",
    "export_markdown": "Export as Markdown…",
    "import": "Import vault file…",
    "bring_in": "Bring in documents, folders or note-app exports…",
    "import_chatgpt": "Import ChatGPT export…",
    "lock": "Change lock (passphrase, keyring)…",
    "new_note": "New note",
    "new_chat": "New conversation",
    "shortcuts": "Keyboard shortcuts",
    "about": "About Reverie",
    "quit": "Quit Reverie",
}
SOURCE_ICONS = {"note": "note", "message": "conversation", "consolidation": "fact", "import": "note"}


@dataclass(frozen=True)
class Entry:
    kind: str  # "page" | "action" | "hit"
    label: str
    key: str = ""  # the page's or the action's key
    memory: Memory | None = None
    detail: str = ""


def action_label(key: str) -> str:
    return ACTION_LABELS.get(key) or key.replace("_", " ").capitalize()


def takes_no_arguments(fn: Any) -> bool:
    """Whether a registered action can run from the palette (some take the text they act on)."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return True
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in sig.parameters.values())


def matches(query: str, label: str) -> bool:
    """Every word typed appears in the label (any order, any case)."""
    low = label.lower()
    return all(word in low for word in query.lower().split())


class CommandPalette(QDialog):
    def __init__(
        self,
        shell: Shell,
        services: AppServices,
        pages: list[tuple[str, str]],
        actions: dict[str, Any],
        parent: QWidget | None = None,
    ) -> None:
        """``pages``: (key, title) in the sidebar's order; ``actions``: the shell's registered commands."""
        super().__init__(parent)
        self.setWindowTitle("Go to or do")
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint)
        self.shell = shell
        self.services = services
        self.session = services.session
        self.frame = frame = QFrame(self)
        frame.setObjectName("palette")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        lay = QVBoxLayout(frame)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        self.input = QLineEdit()
        self.input.setObjectName("paletteInput")
        self.input.setPlaceholderText("Go to a page, run a command, or find a note or memory…")
        self.input.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setObjectName("paletteList")
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.itemActivated.connect(lambda _item: self.activate())
        self.list.itemClicked.connect(lambda _item: self.activate())
        lay.addWidget(self.input)
        lay.addWidget(self.list)
        self.commands = [Entry("page", f"Go to {title}", key) for key, title in pages]
        self.commands += [
            Entry("action", action_label(key), key) for key, fn in sorted(actions.items()) if takes_no_arguments(fn)
        ]
        self.hits: list[Entry] = []
        self.searching = False
        self._token = 0
        self._timer = debouncer(self, SEARCH_DELAY_MS, self._search)
        self.input.textChanged.connect(self._typed)
        self.input.installEventFilter(self)
        self.setFixedWidth(WIDTH)
        self._show()

    # -- what is listed ----------------------------------------------------------------------
    def entries(self) -> list[Entry]:
        query = self.input.text().strip()
        return [e for e in self.commands if matches(query, e.label)] + self.hits

    def _typed(self, _text: str) -> None:
        self._token += 1
        self.hits = []
        self._timer.stop()
        if len(self.input.text().strip()) >= MIN_SEARCH and self.session.is_open:
            self._timer.start()
        self._show()

    def _search(self) -> None:
        vault = self.session.vault
        text = self.input.text().strip()
        if vault is None or len(text) < MIN_SEARCH:
            return
        token = self._token
        services = self.services

        def search() -> list[Entry]:  # database lane
            result = services.searcher(vault).search(
                text, now=vault.now(), k=MAX_HITS, filters=services.filters(), as_you_type=True
            )
            return [Entry("hit", clip(h.shown()[0], 90), memory=h.memory, detail=h.source_title) for h in result.hits]

        self.searching = True
        self.session.db.submit(
            search,
            on_done=alive(self, lambda found: self._found(token, found)),
            on_error=alive(self, lambda msg: self._found(token, [])),
        )

    def _found(self, token: int, found: list[Entry]) -> None:
        if token != self._token:
            return  # typed on: a newer search is coming
        self.searching = False
        self.hits = found
        self._show()

    def _show(self) -> None:
        current = self.list.currentRow()
        self.list.clear()
        for entry in self.entries():
            item = QListWidgetItem(entry.label if not entry.detail else f"{entry.label}  —  {entry.detail}")
            name = (
                entry.key
                if entry.kind == "page"
                else (SOURCE_ICONS.get(entry.memory.source_kind, "note") if entry.memory is not None else entry.key)
            )
            if name in icons.NAMES:
                item.setIcon(icons.icon(name))
            elif entry.kind == "action":
                item.setIcon(icons.icon("palette"))
            item.setToolTip(entry.label)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(max(0, min(current, self.list.count() - 1)) if self.hits else 0)
        self._fit()

    def _fit(self) -> None:
        """The list as tall as its results (up to ``MAX_ROWS``, then it scrolls), the dialog with it:
        three results leave no empty area below them."""
        self.list.ensurePolished()
        rows = min(self.list.count(), MAX_ROWS)
        height = sum(self.list.sizeHintForRow(i) for i in range(rows)) + 2 * self.list.frameWidth()
        self.list.setFixedHeight(height)
        self.list.setVisible(rows > 0)
        self.frame.layout().invalidate()
        self.setFixedHeight(self.frame.layout().totalSizeHint().height())  # the frame fills the dialog

    # -- keys and choosing ---------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if obj is self.input and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.list.count():
                step = 1 if key == Qt.Key.Key_Down else -1
                self.list.setCurrentRow((self.list.currentRow() + step) % self.list.count())
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.activate()
                return True
        return super().eventFilter(obj, event)

    def activate(self) -> None:
        """Run the selected entry: go to its page, run its command, or open the hit where it came from."""
        row = self.list.currentRow()
        entries = self.entries()
        if not 0 <= row < len(entries):
            return
        entry = entries[row]
        self.accept()
        if entry.kind == "page":
            self.shell.show_page(entry.key)
        elif entry.kind == "action":
            action = self.shell.action(entry.key)
            if action is not None:
                action()
        elif entry.memory is not None:
            self.shell.open_source(entry.memory)
