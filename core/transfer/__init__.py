"""Taking your memory with you: vault files (export/import), Markdown and chat bring-in, re-keying.

Public API:
``export_vault``, ``import_preview``, ``import_vault`` (``.reverie`` files, see docs/vault-format.md),
``export_markdown``, ``preview_markdown_folder`` (what a folder import would do, writing nothing),
``import_markdown_folder``, ``import_chatgpt`` and the key moves in ``rekey``.
"""

from reverie.core.transfer.export import ExportSummary, export_vault
from reverie.core.transfer.importer import ImportPreview, ImportSummary, TableCounts, import_preview, import_vault
from reverie.core.transfer.markdown_preview import FolderPreview, preview_markdown_folder

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
