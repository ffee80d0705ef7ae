"""What a consolidation run did, in words a user understands: one sentence for the run, and its
counts as labelled lines for a details view. Pure functions over a run's status and counts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Counts of facts the run saw but did not keep (rejected model output, non-statements).
SET_ASIDE = ("rejected_ungrounded", "rejected_questions", "rejected_not_statement")

# Labels for the details view, in the order they are shown; other counts follow, as written.
LABELS: tuple[tuple[str, str], ...] = (
    ("facts_added", "New facts"),
    ("facts_updated", "Facts given more detail"),
    ("facts_superseded", "Facts replaced by a newer one"),
    ("facts_noop", "Facts already known (new source linked)"),
    ("facts_retracted", "Earlier facts put away (not from your own words, or not a statement)"),
    ("rejected_ungrounded", "Facts set aside: not said in the source line"),
    ("rejected_not_statement", "Facts set aside: not a complete statement"),
    ("rejected_questions", "Facts set aside: questions"),
    ("rejected_topics", "Day topics set aside: not in the day's text"),
    ("summaries_added", "Day and conversation summaries written"),
    ("summaries_updated", "Summaries rewritten with new sources"),
    ("duplicates_merged", "Duplicates merged"),
    ("profile_updated", "Profile updated"),
    ("archived", "Memories that faded into the archive"),
    ("active_memories", "Memories still active"),
    ("units_read", "Passages and messages read"),
    ("days", "Days covered"),
    ("model_calls", "Chat model calls"),
    ("model_retries", "Chat model retries"),
    ("model_invalid", "Chat model answers not in the expected form"),
    ("model_failures", "Chat model failures (the rest ran without it)"),
    ("model_calls_over_budget", "Chat model calls skipped (the run's budget was used up)"),
    ("lines_without_model", "Lines read without the chat model (budget used up)"),
    ("rejected", "Log lines about what was set aside"),
)


def _n(counts: Mapping[str, Any], key: str) -> int:
    try:
        return int(counts.get(key, 0) or 0)
    except (TypeError, ValueError):
        return 0


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def facts_clause(counts: Mapping[str, Any]) -> str:
    """ "Learned 4 new facts about you, updated 1 and set aside 9 unclear ones", or ""."""
    added = _n(counts, "facts_added")
    updated = _n(counts, "facts_updated") + _n(counts, "facts_superseded")
    aside = sum(_n(counts, k) for k in SET_ASIDE)
    retracted = _n(counts, "facts_retracted")
    parts = []
    if added:
        parts.append(f"learned {_plural(added, 'new fact')} about you")
    if updated:
        parts.append(f"updated {updated}" if added else f"updated {_plural(updated, 'fact')} about you")
    if aside:
        parts.append(
            f"set aside {aside} unclear {'one' if aside == 1 else 'ones'}"
            if added or updated
            else f"set aside {_plural(aside, 'unclear fact')}"
        )
    if retracted:
        parts.append(
            f"put away {retracted} earlier {'fact' if retracted == 1 else 'facts'} "
            "that did not come from your own words"
        )
    return _join(parts)


def other_clause(counts: Mapping[str, Any]) -> str:
    """ "summarised 2 days, merged 3 duplicates and let 5 faded memories rest in the archive", or ""."""
    parts = []
    summaries = _n(counts, "summaries_added") + _n(counts, "summaries_updated")
    if summaries:
        days = _n(counts, "days")
        parts.append(
            f"summarised {_plural(days, 'day')}" if days else f"wrote {_plural(summaries, 'summary', 'summaries')}"
        )
    merged = _n(counts, "duplicates_merged")
    if merged:
        parts.append(f"merged {_plural(merged, 'duplicate')}")
    faded = _n(counts, "archived")
    if faded:
        parts.append(f"moved {_plural(faded, 'faded memory', 'faded memories')} to the archive")
    return _join(parts)


def describe_run(status: str, counts: Mapping[str, Any] | None, error: str | None = None) -> str:
    """One sentence for a run: what was learned, or why it stopped."""
    counts = counts or {}
    if status == "running":
        return "Consolidating now…"
    if status == "failed":
        reason = (error or "").strip()
        return f"Could not finish: {reason}" if reason else "Could not finish; nothing was written."
    if status == "skipped":
        return "Skipped (the computer was busy, or there was nothing to do)."
    facts, other = facts_clause(counts), other_clause(counts)
    if facts and other:
        sentence = f"{facts[:1].upper()}{facts[1:]}; {other}."
    elif facts or other:
        text = facts or other
        sentence = f"{text[:1].upper()}{text[1:]}."
    else:
        sentence = "Nothing new to learn since the last run."
    if status == "cancelled":
        return (
            f"Cancelled before the end; what was finished was kept: {sentence}"
            if facts or other
            else "Cancelled before anything was written."
        )
    return sentence


def details(counts: Mapping[str, Any] | None) -> list[tuple[str, int]]:
    """The run's counts as (label, number), the ones that are not zero, known ones first."""
    counts = counts or {}
    known = dict(LABELS)
    out = [(label, _n(counts, key)) for key, label in LABELS if _n(counts, key)]
    out += [
        (key.replace("_", " ").capitalize(), _n(counts, key))
        for key in sorted(counts)
        if key not in known and _n(counts, key)
    ]
    return out
