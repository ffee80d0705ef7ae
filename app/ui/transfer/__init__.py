"""File menu: export, import, bring notes in, change how the vault is locked."""

from reverie.app.ui.transfer.menu import install

__all__ = ["install"]
