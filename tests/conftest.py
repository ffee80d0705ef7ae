"""Shared fixtures: every test gets its own data folder, keyring and clock."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from pathlib import Path

import keyring
import pytest
from helpers import MemoryKeyring
from keyring.backends import fail

from reverie.core.clock import FixedClock
from reverie.core.keys import KeyMode
from reverie.core.paths import VaultPaths, vault_paths
from reverie.core.vault import Vault


@pytest.fixture(scope="session")
def _model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One model cache for the whole run (the ONNX export of MiniLM is made once), never the user's;
    shared by the run's xdist workers (their temp folders sit in one folder of the run)."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = tmp_path_factory.getbasetemp().parent / "model-cache"
        shared.mkdir(mode=0o700, exist_ok=True)
        return shared
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _model_cache: Path):
    home = tmp_path / "reverie-home"
    monkeypatch.setenv("REVERIE_MODEL_CACHE", str(_model_cache))
    monkeypatch.setenv("REVERIE_HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("REVERIE_PASSPHRASE", raising=False)
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    ring = keyring.get_keyring()
    assert isinstance(ring, MemoryKeyring)
    return ring


@pytest.fixture
def no_keyring():
    keyring.set_keyring(fail.Keyring())
    yield


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(1_795_000_000.0)  # 2026-11-18


@pytest.fixture
def paths(tmp_path: Path) -> VaultPaths:
    return vault_paths(tmp_path / "reverie-home")


@pytest.fixture
def vault(paths: VaultPaths, clock: FixedClock):
    v = Vault.create(paths, KeyMode.KEYRING, clock=clock)
    yield v
    v.close()
