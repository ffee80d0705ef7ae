"""What a chat model can be trusted with, decided in code from what the model is.

``tiny``: a model whose free text cannot be trusted (it loops, recites its instructions, invents).
It is used only where its output is constrained and checked; questions get a reply that Reverie
composes from the memories themselves. ``capable``: a model that writes free answers, each still
passing the reply gate before it is shown.

The tier comes from the model's parameter count (read from the GGUF header, or from a server's
model name or metadata), or its file size when the count is unknown. The threshold is set from
the end-to-end answer benchmark (``reverie eval answers``, docs/benchmarks.md), not from a guess.
The user can override it (setting ``chat_tier``).
"""

from __future__ import annotations

from typing import Literal

Tier = Literal["tiny", "capable"]
TierChoice = Literal["auto", "tiny", "capable"]
TIERS: tuple[Tier, ...] = ("tiny", "capable")
TIER_CHOICES: tuple[TierChoice, ...] = ("auto", "tiny", "capable")

# Below this many parameters a model's free answers are not shown (see the module docstring).
CAPABLE_MIN_PARAMS = 1_000_000_000
# When the parameter count is unknown: a GGUF file smaller than this is taken as tiny
# (a 1B model at 4 bits is about 0.6 GB).
CAPABLE_MIN_BYTES = 500_000_000


def tier_for(parameters: int | None, size_bytes: int | None = None) -> Tier:
    """The tier of a model from its parameter count, else its file size, else ``capable``
    (a server's model of unknown size: the gate still checks every reply)."""
    if parameters:
        return "capable" if parameters >= CAPABLE_MIN_PARAMS else "tiny"
    if size_bytes:
        return "capable" if size_bytes >= CAPABLE_MIN_BYTES else "tiny"
    return "capable"


def resolve_tier(choice: str, detected: Tier) -> Tier:
    """The tier in use: the user's override, or what was detected."""
    for tier in TIERS:
        if choice == tier:
            return tier
    return detected


TIER_ABOUT: dict[Tier, str] = {
    "tiny": (
        "A small model that runs anywhere. Reverie uses it only where its output can be checked: "
        "answers to questions are quoted from your memories, with who said it and when."
    ),
    "capable": (
        "A capable model writes its own short answers from your memories, with citations; "
        "every answer is still checked before you see it."
    ),
}
