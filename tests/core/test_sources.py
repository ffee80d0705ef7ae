"""One naming of sources and one way to make a title from text, for every screen and the CLI."""

from __future__ import annotations

import sqlite3

import pytest

from reverie.core import sources


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\n\n  # Trip to Kyoto  \nbody", "Trip to Kyoto"),
        ("   \n\t\n", "Untitled"),
        ("one   two\tthree", "one two three"),
        ("## ", "Untitled"),
    ],
)
def test_first_line_title(text: str, expected: str) -> None:
    assert sources.first_line_title(text) == expected


def test_long_first_line_is_cut_at_a_word_with_an_ellipsis() -> None:
    line = "I booked the dentist for Thursday afternoon and then we will go to the market for apples and pears"
    title = sources.first_line_title(line)
    assert len(title) <= sources.TITLE_LIMIT
    assert title.endswith("…")
    assert line.startswith(title[:-1])
    assert title[:-1].split()[-1] in line.split()  # no half word before the ellipsis


def test_a_word_longer_than_the_limit_is_cut_inside_it() -> None:
    assert sources.clip("x" * 200, 10) == "x" * 9 + "…"


def test_untitled_and_consolidation_fallbacks() -> None:
    assert sources.title_or_fallback("note", "passage", "") == "Untitled note"
    assert sources.title_or_fallback("message", "turn", None) == "Conversation"
    assert sources.title_or_fallback("consolidation", "fact", None) == "Fact"
    assert sources.title_or_fallback("note", "passage", "Plans") == "Plans"


class _Mem:
    def __init__(self, source_kind: str, source_id: str | None, kind: str = "passage") -> None:
        self.source_kind, self.source_id, self.kind = source_kind, source_id, kind


@pytest.fixture
def conn() -> sqlite3.Connection:
    c = sqlite3.connect(":memory:")
    c.executescript(
        "CREATE TABLE notes(id TEXT, title TEXT, origin TEXT);"
        "CREATE TABLE conversations(id TEXT, title TEXT);"
        "CREATE TABLE messages(id TEXT, conversation_id TEXT, role TEXT);"
        "INSERT INTO notes(id, title) VALUES ('n1', 'Trip'), ('n2', '');"
        "INSERT INTO conversations VALUES ('c1', 'Plans');"
        "INSERT INTO messages VALUES ('m1', 'c1', 'user'), ('m2', 'c1', 'assistant');"
    )
    return c


def test_source_title_and_description_agree_on_deleted_sources(conn: sqlite3.Connection) -> None:
    note, gone_note = _Mem("note", "n1"), _Mem("note", "zz")
    mine, reply, gone_msg = _Mem("message", "m1", "turn"), _Mem("message", "m2", "turn"), _Mem("message", "zz")
    assert sources.source_title(conn, note) == "Trip"  # type: ignore[arg-type]
    assert sources.source_title(conn, _Mem("note", "n2")) == "Untitled note"  # type: ignore[arg-type]
    assert sources.source_title(conn, mine) == "Plans"  # type: ignore[arg-type]
    assert sources.describe_source(conn, note) == "Note “Trip”"  # type: ignore[arg-type]
    assert sources.describe_source(conn, mine) == "Conversation “Plans” (you)"  # type: ignore[arg-type]
    assert sources.describe_source(conn, reply) == "Conversation “Plans” (Reverie)"  # type: ignore[arg-type]
    for gone, said in ((gone_note, "A note that was deleted"), (gone_msg, "A conversation that was deleted")):
        assert sources.source_title(conn, gone) == said  # type: ignore[arg-type]
        assert sources.describe_source(conn, gone) == said  # type: ignore[arg-type]


def _local(*args: int) -> float:
    from datetime import datetime

    return datetime(*args).timestamp()


def test_spoken_when_is_as_short_as_it_can_be_read() -> None:
    now = _local(2026, 12, 10, 18, 0)  # a Thursday
    assert sources.spoken_when(_local(2026, 12, 10, 9, 5), now) == "Today 09:05"
    assert sources.spoken_when(_local(2026, 12, 8, 14, 2), now) == "Tue 14:02"
    assert sources.spoken_when(_local(2026, 12, 3, 14, 2), now) == "3 Dec"
    assert sources.spoken_when(_local(2025, 12, 3, 14, 2), now) == "3 Dec 2025"


def test_cite_label_names_the_exact_source(vault) -> None:
    from reverie.core import conversations, ingest, notes
    from reverie.core.records import MEMORY_COLS, Memory

    garage = conversations.create_conversation(vault, "Garage and the camper van in winter storage")
    said = conversations.add_message(vault, garage.id, "user", "I parked the camper van in garage twelve.")
    maya = conversations.add_message(vault, garage.id, "user", "Bring the keys.", speaker="Maya")
    note = notes.create_note(vault, "# Family\n\nAnna's birthday is on March 3rd.")
    with vault.tx() as conn:
        ingest.insert_memory(
            conn,
            vault.now(),
            kind="fact",
            source_kind="consolidation",
            source_id="run",
            text="The user has a camper van.",
            actor="consolidation",
        )

    def memory(source_id: str) -> Memory:
        with vault.read() as conn:
            row = conn.execute(f"SELECT {MEMORY_COLS} FROM memories WHERE source_id = ?", (source_id,)).fetchone()
        return Memory.from_row(row)

    now = vault.now()
    with vault.read() as conn:
        when = sources.spoken_when(said.happened_at, now)
        here = sources.cite_label(conn, memory(said.id), open_conversation=garage.id, now=now)
        assert here == f"You · {when}"
        elsewhere = sources.cite_label(conn, memory(maya.id), open_conversation="another", now=now)
        assert elsewhere.startswith(f"Maya · {when} · Garage and the camper")
        assert elsewhere.endswith("…") and len(elsewhere.split(" · ")[-1]) <= sources.CITE_TITLE_LIMIT
        assert sources.cite_label(conn, memory(note.id), open_conversation=None, now=now) == "Family"
        assert sources.cite_label(conn, memory("run"), open_conversation=None, now=now) == "Fact"
    gone = memory(said.id)
    conversations.delete_conversation(vault, garage.id)
    with vault.read() as conn:
        assert sources.cite_label(conn, gone, open_conversation=None, now=now) == sources.DELETED["message"]
