"""Taking your memory with you: vault files (export/import), Markdown and chat bring-in, re-keying.

Public API:
``export_vault``, ``import_preview``, ``import_vault`` (``.reverie`` files, see docs/vault-format.md),
``export_markdown``, ``import_markdown_folder``, ``import_chatgpt`` and the key moves in ``rekey``.
"""

from reverie.core.transfer.export import ExportSummary, export_vault
from reverie.core.transfer.importer import ImportPreview, ImportSummary, TableCounts, import_preview, import_vault

__all__ = [
    "ExportSummary",
    "ImportPreview",
    "ImportSummary",
    "TableCounts",
    "export_vault",
    "import_preview",
    "import_vault",
]
