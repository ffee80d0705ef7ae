"""``reverie eval facts``: (being written)."""

from __future__ import annotations

from typing import Any


def register(esub: Any) -> None:
    """Add the ``facts`` benchmark to ``reverie eval``."""
