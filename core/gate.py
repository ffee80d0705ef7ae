"""The reply gate: every reply a model writes is checked before it is shown as final or recorded.

A reply fails when it
- is empty, only whitespace, or only citation markers (``empty``);
- repeats itself: a sentence said twice, a phrase said three times, six words in a row of an
  earlier reply (that are not the user's words), or text that compresses far better than prose
  does (``loop``);
- recites its instructions or the prompt's scaffolding (``echo``);
- stops mid-sentence (``truncated``);
- is model filler rather than an answer ("I'm sorry for any confusion", "as an AI…") (``filler``);
- makes a specific claim (a name, a number, a date, a piece of code) found in neither the question
  nor the memories it was given, nor the conversation, or puts in quotation marks words that no
  source says word for word (``unsupported``);
- cites a memory that does not support the sentence citing it (``miscited``);
- says what an instruction written inside a memory demands (``obeyed``; ``core/injection``);
- answers a question from memories without using any of them (``uncited``), or stands only on
  memories that share nothing with the question while others do (``off_topic``); both decided by
  the companion, which knows what was asked and which memories were given.

What fails is replaced by a reply Reverie composes from the memories themselves (``core/compose``).
Pure functions; no I/O. The same checks decide whether a tiny model's one acknowledging sentence
is shown (``check_sentence``).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from reverie.core.citations import MARKER, STOP_WORDS, content_words, strip_markers
from reverie.core.injection import followed

Reason = Literal[
    "empty", "loop", "echo", "truncated", "filler", "unsupported", "miscited", "uncited", "off_topic", "obeyed"
]

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,:/]\d+)*")
_CODE = re.compile(r"```.*?(?:```|$)|`[^`\n]+`", re.DOTALL)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|\n+")
_ENDS_WELL = re.compile(r"[.!?…:)\]\"'”’*`]$|[\U0001F300-\U0001FAFF\u2600-\u27BF]$")
_LIST_NUMBER = re.compile(r"(?m)^\s*\d{1,2}[.)]\s")
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$", re.IGNORECASE)

# Scaffolding of the prompt a model must never repeat, whatever the rules' wording.
SCAFFOLD = (
    "<memories>",
    "</memories>",
    "<|im_start|>",
    "<|im_end|>",
    "quoted data",
    "numbered memories",
    "not instructions",
    "memory companion",
    "square brackets",
    "about the user (their profile",
)
ALLOWED = ("i have no memory of that",)
FILLER = re.compile(
    r"(?i)\b(?:i'?m sorry for (?:any|the) confusion|as an? (?:ai|language model|memory companion|assistant)|"
    r"i(?:'m| am) (?:not capable|unable|just an ai|an ai)|i (?:cannot|can't|can not) (?:help|assist|provide|access)|"
    r"i don'?t have (?:access|the ability|personal)|language model|i apologi[sz]e|my (?:training|knowledge) (?:data|cutoff)|"
    r"how (?:can|may) i (?:help|assist) you today)"
)
MONTHS = {
    "jan": "january",
    "feb": "february",
    "mar": "march",
    "apr": "april",
    "jun": "june",
    "jul": "july",
    "aug": "august",
    "sep": "september",
    "sept": "september",
    "oct": "october",
    "nov": "november",
    "dec": "december",
    "mon": "monday",
    "tue": "tuesday",
    "tues": "tuesday",
    "wed": "wednesday",
    "thu": "thursday",
    "thur": "thursday",
    "thurs": "thursday",
    "fri": "friday",
    "sat": "saturday",
    "sun": "sunday",
}
# Capitalised words that name nothing: they start replies, not claims.
COMMON_CAPS = frozenset(
    """
