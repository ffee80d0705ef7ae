"""A small, believable vault for screenshots and demos: notes, conversations, facts, a summary,
a profile, recalls, a pin, an archived memory and job runs spread over five weeks.

It always writes into the vault it is given (a temporary one); it never looks for the user's.
"""

from __future__ import annotations

import json

from reverie.core import conversations, ingest, memories, notes, profile, recall
from reverie.core.clock import DAY, FixedClock
from reverie.core.keys import KeyMode
from reverie.core.paths import VaultPaths
from reverie.core.vault import Vault

NOTES = [
    (
        34,
        "Lisbon trip",
        "# Lisbon trip\n\nWe decided to go to Lisbon in May, for a week.\n\n"
        "## Hotel\n\nBook the small hotel near Alfama that Marta recommended.",
    ),
    (29, "Anna's birthday", "Anna's birthday is on March 3. She would love the new Murakami novel."),
    (
        22,
        "Running plan",
        "Run three times a week: Tuesday intervals, Thursday easy, Sunday long run.\n\n"
        "Goal: the 10 km race in Utrecht on 14 December, under 55 minutes.",
    ),
    (
        15,
        "Book notes: Atomic Habits",
        "Make it obvious, make it attractive, make it easy, make it satisfying.\n\n"
        "Habit stacking: after I pour my coffee, I write three lines in my journal.",
    ),
    (8, "Garden", "Plant the tulip bulbs before the first frost; the blue pot goes by the door."),
    (
        3,
        "Work: Q4 planning",
        "Priorities for Q4: ship the reporting dashboard, hire a second designer, and cut the cloud bill by 15 %.",
    ),
    (1, "Spare key", "The spare key is under the blue pot by the back door."),
]

CHATS = [
    (
        31,
        "Weekend plans",
        [
            ("user", "I'm thinking of hiking in the Ardennes this weekend."),
            ("assistant", "Noted: Ardennes.\nThat sounds lovely."),
            ("user", "We'll start from La Roche on Saturday morning, with Marta."),
            ("assistant", "Noted: La Roche, Marta."),
        ],
    ),
    (
        19,
        "Dinner with Marta",
        [("user", "Marta is vegetarian and allergic to walnuts."), ("assistant", "Noted: Marta, vegetarian, walnuts.")],
    ),
    (
        12,
        "Sleep",
        [
            ("user", "I've been sleeping badly since I started the new job."),
            ("assistant", "Noted: sleeping badly, new job."),
            ("user", "The new job starts at 8, so I get up at 6:30 on weekdays."),
            ("assistant", "Noted: new job, 06:30."),
        ],
    ),
    (
        5,
        "Race training",
        [("user", "My Sunday long run was 14 km today, felt strong."), ("assistant", "Noted: Sunday long run, 14 km.")],
    ),
    (
        0,
        "Today",
        [
            ("user", "Remind me what I planned for the garden."),
            (
                "assistant",
                "Your note “Garden”: “Plant the tulip bulbs before the first frost; the blue pot goes by the door.”",
            ),
        ],
    ),
]

FACTS = [
    (30, "The user's sister is called Anna; her birthday is March 3."),
    (19, "Marta is vegetarian and allergic to walnuts."),
    (12, "The user started a new job in October."),
    (5, "The user is training for a 10 km race in Utrecht on 14 December."),
    (2, "The user lives in Utrecht."),
]

PROFILE = (
    "Lives in Utrecht and started a new job in October. Runs three times a week and is training for "
    "a 10 km race in December. Sister: Anna (birthday March 3). Friend Marta is vegetarian. "
    "Planning a trip to Lisbon in May."
)


def build_sample_vault(paths: VaultPaths, now: float) -> Vault:
    """Create an unencrypted vault at ``paths`` filled with sample data ending at ``now``."""
    clock = FixedClock(now - 35 * DAY)
    vault = Vault.create(paths, KeyMode.NONE, clock=clock)
    events: list[tuple[float, str, object]] = []
    events += [(d, "note", (t, b)) for d, t, b in NOTES]
    events += [(d, "chat", (t, msgs)) for d, t, msgs in CHATS]
    events += [(d, "fact", t) for d, t in FACTS]
    for days_ago, kind, payload in sorted(events, key=lambda e: -e[0]):
        clock.set(now - days_ago * DAY - 3600 * (9 + len(kind)))
        if kind == "note":
            title, body = payload  # type: ignore[misc]
            notes.create_note(vault, body, title)
        elif kind == "chat":
            title, msgs = payload  # type: ignore[misc]
            c = conversations.create_conversation(vault, title)
            for role, text in msgs:
                conversations.add_message(vault, c.id, role, text)
                clock.advance(90)
        else:
            with vault.tx() as conn:
                ingest.insert_memory(
                    conn,
                    clock.now(),
                    kind="fact",
                    source_kind="consolidation",
                    source_id="nightly",
                    text=str(payload),
                    actor="consolidation",
                )
    clock.set(now - 1 * DAY)
    with vault.tx() as conn:
        ingest.insert_memory(
            conn,
            clock.now(),
            kind="summary",
            source_kind="consolidation",
            source_id="nightly",
            text="A quiet day: a 14 km long run, garden plans, and notes on Q4 priorities at work.",
            context="Summary of the day",
            actor="consolidation",
        )
    profile.set_profile(vault, PROFILE, actor="consolidation")
    clock.set(now - 2 * DAY)
    garden = vault.query("SELECT id FROM memories WHERE text LIKE 'Plant the tulip%'")
    anna = vault.query("SELECT id FROM memories WHERE text LIKE '%birthday is on March 3%'")
    recall.reinforce(vault, [r[0] for r in garden + anna], clock.now(), reason="cited in an answer")
    if anna:
        memories.pin(vault, anna[0][0], True)
    hiking = vault.query("SELECT id FROM memories WHERE text LIKE '%Ardennes%'")
    if hiking:
        memories.archive(vault, hiking[0][0], actor="decay", note="retention fell below 5 %")
    with vault.tx() as conn:
        for d, status, counts, error in (
            (3, "ok", {"summaries": 1, "facts": 2, "merged": 1}, None),
            (2, "ok", {"summaries": 1, "facts": 1}, None),
            (1, "failed", {}, "The chat model could not be loaded."),
        ):
            start = now - d * DAY + 3 * 3600
            conn.execute(
                "INSERT INTO job_runs(job, scheduled_for, started_at, finished_at, status, counts, error) "
                "VALUES ('consolidation', ?, ?, ?, ?, ?, ?)",
                (start, start, start + 42, status, json.dumps(counts), error),
            )
    clock.set(now)
    return vault
