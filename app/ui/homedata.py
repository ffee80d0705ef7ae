"""What Home shows, read on the database lane in one go (``snapshot``), and the sentences made of it
(pure functions of the numbers and ``now``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from reverie.app.ui.uikit import counted
from reverie.core import conversations, jobruns, memories, notes
from reverie.core.keys import KeyMode
from reverie.core.records import MEMORY_COLS, Memory
from reverie.core.scheduler import JOB
from reverie.core.sources import clip, spoken_when
from reverie.core.vault import Vault
from reverie.models.defaults import default_embedder_location, default_gguf_location

RECENT = 5
ENCRYPTION_TEXT = {
    KeyMode.KEYRING: "Encrypted; the key is kept in the system keyring.",
    KeyMode.PASSPHRASE: "Encrypted with your passphrase.",
    KeyMode.NONE: "Not encrypted (your choice).",
}


@dataclass(frozen=True)
class Item:
    """One line of a Home list: what it is, when, and the memory that opens it (None: its page)."""

    title: str
    when: str
    memory: Memory | None
    kind: str  # "note" | "conversation" | "fact"


@dataclass(frozen=True)
class Snapshot:
    now: float
    counts: dict[str, int]
    last_consolidated: float | None = None
    notes: list[Item] = field(default_factory=list)
    conversations: list[Item] = field(default_factory=list)
    facts: list[Item] = field(default_factory=list)
    encryption: str = ""
    models: str = ""

    @property
    def empty(self) -> bool:
        return self.counts.get("notes", 0) + self.counts.get("messages", 0) == 0


def _first_memory(vault: Vault, where: str, params: tuple[object, ...]) -> Memory | None:
    with vault.read() as conn:
        row = conn.execute(f"SELECT {MEMORY_COLS} FROM memories WHERE {where} LIMIT 1", params).fetchone()
    return None if row is None else Memory.from_row(row)


def snapshot(vault: Vault, recent: int = RECENT) -> Snapshot:
    """Everything Home shows (database lane)."""
    now = vault.now()
    runs = [r for r in jobruns.recent_runs(vault, JOB, limit=10) if r.status == "ok"]
    last = runs[0] if runs else None
    note_items = [
        Item(
            n.title or "Untitled",
            spoken_when(n.updated_at, now),
            _first_memory(vault, "source_kind = 'note' AND source_id = ? ORDER BY seq, id", (n.id,)),
            "note",
        )
        for n in notes.list_notes(vault, limit=recent)
    ]
    conv_items = [
        Item(
            c.title or "Conversation",
            spoken_when(c.updated_at, now),
            _first_memory(
                vault,
                "source_kind = 'message' AND source_id IN "
                "(SELECT id FROM messages WHERE conversation_id = ?) "
                "ORDER BY happened_at DESC, id DESC",
                (c.id,),
            ),
            "conversation",
        )
        for c in conversations.list_conversations(vault, limit=recent)
    ]
    facts: list[Item] = []
    if last is not None:
        learned = memories.list_memories(vault, kinds=("fact",), order="recorded", limit=recent * 4)
        facts = [
            Item(clip(m.text, 120), spoken_when(m.recorded_at, now), m, "fact")
            for m in learned
            if m.recorded_at >= last.started_at
        ][:recent]
    return Snapshot(
        now,
        vault.counts(),
        last.finished_at or last.started_at if last else None,
        note_items,
        conv_items,
        facts,
        ENCRYPTION_TEXT[vault.key_mode],
        models_line(),
    )


def models_line() -> str:
    """``all-MiniLM-L6-v2: ready · SmolLM2…: ready`` (or what is missing and why)."""
    return " · ".join(
        f"{m.name}: {'ready' if m.found else 'missing (' + (m.problem or '') + ')'}"
        for m in (default_embedder_location(), default_gguf_location())
    )


def greeting(now: float) -> str:
    hour = datetime.fromtimestamp(now).hour
    if 5 <= hour < 12:
        return "Good morning"
    if 12 <= hour < 18:
        return "Good afternoon"
    return "Good evening"


def consolidated_phrase(last: float | None, now: float) -> str:
    if last is None:
        return "not consolidated yet"
    d, today = datetime.fromtimestamp(last), datetime.fromtimestamp(now)
    if d.date() == today.date():
        return f"consolidated {d:%H:%M}"
    return f"consolidated {spoken_when(last, now)}"


def vault_line(counts: dict[str, int], last_consolidated: float | None, now: float) -> str:
    """``277 memories · 276 notes · 3 conversations · consolidated 03:00``."""
    kept = counts.get("memories", 0) - counts.get("archived", 0)
    return " · ".join(
        (
            counted(kept, "memory"),
            counted(counts.get("notes", 0), "note"),
            counted(counts.get("conversations", 0), "conversation"),
            consolidated_phrase(last_consolidated, now),
        )
    )
