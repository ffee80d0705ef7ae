"""One memory in full: its text (editable), where it came from, its dates, how well it is held,
the actions on it and its history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui import fmt, icons
from reverie.core.memories import retention_now
from reverie.core.records import Memory

ACTION_TEXT = {
    "create": "Remembered",
    "edit": "Text edited",
    "pin": "Pinned",
    "unpin": "Unpinned",
    "archive": "Archived",
    "restore": "Restored",
    "delete": "Deleted",
    "recall": "Recalled",
    "decay": "Faded",
    "supersede": "Superseded",
    "merge": "Merged",
}


def history_line(entry: dict[str, Any]) -> str:
    what = ACTION_TEXT.get(entry["action"], entry["action"].capitalize())
    by = "" if entry.get("actor") in (None, "user") else f" by {entry['actor']}"
    note = f" ({entry['note']})" if entry.get("note") else ""
    return f"{fmt.when(entry['at'])}: {what}{by}{note}"


def compact_when(ts: float | None, now: float) -> str:
    """``30 Nov, 05:46`` this year, ``30 Nov 2025, 05:46`` before: a detail pane's date, one
    line even in a narrow pane (local time)."""
    if ts is None:
        return "never"
    d = datetime.fromtimestamp(ts)
    same_year = d.year == datetime.fromtimestamp(now).year
    return d.strftime("%d %b, %H:%M" if same_year else "%d %b %Y, %H:%M").lstrip("0")


def source_text(source: str, context: str | None, kind: str) -> str:
    """The Source line: the source, then a note memory's context when it adds something (a
    note's title is already in 'Note “Title”')."""
    extra = (context or "").strip()
    return source + (f"\n{extra}" if extra and kind == "note" and extra not in source else "")


class MemoryDetail(QWidget):
    pin_requested = Signal(int, bool)
    archive_requested = Signal(int, bool)  # id, archive (False: restore)
    save_requested = Signal(int, str)
    delete_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.memory: Memory | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.empty = QLabel(
            "Select a memory to see where it came from, how well Reverie holds it, and everything that happened to it."
        )
        self.empty.setObjectName("muted")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.empty)
        self.body = QWidget()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.body)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to what it holds (and scrolls it into view)
        self.scroll = scroll
        outer.addWidget(scroll)
        lay = QVBoxLayout(self.body)
        lay.setContentsMargins(12, 4, 12, 4)
        self.title = QLabel("")
        self.title.setObjectName("sectionTitle")
        self.title.setWordWrap(True)
        lay.addWidget(self.title)
        self.text = QPlainTextEdit()
        self.text.setMinimumHeight(90)
        self.text.setMaximumHeight(150)
        self.text.setTabChangesFocus(True)  # Tab goes on to the buttons
        self.text.textChanged.connect(self._text_changed)
        lay.addWidget(self.text)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.source = QLabel()
        self.happened = QLabel()
        self.recorded = QLabel()
        self.recalled = QLabel()
        self.retention = QProgressBar()
        self.retention.setRange(0, 100)
        self.retention.setFormat("%p %")
        self.strength = QLabel()
        for label in (self.source, self.happened, self.recorded, self.recalled, self.strength):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Source:", self.source)
        form.addRow("Happened:", self.happened)
        form.addRow("Recorded:", self.recorded)
        form.addRow("Recalled:", self.recalled)
        form.addRow("Retention:", self.retention)
        form.addRow("Strength:", self.strength)
        lay.addLayout(form)
        buttons = QGridLayout()
        self.save = QPushButton("Save text")
        self.pin = QPushButton("Pin")
        self.archive = QPushButton("Archive")
        self.delete = QPushButton("Delete…")
        self.delete.setObjectName("danger")
        for i, (b, name) in enumerate(
            ((self.save, "save"), (self.pin, "pin"), (self.archive, "archive"), (self.delete, "delete"))
        ):
            b.setIcon(icons.icon(name))
            buttons.addWidget(b, i // 2, i % 2)
        lay.addLayout(buttons)
        self.save.clicked.connect(self._save)
        self.pin.clicked.connect(self._pin)
        self.archive.clicked.connect(self._archive)
        self.delete.clicked.connect(self._delete)
        self.message = QLabel("")
        self.message.setObjectName("errorText")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        hist = QLabel("History")
        hist.setObjectName("sectionTitle")
        lay.addWidget(hist)
        # One label, as tall as its lines: the pane scrolls to show the whole history.
        self.history = QLabel()
        self.history.setWordWrap(True)
        self.history.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.history.setTextFormat(Qt.TextFormat.PlainText)
        self.history.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.history)
        lay.addStretch(1)
        self._history: list[str] = []
        self.show_memory(None)

    def show_memory(
        self, memory: Memory | None, now: float = 0.0, source: str = "", history: list[dict[str, Any]] | None = None
    ) -> None:
        self.memory = memory
        self.empty.setVisible(memory is None)
        self.scroll.setVisible(memory is not None)
        self.message.setText("")
        if memory is None:
            return
        badges = [b for b, on in (("pinned", memory.pinned), ("archived", memory.archived)) if on]
        self.title.setText(
            fmt.KIND_LABELS.get(memory.kind, memory.kind) + (f" · {', '.join(badges)}" if badges else "")
        )
        self.text.blockSignals(True)
        self.text.setPlainText(memory.text)
        self.text.blockSignals(False)
        self.save.setEnabled(False)
        self.source.setText(source_text(source, memory.context, memory.kind))
        self.happened.setText(compact_when(memory.happened_at, now))
        self.recorded.setText(compact_when(memory.recorded_at, now))
        self.recalled.setText(
            compact_when(memory.last_recalled_at, now) + (f" ({memory.recall_count}×)" if memory.recall_count else "")
        )
        r = retention_now(memory, now)
        self.retention.setValue(round(100 * r))
        self.retention.setToolTip(
            "Pinned memories never fade."
            if memory.pinned
            else "How well Reverie holds this memory now; recalling it makes it stronger."
        )
        self.strength.setText(f"{fmt.days(memory.strength)} (importance {memory.importance:.1f})")
        self.pin.setText("Unpin" if memory.pinned else "Pin")
        self.pin.setIcon(icons.icon("unpin" if memory.pinned else "pin"))
        self.archive.setText("Restore" if memory.archived else "Archive")
        lines = [history_line(entry) for entry in history or []]
        if not any(e["action"] == "create" for e in history or []):
            lines.append(f"{fmt.when(memory.recorded_at)}: Remembered, from {source[:1].lower() + source[1:]}")
        self._history = lines
        self.history.setText("\n".join(lines))

    def history_lines(self) -> list[str]:
        """The history as shown, newest first."""
        return list(self._history)

    def show_error(self, message: str) -> None:
        self.message.setText(message)

    def _text_changed(self) -> None:
        self.save.setEnabled(self.memory is not None and self.text.toPlainText().strip() != self.memory.text)

    def _pin(self) -> None:
        if self.memory is not None:
            self.pin_requested.emit(self.memory.id, not self.memory.pinned)

    def _archive(self) -> None:
        if self.memory is not None:
            self.archive_requested.emit(self.memory.id, not self.memory.archived)

    def _delete(self) -> None:
        if self.memory is not None:
            self.delete_requested.emit(self.memory.id)

    def _save(self) -> None:
        if self.memory is not None:
            self.save_requested.emit(self.memory.id, self.text.toPlainText())
