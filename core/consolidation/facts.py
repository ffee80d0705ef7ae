"""Facts: extracted from the user's own words, then decided against the most similar current
facts: ADD (new), UPDATE (same fact with more detail), SUPERSEDE (the same subject now has another
value; the old fact keeps its validity interval) or NOOP (already known; the new source is linked).

Only the user's own words are read (``Unit.own``: their chat turns, notes written in Reverie or
marked as theirs at import); Reverie's replies and imported documents never are. Two extractors
feed the decision: a deterministic one for statements of the shape "Anna's birthday is March 3" /
"My dentist is Dr. Wu" / "I live in Lyon", and the chat model (schema-constrained, validated). Both
pass the same checks before anything becomes a fact (``check_fact``): a complete statement
(``statements``), grounded in its source line, with the source's negation kept.

A fact consolidation wrote earlier that no longer passes (its sources are not the user's own
words, or it is not a statement) is retracted: archived with the reason, never deleted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from reverie.core.consolidation.llm import ModelSession
from reverie.core.consolidation.planner import ExistingFact, FactItem, Inputs, Retraction, Unit
from reverie.core.consolidation.statements import prose_sentences, same_polarity, statement_problem
from reverie.core.consolidation.text import content_tokens, key_terms, similarity_matrix, ungrounded_terms
from reverie.core.textutil import content_hash
from reverie.core.tiers import TIERS, resolve_tier

Tick = Callable[[int, int], None]  # (done, total) within the facts step

MAX_FACT_CHARS = 160
CHUNK_CHARS = 1200
SAME = 0.9  # at or above: the same fact (NOOP)
RELATED = 0.5  # at or above: about the same thing (UPDATE or SUPERSEDE)

_POSSESSIVE = re.compile(
    r"^(?P<subject>(?:[Mm]y|[Oo]ur|[A-Z][\w-]+(?: [A-Z][\w-]+)?['\u2019]s)(?: [\w'\u2019-]+){1,4}?)"
    r" (?:is|are|was|will be|has become|became) (?P<value>[^?!;\n]{1,80}?)\.?$"
)
_FIRST_PERSON = re.compile(
    r"^(?P<subject>I (?:live|work|study|stay) (?:in|at|for)|I(?: am|'m) (?:allergic to|married to|a))"
    r" (?P<value>[^?!;\n]{1,80}?)\.?$"
)
_ECHOED_NUMBER = re.compile(r"^\d{1,3}[.)]\s+")
_FILLER = re.compile(r"^(?:(?:oh|so|well|by the way|btw|actually|and|but|also),?\s+)+", re.IGNORECASE)
_CORRECTION = re.compile(r"\b(?:actually|now|no longer|instead|anymore)\b,?\s*", re.IGNORECASE)

FACTS_SCHEMA_BASE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "facts": {
            "type": "array",
            "maxItems": 4,
            "items": {
                "type": "object",
                "properties": {
                    "fact": {"type": "string", "minLength": 8, "maxLength": MAX_FACT_CHARS},
                    "line": {"type": "integer", "minimum": 1},
                },
                "required": ["fact", "line"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["facts"],
    "additionalProperties": False,
}
FACTS_PROMPT = (
    "You extract lasting facts about the user and the people in their life (names, birthdays, "
    "places, jobs, preferences) from numbered lines the user wrote. Return JSON "
    '{"facts": [{"fact": "...", "line": n}]}: one short sentence per fact, in the user\'s words, '
    "with the number of the line it comes from. Skip greetings, questions and passing remarks."
)


def facts_schema(lines: int) -> dict[str, Any]:
    """The schema for a chunk of ``lines`` lines. The line number is not bounded above: grammars
    do not enforce it and small models miscount; a fact citing a wrong line is grounded against
    the chunk's lines instead, and rejected if none supports it."""
    return FACTS_SCHEMA_BASE


def check_fact(fact: str, source: str) -> str | None:
    """Why ``fact`` may not stand on the line ``source`` (None when it may): it must be a complete
    statement, every name and number in it and most of its words must be in the line, and it
    must keep the line's negation."""
    problem = statement_problem(fact)
    if problem:
        return f"not a statement ({problem})"
    missing = ungrounded_terms(fact, source)
    if missing:
        return f"no source line says {', '.join(missing)}"
    if not same_polarity(fact, source):
        return "it drops or adds a negation its source line does not have"
    return None


def _ground(fact: str, cited: int, chunk: Sequence[tuple[str, Unit]]) -> tuple[Unit | None, str]:
    """The unit whose line supports ``fact`` (the cited line first), or None and why not."""
    problem = statement_problem(fact)
    if problem:
        return None, f"not a statement ({problem})"
    order = ([cited - 1] if 0 < cited <= len(chunk) else []) + [i for i in range(len(chunk)) if i != cited - 1]
    first: str | None = None
    for i in order:
        why = check_fact(fact, chunk[i][0])
        if why is None:
            return chunk[i][1], ""
        if first is None:
            first = why
    return None, first or "no source line"


