"""Safe FTS5 queries: nothing a person types is a syntax error; CJK and emoji are found by their words."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlcipher3 import dbapi2 as sqlite

from reverie.core import fts, notes
from reverie.core.retrieval import Retriever
from reverie.core.textindex import index_text

NASTY = [
    '"',
    '""',
    '"unbalanced',
    "trip*",
    "*",
    "NEAR(a b)",
    "a NEAR b",
    "AND",
    "OR",
    "NOT",
    "a AND",
    "(",
    ")",
    "((a)",
    "a:b",
    "body:trip",
    "^trip",
    "-trip",
    "+",
    "a OR (b AND",
    "\x00\x01\x1f",
    "\u202e\u200d\ufe0f",
    "",
    "   ",
    "'; DROP TABLE memories; --",
    "NEAR/3",
    "{body}: x",
    "\ud800",
]


@pytest.fixture(scope="module")
def fts_conn():
    conn = sqlite.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')")
    for text in ("we planned the trip to Lisbon", "我们明天去北京旅行", "sushi night 🍣 with Anna", "café au lait"):
        conn.execute("INSERT INTO t(body) VALUES (?)", (index_text(text),))
    return conn


def _hits(conn, query: str) -> list[int]:
    match = fts.build_match(query)
    if match is None:
        return []
    return [r[0] for r in conn.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rank", (match,))]


@pytest.mark.parametrize("query", NASTY)
def test_operators_and_junk_never_raise(fts_conn, query):
    _hits(fts_conn, query)


def test_empty_and_punctuation_only_give_none():
    assert fts.build_match("") is None
    assert fts.build_match("  ?! ((  ") is None
    assert fts.build_match("\x00\x07") is None


def test_words_are_quoted_and_ored_without_stopwords():
    assert fts.build_match('What did I decide about the "trip"?') == '"decide" OR "trip"'
    assert fts.build_match("the of and") == '"the" OR "of" OR "and"'  # nothing else: keep them
    assert fts.build_match("AND NEAR") == '"near"'  # operators are plain words


def test_huge_query_is_capped(fts_conn):
    query = " ".join(f"w{i}" for i in range(20_000))[:100_000]
    match = fts.build_match(query)
    assert match is not None and match.count(" OR ") == fts.MAX_TERMS - 1
    _hits(fts_conn, query)


def test_cjk_words_become_phrases_and_emoji_tokens(fts_conn):
    assert fts.build_match("北京") == '"北 京"'
    assert _hits(fts_conn, "北京") == [2]
    assert _hits(fts_conn, "京北") == []  # the characters in another order are another word
    assert _hits(fts_conn, "🍣") == [3]
    assert _hits(fts_conn, "LISBON trips") == [1]  # case-insensitive; "trips" is not "trip" (no stemming)
    assert _hits(fts_conn, "cafe") == [4]  # diacritics removed on both sides


def test_highlight_spans():
    text = "Trips to Lisbon: the trip was planned in 北京 🍣."
    spans = fts.highlight_spans(text, fts.content_terms(fts.query_terms("trip lisbon 北京 🍣")))
    assert [text[s:e] for s, e in spans] == ["Trips", "Lisbon", "trip", "北京", "🍣"]
    assert fts.highlight_spans("tripod", ["trip"]) == ()
    assert fts.highlight_spans("", ["trip"]) == ()


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300)
    | st.sampled_from(NASTY)
    | st.lists(
        st.sampled_from(['"', "*", "(", ")", "AND", "OR", "NOT", "NEAR", "^", ":", "x", "北京", "🍣", " "]), max_size=20
    ).map("".join)
)
def test_property_any_text_is_a_valid_match(fts_conn, query):
    _hits(fts_conn, query)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=200))
def test_property_search_never_raises(vault, query):
    if not vault.counts()["notes"]:
        notes.create_note(vault, "We planned the trip to Lisbon in May. 我们去北京 🍣", "Trip")
    result = Retriever(vault).search(query, now=vault.now())
    assert isinstance(result.hits, list)


def test_as_you_type_marks_only_a_plain_unfinished_word(vault, clock):
    assert fts.as_prefix(["garden", "tomat"]) == ["garden", "tomat*"]
    assert fts.as_prefix(["to"]) == ["to"] and fts.as_prefix(["东 京"]) == ["东 京"] and fts.as_prefix([]) == []
    assert fts.match_terms(["tomat*"]) == '"tomat"*'
    notes.create_note(vault, "The tomatoes need watering.")
    r = Retriever(vault)
    assert r.search("tomat", now=clock.now()).hits == []
    (hit,) = r.search("tomat", now=clock.now(), as_you_type=True).hits
    assert hit.memory.text[slice(*hit.highlights[0])] == "tomatoes"
    assert r.search("tomat ", now=clock.now(), as_you_type=True).hits == []  # a finished word is whole
