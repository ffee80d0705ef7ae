"""Where Reverie keeps its data.

The data folder is the platform's user data dir (``platformdirs``), overridden by the
``REVERIE_HOME`` environment variable. The vault is one folder inside it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from reverie.core.errors import DataFolderError

APP_NAME = "Reverie"
ENV_HOME = "REVERIE_HOME"


def data_home(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    override = env.get(ENV_HOME)
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class VaultPaths:
    folder: Path

    @property
    def database(self) -> Path:
        return self.folder / "reverie.db"

    @property
    def header(self) -> Path:
        return self.folder / "vault.json"

    def exists(self) -> bool:
        return self.header.exists() or self.database.exists()


def vault_paths(home: Path | None = None) -> VaultPaths:
    return VaultPaths((home or data_home()) / "vault")


def ensure_writable_folder(folder: Path) -> None:
    """Create ``folder`` if needed and check we can write in it, with a readable error."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataFolderError(f"Reverie cannot create its data folder {folder}: {exc.strerror or exc}.") from exc
    if not folder.is_dir():
        raise DataFolderError(f"Reverie's data folder {folder} is a file, not a folder.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DataFolderError(
            f"Reverie's data folder {folder} is read-only; choose another with REVERIE_HOME or make it writable."
        )