def parse_statement(sentence: str) -> tuple[str, str, str] | None:
    """``(fact text, subject key, value)`` for a sentence stating a fact, else None."""
    s = _FILLER.sub("", sentence.strip()).strip()
    s = s[:1].upper() + s[1:] if s[:2].lower() in ("my", "ou") else s
    if not s or s.endswith("?") or len(s) > MAX_FACT_CHARS:
        return None
    s = re.sub(r"\s+([.,!?])", r"\1", _CORRECTION.sub("", s)).strip()
    m = _POSSESSIVE.match(s) or _FIRST_PERSON.match(s)
    if m is None:
        return None
    subject = " ".join(m.group("subject").casefold().replace("\u2019", "'").split())
    subject = re.sub(r"^our\b", "my", subject).replace("i'm", "i am")
    value = m.group("value").strip().rstrip(".")
    if not value or len(content_tokens(value)) == 0:
        return None
    return s.rstrip(".") + ".", subject, value


def subject_of(text: str) -> tuple[str | None, str | None]:
    parsed = parse_statement(text)
    return (parsed[1], parsed[2]) if parsed else (None, None)


def _fact_sources(units: Sequence[Unit]) -> list[Unit]:
    """The new units in the user's own words: the only ones facts are read from."""
    return [u for u in units if u.new and u.own]


def _count(counts: dict[str, int] | None, key: str) -> None:
    if counts is not None:
        counts[key] = counts.get(key, 0) + 1


def rule_facts(
    units: Sequence[Unit], rejections: list[str] | None = None, counts: dict[str, int] | None = None
) -> list[FactItem]:
    out = []
    for u in _fact_sources(units):
        for s in prose_sentences(u.text):
            parsed = parse_statement(s)
            if parsed:
                text, subject, value = parsed
                why = check_fact(text, s)
                if why is not None:
                    _count(counts, "rejected_not_statement")
                    if rejections is not None:
                        rejections.append(f"fact {text!r} rejected: {why}")
                    continue
                out.append(FactItem(text, (u.id,), u.happened_at, subject, value, "rule"))
    return out


def model_lines(units: Sequence[Unit]) -> list[tuple[str, Unit]]:
    """The lines worth the model's time, in order: the statements among the user's own words
    (greetings, questions, code and fragments cannot hold a fact it may keep)."""
    out = []
    for u in _fact_sources(units):
        for s in prose_sentences(u.text):
            line = " ".join(s.split())
            if statement_problem(line) is None:
                out.append((line, u))
    return out


def model_facts(
    units: Sequence[Unit], session: ModelSession, rejections: list[str], tick: Tick | None = None
) -> list[FactItem]:
    """Ask the model, chunk by chunk; keep only facts that pass ``check_fact`` against a line of
    the chunk (each rejection counted and logged). ``tick(done, total)`` after each chunk."""
    lines = model_lines(units)
    out: list[FactItem] = []
    start = 0
    while start < len(lines) and session.usable:
        chunk: list[tuple[str, Unit]] = []
        size = 0
        while start < len(lines) and (not chunk or size + len(lines[start][0]) <= CHUNK_CHARS):
            chunk.append(lines[start])
            size += len(lines[start][0]) + 6
            start += 1
        prompt = "\n".join(f"{i}. {text[:400]}" for i, (text, _) in enumerate(chunk, 1))
        answer = session.ask(FACTS_PROMPT, prompt, facts_schema(len(chunk)), max_tokens=200, what="facts")
        if tick is not None:
            tick(start, len(lines))
        if answer is None:
            continue
        for item in answer["facts"]:
            fact = _ECHOED_NUMBER.sub("", " ".join(item["fact"].split()))  # "3. ..." echoes our numbering
            if "?" in fact:
                session.counts["rejected_questions"] = session.counts.get("rejected_questions", 0) + 1
                rejections.append(f"fact {fact!r} rejected: a question is not a fact")
                continue
            unit, why = _ground(fact, item["line"], chunk)
            if unit is None:
                key = "rejected_not_statement" if why.startswith("not a statement") else "rejected_ungrounded"
                session.counts[key] = session.counts.get(key, 0) + 1
                rejections.append(f"fact {fact!r} rejected: {why}")
                continue
            subject, value = subject_of(fact)
            out.append(
                FactItem(
                    fact if fact.endswith(".") else fact + ".", (unit.id,), unit.happened_at, subject, value, "model"
                )
            )
    if start < len(lines) and session.model is not None:
        skipped = len(lines) - start
        session.counts["lines_without_model"] = session.counts.get("lines_without_model", 0) + skipped
        rejections.append(
            f"{skipped} lines were read by the deterministic extractor only (model unavailable or over budget)"
        )
    if tick is not None:
        tick(len(lines), len(lines))
    return out


