"""Citations in an answer: ``[2]``, ``[2, 5]``, ``[2][5]``.

``check_citations`` keeps the numbers that were given to the model, in order of first use,
and drops the others (a model citing ``[9]`` when it was given four memories), removing them
from the text so no marker points nowhere. ``infer_citations`` is the honest fallback for a
model that used a memory but did not cite it: a given memory is cited only when the answer
repeats its specific words (a number, a name, or two content words the question did not
contain). Pure functions; no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

MARKER = re.compile(r"\[\s*(\d{1,3}(?:\s*,\s*\d{1,3})*)\s*\]")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

STOP_WORDS = frozenset(
    """
a about above after again against all am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her
here hers herself him himself his how i if in into is it its itself just me more most my myself no nor
not now of off on once only or other our ours ourselves out over own same she should so some such than
that the their theirs them themselves then there these they this those through to too under until up very
was we were what when where which while who whom why will with would you your yours yourself yourselves
tell remind know remember recall please hey hi hello thanks thank ok okay yes yeah sure also still
s t d ll m re ve don didn doesn isn wasn aren weren won wouldn shouldn couldn ever one
""".split()
)


@dataclass(frozen=True)
class CitationCheck:
    text: str  # the answer with dropped markers removed
    cited: list[int]  # valid numbers, in order of first use
    dropped: list[int]  # every invalid number met (repeats counted)


def find_markers(text: str) -> list[int]:
    """Every number cited in ``text``, in order, repeats included."""
    return [int(n) for m in MARKER.finditer(text) for n in m.group(1).split(",")]


def check_citations(text: str, given: Collection[int]) -> CitationCheck:
    cited: list[int] = []
    dropped: list[int] = []

    def fix(m: re.Match[str]) -> str:
        keep: list[int] = []
        for part in m.group(1).split(","):
            n = int(part)
            if n in given:
                keep.append(n)
                if n not in cited:
                    cited.append(n)
            else:
                dropped.append(n)
        if not keep:
            return ""
        return "[" + ", ".join(str(n) for n in dict.fromkeys(keep)) + "]"

    fixed = MARKER.sub(fix, text)
    if dropped:
        fixed = re.sub(r"[ \t]+([.,;:!?])", r"\1", fixed)
        fixed = re.sub(r"[ \t]{2,}", " ", fixed).strip()
    return CitationCheck(fixed, cited, dropped)


def strip_markers(text: str) -> str:
    """The text without citation markers (for past answers shown to the model again)."""
    return re.sub(r"[ \t]+([.,;:!?])", r"\1", MARKER.sub("", text)).strip()


def content_words(text: str) -> set[str]:
    return {w for w in (t.casefold() for t in _WORD.findall(text)) if w not in STOP_WORDS and len(w) > 1}


def _salient(word: str) -> bool:
    return any(c.isdigit() for c in word)


def infer_citations(answer: str, question: str, memories: Sequence[tuple[int, str]], *, limit: int = 2) -> list[int]:
    """Numbers of given memories whose specific words the answer repeats (see module doc)."""
    said = content_words(strip_markers(answer)) - content_words(question)
    if not said:
        return []
    scored: list[tuple[int, int]] = []
    for n, text in memories:
        shared = said & content_words(text)
        names = {w for w in shared if _salient(w) or _capitalised(w, text)}
        if len(shared) >= 2 or names:
            scored.append((len(shared) + 2 * len(names), n))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return sorted(n for _, n in scored[:limit])


def _capitalised(word: str, text: str) -> bool:
    """The word is a name in the memory: capitalised somewhere other than a sentence start."""
    for m in _WORD.finditer(text):
        if m.group(0).casefold() == word and m.group(0)[:1].isupper():
            before = text[: m.start()].rstrip()
            if before and before[-1] not in ".!?\n:>":
                return True
    return False


def append_markers(text: str, numbers: Sequence[int]) -> str:
    if not numbers:
        return text
    return f"{text.rstrip()} [{', '.join(str(n) for n in numbers)}]"
