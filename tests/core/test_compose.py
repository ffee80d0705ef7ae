"""Replies Reverie writes itself: acknowledgements with resolved times, and quoted answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reverie.core.compose import acknowledge, best_order, compose_answer, excerpt, key_items, when_label
from reverie.core.prompt import GivenMemory
from reverie.core.records import Memory
from reverie.core.whenparse import find_when

# Wednesday 18 November 2026, 08:26 UTC
NOW = 1_795_000_000.0


def at(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("text", "label", "future", "deadline"),
    [
        ("I booked the dentist for Dec 3 at 2:30", "Thu 3 Dec at 14:30", True, False),
        ("pick up my prescription Monday before 6pm", "Mon 23 Nov before 18:00", True, True),
        ("Lena's dinner on the 14th at 8", "Mon 14 Dec at 20:00", True, False),
        ("my sister Maya is moving to Lisbon in February", "Feb 2027", True, False),
        ("call the bank tomorrow at 9:15am", "Thu 19 Nov at 09:15", True, False),
        ("the flight is on 2027-01-04", "Mon 4 Jan 2027", True, False),
        ("I met Anna on Nov 2", "Mon 2 Nov", False, False),
        ("I went to the Louvre last Tuesday", "Tue 17 Nov", False, False),
        ("the party is next Friday at 7", "Fri 20 Nov at 19:00", True, False),
        ("in 3 days I start the new job", "Sat 21 Nov", True, False),
    ],
)
def test_statements_name_a_moment(text: str, label: str, future: bool, deadline: bool) -> None:
    when = find_when(text, NOW, UTC)
    assert when is not None, text
    assert when.label(NOW, UTC) == label
    assert when.future is future
    assert when.deadline is deadline


@pytest.mark.parametrize(
    "text", ["I feel tired today", "I'm reading Klara and the Sun", "May I add 3 apples", "I have 2 cats"]
)
def test_no_moment(text: str) -> None:
    assert find_when(text, NOW, UTC) is None


def test_acknowledgements_name_the_key_items_and_the_time() -> None:
    def ack(text: str) -> str:
        return acknowledge(text, find_when(text, NOW, UTC), NOW, UTC).text

    assert ack("I booked the dentist for Dec 3 at 2:30") == "Noted: dentist, Thu 3 Dec at 14:30 [1]"
    assert ack("my sister Maya is moving to Lisbon in February") == "Noted: sister Maya, Lisbon, Feb 2027 [1]"
    assert ack("I'm reading Klara and the Sun") == "Noted: Klara and the Sun [1]"
    assert ack("pick up my prescription Monday before 6pm") == "Noted: prescription, Mon 23 Nov before 18:00 [1]"
    assert acknowledge("ok so", None, NOW, UTC).text == "Noted. [1]"
    assert acknowledge("I like tea", None, NOW, UTC, n=None).text == "Noted: tea"


def test_key_items_join_titles_and_skip_sentence_openers() -> None:
    assert key_items("Yesterday Tom and I watched The Lord of the Rings") == ["Tom", "Lord of the Rings"]
    assert key_items("Booked a table at Chez Panisse") == ["table", "Chez Panisse"]
    assert key_items("Lena's dinner on the 14th") == ["Lena's dinner"]


def mem(
    mid: int,
    text: str,
    *,
    kind: str = "chat",
    speaker: str | None = "User",
    happened: float = NOW - 86400,
    trust: str = "user",
) -> Memory:
    return Memory(
        mid,
        f"u{mid}",
        kind,
        "message" if kind == "chat" else "note",
        f"s{mid}",
        0,
        len(text),
        0,
        text,
        "",
        speaker,
        happened,
        happened,
        None,
        None,
        f"h{mid}",
        trust,
        0.5,
        7.0,
        None,
        0,
        False,
        False,
        None,
        None,
        {},
    )


def test_the_composed_answer_quotes_who_said_it_and_when() -> None:
    given = [
        GivenMemory(1, mem(1, "I booked the dentist for Dec 3 at 2:30"), "Chat"),
        GivenMemory(2, mem(2, "Remember to floss", kind="note", speaker=None, happened=at(2026, 11, 2)), "Health"),
        GivenMemory(
            3, mem(3, "The dentist is Dr. Wu on Main Street", speaker="Caroline", happened=at(2025, 5, 8)), "Chat"
        ),
    ]
    out = compose_answer("When is my dentist appointment?", given, NOW, UTC)
    first, also = out.text.split("\n\n")
    assert first == "You said yesterday: “I booked the dentist for Dec 3 at 2:30” [1]"
    assert also == "Also Caroline said on 8 May 2025: “The dentist is Dr. Wu on Main Street” [3]."
    assert out.cited == [1, 3]  # the note about flossing shares no word with the question: not named


def test_with_nothing_on_topic_the_next_memories_are_named_as_also() -> None:
    given = [
        GivenMemory(1, mem(1, "Lisbon in February"), "Chat"),
        GivenMemory(2, mem(2, "A flat by the river"), "Chat"),
    ]
    out = compose_answer("Where is Maya going?", given, NOW, UTC)
    assert out.cited == [1, 2]


def test_the_answer_kind_asked_for_comes_first_among_the_top_three() -> None:
    a = GivenMemory(1, mem(1, "The dentist was very kind to me"), "Chat")
    b = GivenMemory(2, mem(2, "Dentist booked for Dec 3 at 2:30"), "Chat")
    assert [g.n for g in best_order("When is the dentist?", [a, b])] == [2, 1]
    assert [g.n for g in best_order("What did the dentist say?", [a, b])] == [1, 2]
    c = GivenMemory(3, mem(3, "Booked for Dec 3 at 2:30"), "Chat")  # a date, but not about the dentist
    assert [g.n for g in best_order("When is the dentist?", [c, a])] == [1, 3]


def test_a_long_memory_is_quoted_where_it_answers() -> None:
    text = ("We left early. " * 20) + "The ferry to Naxos leaves at 7:40 from gate E2. " + ("It was sunny. " * 20)
    quoted = excerpt(text, "When does the ferry to Naxos leave?", 120)
    assert "ferry to Naxos leaves at 7:40" in quoted and quoted.startswith("…") and len(quoted) <= 130


def test_when_labels() -> None:
    assert when_label(NOW - 3600, NOW, UTC) == "today"
    assert when_label(NOW - 86400, NOW, UTC) == "yesterday"
    assert when_label(NOW - 3 * 86400, NOW, UTC) == "on Sunday"
    assert when_label(at(2025, 3, 1), NOW, UTC) == "on 1 Mar 2025"


def test_two_memories_saying_the_same_words_are_quoted_once() -> None:
    given = [
        GivenMemory(1, mem(1, "I got promoted at work today!", speaker="John"), "Chat"),
        GivenMemory(
            2, mem(2, "Wow John! Congrats on the promotion at work! How did it feel?", speaker="Maria"), "Chat"
        ),
        GivenMemory(3, mem(3, "Wow, John! Congrats on the promotion at work! Tell me more.", speaker="Maria"), "Chat"),
    ]
    out = compose_answer("What did John get promoted to at work?", given, NOW, UTC)
    assert out.text.count("Congrats on the promotion") == 1 and out.cited == [1, 2, 3]
    assert out.text.endswith("More on this: [3].")
