"""Retrieval planning: a query, its filters and mode become a ParsedQuery, without the vault."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reverie.core.errors import InputError
from reverie.core.queryplan import MAX_K, parse_query
from reverie.core.searchtypes import RetrievalConfig, SearchFilters

CFG = RetrievalConfig(tz=UTC)
NOW = datetime(2026, 5, 20, 12, tzinfo=UTC).timestamp()


def ts(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


def test_a_time_phrase_leaves_the_text_and_narrows_the_filters() -> None:
    plan = parse_query("trip to Kyoto last Tuesday", CFG, now=NOW)
    assert plan.text == "trip to Kyoto" and plan.terms == ("trip", "kyoto")
    assert plan.time_phrase == "last Tuesday"
    assert (plan.since, plan.until) == (ts(2026, 5, 19), ts(2026, 5, 20))
    assert (plan.filters.since, plan.filters.until) == (plan.since, plan.until)
    assert plan.restricted and not plan.generic and plan.may_widen
    wide = plan.widened()
    assert wide.filters == SearchFilters() and not wide.restricted
    assert (wide.since, wide.time_phrase, wide.terms) == (plan.since, plan.time_phrase, plan.terms)


def test_words_that_name_what_to_browse_make_a_generic_plan_of_their_kind() -> None:
    plan = parse_query("notes from March", CFG, now=NOW)
    assert plan.generic and plan.filters.kinds == ("note",) and not plan.may_widen
    assert plan.filters.since == ts(2026, 3, 1) and plan.filters.until == ts(2026, 4, 1)
    # Without a time phrase or a filter the same words are searched for.
    assert not parse_query("notes", CFG, now=NOW).generic
    # The user's kinds win over the hinted ones.
    chats = parse_query("notes from March", CFG, now=NOW, filters=SearchFilters(kinds=("chat",)))
    assert chats.generic and chats.filters.kinds == ("chat",)


def test_the_user_filters_and_the_phrase_may_not_overlap() -> None:
    plan = parse_query("Kyoto in March", CFG, now=NOW, filters=SearchFilters(since=ts(2026, 4, 1)))
    assert plan.empty_range and plan.filters.since == ts(2026, 4, 1) and plan.filters.until == ts(2026, 4, 1)
    assert not plan.widened().empty_range and plan.widened().filters.until is None


def test_as_you_type_the_last_word_is_a_prefix_unless_a_space_follows() -> None:
    assert parse_query("tomat", CFG, now=NOW, as_you_type=True).terms == ("tomat*",)
    assert parse_query("tomat ", CFG, now=NOW, as_you_type=True).terms == ("tomat",)
    assert parse_query("tomat", CFG, now=NOW).terms == ("tomat",)


def test_k_is_clamped_and_bad_input_is_one_sentence() -> None:
    assert parse_query("x", CFG, now=NOW, k=0).k == 1
    assert parse_query("x", CFG, now=NOW, k=10**9).k == MAX_K
    with pytest.raises(InputError, match="mode"):
        parse_query("x", CFG, now=NOW, mode="fuzzy")
    with pytest.raises(InputError, match="kind"):
        parse_query("x", CFG, now=NOW, filters=SearchFilters(kinds=("nope",)))
    with pytest.raises(InputError, match="fusion must be one of score, rrf"):
        RetrievalConfig(fusion="sum").validate()
    # Time phrases can be switched off: the text stays whole.
    plain = parse_query("trip last Tuesday", RetrievalConfig(tz=UTC, parse_time=False), now=NOW)
    assert plain.time_phrase is None and plain.text == "trip last Tuesday" and not plain.restricted
