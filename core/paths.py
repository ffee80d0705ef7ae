"""Where Reverie keeps its data.

The data folder is the platform's user data dir (``platformdirs``), overridden by the
``REVERIE_HOME`` environment variable. The vault is one folder inside it. Everything Reverie keeps
is the user's alone: folders 0700, files 0600 (``make_private``; new files get it from the
process's umask, set at start-up).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from reverie.core.errors import DataFolderError

APP_NAME = "Reverie"
ENV_HOME = "REVERIE_HOME"
PRIVATE_UMASK = 0o077  # what the CLI and the window start with: new files 0600, new folders 0700
SHARED_BITS = stat.S_IRWXG | stat.S_IRWXO


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
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise DataFolderError(f"Reverie cannot create its data folder {folder}: {exc.strerror or exc}.") from exc
    if not folder.is_dir():
        raise DataFolderError(f"Reverie's data folder {folder} is a file, not a folder.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DataFolderError(
            f"Reverie's data folder {folder} is read-only; choose another with REVERIE_HOME or make it writable."
        )


def strip_shared_bits(path: Path) -> None:
    """Take away the group's and others' permissions on ``path`` (not following a symlink); a file
    we cannot change (another owner's) is left as it is."""
    with contextlib.suppress(OSError):
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode) or not mode & SHARED_BITS:
            return
        os.chmod(path, stat.S_IMODE(mode) & ~SHARED_BITS)


def make_private(folder: Path) -> None:
    """Make ``folder`` and everything under it the user's alone (an older Reverie left the vault
    0755 and its files 0644; a umask protects only new files). Symlinks are not followed."""
    if not folder.is_dir() or folder.is_symlink():
        return
    strip_shared_bits(folder)
    for root, dirs, files in os.walk(folder):
        for name in (*dirs, *files):
            strip_shared_bits(Path(root) / name)


def make_vault_private(paths: VaultPaths) -> None:
    """The vault folder and its files, and the data folder that holds it (that one alone: it may
    be a folder the user chose with REVERIE_HOME, holding other things)."""
    make_private(paths.folder)
    if paths.folder.parent.is_dir():
        strip_shared_bits(paths.folder.parent)
