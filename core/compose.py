"""Replies Reverie writes itself, from the memories, when a model's words cannot be shown.

- ``compose_answer``: the answer to a question, quoted from the best memory, with who said it and
  when, and up to two more memories named as "also". Used for every question on a tiny model, and
  whenever a model's reply fails the gate. Instructions written inside a memory (``core/injection``)
  are left out of its quote: they are not what the user wants to know, and a reply never repeats them.
- ``acknowledge``: the reply to a statement: "Noted: dentist, Thu 3 Dec at 14:30 [1]", naming the
  key items and the resolved date or time, and citing the new message.
- ``smalltalk_reply``: a greeting or thanks answered without a model.

Pure functions; ``now`` and the time zone are passed in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from reverie.core import sources
from reverie.core.citations import content_words
from reverie.core.injection import data_text
from reverie.core.prompt import GivenMemory
from reverie.core.whenparse import When

QUOTE_CHARS = 320
ALSO_CHARS = 110
ALSO_MAX = 2
MORE_MAX = 7  # further sources, by number (ten in all): the memories that share a word with the question
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_SENT = re.compile(r"(?<=[.!?…])\s+|\n+")
_WORD = re.compile(r"[^\W_]+")
_HAS_TIME = re.compile(
    r"(?i)\b(?:\d{1,2}[:.]\d\d|\d{1,2}\s?(?:am|pm)|(?:19|20)\d\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|yesterday|week|month|year|ago)\w*"
)
_NUMBER = re.compile(r"\d")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+")
_USER_SPEAKERS = {"user", "you", "me", ""}


@dataclass(frozen=True)
class Composed:
    text: str
    cited: list[int]  # the memory numbers the text cites, best first


# -- when and who ------------------------------------------------------------------------------------
def when_label(ts: float, now: float, tz: tzinfo | None = None) -> str:
    """ "today", "yesterday", "on Tuesday", "on 3 Nov", "on 3 Nov 2025"."""
    dt, today = datetime.fromtimestamp(ts, tz), datetime.fromtimestamp(now, tz)
    days = (today.date() - dt.date()).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if 1 < days < 7:
        return f"on {dt.strftime('%A')}"
    label = f"{dt.day} {_MONTHS[dt.month - 1]}"
    return f"on {label}" if dt.year == today.year else f"on {label} {dt.year}"


def attribution(g: GivenMemory, now: float, tz: tzinfo | None = None) -> str:
    """Who said or wrote the memory, and when: "You said yesterday", "Caroline said on 8 May 2023",
    "Your note “Health” (on 12 Nov)"."""
    m = g.memory
    when = when_label(m.happened_at, now, tz)
    title = sources.clip(g.source_title or "")
    if m.kind == "chat":
        who = (m.speaker or "").strip()
        if who.casefold() in _USER_SPEAKERS:
            return f"You said {when}"
        if m.trust == "assistant" or who.casefold() == "reverie":
            return f"I said {when}" if who.casefold() == "reverie" else f"{who} said {when}"
        return f"{who} said {when}"
    if m.kind == "note":
        name = f"Your note “{title}”" if title else "Your note"
        return f"{name} ({when})"
    if m.kind == "fact":
        return f"Noted about you {when}"
    if m.kind == "summary":
        return f"A summary of your conversations ({when})"
    return f"A memory from {when.removeprefix('on ')}"


def source_texts(given: Sequence[GivenMemory], now: float, tz: tzinfo | None = None) -> list[str]:
    """What a reply may say about each memory: its header (date, kind, title, speaker), how Reverie
    attributes it, and its text. The sources the gate checks a reply's claims against."""
    return [f"{g.header()}\n{attribution(g, now, tz)}\n{g.memory.text}" for g in given]


# -- quoting ---------------------------------------------------------------------------------------
def excerpt(text: str, question: str, limit: int) -> str:
    """The memory's words, whole when short; else the run of sentences that best matches the
    question, within ``limit`` characters, with "…" where it was cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    parts = [p.strip() for p in _SENT.split(text) if p.strip()]
    asked = content_words(question)
    best, best_score = 0, -1.0
    for i, p in enumerate(parts):
        score = len(asked & content_words(p)) + (0.1 if i == 0 else 0.0)
        if score > best_score:
            best, best_score = i, score
    chosen = [parts[best]]
    j = best + 1
    while j < len(parts) and len(" ".join(chosen + [parts[j]])) <= limit:
        chosen.append(parts[j])
        j += 1
    out = " ".join(" ".join(chosen).split())
    if len(out) > limit:
        out = out[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    elif j < len(parts):
        out += " …"
    return ("… " if best > 0 else "") + out


def _fits(question: str, text: str) -> int:
    """How well a memory's text fits the kind of answer the question asks for (0 or 1)."""
    q = question.strip().casefold()
    if q.startswith(("when", "what time", "what date", "how long", "what year", "which day", "which year")):
        return int(bool(_HAS_TIME.search(text)))
    if q.startswith(("how many", "how much", "how old", "how often")):
        return int(bool(_NUMBER.search(text)))
    if q.startswith(("who", "where", "whose", "which city", "which country")):
        return int(bool(_NAME.search(text)))
    return 1


