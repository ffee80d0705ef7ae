"""Test helpers importable from every test module (tests/ is on sys.path)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in memory, for tests."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


def folder_snapshot(folder: Path) -> dict[str, bytes]:
    """Every file's bytes under ``folder`` (to check that nothing changed)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def record_threads(vault: Any) -> list[str]:
    """Make every read and write of ``vault`` record the name of the thread it ran on; returns the list
    the names go into (a test then checks the GUI thread is not among them)."""
    seen: list[str] = []
    real_tx, real_read = vault.tx, vault.read

    def tx() -> Any:
        seen.append(threading.current_thread().name)
        return real_tx()

    def read() -> Any:
        seen.append(threading.current_thread().name)
        return real_read()

    vault.tx, vault.read = tx, read
    return seen
