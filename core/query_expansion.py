"""Other forms of a query's words, for the words index (its tokenizer does not stem).

The Retriever searches each inflected word also through a prefix of its stem (``with_stems``:
"painting" adds ``paint*``, which finds "painted" and "paints"), and a bare word's regular
inflections as a list of their own (``other_forms``: "guitar" adds guitars, guitared, guitaring).
``STOPWORDS`` and ``QUESTION_WORDS`` are the words that say nothing about what is asked ("what
did ... do", "tell me"); ``core.fts`` leaves them out of a query.
"""

from __future__ import annotations

STOPWORDS = frozenset(
    """
a about above after again against all am an and any are aren as at be because been before being below
between both but by can cannot could couldn did didn do does doesn doing don down during each few for
from further had hadn has hasn have haven having he her here hers herself him himself his how i if in
into is isn it its itself just let ll me might more most mustn my myself no nor not now of off on once
only or other ought our ours ourselves out over own re s same shan she should shouldn so some such t
than that the their theirs them themselves then there these they this those through to too under until
up ve very was wasn we were weren what when where which while who whom why will with won would wouldn
you your yours yourself yourselves d m o y also ever yet still really
""".split()
)

# Question words that never name what is asked for.
QUESTION_WORDS = frozenset(
    """
tell remind remember mentioned mention said say says told know recall many much kind sort type
""".split()
)

_SUFFIXES = ("ingly", "edly", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s")


def stem(word: str) -> str:
    """A light suffix-stripping stem; never shorter than 4 letters, unchanged for short words."""
    w = word.casefold()
    if len(w) <= 4 or not w.isalpha():
        return w
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            base = w[: -len(suf)]
            if suf in ("ies", "ied"):
                base += "y"
            elif len(base) >= 2 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]  # "running" -> "run"
            return base
    return w


def with_stems(terms: list[str]) -> list[str]:
    """``terms`` plus, for each inflected word, its stem as a prefix (``paint*`` for "painting"
    also finds "painted" and "paints"; the words index does not stem)."""
    out = list(terms)
    for t in terms:
        if t.endswith("*") or not t.isalpha():
            continue
        s = stem(t)
        if s != t and len(s) >= 4 and s + "*" not in out:
            out.append(s + "*")
    return out


def other_forms(terms: list[str]) -> list[str]:
    """The regular inflections of the bare words among ``terms`` ("guitar": guitars, guitared,
    guitaring); words with a stem of their own are covered by ``with_stems``."""
    out: list[str] = []
    for t in terms:
        if not t.endswith("*") and t.isalpha() and stem(t) == t:
            out += [x for x in inflections(t) if x not in out and x not in terms]
    return out


def inflections(word: str) -> list[str]:
    """The regular inflections of a bare English word of 4 letters or more ("guitar": guitars,
    guitared, guitaring; "bake": bakes, baked, baking; "box": none)."""
    w = word.casefold()
    if len(w) < 4 or not w.isalpha():
        return []
    if w.endswith("e"):
        return [w + "s", w + "d", w[:-1] + "ing"]
    if w.endswith(("s", "x", "z", "ch", "sh")):
        return [w + "es", w + "ed", w + "ing"]
    if w.endswith("y") and w[-2] not in "aeiou":
        return [w[:-1] + "ies", w[:-1] + "ied", w + "ing"]
    return [w + "s", w + "ed", w + "ing"]
