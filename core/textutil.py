"""Text hygiene for everything that enters the vault."""

from __future__ import annotations

import hashlib
import re

_SURROGATE = re.compile("[\ud800-\udfff]")
_NUL = "\x00"


def clean_text(text: str) -> str:
    """Return text that SQLite, FTS5 and UTF-8 can all hold.

    NUL bytes are removed and lone surrogates (which cannot be encoded as UTF-8) become
    U+FFFD. Everything else, right-to-left marks and emoji included, is kept as written.
    """
    if not isinstance(text, str):
        raise TypeError("text must be str")
    if _NUL in text:
        text = text.replace(_NUL, "")
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    return text


def content_hash(text: str) -> str:
    norm = " ".join(text.split()).casefold()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"  # pragma: no cover
