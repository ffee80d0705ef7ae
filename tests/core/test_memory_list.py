"""Memories a page at a time: stable pages, words, state and kind filters, counts."""

from __future__ import annotations

import pytest

from reverie.core import memories, memory_list, notes
from reverie.core.errors import InputError
from reverie.core.memory_list import MemoryQuery


def test_pages_cover_every_memory_once_in_order(vault, clock):
    for i in range(25):
        notes.create_note(vault, f"Note number {i} about tomatoes", happened_at=clock.now() - i)
    q = MemoryQuery(kinds=("note",))
    assert memory_list.count(vault, q) == 25
    seen = [m.id for off in range(0, 30, 10) for m in memory_list.page(vault, q, off, 10)]
    assert len(seen) == len(set(seen)) == 25
    whens = [memories.get_memory(vault, i).happened_at for i in seen]
    assert whens == sorted(whens, reverse=True)


def test_words_need_every_word_and_the_last_may_be_unfinished(vault):
    notes.create_note(vault, "The tomatoes in the garden need water.")
    notes.create_note(vault, "The garden gate is broken.")
    notes.create_note(vault, "Buy tomatoes at the market.")
    assert memory_list.count(vault, MemoryQuery(words="garden tomat")) == 1
    assert memory_list.count(vault, MemoryQuery(words="garden")) == 2
    assert memory_list.count(vault, MemoryQuery(words='"((  *')) == 0  # nothing searchable: nothing
    texts = [m.text for m in memory_list.page(vault, MemoryQuery(words="tomatoes", order="text"), 0, 10)]
    assert texts == sorted(texts, key=str.casefold)


def test_state_filters(vault, clock):
    a = notes.create_note(vault, "First")
    notes.create_note(vault, "Second")
    first = memories.list_memories(vault, source=("note", a.id))[0]
    memories.pin(vault, first.id, True)
    assert [m.text for m in memory_list.page(vault, MemoryQuery(state="pinned"), 0, 10)] == ["First"]
    memories.archive(vault, first.id)
    assert memory_list.count(vault, MemoryQuery(state="archived")) == 1
    assert memory_list.count(vault, MemoryQuery(state="active")) == 1
    assert memory_list.count(vault, MemoryQuery(state="all")) == 2


@pytest.mark.parametrize(
    "query", [MemoryQuery(kinds=("nope",)), MemoryQuery(state="gone"), MemoryQuery(order="sideways")]
)
def test_bad_filters_are_one_clear_error(vault, query):
    with pytest.raises(InputError):
        memory_list.count(vault, query)


@pytest.mark.parametrize("order", sorted(memory_list.KEYS))
def test_pages_after_the_last_memory_walk_every_order_once(vault, clock, order):
    for i in range(23):  # ties in time, kind and strength: the id decides
        notes.create_note(vault, f"{'Bb' if i % 3 else 'aa'} note {i % 4}", happened_at=clock.now() - (i % 5))
    q = MemoryQuery(order=order)
    whole = [m.id for m in memory_list.page(vault, q, 0, 100)]
    walked, last = [], None
    while True:
        got = memory_list.page(vault, q, 0, 4, after=last)
        if not got:
            break
        walked += [m.id for m in got]
        last = got[-1]
    assert walked == whole and len(whole) == 23
