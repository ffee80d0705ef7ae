"""The composition root: opens the vault the way the user chose, and wires core + models.

Nothing here imports Qt; the window and the CLI both start from ``open_or_create_vault``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reverie.core import keys
from reverie.core.errors import KeyringUnavailableError, ReverieError, VaultLockedError
from reverie.core.keys import KeyMode
from reverie.core.paths import VaultPaths, data_home, vault_paths
from reverie.core.protocols import ChatModel, Embedder
from reverie.core.settings import Settings, load_settings
from reverie.core.tiers import TIERS, Tier, resolve_tier
from reverie.core.transfer.scratch import sweep_stale_temps
from reverie.core.vault import Vault

if TYPE_CHECKING:  # the answer path and the models load when a command uses them, not at start-up
    from reverie.core.answer import Companion, MemorySource
    from reverie.core.retrieval import RetrievalConfig, Retriever
    from reverie.models.gguf import GgufInfo

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
    sweep_stale_temps(paths.folder)  # what a killed export left in the vault folder
    return Vault.open(paths, passphrase=passphrase)


def create_vault(paths: VaultPaths, choice: VaultChoice) -> Vault:
    return Vault.create(paths, choice.mode, choice.passphrase)


def find_ggufs(extra_folders: Sequence[str] = ()) -> list[GgufInfo]:
    """GGUF chat models found on this machine (the default one, LM Studio, Ollama, ~/models and
    ``extra_folders``), with name, size, quantisation and context length from their headers."""
    from reverie.models.registry import find_ggufs as _find_ggufs

    return _find_ggufs(list(extra_folders))


def build_chat_model(settings: Settings) -> ChatModel:
    """The chat model the settings choose (default GGUF, a GGUF file, or a server); not loaded yet."""
    from reverie.models.registry import build_chat_model as _build_chat_model

    return _build_chat_model(settings)


def build_companion(
    vault: Vault,
    settings: Settings | None = None,
    *,
    model: ChatModel | None = None,
    memories: MemorySource | None = None,
    profile_provider=None,
) -> Companion:
    """The companion that answers with cited memories, wired from the settings."""
    from reverie.core.answer import Companion

    settings = settings or load_settings(vault)
    if profile_provider is None:
        from reverie.core.profile import get_profile

        def profile_provider() -> str:
            return get_profile(vault)

    model = model or build_chat_model(settings)
    return Companion(
        vault, model, memories or build_retriever(vault), vault.clock, profile_provider, tier=chat_tier(settings, model)
    )


def chat_tier(settings: Settings, model: ChatModel) -> Tier:
    """The tier in use: the user's choice (``chat_tier``), or what the model is (its ``tier``,
    read from its GGUF header or its server's metadata; see ``core/tiers.py``)."""
    detected = getattr(model, "tier", None)
    return resolve_tier(settings.chat_tier, detected if detected in TIERS else "capable")


def build_embedder(settings: Settings | None = None, threads: int = 0) -> Embedder:
    """The search model the settings choose (the built-in one without settings), one per process and
    choice (it loads lazily, on first use); ``ModelError`` when the choice is incomplete."""
    from reverie.models.registry import build_embedder as build
    from reverie.models.registry import embedder_key

    settings = settings or Settings()
    key = (*embedder_key(settings), str(threads))
    with _EMBEDDERS_LOCK:
        found = _EMBEDDERS.pop(key, None) or build(settings, threads)
        _EMBEDDERS[key] = found  # the newest last; at most two are kept (a model each)
        while len(_EMBEDDERS) > 2:
            _EMBEDDERS.pop(next(iter(_EMBEDDERS)))
        return found


_EMBEDDERS: dict[tuple[str, ...], Embedder] = {}
_EMBEDDERS_LOCK = threading.Lock()


def vectors_tag(vault: Vault) -> str:
    """The tag the vault's vectors carry with the chosen search model (what an import compares a
    file's vectors with); the built-in model's when the choice is incomplete. Loads nothing."""
    from reverie.core.embedding import vector_id
    from reverie.models.defaults import DEFAULT_EMBEDDER_ID

    try:
        return vector_id(build_embedder(load_settings(vault)).model_id)
    except ReverieError:
        return vector_id(DEFAULT_EMBEDDER_ID)


def build_retriever(vault: Vault, *, words_only: bool = False, config: RetrievalConfig | None = None) -> Retriever:
    """Search over ``vault``: hybrid with the chosen search model, or by words alone."""
    from reverie.core.retrieval import Retriever

    return Retriever(vault, None if words_only else build_embedder(load_settings(vault)), config)


# -- nightly consolidation -------------------------------------------------------------------


def consolidation_chat_model(settings: Settings) -> ChatModel | None:
    """The chat model consolidation uses (loaded on first use), or None for the deterministic path
    when no chat model can be built."""
    try:
        return build_chat_model(settings)
    except ReverieError:
        return None


def run_consolidation_now(
    vault: Vault,
    settings: Settings,
    chat_model: ChatModel | None = None,
    *,
    embedder: Any = None,
    cancel: threading.Event | None = None,
    progress: Any = None,
    scheduled_for: float | None = None,
) -> Any:
    from reverie.core.consolidation import run_consolidation

    return run_consolidation(
        vault,
        chat_model=chat_model,
        embedder=embedder,
        settings=settings,
        cancel=cancel,
        progress=progress,
        scheduled_for=scheduled_for,
    )


def build_scheduler(
    vault: Vault, *, chat_model_factory: Any = None, embedder: Any = None, idle_seconds: Any = None
) -> Any:
    """The nightly scheduler (not started): consolidation and decay at the chosen time, when idle,
    with a missed night caught up on ``start()``. ``chat_model_factory(settings)`` gives the model
    for a run (default: ``consolidation_chat_model``); give the window its own instance, not the
    one the chat lane is using."""
    from reverie.core.scheduler import NightlyScheduler
    from reverie.core.settings import load_settings

    factory = chat_model_factory or consolidation_chat_model

    def job(scheduled_for: float | None, cancel: threading.Event, progress: Any) -> Any:
        settings = load_settings(vault)
        return run_consolidation_now(
            vault,
            settings,
            factory(settings),
            embedder=embedder,
            cancel=cancel,
            progress=progress,
            scheduled_for=scheduled_for,
        )

    return NightlyScheduler(vault, job, settings_loader=lambda: load_settings(vault), idle_seconds=idle_seconds)


__all__ = [
    "find_ggufs",
    "KeyringUnavailableError",
    "build_chat_model",
    "build_companion",
    "chat_tier",
    "VaultChoice",
    "VaultLockedError",
    "build_embedder",
    "build_retriever",
    "build_scheduler",
    "consolidation_chat_model",
    "run_consolidation_now",
    "create_vault",
    "default_choice",
    "open_vault",
    "resolve_paths",
]
