"""Asking and answering: the question goes to the companion on the model lane, the answer streams
back through a TokenPump, Stop (or Esc, or closing the window) sets the cancel event."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer

from reverie.app.ui.chat import data
from reverie.app.ui.chat.data import MessageItem
from reverie.app.ui.chat.model import SourceRow
from reverie.app.ui.chat.stream import TokenPump
from reverie.app.ui.services import services_for
from reverie.core import conversations

if TYPE_CHECKING:
    from reverie.app.ui.chat.page import ChatPage

PAINT_MS = 80  # each repaint of the growing answer costs the GUI thread ~10-20 ms (layout + paint)


class AnswerFlow:
    def __init__(self, page: ChatPage) -> None:
        self.page = page
        self.pump = TokenPump(page)
        self.pump.ready.connect(self._tokens)
        self._paint = QTimer(page)  # the bubble is redrawn at most every PAINT_MS, however fast tokens come
        self._paint.setSingleShot(True)
        self._paint.setInterval(PAINT_MS)
        self._paint.timeout.connect(self._show_text)
        self.running = False
        self.cancel: threading.Event | None = None
        self._row: int | None = None  # the streaming row in the thread model
        self._text = ""
        self._question = ""
        self._given: dict[str, list[SourceRow]] = {}  # answer id -> what it was given (this session)

    # -- asking --------------------------------------------------------------------------------
    def send(self) -> None:
        page = self.page
        vault = page.session.vault
        text = page.composer.toPlainText()
        if self.running or vault is None or not text.strip():
            return
        self.running = True
        page.show_notice("")
        page._sync()
        if page.cid is None:
            page.session.db.submit(conversations.create_conversation, vault, "",
                                   on_done=lambda c: self._start(c.id, text, new=True), on_error=self._failed)
        else:
            self._start(page.cid, text)

    def _start(self, cid: str, text: str, new: bool = False) -> None:
        page = self.page
        vault = page.session.vault
        if new:
            page.cid = cid
            page.messages.set_items([])
            page.show_sources(None)
        page.composer.clear()
        self._question = text
        now = vault.now()
        page.messages.append(MessageItem(None, "user", text, created_at=now))
        self._row = page.messages.append(MessageItem(None, "assistant", "", created_at=now, streaming=True))
        self._text = ""
        self.cancel = cancel = threading.Event()
        self.pump.take()
        services = services_for(page.session)

        def work() -> Any:
            return services.companion(vault).answer(cid, text, on_token=self.pump.push, cancel=cancel)

        page.session.model.submit(work, on_done=lambda r: self._answered(cid, r), on_error=self._failed)
        # The list shows the new title; it keeps whichever conversation is open by then (the user may
        # have switched away while the answer streams).
        page.session.db.submit(data.ensure_title, vault, cid, text, on_done=lambda _r: page.refresh())
        page._sync()

    def stop(self) -> None:
        if self.cancel is not None:
            self.cancel.set()

    def detach_stream(self) -> None:
        """The thread was reloaded: the streamed text has no row to go to any more."""
        self._row = None

    def _tokens(self) -> None:
        piece = self.pump.take()
        if self._row is None or not piece:
            return
        self._text += piece
        if not self._paint.isActive():
            self._paint.start()

    def _show_text(self) -> None:
        if self._row is not None:
            self.page.thread.streaming_text(self._row, self._text)

    # -- the answer ----------------------------------------------------------------------------
    def _answered(self, cid: str, result: Any) -> None:
        self._tokens()
        self._paint.stop()
        self._show_text()
        self.running = False
        self.cancel = None
        page = self.page
        assistant = getattr(result, "assistant_message", None)
        user = getattr(result, "user_message", None)
        error = getattr(result, "error", None)
        cites = tuple(data.CiteRef(int(c.n), str(c.memory_uid), getattr(c, "source_title", "") or "",
                                   (getattr(c, "text", "") or "")[:300])
                      for c in getattr(result, "citations", []) or [])
        if assistant is not None:
            cited = {c.n for c in cites}
            rows = [self._given_row(g, i, cited) for i, g in enumerate(getattr(result, "given", []) or [])]
            self._given[assistant.id] = rows
        row = self._row
        if page.cid == cid and row is not None and row < len(page.messages.items):
            # The two rows shown while answering become the recorded messages, in place (no reload).
            if user is not None:
                page.messages.replace(row - 1, self._item(user, ()))
            if assistant is not None:
                page.messages.replace(row, self._item(assistant, cites))
                page.show_sources(page.messages.items[row])
            else:
                page.messages.replace(row, page.messages.items[row].with_(
                    streaming=False, content=self._text, status="error" if error else "partial",
                    error=error or "The answer was stopped before it began."))
        self._row = None
        services_for(page.session).notify_indexer()  # the new messages are memories: embed them
        page.session.data_changed.emit("memories")
        page.refresh()
        page._sync()

    @staticmethod
    def _item(message: Any, cites: tuple[data.CiteRef, ...]) -> MessageItem:
        meta = getattr(message, "meta", {}) or {}
        return MessageItem(message.id, message.role, message.content, message.status, message.created_at, cites,
                           bool(meta.get("remembered")), bool(meta.get("forgotten")),
                           error=data.error_of(message.status, meta), note=data.note_of(message.role, meta))

    def _failed(self, message: str) -> None:
        self._paint.stop()
        self.running = False
        self.cancel = None
        page = self.page
        if self._row is not None and self._row < len(page.messages.items):
            item = page.messages.items[self._row]
            page.messages.replace(self._row, item.with_(streaming=False, content=self._text, status="error",
                                                        error=message))
        else:
            page.show_notice(message)
        if self._question and not page.composer.toPlainText():
            page.composer.setPlainText(self._question)  # the question was not answered: it is there to send again
        self._row = None
        page._sync()

    # -- sources -------------------------------------------------------------------------------
    @staticmethod
    def _given_row(g: Any, i: int, cited: set[int]) -> SourceRow:
        n = int(getattr(g, "n", i + 1))
        memory = getattr(g, "memory", g)
        title = getattr(g, "source_title", "") or getattr(memory, "context", "") or getattr(memory, "kind", "")
        return SourceRow(n, title, getattr(memory, "text", str(memory)), n in cited,
                         getattr(memory, "uid", None), memory)

    def knows(self, item: Any) -> bool:
        return item is not None and item.id in self._given

    def sources_for(self, item: MessageItem | None) -> list[SourceRow]:
        if item is None or item.id is None:
            return []
        given = self._given.get(item.id)
        if given is not None:
            return given
        return [SourceRow(c.n, c.title if not c.gone else "source deleted", c.excerpt, True, c.uid)
                for c in item.citations]
