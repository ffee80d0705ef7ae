"""Taking your memory with you: vault files (export/import), Markdown and chat bring-in, re-keying.

Public API:
``export_vault``, ``import_preview``, ``import_vault`` (``.reverie`` files, see docs/vault-format.md),
``export_markdown``, ``preview_markdown_folder`` (what a folder import would do, writing nothing),
``import_markdown_folder``, ``import_chatgpt`` and the key moves in ``rekey``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reverie.core.transfer.export import ExportSummary, export_vault
    from reverie.core.transfer.importer import ImportPreview, ImportSummary, TableCounts, import_preview, import_vault
    from reverie.core.transfer.markdown_preview import FolderPreview, preview_markdown_folder

# Each name loads its module on first use: opening a vault (which sweeps stale export folders with
# ``transfer.scratch``) does not pay for the importer, the exporter and sqlite-utils.
_HOMES = {
    "ExportSummary": "export",
    "export_vault": "export",
    "ImportPreview": "importer",
    "ImportSummary": "importer",
    "TableCounts": "importer",
    "import_preview": "importer",
    "import_vault": "importer",
    "FolderPreview": "markdown_preview",
    "preview_markdown_folder": "markdown_preview",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)


__all__ = [
    "ExportSummary",
    "FolderPreview",
    "ImportPreview",
    "ImportSummary",
    "TableCounts",
    "export_vault",
    "import_preview",
    "import_vault",
    "preview_markdown_folder",
]
