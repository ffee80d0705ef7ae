"""Retrieval planning: what a query asks for, decided before anything is searched.

``parse_query`` turns the text the user typed, the filters and the mode into a ``ParsedQuery``;
``Retriever.run`` (``core.retrieval``) carries it out. Planning reads neither the vault nor the
clock (``now`` is passed in), so a plan can be inspected and tested on its own:

1. A time phrase ("last Tuesday", "notes from March") becomes a date range and leaves the text
   (``core.timeparse``); the range narrows the user's filters.
2. The rest of the text becomes content terms (``core.fts``: stop words out unless the
   configuration keeps them); as you type, the last word also matches the words it begins.
3. A query whose every term names what to look through rather than what to look for ("notes
   from March", "conversations last week") under a time phrase or filters is *generic*: it is
   answered by browsing, newest first, and the word names the kinds to browse.
4. When a time phrase's range holds nothing, the search may run again without it
   (``ParsedQuery.widened``): the phrase may date what was talked about, not when it was said.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from reverie.core import fts
from reverie.core.errors import InputError
from reverie.core.searchtypes import MODES, RetrievalConfig, SearchFilters
from reverie.core.timeparse import parse_time_phrase

MAX_K = 1000
# Words that name what to look through rather than what to look for ("notes from March").
GENERIC = {
    "note": ("note",),
    "notes": ("note",),
    "chat": ("chat",),
    "chats": ("chat",),
    "conversation": ("chat",),
    "conversations": ("chat",),
    "message": ("chat",),
    "messages": ("chat",),
    "fact": ("fact",),
    "facts": ("fact",),
    "summary": ("summary",),
    "summaries": ("summary",),
    "memory": (),
    "memories": (),
    "thing": (),
    "things": (),
    "stuff": (),
    "everything": (),
    "anything": (),
    "something": (),
    "wrote": (),
    "write": (),
    "written": (),
    "said": (),
    "say": (),
    "talked": (),
    "talk": (),
    "discussed": (),
    "happened": (),
}


@dataclass(frozen=True, kw_only=True)
class ParsedQuery:
    """A search, planned: everything ``Retriever.run`` needs besides the vault and ``now``."""

    text: str  # the query without its time phrase
    terms: tuple[str, ...]  # its content terms (the last one a prefix when typed as you go)
    filters: SearchFilters  # the user's filters narrowed by the time phrase (kinds named by a generic word)
    user_filters: SearchFilters  # the user's filters alone
    since: float | None  # the time phrase's range, as the result reports it
    until: float | None
    time_phrase: str | None
    mode: str  # "hybrid", "bm25" or "vector"
    k: int  # how many hits, 1..MAX_K
    generic: bool = False  # browse newest first instead of ranking (see the module docstring)
    restricted: bool = False  # a time phrase or the user's filters narrow the search
    empty_range: bool = False  # the time phrase and the filters' dates do not overlap: nothing to find

    @property
    def may_widen(self) -> bool:
        """Whether a search that found nothing is tried again without the time phrase's range."""
        return self.time_phrase is not None and bool(self.terms) and not self.generic

    def widened(self) -> ParsedQuery:
        """The same search under the user's filters alone (the result still reports the phrase)."""
        return replace(
            self,
            filters=self.user_filters,
            generic=False,
            restricted=self.user_filters != SearchFilters(),
            empty_range=False,
        )


def _later(a: float | None, b: float | None) -> float | None:
    return max(x for x in (a, b) if x is not None) if (a, b) != (None, None) else None


def _earlier(a: float | None, b: float | None) -> float | None:
    return min(x for x in (a, b) if x is not None) if (a, b) != (None, None) else None


def parse_query(
    query: str,
    config: RetrievalConfig,
    *,
    now: float,
    k: int = 10,
    filters: SearchFilters | None = None,
    mode: str = "hybrid",
    as_you_type: bool = False,
) -> ParsedQuery:
    """Plan the search of ``query`` (see the module docstring). Raises ``InputError`` for an
    unknown mode or invalid filters."""
    if mode not in MODES:
        raise InputError(f"The search mode must be one of {', '.join(MODES)}.")
    user = (filters or SearchFilters()).validate()
    k = max(1, min(int(k), MAX_K))
    query = query if isinstance(query, str) else str(query)
    text, since, until, phrase = (query, None, None, None)
    if config.parse_time:
        text, since, until, phrase = parse_time_phrase(query, now, config.tz)
    eff = replace(user, since=_later(user.since, since), until=_earlier(user.until, until))
    terms = fts.content_terms(fts.query_terms(text), config.drop_stopwords)
    if as_you_type and text and not text[-1].isspace():
        terms = fts.as_prefix(terms)
    restricted = phrase is not None or user != SearchFilters()
    generic = restricted and bool(terms) and all(t in GENERIC for t in terms)
    empty = eff.since is not None and eff.until is not None and eff.since >= eff.until
    if generic and not eff.kinds:
        eff = replace(eff, kinds=tuple(dict.fromkeys(kind for t in terms for kind in GENERIC[t])))
    return ParsedQuery(
        text=text,
        terms=tuple(terms),
        filters=eff,
        user_filters=user,
        since=since,
        until=until,
        time_phrase=phrase,
        mode=mode,
        k=k,
        generic=generic,
        restricted=restricted,
        empty_range=empty,
    )
