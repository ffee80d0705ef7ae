"""Reading Markdown the way Obsidian users write it: the one place that finds a note's inline
``#tags`` and that turns Markdown into the plain text a reader sees in a search snippet.

Tags come only from tag syntax in prose: never from fenced, indented or inline code, URLs, link
targets and anchors (``[[Note#Heading]]``, ``![[icon.svg#icon]]``, ``[text](url#frag)``), HTML
entities (``&#123;``) or headings' ``#`` marks. A tag is ``#`` then letters, digits, ``_``, ``-``
or ``/``, with at least one character that is not a digit (``#2023`` is not a tag), as in Obsidian.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^(?:[ \t]*>)*[ \t]*(`{3,}|~{3,})")  # in a quote or callout too
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
# What tags cannot hide in: inline code, wikilinks and embeds (their targets and anchors), link
# and image destinations, autolinks and bare URLs.
_NOT_PROSE = re.compile(
    r"(`+)[^`]*?\1"  # inline code
    r"|<!--.*?(?:-->|$)|%%.*?(?:%%|$)"  # HTML and Obsidian comments (on one line)
    r"|!?\[\[[^\]\n]{0,300}\]\]"  # [[Note#Heading|alias]] and ![[icon.svg#icon]]
    r"|\]\([^)\n]{0,2000}\)"  # the (url#frag) of [text](url#frag) and ![alt](url)
    r"|<[a-zA-Z][\w+.-]*:[^>\s]*>"  # <https://…>
    r"|\b[a-zA-Z][\w+.-]*://\S+"  # bare URLs
    r"|\bwww\.\S+"
)
# (Link targets are bounded in length: an unclosed ``[[`` repeated along a long line costs a bounded
# look-ahead each, not a scan to the line's end each, which made a 10,000-character line take seconds.)
_TAG = re.compile(r"(?:^|(?<=[\s(\[{,;>*_~]))#([\w/-]+)")
MAX_TAG_CHARS = 64


def inline_tags(body: str) -> list[str]:
    """The ``#tags`` written in a note's prose, in order, without duplicates and without the ``#``."""
    tags: list[str] = []
    fence: str | None = None
    for line in body.splitlines():
        m = _FENCE.match(line)
        if m:
            mark = m.group(1)
            if fence is None:
                fence = mark
            elif mark[0] == fence[0] and len(mark) >= len(fence) and not line[m.end() :].strip():
                fence = None
            continue
        if fence is not None or (line.startswith(("    ", "\t")) and not _LIST_ITEM.match(line)):
            continue
        prose = _NOT_PROSE.sub(" ", line)
        for t in _TAG.findall(prose):
            t = t.rstrip("/-")[:MAX_TAG_CHARS]
            if t and not t.replace("/", "").replace("-", "").replace("_", "").isdigit() and t not in tags:
                tags.append(t)
    return tags


# -- plain text for snippets ------------------------------------------------------------------

# Each pattern's named groups ``keep`` (if any) mark the text a reader sees; the rest of the
# match is markup and is dropped.
_MARKUP = [
    re.compile(r"!\[\[[^\]\n]*\]\]"),  # embeds: nothing to read
    re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)"),  # images
    re.compile(r"\[\[(?:[^\]|\n]*\|)?(?P<keep>[^\]|\n]*?)(?:#[^\]|\n]*)?\]\]"),  # [[target#h|text]]: text or target
    re.compile(r"(?<!\])\[(?P<keep>[^\]\n]+)\]\([^)\n]*\)"),  # [text](url): text
    re.compile(r"^[ \t]*(?:>[ \t]?)+(?:\[![^\]\n]*\][+-]?[ \t]?)?", re.MULTILINE),  # quotes and > [!callout]
    re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE),  # heading marks
    re.compile(r"[ \t]+#{1,6}[ \t]*$", re.MULTILINE),  # closing heading marks
    re.compile(r"^[ \t]*(?:`{3,}|~{3,})[^\n]*$", re.MULTILINE),  # code fences
    re.compile(r"\*\*|__|~~|=="),  # strong, strike-through, highlight
    re.compile(r"(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])"),  # *emphasis*
    re.compile(r"(?<![\w_])_(?=\S)|(?<=\S)_(?![\w_])"),  # _emphasis_ (not snake_case)
    re.compile(r"`+"),  # inline code marks
]


def _kept(text: str) -> list[tuple[int, int]]:
    """The character ranges of ``text`` a reader sees, in order."""
    drop = [False] * len(text)
    for pattern in _MARKUP:
        for m in pattern.finditer(text):
            s, e = m.span()
            if e <= s:
                continue
            keep = m.span("keep") if "keep" in pattern.groupindex and m.group("keep") else None
            for i in range(s, e):
                if keep is None or not keep[0] <= i < keep[1]:
                    drop[i] = True
    ranges: list[tuple[int, int]] = []
    start: int | None = None
    for i, d in enumerate(drop):
        if not d and start is None:
            start = i
        elif d and start is not None:
            ranges.append((start, i))
            start = None
    if start is not None:
        ranges.append((start, len(text)))
    return ranges


def plain_text(text: str, spans: tuple[tuple[int, int], ...] = ()) -> tuple[str, tuple[tuple[int, int], ...]]:
    """``text`` without its Markdown markup (emphasis marks, callout and quote markers, embeds,
    images, link syntax with the link text kept, heading marks, code marks), and ``spans`` (ranges
    in ``text``) moved to the same words in the plain text; a span inside dropped markup goes."""
    ranges = _kept(text)
    out: list[str] = []
    starts: list[tuple[int, int, int]] = []  # (original start, original end, plain start)
    pos = 0
    for s, e in ranges:
        starts.append((s, e, pos))
        out.append(text[s:e])
        pos += e - s
    moved: list[tuple[int, int]] = []
    for hs, he in spans:
        lo = hi = None
        for s, e, p in starts:
            a, b = max(hs, s), min(he, e)
            if a < b:
                lo = p + (a - s) if lo is None else lo
                hi = p + (b - s)
        if lo is not None and hi is not None:
            if moved and lo <= moved[-1][1]:
                moved[-1] = (moved[-1][0], max(hi, moved[-1][1]))
            else:
                moved.append((lo, hi))
    return "".join(out), tuple(moved)
