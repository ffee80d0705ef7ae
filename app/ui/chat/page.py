"""The Chat screen: conversations (new, rename, delete), the thread, the composer with Send and
Stop, and the Sources panel, in panes that share the width by ``ChatPanes``. Answers come from
``AnswerFlow`` (the model lane) as signals; everything else runs on the database lane.

It offers ``shell.action("ask")(text)``: show Chat and send ``text`` (Home's ask box)."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent, QTextCursor
from PySide6.QtWidgets import (
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui.changes import CONVERSATION_DELETED, MEMORIES, OpChanges
from reverie.app.ui.chat import data
from reverie.app.ui.chat.answers import AnswerFlow
from reverie.app.ui.chat.composer import InputBox
from reverie.app.ui.chat.convlist import ConversationPane
from reverie.app.ui.chat.data import MessageItem
from reverie.app.ui.chat.empty_state import EmptyState
from reverie.app.ui.chat.model import (
    IdRole,
    MessageItemModel,
    SourceRow,
)
from reverie.app.ui.chat.panes import ChatPanes, PaneBar
from reverie.app.ui.chat.sources import SourcesPanel
from reverie.app.ui.chat.thread import ThreadView
from reverie.app.ui.remindchip import RemindChip, message_source
from reverie.app.ui.services import AppServices
from reverie.app.ui.shell import Page, Shell
from reverie.core import conversations, message_memory
from reverie.core.answer import AnswerResult
from reverie.core.records import Memory

PAINT_MS = 80  # each repaint of the growing answer costs the GUI thread ~10-20 ms (layout + paint)
LOCKED_SEND = "The vault is locked; unlock it to send."


def confirm(parent: QWidget, question: str) -> bool:
    answer = QMessageBox.question(parent, "Reverie", question)
    return answer == QMessageBox.StandardButton.Yes


class ChatPage(QWidget):
    def __init__(self, services: AppServices, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session = services.session
        self.open_source = shell.open_source
        self.cid: str | None = None
        self._row: int | None = None  # the streaming row in the thread model
        self._text = ""  # the answer as streamed so far
        self._question = ""
        self._focus: str | None = None  # a message to reveal once its thread is loaded
        self._load_token = 0
        self.conv_pane = left = ConversationPane()
        if session.vault is None:
            left.set_hint(locked=True)
        self.conversations, self.conv_list = left.model, left.list
        self.new_button, self.rename_button, self.delete_button = (
            left.new_button,
            left.rename_button,
            left.delete_button,
        )
        bar = PaneBar()  # the panes' toggles and the open conversation's title
        self.list_toggle, self.title, self.sources_toggle = bar.list_toggle, bar.title, bar.sources_toggle
        # thread and composer
        self.messages = MessageItemModel(self)
        self.thread = ThreadView(self.messages)
        box = InputBox(session, shell)
        self.composer, self.send_button, self.stop_button = box.composer, box.send_button, box.stop_button
        self.notice, self.locked = box.notice, box.locked
        center = QWidget()
        center.setObjectName("conversationColumn")
        self.center = center
        cl = QVBoxLayout(center)
        cl.setContentsMargins(0, 0, 0, 8)
        cl.addWidget(bar)
        cl.addWidget(self.thread, 1)
        self.empty_state = EmptyState(session)  # instead of the thread while it has no message
        cl.insertWidget(1, self.empty_state, 1)
        self.empty_state.follow(self.messages, self.thread)
        self.remind_chip = RemindChip(session)  # "Remind me" when the message just sent names a time ahead
        self.remind_chip.outer.setContentsMargins(12, 0, 12, 6)  # lined up with the input box
        cl.addWidget(self.remind_chip)
        cl.addWidget(box)
        self.sources_panel = right = SourcesPanel()
        self.sources, self.sources_hint = right.model, right.hint
        self.splitter = ChatPanes(left, center, right, self.list_toggle, self.sources_toggle)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.splitter)
        for a, b in (
            (self.list_toggle, self.conv_list),
            (self.conv_list, self.new_button),
            (self.new_button, self.rename_button),
            (self.rename_button, self.delete_button),
            (self.delete_button, self.thread),
            (self.thread, self.composer),
            (self.composer, self.send_button),
            (self.send_button, self.stop_button),
            (self.stop_button, self.locked.button),
            (self.locked.button, self.sources_toggle),
            (self.sources_toggle, self.sources_panel.list),
        ):
            QWidget.setTabOrder(a, b)

        self.flow = AnswerFlow(services, self)
        self.flow.started.connect(self._started)
        self.flow.token.connect(self._token)
        self.flow.answered.connect(self._answered)
        self.flow.failed.connect(self._answer_failed)
        self._paint = QTimer(self)  # the bubble is redrawn at most every PAINT_MS, however fast tokens come
        self._paint.setSingleShot(True)
        self._paint.setInterval(PAINT_MS)
        self._paint.timeout.connect(self._show_text)
        self.messages.modelReset.connect(self._detach_stream)  # another thread shown: the stream has no row
        self.conv_list.selectionModel().currentChanged.connect(self._conv_changed)
        self.conversations.rename_requested.connect(self._rename)
        self.new_button.clicked.connect(self.new_conversation)
        self.rename_button.clicked.connect(self.rename_current)
        self.delete_button.clicked.connect(self.delete_current)
        self.send_button.clicked.connect(self.send)
        self.composer.submitted.connect(self.send)
        self.stop_button.clicked.connect(self.flow.stop)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):  # from anywhere on the page; in the box, Enter alone sends
            QShortcut(QKeySequence(keys), self, self.send, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Esc"), self, self.flow.stop, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.thread.cite_clicked.connect(self.open_citation)
        self.thread.remember_clicked.connect(lambda mid: self._mark(message_memory.remember_message, mid))
        self.thread.forget_clicked.connect(lambda mid: self._mark(message_memory.forget_message, mid))
        self.thread.sources_clicked.connect(self._sources_clicked)
        self.sources_panel.open_requested.connect(self._open_source_row)
        session.vault_ready.connect(lambda _v: self._opened())
        session.changed.connect(self._on_changes)
        session.closing.connect(self.flow.stop)
        self._sync()

    def _on_changes(self, changes: OpChanges) -> None:
        if changes.conversations:
            self.refresh()

    def _opened(self) -> None:
        if self.notice.text() == LOCKED_SEND:
            self.show_notice("")
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        QTimer.singleShot(0, self.composer, self.composer.setFocus)  # Chat opens ready to type

    # -- asking and answering ------------------------------------------------------------------
    def send(self) -> None:
        """Send what the composer holds (Send, Enter); the first question opens a conversation.
        The text stays in the box until the question is on its way."""
        text = self.composer.toPlainText()
        if self.flow.running or not text.strip():
            return
        if self.session.vault is None:
            self.locked.show()
            self.show_notice(LOCKED_SEND)
            return
        self._question = text  # before asking: ``started`` may come at once
        self.show_notice("")
        if self.flow.ask(self.cid, text):
            self._sync()

    def ask(self, text: str) -> None:
        """Send ``text`` from elsewhere (Home's ask box): in the open conversation while it has no
        message yet, else in a new one. While an answer is being written or the vault is locked,
        the text waits in the box (after anything already typed there)."""
        typed = self.composer.toPlainText()
        if typed.strip() and typed.strip() != text.strip():
            text = f"{typed.rstrip()}\n\n{text}"
        self.composer.setPlainText(text)
        self.composer.moveCursor(QTextCursor.MoveOperation.End)
        if self.flow.running:
            self.show_notice(
                "Reverie is still answering; your question is in the box, send it when the answer is done."
            )
            return
        if self.messages.rowCount():
            self.cid = None  # a new conversation
            self.messages.set_items([])
            self.show_sources(None)
            self.conv_list.clearSelection()
        self.send()

    def _started(self, cid: str, new: bool) -> None:
        """The question is on its way to the model: show it, and the answer's row, in the thread."""
        vault = self.session.vault
        if vault is None:
            return
        text = self._question
        if new:
            self.cid = cid
            self.messages.set_items([])
            self.show_sources(None)
        self.composer.clear()
        now = vault.now()
        self.thread.follow_end()  # the question just sent, and its answer as it is written
        self.messages.append(MessageItem(None, "user", text, created_at=now))
        self._row = self.messages.append(MessageItem(None, "assistant", "", created_at=now, streaming=True))
        self._text = ""
        # The list shows the new title; it keeps whichever conversation is open by then (the user may
        # have switched away while the answer streams).
        self.session.db.submit(data.ensure_title, vault, cid, text, on_done=lambda _r: self.refresh())
        self.remind_chip.offer(text, "message", message_source(cid))
        self._sync()

    def _detach_stream(self) -> None:
        """The thread was reloaded: the streamed text has no row to go to any more."""
        self._row = None

    def _token(self, piece: str) -> None:
        if self._row is None:
            return
        self._text += piece
        if not self._paint.isActive():
            self._paint.start()

    def _show_text(self) -> None:
        if self._row is not None:
            self.thread.streaming_text(self._row, self._text)

    def _answered(self, result: AnswerResult) -> None:
        """The answer is recorded: its chips name their exact sources (read on the database lane),
        then the two rows shown while answering become the recorded messages, in place (no reload)."""
        self._paint.stop()
        self._show_text()
        row, self._row = self._row, None
        memories = [g.memory for g in result.given]
        cid = self.cid

        def labelled(labels: dict[str, str]) -> None:
            self._show_answer(result, row, labels)

        if self.session.vault is None:
            labelled({})
            return
        self.session.db.submit(
            data.source_labels, self.session.vault, memories, cid, on_done=labelled, on_error=lambda _m: labelled({})
        )
        self._sync()

    def _show_answer(self, result: AnswerResult, row: int | None, labels: dict[str, str]) -> None:
        assistant = result.assistant_message
        cites = tuple(
            data.CiteRef(c.n, c.memory_uid, c.source_title, c.text[:300], label=labels.get(c.memory_uid, ""))
            for c in result.citations
        )
        self.sources_panel.remember(result, labels)
        shown = row is not None and row < len(self.messages.items) and self.messages.items[row].streaming
        if self.cid == assistant.conversation_id and shown and row is not None:
            self.messages.replace(row - 1, data.message_item(result.user_message))
            self.messages.replace(row, data.message_item(assistant, cites))
            self.show_sources(self.messages.items[row])
        self._sync()

    def _answer_failed(self, message: str) -> None:
        self._paint.stop()
        if self._row is not None and self._row < len(self.messages.items):
            item = self.messages.items[self._row]
            self.messages.replace(
                self._row, item.with_(streaming=False, content=self._text, status="error", error=message)
            )
        else:
            self.show_notice(message)
        if self._question and not self.composer.toPlainText():
            self.composer.setPlainText(self._question)  # the question was not answered: it is there to send again
        self._row = None
        self._sync()

    # -- conversations -------------------------------------------------------------------------
    def refresh(self, select: str | None = None) -> None:
        if self.session.vault is None:
            return
        self.session.db.submit(
            conversations.list_conversations,
            self.session.vault,
            on_done=lambda rows: self._show_conversations(rows, select),
            on_error=self.show_notice,
        )

    def _show_conversations(self, rows: list[Any], select: str | None) -> None:
        self.conversations.set_rows(rows, self.session.vault.now() if self.session.vault is not None else None)
        self.conv_pane.set_hint(locked=False)
        target = select or self.cid
        if self._select_row(target) and target != self.cid:
            self.load(target)
        self._sync()

    def _select_row(self, cid: str | None) -> bool:
        """Mark ``cid`` in the conversation list (without loading it again); False if not listed."""
        row = self.conversations.row_of(cid) if cid else -1
        if row < 0:
            return False
        sm = self.conv_list.selectionModel()
        sm.blockSignals(True)
        self.conv_list.setCurrentIndex(self.conversations.index(row))
        sm.blockSignals(False)
        return True

    def _conv_changed(self, index: Any, _prev: Any) -> None:
        cid = index.data(IdRole) if index.isValid() else None
        if cid and cid != self.cid:
            self.load(cid)

    def load(self, cid: str, focus: str | None = None) -> None:
        if cid != self.cid:
            self.remind_chip.clear()  # it was about the other conversation's message
        self.cid = cid
        self._select_row(cid)
        self._focus = focus
        self._load_token += 1
        token = self._load_token
        self.session.db.submit(
            data.load_thread,
            self.session.vault,
            cid,
            on_done=lambda items: self._loaded(token, items),
            on_error=self.show_notice,
        )
        self._sync()

    def _loaded(self, token: int, items: list[MessageItem]) -> None:
        if token != self._load_token:
            return
        self.messages.set_items(items)
        last = next((m for m in reversed(items) if m.role == "assistant" and m.id), None)
        self.show_sources(last)
        if self._focus:
            self.thread.reveal(self._focus)
            self._focus = None

    def new_conversation(self) -> None:
        if self.session.vault is None:
            return
        self.session.db.submit(
            conversations.create_conversation,
            self.session.vault,
            "",
            on_done=lambda c: self._created(c.id),
            on_error=self.show_notice,
        )

    def _created(self, cid: str) -> None:
        self.cid = cid
        self.messages.set_items([])
        self.show_sources(None)
        self.refresh(select=cid)
        self.composer.setFocus()

    def rename_current(self) -> None:
        index = self.conv_list.currentIndex()
        if index.isValid():
            self.conv_list.edit(index)

    def _rename(self, cid: str, title: str) -> None:
        self.session.db.submit(
            conversations.rename_conversation,
            self.session.vault,
            cid,
            title,
            on_done=lambda _c: self.refresh(),
            on_error=self.show_notice,
        )

    def delete_current(self) -> None:
        cid = self.cid
        if cid is None or self.flow.running:
            return
        if not confirm(self, "Delete this conversation and the memories made from it? This cannot be undone."):
            return
        self.session.run_op(
            conversations.delete_conversation,
            self.session.vault,
            cid,
            changes=CONVERSATION_DELETED,
            on_done=lambda _r: self._deleted(cid),
            on_error=self.show_notice,
        )

    def _deleted(self, cid: str) -> None:
        if self.cid == cid:
            self.cid = None
            self.messages.set_items([])
            self.show_sources(None)

    # -- messages ------------------------------------------------------------------------------
    def _mark(self, fn: Any, message_id: str) -> None:
        self.session.run_op(
            fn,
            self.session.vault,
            message_id,
            changes=MEMORIES,
            on_done=lambda _n: self._marked(fn, message_id),
            on_error=self.show_notice,
        )

    def _marked(self, fn: Any, message_id: str) -> None:
        row = self.messages.row_of(message_id)
        if row >= 0:
            item = self.messages.items[row]
            remembered = fn is message_memory.remember_message
            self.messages.replace(row, item.with_(remembered=remembered, forgotten=not remembered))

    def open_citation(self, chip: Any, ref: data.CiteRef) -> None:
        """Open a cited memory in context; if its source was deleted, the chip says so."""

        def resolved(memory: Memory | None) -> None:
            if memory is None:
                if chip is not None and shiboken6.isValid(chip):  # the thread may have been redrawn meanwhile
                    chip.mark_gone()
                self.show_notice(f"The source of [{ref.n}] has been deleted; the answer keeps its text.")
                return
            self.open_source(memory)

        self.session.db.submit(
            data.resolve_citation, self.session.vault, ref.uid, on_done=resolved, on_error=self.show_notice
        )

    def open_memory(self, memory: Memory) -> None:
        """Show a message in its conversation, scrolled to and marked."""
        message_id = memory.source_id

        def found(cid: str) -> None:
            if cid == self.cid and self.messages.row_of(message_id) >= 0:
                self.thread.reveal(message_id)
                return
            self.load(cid, focus=message_id)
            self.refresh(select=cid)

        self.session.db.submit(
            data.conversation_of, self.session.vault, message_id, on_done=found, on_error=self.show_notice
        )

    # -- sources panel -------------------------------------------------------------------------
    def show_sources(self, item: MessageItem | None) -> None:
        self.sources_panel.show_for(item)

    def _sources_clicked(self, item: MessageItem) -> None:
        """A reply's Sources button: its sources, in the Sources pane (shown if it was hidden)."""
        self.show_sources(item)
        if not self.sources_panel.isVisibleTo(self):
            self.splitter.choose(sources_shown=True)

    def _open_source_row(self, row: SourceRow) -> None:
        if row.uid:
            self.open_citation(None, data.CiteRef(row.n, row.uid, row.title))
        elif row.memory is not None:
            self.open_source(row.memory)

    # -- state ---------------------------------------------------------------------------------
    def show_notice(self, message: str) -> None:
        self.notice.setText(message)
        self.notice.setVisible(bool(message))

    def _sync(self) -> None:
        has = self.cid is not None
        busy = self.flow.running
        row = self.conversations.row_of(self.cid) if has else -1
        title = self.conversations.rows[row].title if row >= 0 else ""
        self.title.setText(title or "New conversation")
        self.rename_button.setEnabled(has)
        self.delete_button.setEnabled(has and not busy)
        self.send_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)


def install(shell: Shell, services: AppServices) -> ChatPage:
    page = ChatPage(services, shell)
    shell.add_page(Page("chat", "Chat", page))

    def open_message(memory: Memory) -> None:
        shell.show_page("chat")
        page.open_memory(memory)

    def ask(text: str) -> None:
        shell.show_page("chat")
        page.ask(text)

    def unsaved() -> str | None:
        typed = page.composer.toPlainText().strip()
        return "the question typed in Chat" if typed and services.session.vault is None else None

    shell.register_opener("message", open_message)
    shell.register_action("ask", ask)
    shell.register_unsaved(unsaved)
    return page
