"""What goes into the FTS5 words index, and how a query is turned into index terms.

FTS5's ``unicode61`` tokenizer splits on spaces and punctuation. Chinese and Japanese have
no spaces, and emoji count as punctuation, so both would be unfindable. We index a
normalised copy of the text in which every CJK character and every emoji stands alone as a
token (emoji spelled as ``emoji_<hex>``), and apply the same normalisation to queries. A CJK
word in a query becomes a phrase of its characters, which matches exactly that word.
"""

from __future__ import annotations

import re

_CJK = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\U00020000-\U0002ffff"
)
_EMOJI = (
    "\U0001f000-\U0001faff"  # pictographs, emoticons, transport, symbols
    "\u2600-\u27bf"  # misc symbols, dingbats
    "\u2b00-\u2bff"
)
_CJK_RE = re.compile(f"([{_CJK}])")
_EMOJI_RE = re.compile(f"[{_EMOJI}]")
_IGNORABLE = re.compile("[\ufe0f\u200d]")  # variation selector, zero-width joiner


def _emoji_token(m: re.Match[str]) -> str:
    return f" emoji{ord(m.group(0)):x} "


def index_text(text: str) -> str:
    """Normalise ``text`` for the words index (see the module docstring)."""
    text = _IGNORABLE.sub("", text)
    text = _EMOJI_RE.sub(_emoji_token, text)
    text = _CJK_RE.sub(r" \1 ", text)
    return text
