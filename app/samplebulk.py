"""More sample data for screenshots: a conversation whose answer holds a 400-character line of
code, and a vault with thousands of memories (added in bulk, without vectors: search finds them by
words). Like ``app.sampledata`` it only writes into the vault it is given."""

from __future__ import annotations

import random

from reverie.core import conversations, ingest, notes
from reverie.core.clock import DAY
from reverie.core.vault import Vault

CODE_LINE = (
    "df = pd.read_csv('measurements/utrecht-2026-race-training-sessions.csv', sep=';', decimal=',', "
    "parse_dates=['started_at', 'finished_at'], usecols=['started_at', 'finished_at', 'distance_km', "
    "'avg_heart_rate', 'max_heart_rate', 'elevation_gain_m', 'weather', 'shoes', 'notes'], "
    "dtype={'distance_km': 'float64', 'avg_heart_rate': 'Int64', 'max_heart_rate': 'Int64'}, "
    "na_values=['', 'n/a', '-'], encoding='utf-8')"
)
CODE_QUESTION = "How did I load my running log into pandas last time?"
CODE_ANSWER = (
    "You loaded it with one long call [1]:\n\n```python\nimport pandas as pd\n\n"
    + CODE_LINE
    + "\nweekly = df.resample('W', on='started_at').distance_km.sum()\n```\n\n"
    "The `notes` column holds what you wrote after each run."
)


def add_code_conversation(vault: Vault) -> str:
    """A conversation whose answer holds a fenced code block with a 400-character line; its id."""
    conv = conversations.create_conversation(vault, "Loading the running log")
    conversations.add_message(vault, conv.id, "user", CODE_QUESTION)
    conversations.add_message(vault, conv.id, "assistant", CODE_ANSWER)
    return conv.id


_PEOPLE = ("Anna", "Marta", "Joost", "Ingrid", "Sam", "Pieter", "Lena", "Tom", "Noor", "Farid")
_PLACES = ("Utrecht", "Lisbon", "the Ardennes", "Amsterdam", "the office", "the garden", "Rotterdam", "the gym")
_THINGS = (
    "the race",
    "the Q4 dashboard",
    "the tulip bulbs",
    "the Murakami novel",
    "the new job",
    "the dentist",
    "the long run",
    "the hotel near Alfama",
    "the cloud bill",
    "the journal",
)
_VERBS = (
    "talked about",
    "planned",
    "worried about",
    "finished",
    "booked",
    "wrote down",
    "remembered",
    "asked about",
    "changed",
    "looked forward to",
)


def add_bulk_memories(vault: Vault, total: int, now: float, *, notes_count: int = 120, seed: int = 7) -> int:
    """Add notes and consolidated facts until the vault holds ``total`` memories, spread over two
    years before ``now``, in one transaction for the facts; returns the count."""
    rnd = random.Random(seed)

    def sentence() -> str:
        return (
            f"{rnd.choice(_PEOPLE)} and I {rnd.choice(_VERBS)} {rnd.choice(_THINGS)} in "
            f"{rnd.choice(_PLACES)}; {rnd.choice(_PEOPLE)} {rnd.choice(_VERBS)} {rnd.choice(_THINGS)}."
        )

    for i in range(notes_count):
        body = "\n\n".join(" ".join(sentence() for _ in range(3)) for _ in range(3))
        notes.create_note(vault, body, f"Journal {i + 1}: {rnd.choice(_THINGS)}")
    have = vault.counts().get("memories", 0)
    with vault.tx() as conn:
        for i in range(max(0, total - have)):
            kind = "summary" if i % 9 == 0 else "fact"
            when = now - rnd.uniform(0, 730) * DAY
            ingest.insert_memory(
                conn,
                when,
                kind=kind,
                source_kind="consolidation",
                source_id="nightly",
                text=sentence(),
                happened_at=when,
                actor="consolidation",
                log_history=False,
            )
    return vault.counts().get("memories", 0)
