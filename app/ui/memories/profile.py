""" "What Reverie knows about me": the profile text and the facts, both editable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui.changes import MEMORIES, OpChanges
from reverie.app.ui.memories.model import one_line
from reverie.app.ui.session import Session
from reverie.app.ui.uikit import alive, remember_splitter
from reverie.core import memories, profile
from reverie.core.records import Memory
from reverie.core.vault import Vault

Index = QModelIndex | QPersistentModelIndex


class FactItemModel(QAbstractListModel):
    """The facts Reverie holds about the user; editing a row asks for the text to be saved."""

    edit_requested = Signal(int, str)  # memory id, new text

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.facts: list[Memory] = []

    def set_facts(self, facts: list[Memory]) -> None:
        self.beginResetModel()
        self.facts = list(facts)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.facts)

    def flags(self, index: Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.facts):
            return None
        f = self.facts[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return ("★ " if f.pinned else "") + one_line(f.text, 300)
        if role == Qt.ItemDataRole.EditRole:
            return f.text
        if role == Qt.ItemDataRole.UserRole:
            return f.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Double-click to correct this fact."
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        text = str(value).strip()
        fact = self.facts[index.row()]
        if text and text != fact.text:
            self.edit_requested.emit(fact.id, text)
        return False  # the row changes when the vault says it did


class ProfilePane(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.confirm: Callable[[str], bool] = self._confirm
        self._saved_profile = ""
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        intro = QLabel(
            "Reverie keeps a short profile of you and a list of facts, distilled each night from your "
            "notes and conversations, and uses them when it answers. Correct anything that is wrong; "
            "every change is kept in the history."
        )
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        lay.addWidget(intro)
        splitter = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Profile")
        title.setObjectName("sectionTitle")
        tl.addWidget(title)
        self.editor = QPlainTextEdit()
        self.editor.setTabChangesFocus(True)
        self.editor.setPlaceholderText(
            "Nothing yet. Write a few lines about yourself (name, where you live, what matters to you), "
            "or let nightly consolidation fill this in."
        )
        tl.addWidget(self.editor, 1)
        row = QHBoxLayout()
        self.save = QPushButton("Save profile")
        self.save.setEnabled(False)
        self.status = QLabel("")
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)
        row.addWidget(self.save)
        row.addWidget(self.status, 1)
        tl.addLayout(row)
        splitter.addWidget(top)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        self.facts_title = QLabel("Facts")
        self.facts_title.setObjectName("sectionTitle")
        bl.addWidget(self.facts_title)
        self.facts_model = FactItemModel(self)
        self.facts = QListView()
        self.facts.setModel(self.facts_model)
        self.facts.setWordWrap(True)
        self.facts.setAlternatingRowColors(True)
        self.facts.setSpacing(2)
        bl.addWidget(self.facts, 1)
        self.no_facts = QLabel(
            "No facts yet. Each night Reverie reads the day's notes and conversations and "
            "writes down what it learns about you here."
        )
        self.no_facts.setObjectName("muted")
        self.no_facts.setWordWrap(True)
        bl.addWidget(self.no_facts)
        frow = QHBoxLayout()
        hint = QLabel("Double-click a fact to correct it.")
        hint.setObjectName("muted")
        self.delete_fact = QPushButton("Delete fact…")
        frow.addWidget(hint, 1)
        frow.addWidget(self.delete_fact)
        bl.addLayout(frow)
        splitter.addWidget(bottom)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([260, 340])
        remember_splitter(splitter, "splitters/profile")
        lay.addWidget(splitter, 1)
        self.editor.textChanged.connect(
            lambda: self.save.setEnabled(self.editor.toPlainText().strip() != self._saved_profile)
        )
        self.save.clicked.connect(self._save_profile)
        self.facts_model.edit_requested.connect(self._edit_fact)
        self.delete_fact.clicked.connect(self._delete_fact)
        session.vault_ready.connect(lambda _: self.reload())
        session.changed.connect(self._on_changes)

    def _on_changes(self, changes: OpChanges) -> None:
        if changes.memories:
            self.reload()

    def reload(self) -> None:
        if self.session.vault is None:
            return

        def load(vault: Vault) -> tuple[str, list[Memory]]:
            return profile.get_profile(vault), memories.list_memories(vault, kinds=("fact",), order="importance")

        self.session.db.submit(
            load, self.session.vault, on_done=alive(self, self._show), on_error=alive(self, self.status.setText)
        )

    def _show(self, result: tuple[str, list[Memory]]) -> None:
        text, facts = result
        if not self.save.isEnabled():  # never overwrite unsaved typing
            self._saved_profile = text
            self.editor.setPlainText(text)
            self.save.setEnabled(False)
        self.facts_model.set_facts(facts)
        self.facts_title.setText(f"Facts ({len(facts)})" if facts else "Facts")
        self.facts.setVisible(bool(facts))
        self.no_facts.setVisible(not facts)
        self.delete_fact.setEnabled(bool(facts))

    def _save_profile(self) -> None:
        def done(text: str) -> None:
            self._saved_profile = text
            self.save.setEnabled(False)
            self.status.setText("Profile saved.")

        self.session.db.submit(
            profile.set_profile,
            self.session.vault,
            self.editor.toPlainText(),
            on_done=alive(self, done),
            on_error=alive(self, self.status.setText),
        )

    def _edit_fact(self, memory_id: int, text: str) -> None:
        def done(_: Any) -> None:
            self.status.setText("Fact corrected.")

        self.session.run_op(
            memories.edit_text,
            self.session.vault,
            memory_id,
            text,
            changes=MEMORIES,
            on_done=alive(self, done),
            on_error=alive(self, self.status.setText),
        )

    def _delete_fact(self) -> None:
        fact_id = self.facts.currentIndex().data(Qt.ItemDataRole.UserRole)
        fact = next((f for f in self.facts_model.facts if f.id == fact_id), None)
        if fact is None:
            self.status.setText("Select a fact to delete first.")
            return
        if not self.confirm(one_line(fact.text, 200)):
            return

        def done(_: Any) -> None:
            self.status.setText("Fact deleted.")

        self.session.run_op(
            memories.delete_memory,
            self.session.vault,
            fact.id,
            changes=MEMORIES,
            on_done=alive(self, done),
            on_error=alive(self, self.status.setText),
        )

    def _confirm(self, text: str) -> bool:
        answer = QMessageBox.question(
            self,
            "Delete this fact?",
            f"“{text}”\n\nReverie will stop using this fact. Delete it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes
