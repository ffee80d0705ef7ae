"""The user's profile: a short text, kept current from the facts, always editable.

The profile lives in the settings table under ``profile`` (a JSON string; ``core.profile``
reads and edits it). Consolidation also keeps the text it wrote last under ``profile_auto``:
while the profile still equals it, consolidation rewrites it from the current facts; once the
user has edited it, consolidation only appends new facts and removes lines of facts that were
superseded, leaving the user's words alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from reverie.core import history
from reverie.core.consolidation.planner import PROFILE_AUTO_KEY, PROFILE_KEY, ExistingFact, FactItem, Inputs
from reverie.core.sqltypes import Connection

MAX_LINES = 12
HEADER = "What Reverie knows about you (from your own words; edit freely):"


def _about_user(text: str) -> bool:
    first = text.split(" ", 1)[0].casefold()
    return first in ("my", "i", "i'm", "our")


def current_after(
    facts: Sequence[ExistingFact], plan: Sequence[FactItem], retracted: Iterable[int] = ()
) -> tuple[list[str], list[str]]:
    """(fact texts current after the plan, newest first; texts that stop being current). Facts
    with an id in ``retracted`` stop being current."""
    replaced = {f.target_id for f in plan if f.action in ("update", "supersede") and f.target_id is not None}
    replaced |= set(retracted)
    replaced_idx = {f.target_index for f in plan if f.action in ("update", "supersede") and f.target_index is not None}
    gone = [f.text for f in facts if f.id in replaced]
    items = [(f.happened_at, f.text) for f in facts if f.id not in replaced]
    items += [(f.happened_at, f.text) for i, f in enumerate(plan) if f.action != "noop" and i not in replaced_idx]
    items.sort(key=lambda x: -x[0])
    return list(dict.fromkeys(t for _, t in items)), gone


def render(texts: Sequence[str]) -> str:
    ranked = sorted(texts, key=lambda t: not _about_user(t))[:MAX_LINES]  # stable: newest first within
    return "\n".join([HEADER, *(f"- {t}" for t in ranked)]) if ranked else ""


def plan_profile(
    inputs: Inputs, plan: Sequence[FactItem], retracted: Iterable[int] = ()
) -> tuple[str | None, str | None]:
    """(new profile or None if unchanged, new auto text or None)."""
    retracted = set(retracted)
    if not any(f.action != "noop" for f in plan) and not retracted and inputs.profile_auto:
        return None, None
    current, gone = current_after(inputs.facts, plan, retracted)
    auto = render(current)
    if not inputs.profile.strip() or inputs.profile == inputs.profile_auto:
        return (auto if auto != inputs.profile else None), auto
    lines = inputs.profile.splitlines()
    lines = [ln for ln in lines if ln.strip() not in {f"- {t}" for t in gone}]
    present = {ln.strip() for ln in lines}
    new_texts = [f.text for f in plan if f.action in ("add", "update", "supersede") and f"- {f.text}" not in present]
    lines += [f"- {t}" for t in dict.fromkeys(new_texts)]
    text = "\n".join(lines)
    return (text if text != inputs.profile else None), None


def write_profile(conn: Connection, now: float, text: str, auto: str | None, old: str) -> None:
    conn.execute(
        "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (PROFILE_KEY, json.dumps(text, ensure_ascii=False)),
    )
    if auto is not None:
        conn.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (PROFILE_AUTO_KEY, json.dumps(auto, ensure_ascii=False)),
        )
    history.log(conn, now, "profile", PROFILE_KEY, "update", actor="consolidation", before=old, after=text)
