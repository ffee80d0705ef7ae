"""What the PDF, DOCX and web page readers share: a document's own title when it is a real one, its
keywords as tags, and the sentence for a file too big to read."""

from __future__ import annotations

import re

from reverie.core.bring.doc import MAX_DOCUMENT_BYTES, Unreadable
from reverie.core.sources import TITLE_LIMIT, clip
from reverie.core.textutil import clean_text, human_size

MAX_TAG_CHARS = 60
_NOT_TITLES = re.compile(
    r"^(?:untitled\d*|document\d*|word document|title|none|null|unknown|slide \d+|"
    r"microsoft (?:word|powerpoint|excel) - .*|.*\.(?:docx?|pdf|odt|rtf|txt|tex|dvi|indd|pages|pptx?|xlsx?|html?))$",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[^\W\d_]{2,}")


def real_title(value: str | None, stem: str) -> str | None:
    """``value`` as a title when it is one: not empty, holding a word, not a file name or an editor's
    placeholder ("Untitled", "Microsoft Word - report.docx")."""
    if not value:
        return None
    title = clip(clean_text(value), TITLE_LIMIT)
    if not _WORDS.search(title) or _NOT_TITLES.match(title) or title.casefold() == stem.casefold():
        return None
    return title


def keyword_tags(*values: str | None) -> list[str]:
    """Tags from keyword lists ("travel, portugal; family"), in order, each once."""
    words = [w.strip() for v in values if v for w in re.split(r"[,;]", v)]
    return list(dict.fromkeys(w for w in words if 0 < len(w) <= MAX_TAG_CHARS))


def check_size(size: int, rel: str) -> None:
    """``Unreadable`` for a file bigger than ``MAX_DOCUMENT_BYTES``."""
    if size > MAX_DOCUMENT_BYTES:
        raise Unreadable(
            f"{rel} is {human_size(size)}, more than the {human_size(MAX_DOCUMENT_BYTES)} "
            "a document may be; it was left out."
        )
