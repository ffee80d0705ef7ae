"""Asking and answering, apart from any widget: ``AnswerFlow.ask`` sends a question to the open
vault's companion on the model lane; the answer comes back as signals: the conversation it goes to
(``started``; a new one is created first when none is open), pieces of text as they are written
(``token``), then the recorded ``AnswerResult`` (``answered``) or a sentence (``failed``). Stop (or
Esc, or closing the window) sets the cancel event.

The path of a message: ChatPage.send -> AnswerFlow.ask -> the model lane -> Companion.answer.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from reverie.app.ui.changes import ANSWERED
from reverie.app.ui.chat.stream import TokenPump
from reverie.app.ui.services import AppServices
from reverie.core import conversations
from reverie.core.answer import AnswerResult
from reverie.core.records import Conversation


class AnswerFlow(QObject):
    started = Signal(str, bool)  # the conversation the question goes to; True when it was just created
    token = Signal(str)  # the next piece of the answer being written (GUI thread, coalesced)
    answered = Signal(object)  # AnswerResult: the question and the answer as recorded
    failed = Signal(str)  # a sentence: the answer could not be written

    def __init__(self, services: AppServices, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.pump = TokenPump(self)
        self.pump.ready.connect(self._tokens)
        self.cancel: threading.Event | None = None

    @property
    def running(self) -> bool:
        return self.cancel is not None

    def ask(self, cid: str | None, text: str) -> bool:
        """Answer ``text`` in conversation ``cid`` (None: in a new one); False (and nothing sent) while
        an answer runs, when no vault is open or the text is blank."""
        session = self.services.session
        vault = session.vault
        if self.running or vault is None or not text.strip():
            return False
        self.cancel = threading.Event()
        if cid is None:
            session.db.submit(
                conversations.create_conversation,
                vault,
                "",
                on_done=lambda c: self._send(c, text),
                on_error=self._failed,
            )
        else:
            self._send(cid, text)
        return True

    def _send(self, conversation: str | Conversation, text: str) -> None:
        vault, cancel = self.services.session.vault, self.cancel
        if vault is None or cancel is None:
            return
        new = isinstance(conversation, Conversation)
        cid = conversation.id if isinstance(conversation, Conversation) else conversation
        self.pump.take()
        services = self.services

        def work() -> AnswerResult:  # on the model lane
            return services.companion(vault).answer(cid, text, on_token=self.pump.push, cancel=cancel)

        self.started.emit(cid, new)
        services.session.model.submit(work, on_done=self._answered, on_error=self._failed)

    def stop(self) -> None:
        if self.cancel is not None:
            self.cancel.set()

    def _tokens(self) -> None:
        piece = self.pump.take()
        if piece and self.running:
            self.token.emit(piece)

    def _answered(self, result: AnswerResult) -> None:
        self._tokens()
        self.cancel = None
        self.answered.emit(result)
        self.services.session.publish(ANSWERED)  # the new messages are memories: the indexer embeds them

    def _failed(self, message: str) -> None:
        self.cancel = None
        self.failed.emit(message)
