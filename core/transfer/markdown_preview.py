"""What importing a Markdown/Obsidian or text folder would do, said before it is done.

``preview_markdown_folder`` reads the folder as ``import_markdown_folder`` would and compares every
file with the vault, in a read-only transaction: nothing is written. The window shows it before a
folder import, ``reverie import --dry-run FOLDER`` prints it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reverie.core.errors import TransferCancelledError
from reverie.core.transfer.bringin import ledger_hash
from reverie.core.transfer.markdown_import import (
    cancelled,
    decode,
    is_own,
    ledger_value,
    note_files,
    read_raw,
    shown_path,
)
from reverie.core.vault import Vault

Progress = Callable[[str, int, int], None]

CHANGED_FILE = "the file changed since it was imported"
READ_AGAIN = "Reverie now reads more of it (properties, tags, folder, dates)"
MARK_OWN = "it will be marked as your own writing"


def _would(problem: str) -> str:
    return problem.replace("; it was left out.", "; it would be left out.")


@dataclass(frozen=True)
class FolderPreview:
    """What a folder import would do: file paths (relative to ``folder``, ``/``-separated) that
    would become new notes, update notes (with why), stay as they are, or be left out (with why)."""

    folder: Path
    flavour: str  # "obsidian" | "markdown"
    new: tuple[str, ...]
    changed: tuple[tuple[str, str], ...]
    unchanged: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]
    mine: bool

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "skipped": len(self.skipped),
        }

    @property
    def changes_anything(self) -> bool:
        return bool(self.new or self.changed)


def preview_markdown_folder(
    vault: Vault, folder: str | Path, progress: Progress | None = None, cancel: Any = None, *, mine: bool = False
) -> FolderPreview:
    """Say what ``import_markdown_folder(vault, folder, mine=mine)`` would do, writing nothing.
    Raises the same TransferError as the import for a missing or empty folder."""
    root, files, flavour = note_files(folder)
    new: list[str] = []
    changed: list[tuple[str, str]] = []
    unchanged: list[str] = []
    skipped: list[tuple[str, str]] = []
    with vault.read() as conn:
        for i, path in enumerate(files, 1):
            if cancelled(cancel):
                raise TransferCancelledError("The preview was cancelled; the vault was not changed.")
            if progress:
                progress("reading files", i - 1, len(files))
            raw = read_raw(root, path)
            if isinstance(raw, str):
                skipped.append((shown_path(path.relative_to(root).as_posix()), _would(raw)))
                continue
            seen = ledger_hash(conn, raw.kind, raw.abspath)
            if seen == ledger_value(raw.sha):
                if mine and not is_own(conn, raw.note_id):
                    changed.append((raw.rel, MARK_OWN))
                else:
                    unchanged.append(raw.rel)
                continue
            nf = decode(raw, flavour)
            if isinstance(nf, str):
                skipped.append((raw.rel, _would(nf)))
            elif conn.execute("SELECT 1 FROM notes WHERE id = ?", (raw.note_id,)).fetchone() is None:
                new.append(raw.rel)
            else:
                changed.append((raw.rel, READ_AGAIN if seen and seen.split("+")[0] == raw.sha else CHANGED_FILE))
    if progress:
        progress("reading files", len(files), len(files))
    return FolderPreview(root, flavour, tuple(new), tuple(changed), tuple(unchanged), tuple(skipped), mine)