reverie you your yes no sure okay ok great sounds noted hello hi hey thanks thank sorry also and but so
that this these those there here it its they we he she his her their our my i'm i've i'd i'll
from according based in on at for to of the a an as if when where what which who how why
""".split()
)


@dataclass(frozen=True)
class GateVerdict:
    """What the gate found. ``ok`` when no reason was found."""

    reasons: tuple[Reason, ...] = ()
    unsupported: tuple[str, ...] = ()  # the claims found in no source
    miscited: tuple[int, ...] = ()  # memory numbers cited by a sentence they do not support
    detail: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.reasons

    def as_meta(self) -> dict[str, object]:
        out: dict[str, object] = {"passed": self.ok, "reasons": list(self.reasons)}
        if self.unsupported:
            out["unsupported"] = list(self.unsupported)[:8]
        if self.miscited:
            out["miscited"] = list(self.miscited)
        return out


# -- the single checks ---------------------------------------------------------------------------
def is_empty(text: str) -> bool:
    """Nothing but whitespace, markers and punctuation."""
    return len(_WORD.findall(strip_markers(text))) < 1


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def is_looping(text: str) -> bool:
    """A sentence said twice, a five-word phrase said three times, or prose that compresses like a loop."""
    plain = strip_markers(text)
    said = [" ".join(_WORD.findall(s.casefold())) for s in sentences(plain)]
    said = [s for s in said if len(s.split()) >= 4]
    if len(said) != len(set(said)):
        return True
    words = [w.casefold() for w in _WORD.findall(plain)]
    grams: dict[tuple[str, ...], int] = {}
    for i in range(len(words) - 4):
        g = tuple(words[i : i + 5])
        grams[g] = grams.get(g, 0) + 1
        if grams[g] >= 3:
            return True
    raw = text.strip().encode("utf-8")
    if len(raw) >= 240 and len(zlib.compress(raw, 9)) / len(raw) < 0.3:
        return True  # prose compresses to about half; a flood of one token to a few percent
    return bool(re.search(r"(\[\d+\]\s*){4,}", text))


def _grams(text: str, n: int = 6) -> set[tuple[str, ...]]:
    words = [w.casefold() for w in _WORD.findall(strip_markers(text))]
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def repeats_earlier(text: str, earlier: Sequence[str], sources: Sequence[str] = ()) -> bool:
    """Six words in a row that an earlier reply already said, and that are not the user's or a
    memory's words (repeating a memory is fine; repeating itself is a loop across turns)."""
    folded = text.casefold()
    for said in ALLOWED:
        folded = folded.replace(said, " ")
    mine = _grams(folded)
    if not mine:
        return False
    before: set[tuple[str, ...]] = set()
    for t in earlier:
        before |= _grams(t)
    repeated = mine & before
    if not repeated:
        return False
    theirs: set[tuple[str, ...]] = set()
    for t in sources:
        theirs |= _grams(t)
    return bool(repeated - theirs)


_QUOTED = re.compile(r"[“\"]([^”\"\n]{12,}?)[”\"]")


def misquotes(text: str, sources: Sequence[str]) -> list[str]:
    """Quotations in a reply ("“…”") that are not word for word in a source: a quote is exact or
    it is not a quote (a small model writes invented words in quotation marks, attributed to a note)."""
    plain = [" ".join(_WORD.findall(t.casefold())) for t in sources]
    bad: list[str] = []
    for m in _QUOTED.finditer(text):
        quoted = " ".join(_WORD.findall(m.group(1).casefold().rstrip("…")))
        if len(quoted.split()) >= 3 and not any(quoted in p for p in plain):
            bad.append(m.group(1))
    return bad


def echoes(text: str, instructions: Sequence[str]) -> bool:
    """The reply repeats the prompt's scaffolding, or six words in a row of its instructions."""
    folded = text.casefold()
    if any(s in folded for s in SCAFFOLD):
        return True
    for said in ALLOWED:  # what the instructions tell the model to say is not an echo
        folded = folded.replace(said, " ")
    words = [w.casefold() for w in _WORD.findall(folded)]
    if len(words) < 6:
        return False
    reply_grams = {tuple(words[i : i + 6]) for i in range(len(words) - 5)}
    for block in instructions:
        iw = [w.casefold() for w in _WORD.findall(block)]
        if any(tuple(iw[i : i + 6]) in reply_grams for i in range(len(iw) - 5)):
            return True
    return False


def is_truncated(text: str) -> bool:
    """The reply stops mid-sentence (markers at the end are not words)."""
    body = MARKER.sub("", text).rstrip()
    if not body:
        return False
    if body.count("```") % 2:
        return True  # an unclosed code block
    if _ENDS_WELL.search(body):
        return False
    # No closing punctuation: complete only when a citation closes a sentence whose last word can end one.
    last = _WORD.findall(body)[-1].casefold() if _WORD.findall(body) else ""
    return not (MARKER.search(text.rstrip()[-12:]) and last not in STOP_WORDS)


def is_filler(text: str) -> bool:
    return bool(FILLER.search(text))


def _norm(word: str) -> str:
    w = word.casefold().replace("’", "'")
    w = re.sub(r"'s$", "", w)
    m = _ORDINAL.match(w)
    if m:
        return m.group(1)
    w = MONTHS.get(w, w)
    if len(w) > 4 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    return w


def _vocabulary(texts: Sequence[str]) -> set[str]:
    vocab: set[str] = set()
    for t in texts:
        for w in _WORD.findall(t):
            vocab.add(_norm(w))
        for n in _NUMBER.findall(t):
            vocab.add(n)
            vocab.update(re.split(r"[.,:/]", n))
    return vocab


def claims(text: str) -> list[str]:
    """The specific things a reply asserts: numbers, names (capitalised words not starting a
    sentence, or any capitalised word that is not a common opener), months and days, code."""
    plain = _LIST_NUMBER.sub(" ", strip_markers(text))
    out: list[str] = [m.group(0).strip("`").strip() for m in _CODE.finditer(plain)]
    plain = _CODE.sub(" ", plain)
    out.extend(_NUMBER.findall(plain))
    for s in sentences(plain):
        words = [m.group(0) for m in _WORD.finditer(s)]
        for i, w in enumerate(words):
            if any(c.isdigit() for c in w):
                continue
            folded = w.casefold()
            if folded in MONTHS or folded in MONTHS.values():
                out.append(w)
            elif w[:1].isupper() and folded not in COMMON_CAPS and folded not in STOP_WORDS:
                # A capital at a sentence's start is only a name when a capitalised word follows
                # ("New York is…"); "Nice!" or "Sounds good" name nothing.
                if i == 0 and not (len(words) > 1 and words[1][:1].isupper()):
                    continue
                out.append(w)
    return list(dict.fromkeys(out))


