"""``LockedNotice``: one line above a place where the user types, while the vault is not open.

A passphrase vault whose Unlock dialog was cancelled stays locked; anything typed then could not
be saved. The notice says so and offers [Unlock], which runs the shell's ``unlock`` action (the
Unlock dialog again, then the vault opens on the database lane). It hides when the vault opens.
Where the vault has a recovery kit, it also offers [Use a recovery code…] (the shell's ``recover``
action): the way back when the keyring entry is gone or the passphrase is forgotten.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from reverie.app.ui import icons
from reverie.app.ui.session import Session
from reverie.app.ui.shell import Shell
from reverie.app.ui.theme import theme_signals
from reverie.core.vault import VaultHeader

LOCKED_TEXT = "The vault is locked — nothing typed here can be saved until you unlock it."


class LockedNotice(QFrame):
    """Visible while ``session.is_open`` is False; hidden on ``session.vault_ready``."""

    def __init__(self, session: Session, shell: Shell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockedNotice")
        self.session = session
        self.shell = shell
        lay = QHBoxLayout(self)
        lay.setContentsMargins(12, 6, 8, 6)
        lay.setSpacing(8)
        self.icon = QLabel()
        self._paint_icon()
        # methods, not lambdas: Qt drops a method's connection when its widget is deleted
        theme_signals().changed.connect(self._theme_changed)
        lay.addWidget(self.icon)
        self.label = QLabel(LOCKED_TEXT)
        self.label.setWordWrap(True)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.button = QPushButton(icons.icon("unlock"), "Unlock")
        self.button.clicked.connect(self.unlock)
        self.recover = QPushButton("Use a recovery code…")
        self.recover.clicked.connect(self.use_recovery_code)
        self.recover.setVisible(self._has_kit())
        lay.addWidget(self.label, 1)
        lay.addWidget(self.recover)
        lay.addWidget(self.button)
        session.vault_ready.connect(self._opened)
        self.setVisible(not session.is_open)

    def _theme_changed(self, _name: str) -> None:
        self._paint_icon()

    def _opened(self, _vault: object) -> None:
        self.setVisible(False)

    def _paint_icon(self) -> None:
        self.icon.setPixmap(icons.icon("locked").pixmap(18, 18))  # a pixmap: drawn again for each theme

    def _has_kit(self) -> bool:
        try:
            return VaultHeader.read(self.session.paths.header).recovery is not None
        except Exception:  # noqa: BLE001 - no vault yet, or no readable header: nothing to offer
            return False

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt naming
        self.recover.setVisible(self._has_kit())  # a kit made, or a vault restored, since
        super().showEvent(event)  # type: ignore[arg-type]

    def use_recovery_code(self) -> None:
        action = self.shell.action("recover")
        if action is not None:
            action()

    def unlock(self) -> None:
        action = self.shell.action("unlock")
        if action is not None:
            action()
