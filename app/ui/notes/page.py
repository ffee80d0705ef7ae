"""The Notes screen: a filtered list, the editor with autosave, delete with undo, and opening a
note at a cited passage. All reads and writes go to the database lane."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui.changes import NOTE_SAVED, NOTES_REMOVED_OR_BACK, OpChanges
from reverie.app.ui.notes.editor import NoteEditor
from reverie.app.ui.notes.model import IdRole, NoteListItemModel, load_rows
from reverie.app.ui.richtext import HtmlDelegate
from reverie.app.ui.services import AppServices
from reverie.app.ui.session import Session
from reverie.app.ui.shell import Page, Shell
from reverie.app.ui.uikit import debouncer, remember_splitter
from reverie.core import notes
from reverie.core.records import Memory, Note
from reverie.core.vault import Vault

AUTOSAVE_MS = 700
UNDO_MS = 30_000  # how long "Undo" stays offered after a delete


class NotesPage(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = NoteListItemModel(self)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter notes (words, or #tag)")
        self.filter.setClearButtonEnabled(True)
        self.filter.setMaxLength(200)
        self.list = QListView()
        self.list.setObjectName("noteList")
        self.list.setModel(self.model)
        self.list.setUniformItemSizes(True)
        self.list.setItemDelegate(HtmlDelegate(self.list))
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.new_button = QPushButton("New note")
        self.delete_button = QPushButton("Delete")
        self.empty = QLabel("No notes yet. Press Ctrl+N to write one.")
        self.empty.setObjectName("muted")
        self.empty.setWordWrap(True)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(8, 8, 0, 8)
        ll.addWidget(self.filter)
        ll.addWidget(self.list, 1)
        ll.addWidget(self.empty)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        ll.addLayout(buttons)
        self.editor = NoteEditor()
        self.undo_bar = QFrame()
        self.undo_bar.setObjectName("undoBar")
        ub = QHBoxLayout(self.undo_bar)
        self.undo_label = QLabel("")
        self.undo_button = QPushButton("Undo")
        ub.addWidget(self.undo_label, 1)
        ub.addWidget(self.undo_button)
        self.undo_bar.hide()
        self._undo_timeout = debouncer(self, UNDO_MS, self.undo_bar.hide)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.undo_bar)
        rl.addWidget(self.editor, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([280, 720])
        remember_splitter(self.splitter, "notes/splitter")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.splitter)

        self._dirty = False
        self._creating = False  # a create is on the lane; later edits wait for its id
        self._load_token = 0
        self._deleted: Note | None = None
        self._pending_open: tuple[str, int | None, int | None] | None = None
        self._autosave = debouncer(self, AUTOSAVE_MS, self.save)
        self._refilter = debouncer(self, 200, self.refresh)
        self.filter.textChanged.connect(lambda _t: self._refilter.start())
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        self.new_button.clicked.connect(self.new_note)
        self.delete_button.clicked.connect(self.delete_current)
        self.undo_button.clicked.connect(self.undo_delete)
        self.editor.edited.connect(self._edited)
        session.vault_ready.connect(lambda _v: self.refresh())
        session.changed.connect(self._on_changes)
        session.at_close(self._last_save)
        self._sync_buttons()

    def _on_changes(self, changes: OpChanges) -> None:
        if changes.notes:
            self.refresh()

    # -- list ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        vault = self.session.vault
        if vault is None:
            return
        self.session.db.submit(load_rows, vault, self.filter.text(), on_done=self._show_rows,
                               on_error=self.editor.status.setText)

    def _show_rows(self, rows: list) -> None:
        current = self.editor.note.id if self.editor.note else None
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        self.empty.setText("No notes yet. Press Ctrl+N to write one." if not self.filter.text()
                           else "No note matches this filter.")
        row = self.model.row_of(current)
        if row >= 0:
            self.list.selectionModel().blockSignals(True)
            self.list.setCurrentIndex(self.model.index(row))
            self.list.selectionModel().blockSignals(False)
        self._sync_buttons()

    def _current_changed(self, index: Any, _prev: Any) -> None:
        note_id = index.data(IdRole) if index.isValid() else None
        if note_id and (self.editor.note is None or self.editor.note.id != note_id):
            self.open_note(note_id)

    # -- open / new ------------------------------------------------------------------------------
    def open_note(self, note_id: str, start: int | None = None, end: int | None = None) -> None:
        """Load a note into the editor; with a span, scroll to that passage and mark it."""
        self.save()
        self._load_token += 1
        token = self._load_token
        self.session.db.submit(notes.get_note, self.session.vault, note_id,
                               on_done=lambda n: self._loaded(token, n, start, end),
                               on_error=self._open_failed)

    def open_memory(self, memory: Memory) -> None:
        if self.filter.text():
            self.filter.clear()
        self.open_note(memory.source_id, memory.span_start, memory.span_end)

    def _loaded(self, token: int, note: Note, start: int | None, end: int | None) -> None:
        if token != self._load_token:
            return
        if self._dirty:
            self.save()  # keystrokes typed into the previous note while this one was loading
        self.editor.set_note(note)
        self.editor.status.setText("")
        row = self.model.row_of(note.id)
        if row >= 0:
            self.list.selectionModel().blockSignals(True)
            self.list.selectionModel().setCurrentIndex(
                self.model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.list.selectionModel().blockSignals(False)
        if start is not None:
            self.editor.highlight(start, end)
        self._sync_buttons()

    def _open_failed(self, message: str) -> None:
        self.editor.status.setText(message)
        self.refresh()

    def new_note(self) -> None:
        self.save()
        self._load_token += 1
        self.list.clearSelection()
        self.editor.set_note(None)
        self.editor.status.setText("A new note; it is saved as soon as you write.")
        self.editor.body.setFocus()
        self._sync_buttons()

    # -- autosave ------------------------------------------------------------------------------
    def _edited(self) -> None:
        self._dirty = True
        self.editor.status.setText("Editing…")
        self._autosave.start()

    def save(self) -> None:
        """Write what is in the editor now (on the database lane)."""
        self._autosave.stop()
        vault = self.session.vault
        if not self._dirty or vault is None:
            return
        if self._creating:
            self._autosave.start()  # the note's id is on its way
            return
        title, tags, body = self.editor.values()
        note = self.editor.note
        if note is None and self.editor.is_empty():
            self._dirty = False
            return
        self._dirty = False
        self.editor.status.setText("Saving…")
        if note is None:
            self._creating = True
            self.session.db.submit(notes.create_note, vault, body, title, tags,
                                   on_done=self._created, on_error=self._save_failed)
        else:
            self.session.db.submit(notes.update_note, vault, note.id, body=body, title=title, tags=tags,
                                   on_done=lambda r: self._saved(r[0]), on_error=self._save_failed)

    def _created(self, note: Note) -> None:
        self._creating = False
        if self.editor.note is None:
            self.editor.note = note
        self._saved(note)
        if self._dirty:
            self.save()

    def _saved(self, note: Note) -> None:
        if self.editor.note is not None and self.editor.note.id == note.id:
            self.editor.note = note
            if not self._dirty:
                self.editor.status.setText("Saved.")
        self.session.publish(NOTE_SAVED)

    def _save_failed(self, message: str) -> None:
        self._creating = False
        self._dirty = True  # the text stays in the editor, nothing is lost
        self.editor.status.setText(message)

    def _last_save(self, vault: Vault) -> None:
        """At close, after the lanes stopped: write the edits the autosave had not written yet."""
        self._autosave.stop()
        note = self.editor.note
        if not self._dirty or (note is None and self.editor.is_empty()):
            return
        title, tags, body = self.editor.values()
        if note is None and not self._creating:
            notes.create_note(vault, body, title, tags)
        elif note is not None:
            notes.update_note(vault, note.id, body=body, title=title, tags=tags)
        self._dirty = False

    # -- delete / undo -----------------------------------------------------------------------------
    def delete_current(self) -> None:
        note = self.editor.note
        if note is None:
            self.new_note()
            return
        self._autosave.stop()
        self._dirty = False
        self.session.run_op(notes.delete_note, self.session.vault, note.id, changes=NOTES_REMOVED_OR_BACK,
                            on_done=self._deleted_note, on_error=self.editor.status.setText)

    def _deleted_note(self, note: Note) -> None:
        self._deleted = note
        self.undo_label.setText(f"Deleted “{note.title}”.")
        self.undo_bar.show()
        self._undo_timeout.start()
        self.editor.set_note(None)
        self.editor.status.setText("")

    def undo_delete(self) -> None:
        note = self._deleted
        if note is None:
            return
        self._deleted = None
        self.undo_bar.hide()
        self.session.run_op(notes.restore_note, self.session.vault, note, changes=NOTES_REMOVED_OR_BACK,
                            on_done=self._restored, on_error=self.editor.status.setText)

    def _restored(self, note: Note) -> None:
        self.open_note(note.id)

    def _sync_buttons(self) -> None:
        self.delete_button.setEnabled(self.editor.note is not None)


def install(shell: Shell, services: AppServices) -> NotesPage:
    page = NotesPage(services.session)
    shell.add_page(Page("notes", "Notes", page))

    def open_note(memory: Memory) -> None:
        shell.show_page("notes")
        page.open_memory(memory)

    def new_note() -> None:
        shell.show_page("notes")
        page.new_note()

    shell.register_opener("note", open_note)
    shell.add_shortcut("Ctrl+N", new_note)
    return page