def on_topic(question: str, g: GivenMemory) -> bool:
    """The memory shares a word with the question (not only a meaning, nor only its conversation)."""
    return bool(content_words(question) & content_words(f"{g.memory.context}\n{g.memory.text}"))


def best_order(question: str, given: Sequence[GivenMemory]) -> list[GivenMemory]:
    """The memories in rank order, except that among the first three one that shares a word with
    the question comes before one that does not, and then one that holds the kind of answer asked
    for ("when": a date or time; "how many": a number; "who"/"where": a name) before one that does
    not. The ranking decides everything else."""
    head, tail = list(given[:3]), list(given[3:])
    head.sort(key=lambda g: (not on_topic(question, g), -_fits(question, g.memory.text)))  # stable
    return head + tail


def _sentences_of(text: str) -> set[str]:
    """The sentences of four words or more, as plain lower-case words (to spot a quote said twice)."""
    out = {" ".join(_WORD.findall(p.casefold())) for p in _SENT.split(text)}
    return {p for p in out if len(p.split()) >= 4}


def compose_answer(question: str, given: Sequence[GivenMemory], now: float, tz: tzinfo | None = None) -> Composed:
    """Quote the best memory with who said it and when, name up to two more as "also" (quotes of the
    same speaker and day under one attribution), and list the other memories that share a word with
    the question as further sources, by number."""
    if not given:
        raise ValueError("compose_answer needs at least one memory")
    texts = {g.n: data_text(g.memory.text) for g in given}
    order = best_order(question, given)
    order = [g for g in order if texts[g.n].strip()] + [g for g in order if not texts[g.n].strip()]
    first = order[0]
    first_who = attribution(first, now, tz)
    if not texts[first.n].strip():  # every memory given is only instructions to an assistant
        return Composed(
            f"{first_who} holds only instructions to an assistant, which I do not follow [{first.n}].", [first.n]
        )
    lines = [f"{first_who}: “{excerpt(texts[first.n], question, QUOTE_CHARS)}” [{first.n}]"]
    cited = [first.n]
    seen = {(first.memory.source_kind, first.memory.source_id, first.memory.text)}
    groups: list[tuple[str, list[str]]] = []
    said = _sentences_of(texts[first.n])
    topical = any(on_topic(question, g) for g in order)
    more: list[int] = []
    for g in order[1:]:
        key = (g.memory.source_kind, g.memory.source_id, g.memory.text)
        if key in seen or (topical and not on_topic(question, g)) or not texts[g.n].strip():
            continue
        seen.add(key)
        if len(cited) > ALSO_MAX:
            if topical and len(more) < MORE_MAX:
                more.append(g.n)
            continue
        words = excerpt(texts[g.n], question, ALSO_CHARS)
        if _sentences_of(words) & said:  # nearly the words already quoted: a source, not another quote
            if topical and len(more) < MORE_MAX:
                more.append(g.n)
            continue
        said |= _sentences_of(words)
        who = attribution(g, now, tz)
        quoted = f"“{words}” [{g.n}]"
        if groups and groups[-1][0] == who:
            groups[-1][1].append(quoted)
        else:
            groups.append((who, [quoted]))
        cited.append(g.n)
    if groups:
        parts = [
            (
                ": "
                if who == first_who
                else f"{who[:1].lower() + who[1:] if who.startswith(('Your', 'You ', 'A ')) else who}: "
            )
            + " and ".join(quotes)
            for who, quotes in groups
        ]
        lines.append("Also" + ("" if parts[0].startswith(":") else " ") + "; ".join(parts) + ".")
    if more:
        lines.append("More on this: " + ", ".join(f"[{n}]" for n in more) + ".")
        cited.extend(more)
    return Composed("\n\n".join(lines), cited)


