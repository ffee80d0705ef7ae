"""Home: where a day starts. A box to ask Reverie or jot a note, the vault in one line, and what
is recent (notes, conversations, what was learned at the last consolidation), each opening where it
lives. An honest empty state on a new vault; Unlock when a passphrase vault stayed locked.

Everything shown is read on the database lane (``homedata.snapshot``) when the vault opens and
again whenever an operation changed notes, conversations or memories (``session.changed``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui import icons
from reverie.app.ui.changes import NOTE_SAVED, OpChanges
from reverie.app.ui.homecards import CompanionCards
from reverie.app.ui.homedata import Item, Snapshot, greeting, snapshot, vault_line
from reverie.app.ui.homelists import RecentList
from reverie.app.ui.session import Session
from reverie.app.ui.shell import Shell
from reverie.app.ui.theme import SPACE_2, SPACE_3, SPACE_4, SPACE_6
from reverie.app.ui.uikit import ElidedLabel, OneRead, alive
from reverie.core import notes
from reverie.core.records import Note
from reverie.core.sources import clip

LOCKED_HEADLINE = "The vault stays locked"
LOCKED_BODY = "Nothing can be read or saved until you unlock it with your passphrase."
EMPTY_HEADLINE = "Your memory is empty, for now"
EMPTY_BODY = (
    "Write a note (<b>Ctrl+N</b>) or start a conversation, and Reverie will remember it: "
    "you can search it by words or by meaning, and ask about it later."
)
MAX_WIDTH = 880  # Home's column, centred in a wide window
TWO_COLUMNS = 640  # the recent cards sit side by side from this width
ASK_HINT = "Ask Reverie, or jot something down…   Enter asks · Ctrl+Enter saves it as a note"


class AskBox(QPlainTextEdit):
    """Enter asks, Shift+Enter starts a new line, Ctrl+Enter saves the text as a note."""

    ask = Signal()
    save = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("askBox")
        self.setPlaceholderText(ASK_HINT)
        self.setTabChangesFocus(True)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 2 * SPACE_3)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt naming
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            mods = event.modifiers()
            if mods & Qt.KeyboardModifier.ControlModifier:
                self.save.emit()
                return
            if not mods & Qt.KeyboardModifier.ShiftModifier:
                self.ask.emit()
                return
        super().keyPressEvent(event)


class HomePage(QScrollArea):
    def __init__(self, session: Session, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.shell = shell
        self.snapshot: Snapshot | None = None
        self._reads = OneRead(self.refresh)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        body.setObjectName("homeBody")
        self.setWidget(body)
        outer = QHBoxLayout(body)
        outer.setContentsMargins(SPACE_6, SPACE_6, SPACE_6, SPACE_4)
        content = QWidget()
        content.setMaximumWidth(MAX_WIDTH)
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(SPACE_3)
        outer.addStretch(1)
        outer.addWidget(content, 100)
        outer.addStretch(1)

        self.headline = ElidedLabel("Opening your vault…")
        self.headline.setObjectName("headline")
        self.body = QLabel("")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.vault_line = ElidedLabel("")
        self.vault_line.setObjectName("muted")
        self.vault_line.setVisible(False)  # until the vault is read
        self.unlock_button = QPushButton(icons.icon("unlock"), "Unlock…")
        self.unlock_button.setObjectName("primary")
        self.unlock_button.clicked.connect(self._unlock)
        self.unlock_button.setVisible(False)
        self.ask_box = AskBox()
        self.ask_box.ask.connect(self.ask)
        self.ask_box.save.connect(self.save_note)
        self.ask_button = QPushButton(icons.icon("ask"), "Ask Reverie")
        self.ask_button.setObjectName("primary")
        self.ask_button.clicked.connect(self.ask)
        self.save_button = QPushButton(icons.icon("new_note"), "Save as note")
        self.save_button.clicked.connect(self.save_note)
        self.status = ElidedLabel("")
        self.status.setObjectName("muted")
        buttons = QHBoxLayout()
        buttons.setSpacing(SPACE_2)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.ask_button)

        self.notes_card = RecentList("Recent notes", "note", self.open_item)
        self.conversations_card = RecentList("Recent conversations", "conversation", self.open_item)
        self.facts_card = RecentList("Learned at the last consolidation", "fact", self.open_item)
        cards = QWidget()
        self.cards = QGridLayout(cards)
        self.cards.setContentsMargins(0, 0, 0, 0)
        self.cards.setSpacing(SPACE_3)
        self._columns = 0
        for card in (self.notes_card, self.conversations_card, self.facts_card):
            card.setVisible(False)
        self._place_cards(2)

        self.details = ElidedLabel("", mode=Qt.TextElideMode.ElideMiddle)
        self.details.setObjectName("small")
        self.models = ElidedLabel("")
        self.models.setObjectName("small")
        for w in (self.details, self.models):
            w.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        column.addWidget(self.headline)
        column.addWidget(self.vault_line)
        column.addWidget(self.body)
        column.addWidget(self.unlock_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addSpacing(SPACE_2)
        column.addWidget(self.ask_box)
        column.addLayout(buttons)
        column.addSpacing(SPACE_4)
        self.companion = CompanionCards(session, shell)  # the morning recap and the review, when on
        column.addWidget(self.companion)
        column.addWidget(cards)
        column.addStretch(1)
        column.addWidget(self.details)
        column.addWidget(self.models)
        self._set_typing_enabled(False)
        session.vault_ready.connect(lambda _vault: self.refresh())
        session.changed.connect(self._changed)
        shell.register_unsaved(self.unsaved)

    def _place_cards(self, columns: int) -> None:
        """The cards side by side in a wide window, one under the other in a narrow one."""
        if columns == self._columns:
            return
        self._columns = columns
        for card in (self.notes_card, self.conversations_card, self.facts_card):
            self.cards.removeWidget(card)
        for i, card in enumerate((self.notes_card, self.conversations_card)):
            self.cards.addWidget(card, i // columns, i % columns, Qt.AlignmentFlag.AlignTop)
        # what was learned reads as sentences: the whole width, below the lists
        self.cards.addWidget(self.facts_card, 2, 0, 1, columns, Qt.AlignmentFlag.AlignTop)
        for c in range(2):
            self.cards.setColumnStretch(c, 1 if c < columns else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        self._place_cards(2 if self.viewport().width() >= TWO_COLUMNS else 1)

    # -- states ----------------------------------------------------------------------------------
    def _set_typing_enabled(self, ready: bool) -> None:
        self.ask_button.setEnabled(ready)
        self.save_button.setEnabled(ready)

    def show_error(self, message: str) -> None:
        self.headline.setText("Reverie could not open your vault")
        self.body.setText(message)
        self.body.setVisible(True)
        self.unlock_button.setVisible(False)
        self.vault_line.setVisible(False)

    def show_locked(self) -> None:
        """A passphrase vault whose Unlock dialog was cancelled: say so, and offer Unlock again."""
        self.headline.setText(LOCKED_HEADLINE)
        self.body.setText(LOCKED_BODY)
        self.body.setVisible(True)
        self.unlock_button.setVisible(True)
        self.vault_line.setVisible(False)

    def show_summary(self, *_args: object) -> None:
        """Show the open vault (everything is read again by ``refresh``)."""
        self.refresh()

    # -- data -------------------------------------------------------------------------------------
    def _changed(self, changes: OpChanges) -> None:
        if changes.content:
            self.refresh()

    def refresh(self) -> None:
        """Read what Home shows again, on the database lane (one read at a time; a change during a
        read asks for one more)."""
        vault = self.session.vault
        if vault is None or vault.closed:
            return
        if not self._reads.begin():
            return
        self.session.db.submit(snapshot, vault, on_done=alive(self, self._show), on_error=alive(self, self._failed))

    def _failed(self, message: str) -> None:
        self._reads.end(shown=False)
        self.status.setText(message)

    def _show(self, snap: Snapshot) -> None:
        self.snapshot = snap
        self.unlock_button.setVisible(False)
        self.vault_line.setVisible(True)
        self._set_typing_enabled(True)
        self.vault_line.setText(vault_line(snap.counts, snap.last_consolidated, snap.now))
        self.details.setText(f"Vault: {self.session.paths.folder} · {snap.encryption}")
        self.models.setText(snap.models)
        if snap.empty:
            self.headline.setText(EMPTY_HEADLINE)
            self.body.setText(EMPTY_BODY)
            self.body.setVisible(True)
        else:
            self.headline.setText(greeting(snap.now))
            self.body.setText("")
            self.body.setVisible(False)
        self.notes_card.set_items(snap.notes)
        self.conversations_card.set_items(snap.conversations)
        self.facts_card.set_items(snap.facts)
        self._reads.end()

    # -- what the user does -------------------------------------------------------------------------
    def open_item(self, item: Item) -> None:
        if item.memory is not None and item.kind != "fact":
            self.shell.open_source(item.memory)
            return
        page = {"note": "notes", "conversation": "chat", "fact": "memories"}[item.kind]
        self.shell.show_page(page)

    def _text(self) -> str:
        return self.ask_box.toPlainText().strip()

    def ask(self) -> None:
        """Ask the question in Chat (the shell's ``ask`` action); the box is emptied only once it went."""
        text = self._text()
        if not text:
            return
        action = self.shell.action("ask")
        if action is None or not self.session.is_open:
            self.status.setText("Chat cannot take a question yet; your text stays here.")
            return
        action(text)  # type: ignore[call-arg]
        self.ask_box.clear()
        self.status.setText("")

    def save_note(self) -> None:
        """Save the text as a new note (database lane); the box is emptied only once it is saved."""
        text = self._text()
        vault = self.session.vault
        if not text:
            return
        if vault is None or not self.session.is_open:
            self.status.setText("The vault is not open: the text stays here until it can be saved.")
            return
        self.save_button.setEnabled(False)
        self.status.setText("Saving…")

        def saved(note: Note) -> None:
            self.save_button.setEnabled(True)
            if self._text() == text:
                self.ask_box.clear()
            self.status.setText(f"Saved as a note: “{clip(note.title, 60)}”.")

        def failed(message: str) -> None:
            self.save_button.setEnabled(True)
            self.status.setText(message)

        self.session.run_op(
            notes.create_note, vault, text, changes=NOTE_SAVED, on_done=alive(self, saved), on_error=alive(self, failed)
        )

    def unsaved(self) -> str | None:
        """Text typed in Home's box that was neither asked nor saved."""
        text = self._text()
        return f"Home's box: “{clip(text, 40)}”" if text else None

    def _unlock(self) -> None:
        action = self.shell.action("unlock")
        if action is not None:
            action()
