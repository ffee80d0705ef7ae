"""Fixtures for page tests: a real vault (FixedClock) behind a real Session and its lanes."""

from __future__ import annotations

import pytest

from reverie.app.ui.session import Session
from reverie.core import ingest


@pytest.fixture
def ui_session(qtbot, paths, vault):
    session = Session(paths)
    session.set_vault(vault)
    yield session
    session.close()


def add_fact(vault, text: str, happened_at: float | None = None) -> int:
    with vault.tx() as conn:
        return ingest.insert_memory(
            conn,
            vault.now(),
            kind="fact",
            source_kind="consolidation",
            source_id="run",
            text=text,
            happened_at=happened_at,
            actor="consolidation",
        )


def settle(qtbot, session, timeout: int = 10_000) -> None:
    """Wait until the database lane has delivered everything it was given."""
    qtbot.waitUntil(lambda: session.db.pending == 0, timeout=timeout)
