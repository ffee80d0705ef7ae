"""What the core needs from the outside world, as small Protocols.

Implementations live in ``reverie.models`` (real models) and in the tests (fakes); the
composition root in ``reverie.app`` wires them together.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from reverie.core.records import Role


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension."""

    @property
    def model_id(self) -> str:
        """A stable id of the model (a change of it means re-embedding)."""

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return an array of shape (len(texts), dim), float32, rows of unit length."""


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    content: str


class Cancel(Protocol):
    """What a model needs of a cancel signal (a ``threading.Event`` is one)."""

    def is_set(self) -> bool: ...

    def wait(self, timeout: float | None = None) -> bool: ...


@runtime_checkable
class ChatModel(Protocol):
    """A chat model that streams text pieces."""

    @property
    def name(self) -> str: ...

    @property
    def context_size(self) -> int: ...

    def count_tokens(self, text: str) -> int: ...

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_tokens: int = 512,
        temperature: float = 0.2,
        stop: Sequence[str] = (),
        cancel: Cancel | None = None,
        json_schema: dict[str, Any] | None = None,
    ) -> Iterator[str]:
        """Yield pieces of the answer as they are produced; stop early when ``cancel`` is set."""
