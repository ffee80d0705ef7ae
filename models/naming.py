"""Read a model's parameter count from how it is named, and write one for people.

Model names usually carry their size: ``qwen2.5:0.5b``, ``llama3.2:1b``, ``SmolLM2-135M-Instruct``,
``Mistral-7B-Instruct-v0.3``, ``Mixtral-8x7B``; Ollama's ``/api/show`` says ``7.6B`` or ``494.03M``.
A quantisation label (``Q4_K_M``), a version (``llama3``, ``qwen2.5``) or a context length (``4k``,
``128k``) is not a size. Pure functions, no I/O.
"""

from __future__ import annotations

import re

# a size: optional "8x" (experts), a number, then B (billions) or M (millions); not glued to a
# letter or digit before it (so "A3B" in Qwen3-30B-A3B, the active parameters, is not the size)
# and not followed by one. "e4b" (Gemma 3n's "effective" size) counts as 4B.
_SIZE = re.compile(r"(?<![A-Za-z0-9.])e?(?:(\d{1,3})x)?(\d{1,4}(?:\.\d{1,3})?)([bm])(?![A-Za-z0-9])", re.I)
_UNITS = {"b": 1_000_000_000, "m": 1_000_000}


def parameters_from_name(name: str | None) -> int | None:
    """The parameter count a model's name states (the first size in it), or None."""
    if not name:
        return None
    for m in _SIZE.finditer(name):
        experts, number, unit = m.group(1), float(m.group(2)), m.group(3).lower()
        count = number * _UNITS[unit] * (int(experts) if experts else 1)
        if count >= 1_000_000:  # "0m" or "0b" is not a size
            return round(count)
    return None


def format_parameters(parameters: int | None) -> str:
    """``135M``, ``1.5B``, ``7.6B``, ``70B``; ``unknown`` when not known."""
    if not parameters:
        return "unknown"
    if parameters >= 1_000_000_000:
        b = parameters / 1_000_000_000
        return f"{b:.0f}B" if b >= 20 or abs(b - round(b)) < 0.05 else f"{b:.1f}B"
    if parameters >= 1_000_000:
        return f"{parameters / 1_000_000:.0f}M"
    return f"{parameters:,}"
