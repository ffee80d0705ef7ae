"""Words, similarity and grounding for consolidation (no model needed)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

_WORD = re.compile(r"\w+(?:['\u2019]\w+)*", re.UNICODE)
_NUMBER = re.compile(r"\d+")
_SENTENCE = re.compile(r"(?<=[.!?\u3002\uff01\uff1f])\s+|\n+")
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing done down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just let
    me more most my myself no nor not now of off on once only or other our ours ourselves out over own
    really same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while who whom why
    will with would yes yeah you your yours yourself ok okay oh well like get got going know think want
    maybe one thing things something lot today yesterday tomorrow user since though just still much
    many even need needs make made say said see look good great sure thanks thank hi hello please""".split()
)
# Capitalised words that are not names (a fact may start with them without its source containing them).
_NOT_NAMES = frozenset("i the my a an he she they his her their your you we it this that user our".split())


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def tokens(text: str) -> list[str]:
    """Lower-cased words, possessive ``'s`` dropped."""
    out = []
    for w in words(text):
        w = w.casefold()
        if w.endswith(("'s", "\u2019s")):
            w = w[:-2]
        out.append(w)
    return out


def content_tokens(text: str) -> set[str]:
    return {t for t in tokens(text) if t not in STOPWORDS and (len(t) > 1 or t.isdigit())}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


_ABBREV = re.compile(r"(?:\b(?:Dr|Mr|Mrs|Ms|Mme|St|Prof|Jr|Sr|vs|etc|e\.g|i\.e|No)|\b[A-Z])\.$")


def sentences(text: str) -> list[str]:
    """Sentences and lines; "Dr. Wu" and initials do not end a sentence."""
    out: list[str] = []
    for piece in _SENTENCE.split(text):
        piece = piece.strip() if piece else ""
        if not piece:
            continue
        if out and _ABBREV.search(out[-1]) and "\n" not in out[-1]:
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def similarity_matrix(a: Sequence[str], b: Sequence[str], embedder: Any = None) -> np.ndarray:
    """Pairwise similarity in [0, 1]: cosine of the embedder's vectors when one is given,
    else Jaccard overlap of content words."""
    if not a or not b:
        return np.zeros((len(a), len(b)), dtype=np.float32)
    if embedder is not None:
        va = np.asarray(embedder.embed(list(a)), dtype=np.float32)
        vb = np.asarray(embedder.embed(list(b)), dtype=np.float32)
        return np.clip(va @ vb.T, 0.0, 1.0)
    ta = [content_tokens(x) for x in a]
    tb = [content_tokens(x) for x in b]
    out = np.zeros((len(a), len(b)), dtype=np.float32)
    for i, x in enumerate(ta):
        for j, y in enumerate(tb):
            out[i, j] = jaccard(x, y)
    return out


def key_terms(text: str) -> tuple[set[str], set[str]]:
    """The names (capitalised words) and numbers a claim states."""
    names = set()
    for w in words(text):
        base = re.sub(r"['\u2019]s$", "", w)
        if base[:1].isupper() and base.casefold() not in _NOT_NAMES and not base.isdigit():
            names.add(base.casefold())
    numbers = {n.lstrip("0") or "0" for n in _NUMBER.findall(text)}
    return names, numbers


def ungrounded_terms(claim: str, source: str, min_overlap: float = 0.6) -> list[str]:
    """What in ``claim`` its ``source`` does not support: names, numbers and dates missing from
    the source, or too few of its content words. An empty list means grounded."""
    src_tokens = set(tokens(source))
    src_numbers = {n.lstrip("0") or "0" for n in _NUMBER.findall(source)}
    names, numbers = key_terms(claim)
    missing = sorted(n for n in names if n not in src_tokens)
    missing += sorted(n for n in numbers if n not in src_numbers)
    ct = content_tokens(claim)
    if ct:
        supported = len(ct & src_tokens) / len(ct)
        if supported < min_overlap:
            missing.append(f"{round(100 * (1 - supported))}% of its words")
    return missing
