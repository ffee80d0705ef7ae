"""Turning anything a person types into a safe FTS5 MATCH expression.

FTS5 has its own query language (quotes, ``*``, ``NEAR``, ``AND``/``OR``/``NOT``, parentheses,
column filters); typed as-is, a stray quote or a lone ``AND`` is a syntax error. We never pass
the user's text through: it is cut into words the way the words index cuts text
(``core.textindex``: every CJK character and every emoji is a token of its own), each word
becomes a quoted string (a CJK word becomes the phrase of its characters), and the words are
joined with ``OR`` so BM25 ranks memories by how many and how rare the words they share are.
Common English words are dropped when other words remain (they cost time on a large vault and
add nothing to the ranking).
"""

from __future__ import annotations

import re

from reverie.core import query_expansion
from reverie.core.textindex import _CJK, _EMOJI, _IGNORABLE

MAX_TERMS = 32  # a pasted essay is searched by its first 32 distinct words
MAX_TERM_CHARS = 64

# One match per token: a run of CJK characters (a word), one emoji, or a run of letters/digits.
_TOKEN = re.compile(f"(?P<cjk>[{_CJK}]+)|(?P<emoji>[{_EMOJI}])|(?P<word>[^\\W_{_CJK}{_EMOJI}]+)")

_BASE_STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves s t don didn doesn isn wasn""".split()
)
# Plus the words a question is made of that never name what is asked for ("remind me", "tell me").
STOPWORDS = _BASE_STOPWORDS | query_expansion.STOPWORDS | query_expansion.QUESTION_WORDS


def query_terms(query: str) -> list[str]:
    """The FTS5 terms of a query, in order, without duplicates: plain words (lower-cased), CJK
    words as space-separated characters (a phrase), emoji as ``emoji<hex>``."""
    text = _IGNORABLE.sub("", query)
    out: list[str] = []
    seen: set[str] = set()
    for m in _TOKEN.finditer(text):
        if m.group("cjk"):
            term = " ".join(m.group("cjk")[:MAX_TERM_CHARS])
        elif m.group("emoji"):
            term = f"emoji{ord(m.group('emoji')):x}"
        else:
            term = m.group("word")[:MAX_TERM_CHARS].casefold()
        if term not in seen:
            seen.add(term)
            out.append(term)
            if len(out) >= MAX_TERMS * 4:
                break
    return out


def content_terms(terms: list[str], drop_stopwords: bool = True) -> list[str]:
    """``terms`` without common English words, unless nothing else would remain."""
    if not drop_stopwords:
        return terms[:MAX_TERMS]
    kept = [t for t in terms if t not in STOPWORDS]
    return (kept or terms)[:MAX_TERMS]


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def build_match(query: str, *, drop_stopwords: bool = True) -> str | None:
    """A safe FTS5 MATCH expression for ``query``, or None when it holds nothing searchable."""
    return match_terms(content_terms(query_terms(query), drop_stopwords))


PREFIX_MIN = 3  # an unfinished word shorter than this is searched as a whole word


def as_prefix(terms: list[str]) -> list[str]:
    """Mark the last term as an unfinished word (``tomat*``), for search as you type. Only a plain
    word of ``PREFIX_MIN`` or more characters is marked (a phrase, CJK or an emoji stays whole)."""
    if not terms:
        return terms
    last = terms[-1]
    if (
        len(last) >= PREFIX_MIN
        and re.fullmatch(r"[^\W_]+", last)
        and not re.match(f"[{_CJK}]", last)
        and not last.startswith("emoji")
    ):
        return [*terms[:-1], last + "*"]
    return terms


def match_terms(terms: list[str]) -> str | None:
    """The MATCH expression of terms made by ``query_terms``: each quoted, joined by OR; a term
    marked by ``as_prefix`` matches every word it begins."""
    if not terms:
        return None
    return " OR ".join(_quote(t[:-1]) + "*" if t.endswith("*") else _quote(t) for t in terms)


def highlight_spans(text: str, terms: list[str]) -> tuple[tuple[int, int], ...]:
    """Character spans in ``text`` where the query's words occur (case-insensitive; a plain word
    matches whole words and their plain English endings, so "trip" marks "trips"), merged and in order."""
    if not text or not terms:
        return ()
    parts: list[str] = []
    for t in terms:
        if t.startswith("emoji") and len(t) > 5:
            try:
                parts.append(re.escape(chr(int(t[5:], 16))))
            except (ValueError, OverflowError):
                continue
        elif t.endswith("*"):
            parts.append(r"(?<![^\W_])" + re.escape(t[:-1]) + r"[^\W_]*")
        elif " " in t or re.match(f"[{_CJK}]", t):
            parts.append(re.escape(t.replace(" ", "")))
        else:
            parts.append(r"(?<![^\W_])" + re.escape(t) + r"(?:s|es|ed|ing)?(?![^\W_])")
    if not parts:
        return ()
    pattern = re.compile("|".join(sorted(parts, key=len, reverse=True)), re.IGNORECASE)
    spans: list[tuple[int, int]] = []
    for m in pattern.finditer(text):
        s, e = m.span()
        if e <= s:
            continue
        if spans and s <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(e, spans[-1][1]))
        else:
            spans.append((s, e))
        if len(spans) >= 200:
            break
    return tuple(spans)
