"""Reading Markdown as Obsidian users write it: tags only from prose, plain text for snippets."""

from __future__ import annotations

import pytest

from reverie.core import notes
from reverie.core.mdsyntax import inline_tags, plain_text
from reverie.core.transfer import markdown_import


@pytest.mark.parametrize(
    ("body", "tags"),
    [
        ("Read [the paper](https://example.org/paper.pdf#page=12) tonight #reading", ["reading"]),
        ("Bare link https://example.org/doc.pdf#page=3 and www.example.org/#top", []),
        ("```css\n.box {\n  #height: 3em;\n  color: #fff;\n}\n```\nAfter the code #design", ["design"]),
        ("~~~\n#notatag\n~~~\n````md\n```\n#stillcode\n````\n#real", ["real"]),
        ("Use `#define X` or ``#pragma once`` in C #code", ["code"]),
        ("See [[Kyoto#Temples]] and [[Kyoto#Temples|the temples]] #travel", ["travel"]),
        ("![[icon.svg#icon]] ![alt](pic.png#frag) [text](url#frag)", []),
        ("# Heading\n## Another heading\n#tag-in-text", ["tag-in-text"]),
        ("Numbers are no tags: #2023 #12-05, HTML entities neither: &#123; but #2023-review is", ["2023-review"]),
        ("Nested #area/sub-area and (#paren) and #twice #twice", ["area/sub-area", "paren", "twice"]),
        ("    indented code #notatag\n\t- a nested list item #listed", ["listed"]),
        ("<https://example.org/#frag> a#b c", []),
        ("<!-- #hidden --> %% #private %% #shown", ["shown"]),
        ("> [!Example] Styles\n> ```css\n> .icon { #height: 2em }\n> ```\n> #callout-tag", ["callout-tag"]),
        ("[p. 3](#page=3) and [[Paper.pdf#page=12]] and ![[Paper.pdf#page=4|x]]", []),
    ],
)
def test_tags_come_only_from_tag_syntax_in_prose(body, tags):
    assert inline_tags(body) == tags


def test_the_markdown_import_and_notes_written_in_reverie_read_tags_the_same_way(vault):
    body = "Paper: https://example.org/a.pdf#page=3\n\n```css\n#height: 1px\n```\n\n#kyoto trip"
    assert markdown_import.inline_tags is inline_tags
    note = notes.create_note(vault, body, "Trip", tags="plans")
    assert note.tags == ("plans", "kyoto")
    # A tag the text no longer holds goes; one given as a tag stays.
    edited, _ = notes.update_note(vault, note.id, body="No hashtag now, #osaka instead")
    assert edited.tags == ("plans", "osaka")
    assert notes.get_note(vault, note.id).tags == ("plans", "osaka")


def test_plain_text_drops_markup_and_keeps_highlights_on_the_same_words():
    text = (
        "> [!Example] Kyoto shrines\n> **Fushimi Inari** is a *shrine* with [[Torii#Gates|gates]] "
        "![[icon.svg#icon]] and a [map](https://maps.example/#kyoto).\n## Getting there ##\n"
        "Take the `JR Nara` line, ==not== the __bus__; snake_case stays."
    )
    words = ["Kyoto", "Fushimi", "shrine", "gates", "map", "Getting", "JR", "bus", "snake_case"]
    spans = tuple(sorted((text.index(w), text.index(w) + len(w)) for w in words))
    plain, moved = plain_text(text, spans)
    assert plain == (
        "Kyoto shrines\nFushimi Inari is a shrine with gates  and a map.\nGetting there\n"
        "Take the JR Nara line, not the bus; snake_case stays."
    )
    assert [plain[s:e] for s, e in moved] == sorted(words, key=text.index)
    for mark in ("[!", "**", "![[", "](", "##", "`", "==", "__"):
        assert mark not in plain


def test_a_highlight_inside_dropped_markup_goes_and_plain_text_is_kept_as_is():
    text = "see [doc](https://kyoto.example) now"
    s = text.index("kyoto")
    assert plain_text(text, ((s, s + 5),)) == ("see doc now", ())
    assert plain_text("plain words, 2 * 3 = 6, a_b", ((0, 5),)) == ("plain words, 2 * 3 = 6, a_b", ((0, 5),))


def test_a_search_hit_is_shown_as_plain_text_with_its_highlights_on_the_words(vault):
    from embedfakes import FakeEmbedder

    from reverie.core.retrieval import Retriever

    notes.create_note(
        vault, "> [!Example] Kyoto\n> **Fushimi Inari** has ![[icon.svg#icon]] [[Torii|gates]].", "Shrines"
    )
    (hit,) = Retriever(vault, FakeEmbedder()).search("Fushimi gates", now=vault.now(), mode="bm25").hits
    assert [hit.memory.text[s:e] for s, e in hit.highlights] == ["Fushimi", "gates"]  # unchanged: raw text
    text, spans = hit.shown()
    assert text == "Kyoto\nFushimi Inari has  gates." and [text[s:e] for s, e in spans] == ["Fushimi", "gates"]


def test_a_long_line_of_unclosed_links_is_read_in_bounded_steps():
    # Each unclosed ``[[`` or ``](`` used to scan to the line's end: quadratic on a long line. The
    # patterns now look a bounded way ahead, so the steps grow with the line, not its square:
    # counted as regex work through the number of characters the masks can visit.
    from reverie.core import mdsyntax

    line = "[[" * 5000 + " #real"
    assert mdsyntax.inline_tags(line) == ["real"]
    assert "{0,300}" in mdsyntax._NOT_PROSE.pattern and "{0,2000}" in mdsyntax._NOT_PROSE.pattern
