"""Settings → Connected apps: every app that used the vault through ``reverie mcp``, what it may do,
and the log of its calls. Read and written on the database lane (``core.connected``); the server
runs in another process, so the box reads the vault again when it is shown or Refresh is pressed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui import fmt
from reverie.app.ui.session import Session
from reverie.app.ui.uikit import alive
from reverie.core import connected
from reverie.core.connected import Call, Client
from reverie.core.vault import Vault

INTRO = (
    "Other AI apps (Claude Desktop, LM Studio, Cursor, VS Code) can search your memories and remember "
    "things for you when you add “reverie mcp” to them; the README shows how. Each app that did is "
    "listed here. A change applies from the app's next call."
)
NO_APPS = "No app has used your memories yet."
CALLS_SHOWN = 30
TOOL_WORDS = {
    "search_memories": "searched",
    "get_memory": "read a memory",
    "list_recent": "listed recent memories",
    "remember": "remembered a note",
    "forget": "archived a memory",
    "profile": "read your profile",
}


@dataclass(frozen=True)
class ConnectedState:
    clients: list[Client]
    calls: list[Call]
    record_queries: bool


def read_state(vault: Vault) -> ConnectedState:
    return ConnectedState(
        connected.list_clients(vault), connected.recent_calls(vault, CALLS_SHOWN), connected.records_queries(vault)
    )


def client_line(client: Client) -> str:
    """ "Last used Mon 21 Nov 2026, 14:05 · 12 calls"."""
    return f"Last used {fmt.when(client.last_seen)} · {client.calls} call{'' if client.calls == 1 else 's'}"


def call_line(call: Call) -> str:
    """One logged call: when, which app, what it did, and how it went."""
    what = TOOL_WORDS.get(call.tool, call.tool)
    if call.outcome == "refused":
        how = "refused"
    elif call.outcome == "failed":
        how = "failed"
    elif call.tool in ("search_memories", "list_recent"):
        how = f"{call.results} result{'' if call.results == 1 else 's'}"
    else:
        how = "done"
    query = f" “{call.query}”" if call.query else ""
    return f"{fmt.stamp(call.at)}  {call.client_name} {what}{query}: {how}"


class ConnectedBox(QGroupBox):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Connected apps", parent)
        self.session = session
        lay = QVBoxLayout(self)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        lay.addWidget(intro)
        self.apps = QWidget()
        self.grid = QGridLayout(self.apps)
        self.grid.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.apps)
        self.empty = QLabel(NO_APPS)
        lay.addWidget(self.empty)
        self.record = QCheckBox(
            "Keep what apps search for in the log (off: only which tool, when and how many results)"
        )
        self.record.toggled.connect(self._record_toggled)
        lay.addWidget(self.record)
        head = QHBoxLayout()
        title = QLabel("Recent calls")
        title.setObjectName("sectionTitle")
        head.addWidget(title)
        head.addStretch(1)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.reload)
        head.addWidget(self.refresh_button)
        lay.addLayout(head)
        self.calls = QListWidget()
        self.calls.setMinimumHeight(120)
        self.calls.setMaximumHeight(220)
        lay.addWidget(self.calls)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setObjectName("errorText")
        self.message.setVisible(False)
        lay.addWidget(self.message)
        self.permission: dict[int, QComboBox] = {}
        self.may_forget: dict[int, QCheckBox] = {}
        self._loading = False
        session.vault_ready.connect(lambda _: self.reload())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.reload()

    # -- read -----------------------------------------------------------------------------
    def reload(self) -> None:
        if not self.session.is_open or self.session.vault is None:
            return
        self.session.db.submit(
            read_state, self.session.vault, on_done=alive(self, self.show_state), on_error=alive(self, self._error)
        )

    def show_state(self, state: ConnectedState) -> None:
        self._loading = True
        try:
            self._show_clients(state.clients)
            self.record.setChecked(state.record_queries)
            self.calls.clear()
            self.calls.addItems([call_line(c) for c in state.calls])
            if not state.calls:
                self.calls.addItem("No calls yet.")
        finally:
            self._loading = False

    def _show_clients(self, clients: list[Client]) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        self.permission.clear()
        self.may_forget.clear()
        self.empty.setVisible(not clients)
        for row, client in enumerate(clients):
            name = QLabel(f"<b>{_html(client.name)}</b> {_html(client.version)}")
            seen = QLabel(client_line(client))
            seen.setObjectName("muted")
            combo = QComboBox()
            for perm in connected.PERMISSIONS:
                combo.addItem(connected.PERMISSION_LABELS[perm], perm)
            combo.setCurrentIndex(connected.PERMISSIONS.index(client.permission))
            combo.setAccessibleName(f"What {client.name} may do")
            combo.currentIndexChanged.connect(lambda _i, c=client.id, b=combo: self._set_permission(c, b.currentData()))
            forget = QCheckBox("May archive memories")
            forget.setChecked(client.may_forget)
            forget.setEnabled(client.permission == "remember")
            forget.setToolTip("Archived memories leave recall but are never deleted; you can restore them.")
            forget.toggled.connect(lambda on, c=client.id: self._set_forget(c, on))
            self.grid.addWidget(name, row, 0)
            self.grid.addWidget(seen, row, 1)
            self.grid.addWidget(combo, row, 2)
            self.grid.addWidget(forget, row, 3)
            self.permission[client.id] = combo
            self.may_forget[client.id] = forget
        self.grid.setColumnStretch(1, 1)

    # -- write ----------------------------------------------------------------------------
    def _submit(self, fn: Callable[..., object], *args: object) -> None:
        if self._loading or self.session.vault is None:
            return
        self.message.setVisible(False)
        self.session.db.submit(
            fn,
            self.session.vault,
            *args,
            on_done=alive(self, lambda _r: self.reload()),
            on_error=alive(self, self._error),
        )

    def _set_permission(self, client_id: int, permission: str) -> None:
        self._submit(connected.set_permission, client_id, permission)

    def _set_forget(self, client_id: int, allowed: bool) -> None:
        self._submit(connected.set_may_forget, client_id, allowed)

    def _record_toggled(self, on: bool) -> None:
        self._submit(connected.set_records_queries, on)

    def _error(self, message: str) -> None:
        self.message.setText(message)
        self.message.setVisible(True)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