# -- acknowledgements ------------------------------------------------------------------------------
_SMALL = {"and", "the", "of", "in", "a", "an", "de", "la", "von", "van", "du", "le", "on", "for", "to"}
_PRONOUNS = {
    "i",
    "i'm",
    "i've",
    "i'd",
    "i'll",
    "my",
    "we",
    "our",
    "me",
    "it",
    "this",
    "that",
    "the",
    "a",
    "an",
    "he",
    "she",
    "they",
    "his",
    "her",
    "their",
    "there",
    "so",
    "just",
    "also",
    "today",
    "tomorrow",
    "yesterday",
    "but",
    "and",
    "oh",
    "ok",
    "okay",
    "yes",
    "no",
    "well",
    "hey",
    "hi",
    "btw",
    "then",
    "next",
    "last",
    "on",
    "at",
    "in",
    "by",
    "before",
    "after",
}
_RELATION = re.compile(
    r"\bmy\s+(?P<rel>sister|brother|mother|mum|mom|father|dad|wife|husband|partner|son|daughter|friend|boss|"
    r"colleague|cousin|aunt|uncle|grandmother|grandma|grandfather|grandpa|niece|nephew|neighbou?r|doctor|dentist|"
    r"girlfriend|boyfriend|fiancée?|teacher|coach|therapist|landlord|manager)\s+(?P<name>[A-Z][\w'’-]+)"
)
_VERBISH = re.compile(
    r"(?i)^(?:\w+(?:ed|ing)|am|is|are|was|were|be|been|has|had|does|did|went|got|made|took|saw|felt|told|said|met|"
    r"bought|left|will|would|can|could|should|must|just|really|very|still|also|gonna|about|finally|"
    r"(?:have|do|get|go|need|want|think|feel|like|love|hate|make|take|see|come|call|meet|start|pick|book|buy|"
    r"remember|remind|arrive|leave|visit|work|live|move|say|tell|know|try|plan|hope|wish|use|read|watch|"
    r"play|cook|finish|begin|send|bring|keep|give|find|look|seem|miss|forget)(?:s|es)?)$"
)


def key_items(text: str, when: When | None = None) -> list[str]:
    """The few words a statement is about, in the order said: names and titles (capitalised runs,
    joined over "and the", "of"…; a possessive takes its noun: "Lena's dinner"), a named relation
    ("sister Maya"), and its first run of nouns ("dentist", "piano tuner"). The date phrase is left out."""
    body = text
    for start, end in sorted(when.spans if when is not None else (), reverse=True):
        body = body[:start] + " , " + body[end:]
    found: list[tuple[int, str]] = []
    rel = {m.group("name"): f"{m.group('rel')} {m.group('name')}" for m in _RELATION.finditer(body)}
    tokens = re.findall(r"[\w'’-]+|[.!?,;:]", body)
    run: list[str] = []
    run_at = 0
    pending: list[str] = []
    sentence_start = True

    def close() -> None:
        if run:
            phrase = " ".join(run)
            found.append((run_at, rel.get(phrase, phrase)))
        run.clear()
        pending.clear()

    def nounish(tok: str) -> bool:
        return tok.casefold() in content_words(tok) and not _VERBISH.match(tok) and not tok.isdigit()

    for i, tok in enumerate(tokens):
        if tok in ".!?,;:":
            close()
            sentence_start = tok in ".!?"
            continue
        is_cap = tok[:1].isupper() and tok.casefold() not in _PRONOUNS
        if is_cap and not (sentence_start and _VERBISH.match(tok)):
            if run and pending:
                run.extend(pending)
            if not run:
                run_at = i
            run.append(tok)
            pending.clear()
        elif run and re.search(r"['’]s$", run[-1]) and not tok[:1].isupper() and nounish(tok):
            run.append(tok)  # "Lena's dinner"
            close()
        elif run and tok.casefold() in _SMALL and len(pending) < 2:
            pending.append(tok)
        else:
            close()
        sentence_start = False
    close()
    nouns: list[str] = []  # the first run of lowercase nouns
    for i, tok in enumerate(tokens):
        if not tok[:1].isupper() and nounish(tok):
            if not nouns:
                run_at = i
            nouns.append(tok)
        elif nouns:
            break
    phrase = " ".join(nouns)
    if phrase and not any(phrase in item for _, item in found):
        found.append((run_at, phrase))
    items = [item for _, item in sorted(found, key=lambda f: f[0])]
    return list(dict.fromkeys(items))[:4]


def acknowledge(text: str, when: When | None, now: float, tz: tzinfo | None = None, *, n: int | None = 1) -> Composed:
    """ "Noted: dentist, Thu 3 Dec at 14:30 [1]": what Reverie took in, citing the new message as
    ``[n]`` (no marker when ``n`` is None: the message has no memory to cite)."""
    parts = key_items(text, when)
    if when is not None:
        parts.append(when.label(now, tz))
    marker = f" [{n}]" if n is not None else ""
    cited = [n] if n is not None else []
    if not parts:
        return Composed(f"Noted.{marker}", cited)
    return Composed(f"Noted: {', '.join(parts)}{marker}", cited)


_THANKS = re.compile(r"(?i)\b(?:thanks|thank you|thx|cheers|ty)\b")
_BYE = re.compile(r"(?i)\b(?:bye|goodbye|good night|see you|later)\b")


def smalltalk_reply(text: str) -> str:
    if _THANKS.search(text):
        return "You're welcome."
    if _BYE.search(text):
        return "Goodbye. Everything you told me is kept."
    return "Hello. Tell me anything you want me to remember, or ask me about something you told me or wrote down."
