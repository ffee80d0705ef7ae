"""One message in the thread: Markdown text (fenced code in boxes that scroll sideways), citation
chips, "Remember this" / "Forget this"."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from reverie.app.ui.chat.codeblock import CodeBlock, split_code
from reverie.app.ui.chat.data import CiteRef, MessageItem
from reverie.app.ui.flowlayout import FlowLayout
from reverie.app.ui.fmt import stamp

DISPLAY_MAX_CHARS = 20_000  # longer messages are kept whole in the vault; the bubble shows the start
CHIP_MAX_PX = 300  # a longer source name is elided with "…" (the tooltip has it whole)
_MARK = re.compile(r"(?<![\\\]])\[(\d{1,3})\](?!\()")
_FENCE = re.compile(r"(```.*?```|`[^`\n]*`)", re.S)


def linked_markdown(text: str) -> str:
    """Make each citation marker [n] a link ``cite:n`` (outside code)."""
    parts = _FENCE.split(text)
    for i in range(0, len(parts), 2):
        parts[i] = _MARK.sub(lambda m: f"[\\[{m.group(1)}\\]](cite:{m.group(1)})", parts[i])
    return "".join(parts)


class CitationChip(QToolButton):
    def __init__(self, ref: CiteRef, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ref = ref
        self.setObjectName("citationChip")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAutoRaise(True)
        if ref.gone:
            self.mark_gone()
        else:
            label = ref.label or ref.title
            shown = self.fontMetrics().elidedText(f"[{ref.n}] {label}", Qt.TextElideMode.ElideRight, CHIP_MAX_PX)
            self.setText(shown.replace("&", "&&"))  # a button reads "&" as a shortcut mark: "Groceries & errands"
            self.setToolTip(f"{label}\n\n{ref.excerpt}" if ref.excerpt else label)

    def mark_gone(self) -> None:
        self.setText(f"[{self.ref.n}] source deleted")
        self.setToolTip("The note or message this answer cited has been deleted.")
        self.setProperty("gone", True)
        if self.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
            self.style().unpolish(self)
            self.style().polish(self)

    @property
    def gone(self) -> bool:
        return bool(self.property("gone"))


class MessageText(QLabel):
    """A word-wrapped Markdown label that remembers its height per width: a thread relayout then
    costs a lookup per message instead of laying out every message's text again."""

    def __init__(self) -> None:
        super().__init__()
        self._heights: dict[int, int] = {}
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.MarkdownText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.setOpenExternalLinks(False)
        # The bubble's width, whatever the text: a long word is cut rather than widen the thread.
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt naming
        self._heights.clear()
        super().setText(text)

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt naming
        h = self._heights.get(width)
        if h is None:
            h = self._heights[width] = super().heightForWidth(width)
        return h


