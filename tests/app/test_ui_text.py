"""The small text helpers behind the screens: query sanitising, highlights, citation links,
and UTF-16 positions."""

from __future__ import annotations

from reverie.app.ui.chat.bubble import linked_markdown
from reverie.app.ui.uikit import highlighted_html, utf16_offset
from reverie.core.fts import highlight_spans


def test_highlights_merge_and_escape():
    text = "Tea <b>and</b> teapots; TEA time"
    spans = highlight_spans(text, ["tea"])
    assert [text[s:e] for s, e in spans] == ["Tea", "TEA"]  # whole words: not "teapots"
    assert [text[s:e] for s, e in highlight_spans(text, ["tea*"])] == ["Tea", "teapots", "TEA"]
    html = highlighted_html(text, spans)
    assert "&lt;b&gt;and&lt;/b&gt;" in html and html.count("<b style") == 2


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
