"""The composition root: opens the vault the way the user chose, and wires core + models.

Nothing here imports Qt; the window and the CLI both start from ``open_or_create_vault``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reverie.core import keys
from reverie.core.answer import Companion, MemorySource
from reverie.core.errors import KeyringUnavailableError, VaultLockedError
from reverie.core.keys import KeyMode
from reverie.core.paths import VaultPaths, data_home, vault_paths
from reverie.core.protocols import ChatModel
from reverie.core.settings import Settings, load_settings
from reverie.core.vault import Vault
from reverie.models.gguf import GgufInfo
from reverie.models.registry import build_chat_model as _build_chat_model
from reverie.models.registry import find_ggufs as _find_ggufs

if TYPE_CHECKING:
    from reverie.core.retrieval import RetrievalConfig, Retriever
    from reverie.models.embedder import SentenceTransformerEmbedder

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


def find_ggufs(extra_folders: Sequence[str] = ()) -> list[GgufInfo]:
    """GGUF chat models found on this machine (the default one, LM Studio, Ollama, ~/models and
    ``extra_folders``), with name, size, quantisation and context length from their headers."""
    return _find_ggufs(list(extra_folders))


def build_chat_model(settings: Settings) -> ChatModel:
    """The chat model the settings choose (default GGUF, a GGUF file, or a server); not loaded yet."""
    return _build_chat_model(settings)


def build_companion(vault: Vault, settings: Settings | None = None, *, model: ChatModel | None = None,
                    memories: MemorySource | None = None, profile_provider=None) -> Companion:
    """The companion that answers with cited memories, wired from the settings."""
    settings = settings or load_settings(vault)
    if profile_provider is None:
        from reverie.core.profile import get_profile

        def profile_provider() -> str:
            return get_profile(vault)

    return Companion(vault, model or build_chat_model(settings), memories or build_retriever(vault),
                     vault.clock, profile_provider)
@functools.lru_cache(maxsize=2)
def build_embedder(threads: int = 0) -> SentenceTransformerEmbedder:
    """The default embedder, one per process (it loads lazily, on first use)."""
    from reverie.models.embedder import default_embedder

    return default_embedder(threads)


def build_retriever(vault: Vault, *, words_only: bool = False, config: RetrievalConfig | None = None) -> Retriever:
    """Search over ``vault``: hybrid with the default embedder, or by words alone."""
    from reverie.core.retrieval import Retriever

    return Retriever(vault, None if words_only else build_embedder(), config)


__all__ = [
    "find_ggufs",
    "KeyringUnavailableError",
    "build_chat_model",
    "build_companion",
    "VaultChoice",
    "VaultLockedError",
    "build_embedder",
    "build_retriever",
    "create_vault",
    "default_choice",
    "open_vault",
    "resolve_paths",
]