def _differs(a: str, b: str) -> bool:
    """Whether two related statements state different names or numbers (a changed value)."""
    return key_terms(a) != key_terms(b)


def _refines(old: str, new: str) -> bool:
    """``new`` says everything ``old`` says (its words, names and numbers) and more."""
    (on, onum), (nn, nnum) = key_terms(old), key_terms(new)
    return content_tokens(old) < content_tokens(new) and on <= nn and onum <= nnum


Ref = tuple[int | None, int | None, str, str | None, str | None]  # id, plan index, text, subject, value


def _decide_one(c: FactItem, pool: Sequence[Ref], embedder: Any) -> tuple[str, Ref | None, float]:
    hashes = {content_hash(p[2]): p for p in pool}
    if content_hash(c.text) in hashes:
        return "noop", hashes[content_hash(c.text)], 1.0
    if not pool:
        return "add", None, 0.0
    sims = similarity_matrix([c.text], [p[2] for p in pool], embedder)[0]
    same_subject = [i for i, p in enumerate(pool) if c.subject and p[3] == c.subject]
    if same_subject:
        i = max(same_subject, key=lambda j: sims[j])
        target, sim = pool[i], float(sims[i])
        old_v, new_v = target[4] or target[2], c.value or c.text
        if content_tokens(old_v) == content_tokens(new_v) and key_terms(old_v) == key_terms(new_v):
            return "noop", target, sim
        return ("update" if _refines(old_v, new_v) else "supersede"), target, sim
    best = max(range(len(pool)), key=lambda i: sims[i])
    target, sim = pool[best], float(sims[best])
    if sim < RELATED:
        return "add", None, sim
    if sim >= SAME and not _differs(c.text, target[2]):
        return "noop", target, sim
    if _refines(target[2], c.text):
        return "update", target, sim
    if _differs(c.text, target[2]) and target[3] is None and c.subject is None:
        return "supersede", target, sim
    return "add", None, sim


def decide(candidates: Sequence[FactItem], current: Sequence[ExistingFact], embedder: Any = None) -> list[FactItem]:
    """Decide each candidate against the most similar current facts and the candidates decided
    before it (in time order). Returns the candidates with ``action`` and target set."""
    pool: list[Ref] = [(f.id, None, f.text, f.subject, f.value) for f in current]
    decided: list[FactItem] = []
    for c in sorted(candidates, key=lambda c: (c.happened_at, c.origin != "rule")):
        action, target, sim = _decide_one(c, pool, embedder)
        c.action, c.similarity = action, sim
        if target is not None:
            c.target_id, c.target_index = target[0], target[1]
        index = len(decided)
        decided.append(c)
        if action == "noop":
            continue
        if target is not None:
            pool.remove(target)
        pool.append((None, index, c.text, c.subject, c.value))
    return decided


def plan_retractions(facts: Sequence[ExistingFact]) -> list[Retraction]:
    """Facts consolidation extracted earlier that would not be extracted now: none of their
    sources is the user's own words (an imported document, Reverie's reply), or they are not a
    statement ("My table."). Facts the user pinned, edited or restored are theirs and stay."""
    out = []
    for f in facts:
        if f.origin not in ("rule", "model") or f.kept_by_user:
            continue
        problem = statement_problem(f.text)
        if f.sources and not f.own_sources:
            out.append(Retraction(f.id, f.text, "not from your own words"))
        elif problem:
            out.append(Retraction(f.id, f.text, f"not a statement ({problem})"))
    return out


def model_may_extract(model: Any, choice: str = "auto") -> bool:
    """Whether the chat model's facts are used: only a *capable* model's (``core/tiers.py``; the
    user's ``chat_tier`` choice, else what the model is). A tiny model's facts, checked and
    grounded, measured no better than taking every statement the user made (docs/benchmarks.md,
    ``reverie eval facts``), so facts then come from the deterministic extractor alone."""
    detected = getattr(model, "tier", None)
    return resolve_tier(choice, detected if detected in TIERS else "capable") == "capable"


def plan_facts(
    inputs: Inputs,
    session: ModelSession | None,
    rejections: list[str],
    embedder: Any = None,
    *,
    tick: Tick | None = None,
    counts: dict[str, int] | None = None,
    use_model: bool = True,
) -> list[FactItem]:
    units = [u for day in sorted(inputs.days) for u in inputs.days[day]]
    if counts is None and session is not None:
        counts = session.counts
    candidates = rule_facts(units, rejections, counts)
    if use_model and session is not None and session.usable:
        seen = {content_hash(c.text) for c in candidates}
        for f in model_facts(units, session, rejections, tick):
            if content_hash(f.text) not in seen:
                seen.add(content_hash(f.text))
                candidates.append(f)
    elif tick is not None:
        tick(1, 1)
    retracted = {r.fact_id for r in plan_retractions(inputs.facts)}
    return decide(candidates, [f for f in inputs.facts if f.id not in retracted], embedder)
