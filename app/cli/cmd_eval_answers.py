"""``reverie eval answers``: (being written)."""

from __future__ import annotations

from typing import Any


def register(esub: Any) -> None:
    """Add the ``answers`` benchmark to ``reverie eval``."""
