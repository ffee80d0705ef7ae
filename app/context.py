"""The composition root: opens the vault the way the user chose, and wires core + models.

Nothing here imports Qt; the window and the CLI both start from ``open_or_create_vault``.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reverie.core import keys
from reverie.core.errors import KeyringUnavailableError, ReverieError, VaultLockedError
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


# -- nightly consolidation -------------------------------------------------------------------


def consolidation_chat_model(settings: Any) -> Any:
    """The chat model consolidation uses (loaded on first use), or None for the deterministic path
    when no chat model can be built."""
    builder = globals().get("build_chat_model")
    if builder is None:
        return None
    try:
        return builder(settings)
    except ReverieError:
        return None


def run_consolidation_now(vault: Vault, settings: Any, chat_model: Any = None, *, embedder: Any = None,
                          cancel: threading.Event | None = None, progress: Any = None,
                          scheduled_for: float | None = None) -> Any:
    from reverie.core.consolidation import run_consolidation

    return run_consolidation(vault, chat_model=chat_model, embedder=embedder, settings=settings, cancel=cancel,
                             progress=progress, scheduled_for=scheduled_for)


def build_scheduler(vault: Vault, *, chat_model_factory: Any = None, embedder: Any = None,
                    idle_seconds: Any = None) -> Any:
    """The nightly scheduler (not started): consolidation and decay at the chosen time, when idle,
    with a missed night caught up on ``start()``. ``chat_model_factory(settings)`` gives the model
    for a run (default: ``consolidation_chat_model``); give the window its own instance, not the
    one the chat lane is using."""
    from reverie.core.scheduler import NightlyScheduler
    from reverie.core.settings import load_settings

    factory = chat_model_factory or consolidation_chat_model

    def job(scheduled_for: float | None, cancel: threading.Event, progress: Any) -> Any:
        settings = load_settings(vault)
        return run_consolidation_now(vault, settings, factory(settings), embedder=embedder, cancel=cancel,
                                     progress=progress, scheduled_for=scheduled_for)

    return NightlyScheduler(vault, job, settings_loader=lambda: load_settings(vault), idle_seconds=idle_seconds)


__all__ = [
    "KeyringUnavailableError",
    "VaultChoice",
    "VaultLockedError",
    "build_scheduler",
    "consolidation_chat_model",
    "run_consolidation_now",
    "create_vault",
    "default_choice",
    "open_vault",
    "resolve_paths",
]
