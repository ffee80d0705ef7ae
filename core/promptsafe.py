"""Text that goes into a prompt as data can never become the chat template's control tokens.

A chat model's prompt is its template (ChatML ``<|im_start|>``, Llama-3 ``<|start_header_id|>``,
Gemma ``<start_of_turn>``, Mistral ``[INST]``, ...) around the messages' contents, and llama.cpp
tokenizes the whole rendered string with special tokens on: a memory or a message holding the
string ``<|im_start|>system`` would open a real system turn. So every string that reaches a
template as a message's content is neutralised first: each control sequence gets a zero-width
joiner (U+200D) after its first character, which leaves it readable and makes it ordinary text
to any tokenizer. The template's own control tokens are added after, by the template, and stay
intact.

What is neutralised: every ``<|...|>`` and ``<｜...｜>`` token (ChatML, Llama-3, Phi, DeepSeek),
Gemma's and SentencePiece's ``<start_of_turn>``, ``<end_of_turn>``, ``<s>``, ``</s>``, ``<bos>``,
``<eos>``, ``<unk>``, ``<pad>``, Mistral's ``[INST]``, ``[/INST]``, ``[SYSTEM_PROMPT]`` and the
like, Llama-2's ``<<SYS>>``, and any further strings a caller names (a loaded model passes the
control tokens its vocabulary declares). Pure functions.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

JOINER = "\u200d"

# The families of control sequences every shipped or detected chat template uses.
FAMILY_PATTERNS = (
    r"<\|[^\s|<>]{1,64}\|>",  # ChatML, Llama-3, Phi-3: <|im_start|>, <|eot_id|>, <|user|>
    r"<｜[^\s｜<>]{1,64}｜>",  # DeepSeek: <｜begin▁of▁sentence｜>
    r"</?(?:s|bos|eos|unk|pad|start_of_turn|end_of_turn|start_of_image|end_of_image)>",  # SentencePiece, Gemma
    r"\[/?(?:INST|SYS|SYSTEM_PROMPT|AVAILABLE_TOOLS|TOOL_CALLS|TOOL_RESULTS|TOOL_CONTENT|THINK|IMG)\]",  # Mistral
    r"<</?SYS>>",  # Llama-2
)
EXAMPLES = (
    "<|im_start|>",
    "<|im_end|>",
    "<|endoftext|>",
    "<|begin_of_text|>",
    "<|start_header_id|>",
    "<|end_header_id|>",
    "<|eot_id|>",
    "<start_of_turn>",
    "<end_of_turn>",
    "[INST]",
    "[/INST]",
    "<<SYS>>",
    "<s>",
    "</s>",
)


def declared_controls(pieces: Iterable[str]) -> tuple[str, ...]:
    """Of a vocabulary's control and user-defined tokens, the ones that could be written as text by
    accident or on purpose: markup-like (they hold ``<``, ``>``, ``[``, ``]`` or ``|``), at least
    two characters, not blank. Longest first."""
    out = {
        p
        for p in pieces
        if len(p) >= 2 and p.strip() and any(c in p for c in "<>[]|｜") and not p.isspace() and JOINER not in p
    }
    return tuple(sorted(out, key=lambda p: (-len(p), p)))


@functools.lru_cache(maxsize=16)
def _pattern(extra: tuple[str, ...]) -> re.Pattern[str]:
    literal = [re.escape(s) for s in sorted(set(extra), key=len, reverse=True) if len(s) >= 2]
    return re.compile("|".join([*literal, *FAMILY_PATTERNS]))


def control_sequences(text: str, extra: Iterable[str] = ()) -> list[str]:
    """The control sequences written in ``text``, in order."""
    return [m.group(0) for m in _pattern(tuple(extra)).finditer(text)]


def neutralise(text: str, extra: Iterable[str] = ()) -> str:
    """``text`` with every control sequence broken by a zero-width joiner after its first
    character. Idempotent; text without control sequences comes back unchanged."""
    if not text:
        return text
    return _pattern(tuple(extra)).sub(lambda m: m.group(0)[0] + JOINER + m.group(0)[1:], text)


__all__ = ["EXAMPLES", "FAMILY_PATTERNS", "JOINER", "control_sequences", "declared_controls", "neutralise"]
