"""The Notes screen: a filtered list, the editor with autosave, delete with undo, opening a note at a
cited passage (a PDF's at its page), [[links]] between notes and the notes linking here, where a
brought-in note lives and its attachments. All reads and writes go to the database lane. While the vault is locked, what is typed stays in the editor (the window warns
before closing) and is saved when the vault opens."""

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

from reverie.app.ui import icons
from reverie.app.ui.changes import NOTE_SAVED, NOTES_REMOVED_OR_BACK, OpChanges
from reverie.app.ui.locked import LockedNotice
from reverie.app.ui.notes.attachments import open_copy
from reverie.app.ui.notes.editor import NoteEditor
from reverie.app.ui.notes.loading import LoadedNote, OpenedCopies, load_note
from reverie.app.ui.notes.markdown import LinkTarget
from reverie.app.ui.notes.model import PAGE, IdRole, NoteItemDelegate, NoteListItemModel, NoteRow, load_rows
from reverie.app.ui.remindchip import RemindChip, note_source
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
    def __init__(self, session: Session, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.shell = shell
        self.model = NoteListItemModel(self)
        self.model.fetch_page = self._fetch_page
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter notes (words, or #tag)")
        self.filter.setClearButtonEnabled(True)
        self.filter.setMaxLength(200)
        self.list = QListView()
        self.list.setObjectName("noteList")
        self.list.setModel(self.model)
        self.list.setUniformItemSizes(True)
        self.list.setItemDelegate(NoteItemDelegate(self.list))
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.new_button = QPushButton(icons.icon("new_note"), "New")
        self.new_button.setToolTip("Write a new note (Ctrl+N)")
        self.delete_button = QPushButton(icons.icon("delete"), "Delete")
        self.delete_button.setToolTip("Delete this note (you can undo it for a while)")
        self.empty = QLabel(
            "No notes yet. Press Ctrl+N to write one."
            if session.is_open
            else "The notes show once the vault is unlocked. You can start a new one already."
        )
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
        self.locked = LockedNotice(session, shell)
        self.editor.add_notice(self.locked)
        self.remind_chip = RemindChip(session)  # "Remind me" when the saved note names a time ahead
        self.editor.add_notice(self.remind_chip)
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
        self.splitter.setStretchFactor(0, 1)  # a narrower window narrows the list too
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        right.setMinimumWidth(300)
        self.splitter.setSizes([260, 740])
        remember_splitter(self.splitter, "notes/splitter")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.splitter)

        self._dirty = False
        self._creating = False  # a create is on the lane; later edits wait for its id
        self._load_token = 0
        self._revealed: str | None = None  # the open note once the list scrolled to it
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
        self.editor.link_clicked.connect(self.follow_link)
        self.editor.backlinks.open_note.connect(self.open_note)
        self.editor.attachments.open_attachment.connect(self.open_attachment)
        self._copies = OpenedCopies()  # attachments written for the system's viewer, removed at close
        session.vault_ready.connect(self._vault_opened)
        session.changed.connect(self._on_changes)
        session.at_close(self._last_save)
        session.at_close(self._copies.remove)
        shell.register_unsaved(self.unsaved_text)
        self._tab_order()
        self._sync_buttons()

    def _tab_order(self) -> None:
        e = self.editor
        chain = [
            self.filter,
            self.list,
            self.new_button,
            self.delete_button,
            self.locked.button,
            self.undo_button,
            e.title,
            e.origin_line.open_button,
            e.origin_line.folder_button,
            e.tags,
            e.properties.toggle,
            e.properties.add_button,
            e.properties.remove_button,
            e.properties.table,
            e.page_note.open_button,
            e.tabs,
            e.body,
            e.preview,
            e.attachments.list,
            e.backlinks.toggle,
            e.backlinks.list,
        ]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)

    def _vault_opened(self, _vault: Vault) -> None:
        self.refresh()
        if self._dirty:
            self.save()  # what was typed while the vault was locked

    def _on_changes(self, changes: OpChanges) -> None:
        if changes.notes:
            self.refresh()
            self._load_backlinks()

    # -- list ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        vault = self.session.vault
        if vault is None:
            return
        self.session.db.submit(
            load_rows, vault, self.filter.text(), on_done=self._show_rows, on_error=self.editor.status.setText
        )
        self.session.db.submit(notes.link_index, vault, on_done=self.editor.set_link_index)

    def _load_backlinks(self) -> None:
        note = self.editor.note
        if note is None or self.session.vault is None:
            return
        self.session.db.submit(
            notes.backlinks, self.session.vault, note.id, on_done=lambda found: self._show_backlinks(note.id, found)
        )

    def _show_backlinks(self, note_id: str, found: list[Note]) -> None:
        if self.editor.note is not None and self.editor.note.id == note_id:
            self.editor.backlinks.set_notes(self.editor.note, found)

    def _fetch_page(self, offset: int, generation: int) -> None:
        vault = self.session.vault
        if vault is None:
            self.model.fetch_failed(generation)
            return

        def done(rows: list[NoteRow]) -> None:
            if self.model.append_rows(rows, generation, more=len(rows) >= PAGE):
                current = self.editor.note.id if self.editor.note else None
                self._mark(current, scroll=current != self._revealed)

        def failed(message: str) -> None:
            self.model.fetch_failed(generation)
            self.editor.status.setText(message)

        self.session.db.submit(load_rows, vault, self.filter.text(), offset, on_done=done, on_error=failed)

    def _show_rows(self, rows: list[NoteRow]) -> None:
        current = self.editor.note.id if self.editor.note else None
        self.model.set_rows(rows, more=len(rows) >= PAGE)
        self.empty.setVisible(not rows)
        self.empty.setText(
            "No notes yet. Press Ctrl+N to write one." if not self.filter.text() else "No note matches this filter."
        )
        self._mark(current, scroll=current != self._revealed)
        self._sync_buttons()

    def _mark(self, note_id: str | None, *, scroll: bool) -> None:
        """Select the open note in the list (without opening it again) and, with ``scroll``, bring it
        into view; a note not listed (yet) is revealed when the rows come."""
        row = self.model.row_of(note_id)
        if row < 0:
            return
        index = self.model.index(row)
        sm = self.list.selectionModel()
        sm.blockSignals(True)
        sm.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        sm.blockSignals(False)
        if scroll:
            self.list.scrollTo(index, QListView.ScrollHint.EnsureVisible)
            self._revealed = note_id

    def _current_changed(self, index: Any, _prev: Any) -> None:
        note_id = index.data(IdRole) if index.isValid() else None
        if note_id and (self.editor.note is None or self.editor.note.id != note_id):
            self.open_note(note_id)

    # -- open / new ------------------------------------------------------------------------------
    def open_note(self, note_id: str, start: int | None = None, end: int | None = None, heading: str = "") -> None:
        """Load a note into the editor; with a span, scroll to that passage and mark it; with a
        heading, scroll the preview to it."""
        self.save()
        self._load_token += 1
        token = self._load_token
        self.session.db.submit(
            load_note,
            self.session.vault,
            note_id,
            on_done=lambda loaded: self._loaded(token, loaded, start, end, heading),
            on_error=self._open_failed,
        )

    def open_memory(self, memory: Memory) -> None:
        if self.filter.text():
            self.filter.clear()
        self.open_note(memory.source_id, memory.span_start, memory.span_end)

    def _loaded(self, token: int, loaded: LoadedNote, start: int | None, end: int | None, heading: str = "") -> None:
        if token != self._load_token:
            return
        if self._dirty:
            self.save()  # keystrokes typed into the previous note while this one was loading
        note = loaded.note
        if self.remind_chip.key != note.id:
            self.remind_chip.clear()
        self.editor.set_loaded(loaded)
        self.editor.status.setText("")
        self._revealed = None
        self._mark(note.id, scroll=True)
        if start is not None:
            self.editor.highlight(start, end)
        elif heading:
            self.editor.show_heading(heading)
        self._load_backlinks()
        self._sync_buttons()

    def _open_failed(self, message: str) -> None:
        self.editor.status.setText(message)
        self.refresh()

    def new_note(self) -> None:
        self.save()
        self._load_token += 1
        self.list.clearSelection()
        self.editor.set_note(None)
        self.editor.status.setText("A new note; it is saved as soon as you write." if self.session.is_open else "")
        self.editor.write()
        self._sync_buttons()

    # -- attachments ---------------------------------------------------------------------------
    def open_attachment(self, attachment_id: str, name: str) -> None:
        """Open an attachment in the system's viewer: a private copy is written on the database lane."""
        open_copy(self.session, self._copies, attachment_id, name, self.editor.status.setText)

    # -- links ---------------------------------------------------------------------------------
    def follow_link(self, target: LinkTarget) -> None:
        """A link clicked in the preview: open the note it names (at its heading), or offer to write it."""
        link = target.link
        if link.is_file:
            found = self.editor.attachments.find(link.target.strip())
            if found is not None:  # ![[photo.png]]: the note carries that file
                self.open_attachment(found.id, found.name)
            else:
                self.editor.status.setText(target.tooltip)
        elif target.note_id is not None:
            if self.editor.note is not None and target.note_id == self.editor.note.id:
                self.editor.show_heading(link.heading)
            else:
                self.open_note(target.note_id, heading=link.heading)
        else:
            self.new_note()
            self.editor.title.setText(link.target.strip())
            self.editor.status.setText(
                f"A new note “{link.target.strip()}”, which other notes link to; it is saved as soon as you write."
            )

    # -- autosave ------------------------------------------------------------------------------
    def _edited(self) -> None:
        self._dirty = True
        if not self.session.is_open:
            self.editor.status.setText("")  # the locked notice says why nothing is saved yet
            return
        self.editor.status.setText("Editing…")
        self._autosave.start()

    def unsaved_text(self) -> str | None:
        """For the window's close check: the typed text that cannot be saved (the vault is locked)."""
        if self.session.is_open or not self._dirty or (self.editor.note is None and self.editor.is_empty()):
            return None
        title = self.editor.values()[0]
        return f"the note “{title}”" if title else "a new note"

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
        props, problem = self.editor.properties.checked()
        self.editor.properties.show_error(problem)  # the rest is saved; the table keeps what was typed
        self._dirty = False
        self.editor.status.setText("Saving…")
        if note is None:
            self._creating = True
            self.session.db.submit(
                notes.create_note,
                vault,
                body,
                title,
                tags,
                properties=props,
                on_done=self._created,
                on_error=self._save_failed,
            )
        else:
            self.session.db.submit(
                notes.update_note,
                vault,
                note.id,
                body=body,
                title=title,
                tags=tags,
                properties=props,
                on_done=lambda r: self._saved(r[0]),
                on_error=self._save_failed,
            )

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
            self.remind_chip.offer(f"{note.title}\n{note.body}", "note", note_source(note.id), key=note.id)
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
        props, _problem = self.editor.properties.checked()
        if note is None and not self._creating:
            notes.create_note(vault, body, title, tags, properties=props)
        elif note is not None:
            notes.update_note(vault, note.id, body=body, title=title, tags=tags, properties=props)
        self._dirty = False

    # -- delete / undo -----------------------------------------------------------------------------
    def delete_current(self) -> None:
        note = self.editor.note
        if note is None:
            self.new_note()
            return
        self._autosave.stop()
        self._dirty = False
        self.session.run_op(
            notes.delete_note,
            self.session.vault,
            note.id,
            changes=NOTES_REMOVED_OR_BACK,
            on_done=self._deleted_note,
            on_error=self.editor.status.setText,
        )

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
        self.session.run_op(
            notes.restore_note,
            self.session.vault,
            note,
            changes=NOTES_REMOVED_OR_BACK,
            on_done=self._restored,
            on_error=self.editor.status.setText,
        )

    def _restored(self, note: Note) -> None:
        self.open_note(note.id)

    def _sync_buttons(self) -> None:
        self.delete_button.setEnabled(self.editor.note is not None)


def install(shell: Shell, services: AppServices) -> NotesPage:
    page = NotesPage(services.session, shell)
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
