"""Settings → Watched folders: the folders Reverie brings in and follows (``core.bring.watch``), each
with its state and last look; Add folder…, "These are my own notes", Pause/Resume and Remove. Every
change is a write on the database lane, then the runtime (``app/ui/watching``) looks again."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui.changes import IMPORTED
from reverie.app.ui.session import Session
from reverie.app.ui.uikit import alive
from reverie.app.ui.watching import WatchRuntime, plural, short
from reverie.core.bring import watch
from reverie.core.bring.watch import WatchedFolder

INTRO = (
    "Reverie brings these folders in and follows them while it runs: new, edited, renamed and deleted files. "
    "It never writes into them. When a file is deleted, its memories are archived; they come back if the file does."
)
EMPTY = "No folder is watched yet. Add one (an Obsidian vault, a Documents folder) and its notes stay in step with it."


def folder_line(f: WatchedFolder) -> str:
    """Two lines: where, then its state, notes and last look (and a problem, when there is one)."""
    state = "Watching" if f.watching else "Paused"
    parts = [state, plural(f.files, "note")]
    if f.missing:
        parts.append(f"{f.missing:,} with the file gone")
    if f.mine:
        parts.append("your own notes")
    parts.append(
        "last looked " + datetime.fromtimestamp(f.last_scan_at).strftime("%d %b %H:%M")
        if f.last_scan_at
        else "not looked at yet"
    )
    line = f"{short(f.path)}\n{' · '.join(parts)}"
    return f"{line}\n{f.problem}" if f.problem else line


class WatchBox(QGroupBox):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Watched folders", parent)
        self.session = session
        self.runtime: WatchRuntime | None = None
        self.folders: list[WatchedFolder] = []
        lay = QVBoxLayout(self)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        lay.addWidget(intro)
        self.empty = QLabel(EMPTY)
        self.empty.setWordWrap(True)
        lay.addWidget(self.empty)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.list.currentRowChanged.connect(lambda _row: self._selection())
        lay.addWidget(self.list)
        self.mine = QCheckBox("These are my own notes")
        self.mine.setToolTip("Facts about you may be drawn from your own notes; not from other documents.")
        self.mine.clicked.connect(self._set_mine)
        lay.addWidget(self.mine)
        row = QHBoxLayout()
        self.add = QPushButton("Add folder…")
        self.add.clicked.connect(self.choose)
        self.pause = QPushButton("Pause")
        self.pause.clicked.connect(self.toggle_pause)
        self.remove = QPushButton("Remove")
        self.remove.setToolTip("Stop watching this folder; the notes brought in from it stay.")
        self.remove.clicked.connect(self.remove_selected)
        row.addWidget(self.add)
        row.addStretch(1)
        row.addWidget(self.pause)
        row.addWidget(self.remove)
        lay.addLayout(row)
        self.status = QLabel("")
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        lay.addWidget(self.message)
        self.show_folders([])
        session.vault_ready.connect(lambda _vault: self.load())

    def attach(self, runtime: WatchRuntime) -> None:
        """Follow the runtime: its status line, and the folders after each look."""
        self.runtime = runtime
        runtime.status.connect(self.status.setText, Qt.ConnectionType.QueuedConnection)
        runtime.folders.connect(self.show_folders, Qt.ConnectionType.QueuedConnection)
        self.status.setText(runtime.text)

    # -- reading -----------------------------------------------------------------------------------
    def load(self) -> None:
        if self.session.vault is not None:
            self.session.db.submit(
                watch.list_folders, self.session.vault, on_done=alive(self, self.show_folders), on_error=self._say
            )

    def show_folders(self, folders: list[WatchedFolder]) -> None:
        selected = self.selected()
        self.folders = list(folders)
        self.list.clear()
        for f in self.folders:
            item = QListWidgetItem(folder_line(f))
            item.setToolTip(f.path)
            item.setData(Qt.ItemDataRole.UserRole, f.path)
            self.list.addItem(item)
        rows = max(1, len(self.folders))
        line = self.list.fontMetrics().lineSpacing()
        self.list.setFixedHeight(min(rows, 4) * (3 * line + 10) + 6)
        self.list.setVisible(bool(self.folders))
        self.empty.setVisible(not self.folders)
        paths = [f.path for f in self.folders]
        if selected is not None and selected.path in paths:
            self.list.setCurrentRow(paths.index(selected.path))
        elif self.folders:
            self.list.setCurrentRow(0)
        self._selection()

    def selected(self) -> WatchedFolder | None:
        row = self.list.currentRow()
        return self.folders[row] if 0 <= row < len(self.folders) else None

    def _selection(self) -> None:
        f = self.selected()
        for w in (self.mine, self.pause, self.remove):
            w.setEnabled(f is not None)
        self.mine.setChecked(bool(f and f.mine))
        self.pause.setText("Resume" if f is not None and not f.watching else "Pause")

    # -- writing -------------------------------------------------------------------------------------
    def choose(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Choose a folder for Reverie to watch")
        if path:
            self.add_path(path)

    def add_path(self, path: str) -> None:
        vault = self.session.vault
        if vault is None:
            return

        def done(f: WatchedFolder) -> None:
            self._say(f"Watching {short(f.path)}: its files come in now, and Reverie follows them while it runs.")
            self._changed(select=f.path)

        self.session.db.submit(watch.add_folder, vault, path, on_done=alive(self, done), on_error=self._error)

    def toggle_pause(self) -> None:
        f, vault = self.selected(), self.session.vault
        if f is None or vault is None:
            return
        state = "paused" if f.watching else "on"

        def done(_f: WatchedFolder) -> None:
            self._say(
                f"Paused {short(f.path)}; changes are caught up when you resume."
                if state == "paused"
                else f"Watching {short(f.path)} again; catching up on what changed."
            )
            self._changed()

        self.session.db.submit(watch.set_state, vault, f.path, state, on_done=alive(self, done), on_error=self._error)

    def remove_selected(self) -> None:
        f, vault = self.selected(), self.session.vault
        if f is None or vault is None:
            return

        def done(_f: WatchedFolder) -> None:
            self._say(f"Stopped watching {short(f.path)}; the notes brought in from it stay.")
            self._changed()

        self.session.db.submit(watch.remove_folder, vault, f.path, on_done=alive(self, done), on_error=self._error)

    def _set_mine(self, checked: bool) -> None:
        f, vault = self.selected(), self.session.vault
        if f is None or vault is None:
            return

        def done(_f: WatchedFolder) -> None:
            self._say(
                f"The notes from {short(f.path)} are marked as your own writing."
                if checked
                else f"Files read from {short(f.path)} from now on are not marked as your own writing."
            )
            self._changed()

        self.session.run_op(
            watch.set_mine, vault, f.path, checked, changes=IMPORTED, on_done=alive(self, done), on_error=self._error
        )

    def _changed(self, select: str | None = None) -> None:
        if self.runtime is not None:
            self.runtime.reload()

        def show(folders: list[WatchedFolder]) -> None:
            self.show_folders(folders)
            if select is not None:
                paths = [f.path for f in self.folders]
                if select in paths:
                    self.list.setCurrentRow(paths.index(select))

        if self.session.vault is not None:
            self.session.db.submit(watch.list_folders, self.session.vault, on_done=alive(self, show))

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setObjectName("errorText" if error else "muted")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _error(self, text: str) -> None:
        self._say(text, error=True)
