"""The small text helpers behind the screens: query sanitising, highlights, citation links,
UTF-16 positions, and the words-only searcher on a real vault."""

from __future__ import annotations

from reverie.app.ui.chat.bubble import linked_markdown
from reverie.app.ui.search.words import WordFilters, WordSearcher, highlight_spans, match_expression, query_words
from reverie.app.ui.uikit import highlighted_html, utf16_offset
from reverie.core import conversations, notes


def test_query_syntax_becomes_plain_words():
    assert query_words('"((') == []
    assert query_words("*") == []
    assert query_words('tea NEAR(coffee) "x') == ["tea", "NEAR", "coffee", "x"]
    assert match_expression(["tea", "cof"]) == '"tea" "cof"*'
    assert match_expression(["tea", "cof"], any_word=True) == '"tea" OR "cof"*'
    assert query_words("猫が好き") == ["猫", "が", "好", "き"]


def test_highlights_merge_and_escape():
    text = "Tea <b>and</b> teapots; TEA time"
    spans = highlight_spans(text, ["tea"])
    assert [text[s:e] for s, e in spans] == ["Tea", "tea", "TEA"]
    html = highlighted_html(text, spans)
    assert "&lt;b&gt;and&lt;/b&gt;" in html and html.count("<b style") == 3


def test_long_text_excerpt_starts_near_the_first_highlight():
    text = "x " * 500 + "needle here" + " y" * 500
    html = highlighted_html(text, [(1000, 1006)], limit=120)
    assert html.startswith("…") and html.endswith("…") and ">needle</b>" in html


def test_citation_markers_become_links_outside_code():
    md = "Anna was born in March [1], see also [2].\n\n`a[3]`\n\n```\nx[4]\n```\n[link](http://x) [5](y)"
    out = linked_markdown(md)
    assert "(cite:1)" in out and "(cite:2)" in out
    assert "cite:3" not in out and "cite:4" not in out and "cite:5" not in out


def test_utf16_offsets_count_astral_characters_twice():
    text = "🌷a🚲b"
    assert [utf16_offset(text, i) for i in range(5)] == [0, 2, 3, 5, 6]
    assert utf16_offset("plain", 3) == 3 and utf16_offset("ab", 99) == 2


def test_words_searcher_filters_and_falls_back_to_any_word(vault, clock):
    note = notes.create_note(vault, "# Bikes\n\nThe red bicycle has a flat tyre.")
    conv = conversations.create_conversation(vault, "Chat")
    conversations.add_message(vault, conv.id, "user", "I should fix the bicycle tomorrow.")
    searcher = WordSearcher(vault)
    both = searcher.search("bicycle", now=clock.now(), k=10)
    assert {h.memory.kind for h in both.hits} == {"note", "chat"}
    only_notes = searcher.search("bicycle", now=clock.now(), filters=WordFilters(kinds=("note",)))
    assert [h.source_title for h in only_notes.hits] == ["Bikes"]
    assert only_notes.hits[0].memory.source_id == note.id
    any_word = searcher.search("when is the bicycle party", now=clock.now())
    assert any_word.hits  # no passage has every word; any will do
    future = searcher.search("bicycle", now=clock.now(), filters=WordFilters(since=clock.now() + 10))
    assert future.hits == []
