"""File menu: export, import, bring notes in, change how the vault is locked."""
