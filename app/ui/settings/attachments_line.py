"""Settings › Your data: how many files the notes carry, their size in all, and the limit per file
("Attachments: 132 files, 48.2 MB (each up to 25 MB)"), counted on the database lane."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from reverie.app.ui.changes import OpChanges
from reverie.app.ui.session import Session
from reverie.app.ui.uikit import alive
from reverie.core import attachments
from reverie.core.textutil import human_size
from reverie.core.vault import Vault

LIMIT = attachments.size_words(attachments.MAX_ATTACHMENT_BYTES)


def attachments_text(count: int, size: int) -> str:
    """ "Attachments: 132 files, 48.2 MB (each up to 25 MB)"; "none yet" when there are none."""
    if count == 0:
        return f"Attachments: none yet (each up to {LIMIT}; a bigger file is left out with a reason)."
    files = "1 file" if count == 1 else f"{count:,} files"
    return f"Attachments: {files}, {human_size(size)} (each up to {LIMIT})"


def attachment_totals(vault: Vault) -> tuple[int, int]:
    with vault.read() as conn:
        return attachments.total_size(conn)


class AttachmentsLine(QLabel):
    """The attachments line; counted again when the vault opens and when notes change."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Attachments: counting…", parent)
        self.session = session
        self.setObjectName("muted")
        self.setWordWrap(True)
        session.vault_ready.connect(lambda _vault: self.reload())
        session.changed.connect(self._on_changes)
        self.reload()

    def _on_changes(self, changes: OpChanges) -> None:
        if changes.content:
            self.reload()

    def reload(self) -> None:
        if self.session.vault is None:
            return
        self.session.db.submit(
            attachment_totals,
            self.session.vault,
            on_done=alive(self, lambda totals: self.setText(attachments_text(*totals))),
            on_error=alive(self, self.setText),
        )