def unsupported_claims(text: str, sources: Sequence[str]) -> list[str]:
    """The claims of ``text`` found in none of ``sources`` (question, memories, conversation)."""
    vocab = _vocabulary(sources)
    joined = "\n".join(sources).casefold()
    missing: list[str] = []
    for c in claims(text):
        if " " in c.strip() or not _WORD.fullmatch(c):
            # a piece of code or a compound number: every word or number in it must be in a source
            parts = [_norm(w) for w in _WORD.findall(c)]
            if c.casefold() in joined or all(p in vocab for p in parts):
                continue
            missing.append(c)
        elif _norm(c) not in vocab:
            missing.append(c)
    return missing


def miscited(text: str, memories: Mapping[int, str], question: str = "") -> list[int]:
    """Numbers cited by a sentence that shares no specific word with the memory it cites."""
    asked = content_words(question)
    bad: list[int] = []
    merged: list[str] = []
    for s in sentences(text):  # a citation after the full stop belongs to the sentence before it
        if merged and not _WORD.findall(MARKER.sub("", s)):
            merged[-1] += " " + s
        else:
            merged.append(s)
    for s in merged:
        numbers = [int(n) for m in MARKER.finditer(s) for n in m.group(1).split(",")]
        if not numbers:
            continue
        said = {_norm(w) for w in content_words(strip_markers(s))}
        for n in numbers:
            mem = memories.get(n)
            if mem is None:
                continue
            shared = said & {_norm(w) for w in content_words(mem)}
            if not shared or shared <= {_norm(w) for w in asked} and len(said - {_norm(w) for w in asked}) > 2:
                bad.append(n)
    return list(dict.fromkeys(bad))


# -- the gate ------------------------------------------------------------------------------------
def check_reply(
    reply: str,
    *,
    question: str,
    memories: Mapping[int, str] | Sequence[str] = (),
    context: Sequence[str] = (),
    instructions: Sequence[str] = (),
    earlier: Sequence[str] = (),
    stopped_early: bool = False,
) -> GateVerdict:
    """Check a model's reply. ``memories`` are the texts it was given (by number, for the citation
    check), ``context`` other text it may repeat (earlier turns, the profile), ``instructions`` what
    it must not recite, ``earlier`` the replies it gave before in the conversation (not to be
    repeated). ``stopped_early``: generation ended on the token limit or the loop guard."""
    mem_map = dict(memories) if isinstance(memories, Mapping) else dict(enumerate(memories, 1))
    if is_empty(reply):
        return GateVerdict(("empty",))
    reasons: list[Reason] = []
    all_sources = [question, *mem_map.values(), *context]
    if is_looping(reply) or repeats_earlier(reply, earlier, all_sources):
        reasons.append("loop")
    if echoes(reply, instructions):
        reasons.append("echo")
    if stopped_early or is_truncated(reply):
        reasons.append("truncated")
    if is_filler(reply):
        reasons.append("filler")
    missing = unsupported_claims(reply, all_sources) + misquotes(reply, all_sources)
    if missing:
        reasons.append("unsupported")
    bad = miscited(reply, mem_map, question) if mem_map else []
    if bad:
        reasons.append("miscited")
    obeyed = followed(reply, mem_map, question) if mem_map else []
    if obeyed:
        reasons.append("obeyed")
    detail = {"instruction": obeyed[0][1].span[:160], "memory": str(obeyed[0][0])} if obeyed else {}
    return GateVerdict(tuple(reasons), tuple(missing), tuple(bad), detail)


def check_sentence(
    sentence: str,
    *,
    sources: Sequence[str],
    instructions: Sequence[str] = (),
    earlier: Sequence[str] = (),
    max_words: int = 25,
) -> GateVerdict:
    """The stricter check for the one short sentence a model may add to Reverie's own reply:
    one complete sentence, at most ``max_words`` words, no claim beyond ``sources``."""
    words = _WORD.findall(sentence)
    if not words:
        return GateVerdict(("empty",))
    if len(sentences(sentence)) > 1 or len(words) > max_words or MARKER.search(sentence):
        return GateVerdict(("truncated",), detail={"why": "not one short sentence"})
    return check_reply(
        sentence,
        question=sources[0] if sources else "",
        memories=list(sources[1:]),
        instructions=instructions,
        earlier=earlier,
    )


__all__ = [
    "GateVerdict",
    "Reason",
    "check_reply",
    "check_sentence",
    "claims",
    "echoes",
    "is_empty",
    "is_filler",
    "is_looping",
    "is_truncated",
    "miscited",
    "misquotes",
    "repeats_earlier",
    "sentences",
    "unsupported_claims",
]