class MessageWidget(QFrame):
    cite_clicked = Signal(object, object)  # CitationChip | None, CiteRef
    remember_clicked = Signal(str)
    forget_clicked = Signal(str)
    sources_clicked = Signal(object)  # MessageItem

    def __init__(self, item: MessageItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("message")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)
        lay.setSpacing(4)
        self.header = QLabel()
        self.header.setObjectName("messageHeader")
        self.text = self._prose()  # the text up to the first code block; the rest in ``parts``
        self.parts: list[MessageText | CodeBlock] = []
        self.body = QVBoxLayout()
        self.body.setSpacing(6)
        self.body.addWidget(self.text)
        self.chips_row = FlowLayout(spacing=4)  # chips wrap: many sources never widen the bubble
        self.actions = QHBoxLayout()
        self.state = QLabel()
        self.state.setObjectName("muted")
        self.state.setWordWrap(True)  # a long note wraps; it never widens the bubble
        self.remember = QToolButton(text="Remember this")
        self.forget = QToolButton(text="Forget this")
        self.sources = QToolButton(text="Sources")
        for b in (self.remember, self.forget, self.sources):
            b.setAutoRaise(True)
            b.setObjectName("messageAction")
        self.actions.addStretch(1)
        self.actions.addWidget(self.sources)
        self.actions.addWidget(self.remember)
        self.actions.addWidget(self.forget)
        lay.addWidget(self.header)
        lay.addLayout(self.body)
        lay.addLayout(self.chips_row)
        lay.addWidget(self.state)  # how the reply was written, or its state, on a line of its own
        lay.addLayout(self.actions)
        self.chips: list[CitationChip] = []
        self.remember.clicked.connect(lambda: self.item.id and self.remember_clicked.emit(self.item.id))
        self.forget.clicked.connect(lambda: self.item.id and self.forget_clicked.emit(self.item.id))
        self.sources.clicked.connect(lambda: self.sources_clicked.emit(self.item))
        self.item = item
        self.set_item(item)

    def set_item(self, item: MessageItem) -> None:
        old = self.item
        self.item = item
        self.setProperty("role", item.role)
        self.setProperty("highlighted", False)
        who = "You" if item.role == "user" else "Reverie" if item.role == "assistant" else "System"
        status = {"partial": " · stopped", "error": " · failed"}.get(item.status, "")
        self.header.setText(f"<b>{who}</b> <span style='color:#888'>{stamp(item.created_at)}{status}</span>")
        if old is not item or not self.text.text():
            self._set_text(item)
        self._set_chips(item.citations)
        saved = item.id is not None and not item.streaming
        self.remember.setVisible(saved)
        self.forget.setVisible(saved)
        self.sources.setVisible(saved and item.role == "assistant")
        state = ""
        if item.streaming:
            state = "Answering… (Esc stops)"
        elif item.error:
            state = item.error
        elif item.forgotten:
            state = "Forgotten: no longer searched or cited."
        elif item.remembered:
            state = "Remembered: pinned, it will not fade."
        elif item.note:
            state = item.note
        self.state.setText(state)
        self.state.setVisible(bool(state))
        self.state.setObjectName("errorText" if item.error else "muted")
        self._repolish()

    def _repolish(self) -> None:
        """Apply the stylesheet again after a property changed (only once the widget was styled:
        before that, the first polish reads the properties anyway, and polishing is not cheap)."""
        if self.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
            for w in (self, self.state):
                w.style().unpolish(w)
                w.style().polish(w)

    def _prose(self) -> MessageText:
        label = MessageText()
        label.setObjectName("messageText")
        label.linkActivated.connect(self._link)
        return label

    def _set_text(self, item: MessageItem) -> None:
        content = item.content
        pieces = split_code(content[:DISPLAY_MAX_CHARS])
        if len(content) > DISPLAY_MAX_CHARS:
            more = f"*… {len(content) - DISPLAY_MAX_CHARS:,} more characters, all kept in the vault.*"
            if pieces and pieces[-1][0] == "text":
                pieces[-1] = ("text", f"{pieces[-1][1]}\n\n{more}")
            else:
                pieces.append(("text", more))
        if item.streaming and not pieces:
            pieces = [("text", "…")]
        if not pieces or pieces[0][0] != "text":
            pieces.insert(0, ("text", ""))
        linked = item.role == "assistant"
        self.text.setText(linked_markdown(pieces[0][1]) if linked else pieces[0][1])
        self.text.setVisible(bool(pieces[0][1]))
        for i, (kind, piece) in enumerate(pieces[1:]):
            part = self.parts[i] if i < len(self.parts) else None
            wanted = CodeBlock if kind == "code" else MessageText
            if not isinstance(part, wanted):
                new = CodeBlock() if kind == "code" else self._prose()
                if part is None:
                    self.parts.append(new)
                    self.body.addWidget(new)
                else:
                    self.body.replaceWidget(part, new)
                    part.deleteLater()
                    self.parts[i] = new
                part = new
            if isinstance(part, CodeBlock):
                part.set_code(piece)
            else:
                part.setText(linked_markdown(piece) if linked else piece)
        for part in self.parts[len(pieces) - 1 :]:
            self.body.removeWidget(part)
            part.deleteLater()
        del self.parts[len(pieces) - 1 :]

    def append_text(self, content: str) -> None:
        """Show the streamed answer so far."""
        self.item = self.item.with_(content=content)
        self._set_text(self.item)

    def _set_chips(self, refs: tuple[CiteRef, ...]) -> None:
        if tuple(c.ref for c in self.chips) == tuple(refs):
            return
        for chip in self.chips:
            self.chips_row.removeWidget(chip)
            chip.deleteLater()
        self.chips = []
        for ref in refs:
            chip = CitationChip(ref, self)
            chip.clicked.connect(lambda _=False, c=chip: self.cite_clicked.emit(c, c.ref))
            self.chips_row.addWidget(chip)
            self.chips.append(chip)

    def chip(self, n: int) -> CitationChip | None:
        return next((c for c in self.chips if c.ref.n == n), None)

    def _link(self, href: str) -> None:
        if href.startswith("cite:"):
            chip = self.chip(int(href[5:]))
            if chip is not None:
                self.cite_clicked.emit(chip, chip.ref)

    def flash(self) -> None:
        self.setProperty("highlighted", True)
        self._repolish()
