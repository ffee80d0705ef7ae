"""Day digests and session summaries.

The deterministic path carries the product: an extractive digest (the day's most central
sentences, in order, plus its topic words). When a chat model is available it may name the
day's topics; each topic must be grounded in the day's text or it is rejected (and counted).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence

from reverie.core.consolidation.llm import ModelSession
from reverie.core.consolidation.planner import Inputs, SummaryItem, Unit
from reverie.core.consolidation.text import (
    content_tokens,
    jaccard,
    sentences,
    tokens,
    ungrounded_terms,
)

MAX_SENTENCES = 4
MAX_SENTENCE_CHARS = 220
MAX_TOPICS = 5
SESSION_MIN_MESSAGES = 4
MODEL_SOURCE_CHARS = 3000

TOPICS_SCHEMA = {
    "type": "object",
    "properties": {
        "topics": {
            "type": "array",
            "maxItems": MAX_TOPICS,
            "items": {"type": "string", "minLength": 3, "maxLength": 40},
        }
    },
    "required": ["topics"],
    "additionalProperties": False,
}
TOPICS_PROMPT = (
    'You list the topics of a day\'s conversations and notes. Return JSON {"topics": [...]}: '
    "up to 5 short topics (2-4 words each) taken from the text."
)


def keywords(texts: Sequence[str], k: int = MAX_TOPICS) -> list[str]:
    """The most frequent content words (names first among equals), as written."""
    counts: Counter[str] = Counter()
    spelled: dict[str, str] = {}
    for text in texts:
        for w in text.split():
            w = w.strip(".,;:!?()[]{}\"'“”‘’*_#-")
            low = w.casefold()
            if low.endswith("'s"):
                low, w = low[:-2], w[:-2]
            if len(low) < 3 or low.isdigit() or low not in content_tokens(low):
                continue
            counts[low] += 1
            if low not in spelled or w[:1].isupper():
                spelled[low] = w
    ranked = sorted(counts, key=lambda w: (-counts[w], not spelled[w][:1].isupper(), w))
    return [spelled[w] for w in ranked[:k] if counts[w] > 1 or len(counts) <= k]


def extractive(texts: Sequence[str], max_sentences: int = MAX_SENTENCES) -> list[str]:
    """The most central sentences (content words frequent across the texts), in original order,
    skipping near repeats."""
    sents: list[str] = []
    for t in texts:
        for s in sentences(t):
            if len(content_tokens(s)) >= 2:
                sents.append(s if len(s) <= MAX_SENTENCE_CHARS else s[: MAX_SENTENCE_CHARS - 1] + "…")
    if not sents:
        return []
    freq = Counter(w for s in sents for w in content_tokens(s))
    scored = sorted(
        range(len(sents)),
        key=lambda i: -sum(freq[w] for w in content_tokens(sents[i])) / math.sqrt(len(tokens(sents[i])) + 1),
    )
    chosen: list[int] = []
    for i in scored:
        if all(jaccard(content_tokens(sents[i]), content_tokens(sents[j])) < 0.6 for j in chosen):
            chosen.append(i)
        if len(chosen) == max_sentences:
            break
    return [sents[i] for i in sorted(chosen)]


def _who(u: Unit) -> str:
    if u.kind == "note":
        return "Note"
    return u.speaker or ("You" if u.trust == "user" else "Reverie")


def digest(units: Sequence[Unit], topics: Sequence[str], header: str) -> str:
    lines = [header]
    if topics:
        lines.append("Topics: " + ", ".join(topics) + ".")
    by_text: dict[str, str] = {}
    for u in units:
        for s in sentences(u.text):
            by_text.setdefault(s, _who(u))
    for s in extractive([u.text for u in units]):
        who = next((w for t, w in by_text.items() if s.rstrip("…") in t or t in s), "")
        lines.append(f"- {who}: {s}" if who else f"- {s}")
    return "\n".join(lines)


def _model_topics(session: ModelSession | None, units: Sequence[Unit], rejections: list[str]) -> list[str]:
    if session is None or not session.usable:
        return []
    source = "\n".join(u.text for u in units)[:MODEL_SOURCE_CHARS]
    answer = session.ask(TOPICS_PROMPT, source, TOPICS_SCHEMA, max_tokens=96, what="topics")
    if answer is None:
        return []
    kept: list[str] = []
    for topic in answer["topics"]:
        topic = " ".join(topic.split())
        missing = ungrounded_terms(topic, source, min_overlap=1.0)
        if missing:
            session.counts["rejected_topics"] = session.counts.get("rejected_topics", 0) + 1
            rejections.append(f"topic {topic!r} rejected: not in the day's text ({', '.join(missing)})")
        elif topic.casefold() not in (k.casefold() for k in kept):
            kept.append(topic)
    return kept


def plan_summaries(
    inputs: Inputs, session: ModelSession | None, rejections: list[str], tick: Callable[[int, int], None] | None = None
) -> list[SummaryItem]:
    """A digest for each day that has new units, and a summary for each conversation of those
    days long enough to need one. An unchanged source set means no change (NOOP).
    ``tick(done, total)`` after each day."""
    items: list[SummaryItem] = []
    days = sorted(inputs.days.items())
    for n, (day, units) in enumerate(days):
        if tick is not None and n:
            tick(n, len(days))
        if not units:
            continue
        if session is not None:
            session.check_cancel()
        n_msgs = sum(1 for u in units if u.kind == "chat")
        n_notes = len({u.source_id for u in units if u.kind == "note"})
        n_conv = len({u.conversation_id for u in units if u.conversation_id})
        parts = []
        if n_msgs:
            parts.append(f"{n_msgs} message{'s' * (n_msgs != 1)} in {n_conv} conversation{'s' * (n_conv != 1)}")
        if n_notes:
            parts.append(f"{n_notes} note{'s' * (n_notes != 1)}")
        uid = f"summary:day:{day}"
        sources = tuple(u.id for u in units)
        existing = inputs.summaries.get(uid)
        if existing is None or existing.sources != frozenset(sources):
            topics = _model_topics(session, units, rejections) or keywords([u.text for u in units])
            text = digest(units, topics, f"{day}: " + " and ".join(parts) + ".")
            items.append(
                SummaryItem(
                    uid,
                    "day",
                    f"Day {day}",
                    text,
                    min(u.happened_at for u in units),
                    sources,
                    existing.id if existing else None,
                )
            )
        sessions: dict[str, list[Unit]] = {}
        for u in units:
            if u.conversation_id:
                sessions.setdefault(u.conversation_id, []).append(u)
        for cid, sus in sessions.items():
            if len(sus) < SESSION_MIN_MESSAGES:
                continue
            uid = f"summary:session:{cid}:{day}"
            existing = inputs.summaries.get(uid)
            sources = tuple(u.id for u in sus)
            if existing is not None and existing.sources == frozenset(sources):
                continue
            title = sus[0].conversation_title or "Conversation"
            text = digest(sus, keywords([u.text for u in sus]), f"{title} ({day}), {len(sus)} messages.")
            items.append(
                SummaryItem(
                    uid,
                    "session",
                    f"Conversation: {title}",
                    text,
                    min(u.happened_at for u in sus),
                    sources,
                    existing.id if existing else None,
                )
            )
    if tick is not None:
        tick(len(days), len(days))
    return items
