"""The composition root: opens the vault the way the user chose, and wires core + models.

Nothing here imports Qt; the window and the CLI both start from ``open_or_create_vault``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reverie.core import keys
from reverie.core.errors import KeyringUnavailableError, VaultLockedError
from reverie.core.keys import KeyMode
from reverie.core.paths import VaultPaths, data_home, vault_paths
from reverie.core.vault import Vault

ENV_PASSPHRASE = "REVERIE_PASSPHRASE"


@dataclass(frozen=True)
class VaultChoice:
    """How to create a new vault: the user's explicit choice."""

    mode: KeyMode
    passphrase: str | None = None


def resolve_paths(home: str | Path | None = None) -> VaultPaths:
    return vault_paths(Path(home).expanduser() if home else data_home())


def default_choice(env: dict[str, str] | None = None) -> VaultChoice | None:
    """The choice to make without asking: the keyring when one exists, or a passphrase given
    in the environment. None means the user must be asked (never a silent plaintext vault)."""
    env = os.environ if env is None else env
    if keys.keyring_available():
        return VaultChoice(KeyMode.KEYRING)
    if env.get(ENV_PASSPHRASE):
        return VaultChoice(KeyMode.PASSPHRASE, env[ENV_PASSPHRASE])
    return None


def open_vault(paths: VaultPaths, passphrase: str | None = None) -> Vault:
    if passphrase is None:
        passphrase = os.environ.get(ENV_PASSPHRASE) or None
    return Vault.open(paths, passphrase=passphrase)


def create_vault(paths: VaultPaths, choice: VaultChoice) -> Vault:
    return Vault.create(paths, choice.mode, choice.passphrase)


@dataclass(frozen=True)
class FoundGguf:
    """A GGUF chat model on disk (the fields of ``reverie.models.registry.GgufInfo``)."""

    name: str
    path: str
    size_bytes: int = 0
    quantization: str | None = None
    context_length: int | None = None
    architecture: str | None = None
    source: str = "default"


def find_ggufs(extra_folders: Sequence[str] = ()) -> list[Any]:
    """GGUF chat models found on this machine (LM Studio, Ollama, ~/models, ``extra_folders``,
    the default model). Uses ``reverie.models.registry`` when it is installed; otherwise only
    the default model is reported."""
    try:
        from reverie.models.registry import find_ggufs as registry_find  # type: ignore[import-not-found]
    except ModuleNotFoundError:
        from reverie.models.defaults import default_gguf_location

        loc = default_gguf_location()
        if not loc.found or loc.path is None:
            return []
        return [FoundGguf(loc.name, str(loc.path), loc.path.stat().st_size, "Q4_1", None, "llama", "default")]
    return list(registry_find(list(extra_folders)))


__all__ = [
    "FoundGguf",
    "find_ggufs",
    "KeyringUnavailableError",
    "VaultChoice",
    "VaultLockedError",
    "create_vault",
    "default_choice",
    "open_vault",
    "resolve_paths",
]
