"""Quick capture: a small always-on-top box (tray menu, ``reverie capture``, a desktop shortcut).

Type and press Enter: a note, saved on the database lane as the Notes page makes one
(``notes.create_note``, then indexed like any note). Start with ``?``: a question to Reverie,
answered in the box through the path Chat uses (``AnswerFlow``: the companion on the model lane),
streamed, with its sources as numbered titles; the question and its answer are kept in a new
conversation. Shift+Enter starts a new line; Esc hides the box.

Nothing typed is dropped: while the vault is locked or a save fails, the text stays in the box
with one sentence saying why (and the window's close check names it). After a note is saved the
box says "Saved to Notes · Undo" and hides a moment later; Undo deletes the note and puts the
text back.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QFrame, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from reverie.app.ui.changes import NOTE_SAVED, NOTES_REMOVED_OR_BACK
from reverie.app.ui.chat.answers import AnswerFlow
from reverie.app.ui.services import AppServices
from reverie.core import notes
from reverie.core.answer import AnswerResult
from reverie.core.records import Note
from reverie.core.vault import Vault

HIDE_AFTER_MS = 2500
HINT = "Enter saves a note · ? first asks Reverie · Shift+Enter new line · Esc closes"
LOCKED = "The vault is locked: unlock Reverie to save this; your text stays here."
BUSY_ANSWERING = "Reverie is still answering the last question; your text stays here."


class CaptureBox(QWidget):
    saved = Signal(object)  # the Note made
    answered = Signal(object)  # the AnswerResult shown

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(
            parent,
            Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint | Qt.WindowType.FramelessWindowHint,
        )
        self.services = services
        self.session = services.session
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground, False)
        self.setWindowTitle("Quick capture — Reverie")
        self.setObjectName("captureBox")
        self.setMinimumWidth(600)
        self.setMaximumWidth(720)
        frame = QFrame(self)
        frame.setObjectName("captureFrame")
        frame.setStyleSheet(
            "#captureFrame { border: 1px solid palette(mid); border-radius: 10px; background: palette(window); }"
        )
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        col = QVBoxLayout(frame)
        col.setContentsMargins(14, 12, 14, 12)
        col.setSpacing(6)
        self.edit = QPlainTextEdit()
        self.edit.setPlaceholderText("Write a note, or ?ask Reverie something")
        self.edit.setTabChangesFocus(True)
        self.edit.setFixedHeight(self._lines_height(3))
        self.edit.installEventFilter(self)
        self.edit.setAccessibleName("Quick capture")
        col.addWidget(self.edit)
        self.hint = QLabel(HINT)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        col.addWidget(self.hint)
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.question.setTextFormat(Qt.TextFormat.PlainText)
        font = self.question.font()
        font.setBold(True)
        self.question.setFont(font)
        self.answer = QLabel()
        self.answer.setWordWrap(True)
        self.answer.setTextFormat(Qt.TextFormat.PlainText)
        self.answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sources = QLabel()
        self.sources.setWordWrap(True)
        self.sources.setTextFormat(Qt.TextFormat.PlainText)
        self.sources.setStyleSheet("color: palette(placeholder-text);")
        for w in (self.question, self.answer, self.sources):
            w.hide()
            col.addWidget(w)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.status.linkActivated.connect(self._link)
        self.status.hide()
        col.addWidget(self.status)
        self._saving = False
        self._streamed = ""
        self._last: tuple[Note, str] | None = None  # the note just saved, and its text (for Undo)
        self._hide = QTimer(self)
        self._hide.setSingleShot(True)
        self._hide.setInterval(HIDE_AFTER_MS)
        self._hide.timeout.connect(self.hide)
        self.flow = AnswerFlow(services, self)
        self.flow.token.connect(self._token)
        self.flow.answered.connect(self._answered)
        self.flow.failed.connect(self._answer_failed)

    def _lines_height(self, lines: int) -> int:
        fm = self.edit.fontMetrics()
        return fm.lineSpacing() * lines + 2 * int(self.edit.document().documentMargin()) + 8

    # -- showing ------------------------------------------------------------------------------------
    def open_box(self) -> None:
        """Show the box at the top of the screen, focused, with whatever was left typed in it."""
        self._hide.stop()
        self.adjustSize()
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            self.move(area.x() + (area.width() - self.width()) // 2, area.y() + area.height() // 5)
        self.show()
        self.raise_()
        self.activateWindow()
        self.edit.setFocus()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt naming
        if obj is self.edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_Escape:
                self.hide()  # what was typed stays for the next time
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            ):
                self.submit()
                return True
        return False

    def _say(self, html: str) -> None:
        self.status.setText(html)
        self.status.setVisible(bool(html))
        self.adjustSize()

    def unsaved_text(self) -> str | None:
        """For the window's close check: a note typed while the vault is locked, or a question not
        asked (a note typed while it is open is saved at close, ``last_save``)."""
        text = self.edit.toPlainText().strip()
        if not text or (self.session.is_open and not text.startswith("?")):
            return None
        return "the question in Quick capture" if text.startswith("?") else "the text in Quick capture"

    def last_save(self, vault: Vault) -> None:
        """At close, after the lanes stopped: a note typed and not yet saved is saved."""
        text = self.edit.toPlainText().strip()
        if text and not text.startswith("?") and not self._saving:
            notes.create_note(vault, text)
            self.edit.clear()

    # -- Enter --------------------------------------------------------------------------------------
    def submit(self) -> None:
        text = self.edit.toPlainText().strip()
        if not text or self._saving:
            return
        self._hide.stop()
        if text.startswith("?"):
            self.ask(text[1:].strip())
        else:
            self.save_note(text)

    def save_note(self, text: str) -> None:
        vault = self.session.vault
        if vault is None or vault.closed:
            self._say(LOCKED)
            return
        self._saving = True
        self.edit.setReadOnly(True)
        self._say("Saving…")
        self.session.run_op(
            notes.create_note,
            vault,
            text,
            changes=NOTE_SAVED,
            on_done=lambda note: self._saved(note, text),
            on_error=self._save_failed,
        )

    def _saved(self, note: Note, text: str) -> None:
        self._saving = False
        self.edit.setReadOnly(False)
        if self.edit.toPlainText().strip() == text:
            self.edit.clear()
        self._last = (note, text)
        self._say('Saved to Notes · <a href="undo">Undo</a>')
        self.saved.emit(note)
        self._hide.start()

    def _save_failed(self, message: str) -> None:
        self._saving = False
        self.edit.setReadOnly(False)  # the text stays in the box
        self._say(f"Not saved: {message} Your text stays here.")

    def _link(self, href: str) -> None:
        if href == "undo":
            self.undo()

    def undo(self) -> None:
        """Delete the note just saved and put its text back in the box."""
        last, self._last = self._last, None
        vault = self.session.vault
        if last is None or vault is None:
            return
        self._hide.stop()
        note, text = last

        def back(_note: Note) -> None:
            if not self.edit.toPlainText().strip():
                self.edit.setPlainText(text)
            self._say("Removed from Notes; the text is back here.")

        self.session.run_op(
            notes.delete_note, vault, note.id, changes=NOTES_REMOVED_OR_BACK, on_done=back, on_error=self._say
        )

    # -- ? a question --------------------------------------------------------------------------------
    def ask(self, question: str) -> None:
        if not question:
            self._say("Type a question after the ?.")
            return
        if self.flow.running:
            self._say(BUSY_ANSWERING)
            return
        vault = self.session.vault
        if vault is None or vault.closed:
            self._say(LOCKED)
            return
        self.question.setText(question)
        self.answer.setText("…")
        self.sources.clear()
        self.sources.hide()
        for w in (self.question, self.answer):
            w.show()
        self._say("")
        self._streamed = ""
        if not self.flow.ask(None, question):
            self._say(BUSY_ANSWERING)
        self.adjustSize()

    def _token(self, piece: str) -> None:
        self._streamed += piece
        self.answer.setText(self._streamed)

    def _answered(self, result: AnswerResult) -> None:
        if self.edit.toPlainText().strip().lstrip("?").strip() == result.user_message.content.strip():
            self.edit.clear()  # asked and answered: recorded in a new conversation
        self.answer.setText(result.assistant_message.content)
        lines = [f"{c.n}. {c.source_title}" for c in sorted(result.citations, key=lambda c: c.n)]
        self.sources.setText("Sources\n" + "\n".join(lines) if lines else "")
        self.sources.setVisible(bool(lines))
        self.adjustSize()
        self.answered.emit(result)

    def _answer_failed(self, message: str) -> None:
        self.answer.hide()
        self._say(f"No answer: {message} Your question stays here.")
