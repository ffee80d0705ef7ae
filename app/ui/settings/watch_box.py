"""Settings → Watched folders: the folders Reverie brings in and follows (``core.bring.watch``), each
with its state and last look; Add folder…, "These are my own notes", Pause/Resume and Remove. Every
change is a write on the database lane, then the runtime (``app/ui/watching``) looks again."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui.changes import IMPORTED
from reverie.app.ui.session import Session
from reverie.app.ui.shell import Shell
from reverie.app.ui.uikit import ElidedLabel, alive
from reverie.app.ui.watching import WatchRuntime, plural, short
from reverie.core.bring import watch
from reverie.core.bring.watch import WatchedFolder

INTRO = (
    "Reverie brings these folders in and follows them while it runs: new, edited, renamed and deleted files. "
    "It never writes into them. When a file is deleted, its memories are archived; they come back if the file does."
)
EMPTY = "No folder is watched yet. Add one (an Obsidian vault, a Documents folder) and its notes stay in step with it."


def folder_line(f: WatchedFolder, *, mine: bool = True) -> str:
    """Two lines: where, then its state, notes and last look (and a problem, when there is one);
    ``mine=False`` leaves out "your own notes" (a check box beside it says so)."""
    state = "Watching" if f.watching else "Paused"
    parts = [state, plural(f.files, "note")]
    if f.missing:
        parts.append(f"{f.missing:,} with the file gone")
    if f.mine and mine:
        parts.append("your own notes")
    parts.append(
        "last looked " + datetime.fromtimestamp(f.last_scan_at).strftime("%d %b %H:%M")
        if f.last_scan_at
        else "not looked at yet"
    )
    line = f"{short(f.path)}\n{' · '.join(parts)}"
    return f"{line}\n{f.problem}" if f.problem else line


class FolderRow(QFrame):
    """One watched folder: its path (cut in the middle when long), its state, notes and last look, a
    problem when there is one, "These are my own notes", and Pause/Resume and Remove."""

    def __init__(self, f: WatchedFolder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder = f
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 6, 0, 6)
        text = QVBoxLayout()
        text.setSpacing(2)
        self.path = ElidedLabel(short(f.path), mode=Qt.TextElideMode.ElideMiddle)
        self.path.setObjectName("sectionTitle")
        self.path.setToolTip(f.path)
        text.addWidget(self.path)
        self.detail = QLabel(folder_line(f, mine=False).split("\n")[1])
        self.detail.setObjectName("muted")
        self.detail.setWordWrap(True)
        text.addWidget(self.detail)
        self.problem = QLabel(f.problem)
        self.problem.setObjectName("errorText")
        self.problem.setWordWrap(True)
        self.problem.setVisible(bool(f.problem))
        text.addWidget(self.problem)
        self.mine = QCheckBox("These are my own notes")
        self.mine.setChecked(f.mine)
        self.mine.setToolTip("Facts about you may be drawn from your own notes; not from other documents.")
        text.addWidget(self.mine)
        row.addLayout(text, 1)
        self.pause = QPushButton("Pause" if f.watching else "Resume")
        self.remove = QPushButton("Remove")
        self.remove.setToolTip("Stop watching this folder; the notes brought in from it stay.")
        for b in (self.pause, self.remove):
            row.addWidget(b, 0, Qt.AlignmentFlag.AlignTop)


class WatchBox(QGroupBox):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Watched folders", parent)
        self.session = session
        self.runtime: WatchRuntime | None = None
        self.folders: list[WatchedFolder] = []
        self.rows: list[FolderRow] = []
        lay = QVBoxLayout(self)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        lay.addWidget(intro)
        self.empty = QLabel(EMPTY)
        self.empty.setWordWrap(True)
        lay.addWidget(self.empty)
        self.list = QWidget()
        self.rows_layout = QVBoxLayout(self.list)
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        self.rows_layout.setSpacing(0)
        lay.addWidget(self.list)
        row = QHBoxLayout()
        self.add = QPushButton("Add folder…")
        self.add.clicked.connect(self.choose)
        row.addWidget(self.add)
        row.addStretch(1)
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

    def offer(self, shell: Shell) -> None:
        """The "watch_folder" command (the palette's "Watch folder"): Settings at this box, then the
        folder chooser."""

        def watch_folder() -> None:
            shell.show_page("settings")
            parent = self.parentWidget()
            while parent is not None and not isinstance(parent, QScrollArea):
                parent = parent.parentWidget()
            if isinstance(parent, QScrollArea):
                parent.ensureWidgetVisible(self, 0, 0)
            self.choose()

        shell.register_action("watch_folder", watch_folder)

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
        self.folders = list(folders)
        while self.rows_layout.count():
            item = self.rows_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.rows = []
        for i, f in enumerate(self.folders):
            if i:
                line = QFrame()
                line.setFrameShape(QFrame.Shape.HLine)
                line.setFrameShadow(QFrame.Shadow.Sunken)
                self.rows_layout.addWidget(line)
            row = FolderRow(f)
            row.pause.clicked.connect(lambda _c=False, f=f: self.toggle_pause(f))
            row.remove.clicked.connect(lambda _c=False, f=f: self.remove_folder(f))
            row.mine.clicked.connect(lambda checked, f=f: self.set_mine(f, checked))
            self.rows_layout.addWidget(row)
            self.rows.append(row)
        self.list.setVisible(bool(self.folders))
        self.empty.setVisible(not self.folders)
        self.status.setVisible(bool(self.folders))  # "No folder is watched." would repeat the line above

    def line(self, row: int) -> str:
        """What row ``row`` says (its path, then its state, notes and last look)."""
        return folder_line(self.folders[row]) if 0 <= row < len(self.folders) else ""

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
            self._changed()

        self.session.db.submit(watch.add_folder, vault, path, on_done=alive(self, done), on_error=self._error)

    def toggle_pause(self, f: WatchedFolder) -> None:
        vault = self.session.vault
        if vault is None:
            return
        state = "paused" if f.watching else "on"

        def done(_f: WatchedFolder) -> None:
            self._say(
                f"Paused {short(f.path)}; what changes meanwhile is caught up when you resume."
                if state == "paused"
                else f"Watching {short(f.path)} again; catching up on what changed."
            )
            self._changed()

        self.session.db.submit(watch.set_state, vault, f.path, state, on_done=alive(self, done), on_error=self._error)

    def remove_folder(self, f: WatchedFolder) -> None:
        vault = self.session.vault
        if vault is None:
            return

        def done(_f: WatchedFolder) -> None:
            self._say(f"Stopped watching {short(f.path)}; the notes brought in from it stay.")
            self._changed()

        self.session.db.submit(watch.remove_folder, vault, f.path, on_done=alive(self, done), on_error=self._error)

    def set_mine(self, f: WatchedFolder, checked: bool) -> None:
        vault = self.session.vault
        if vault is None:
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

    def _changed(self) -> None:
        if self.runtime is not None:
            self.runtime.reload()
        self.load()

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setObjectName("errorText" if error else "muted")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _error(self, text: str) -> None:
        self._say(text, error=True)
