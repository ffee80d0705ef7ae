"""Hybrid search: words (FTS5 BM25) and meaning (vector similarity), fused, then re-ranked.

``Retriever.search(query, now=...)``:

1. A time phrase ("last Tuesday", "notes from March") becomes a date range and leaves the text
   (``core.timeparse``); it narrows the filters.
2. BM25 over the words index (``core.fts.build_match`` makes any text a safe MATCH expression)
   and cosine similarity over the in-memory vector index (``core.vectorindex``) each give a
   ranked candidate list, both under the same filters (kind, date range, archived).
3. The lists (and any extra rankers of ``RetrievalConfig``) are fused by weighted reciprocal rank
   fusion and re-ranked by retention and importance so that the best match is never buried
   (``core.ranking`` documents the formula and its guarantee).
4. Each hit carries its memory (with provenance), the title of its source, a score breakdown
   and the character spans of the query's words in its text.

Without an embedder (or before vectors land) search works by words alone.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import numpy as np

from reverie.core import fts, query_expansion, ranking, rerank
from reverie.core.embedding import vector_id
from reverie.core.errors import InputError
from reverie.core.protocols import Embedder
from reverie.core.records import MEMORY_COLS, Memory
from reverie.core.searchtypes import (
    ARCHIVED,
    MODES,
    ExtraRanker,
    Hit,
    RetrievalConfig,
    SearchFilters,
    SearchResult,
    filter_sql,
)
from reverie.core.timeparse import parse_time_phrase
from reverie.core.vectorindex import index_for

__all__ = [
    "ARCHIVED", "MODES", "ExtraRanker", "Hit", "RetrievalConfig", "Retriever", "SearchFilters", "SearchResult",
]

log = logging.getLogger(__name__)
MAX_K = 1000
# Words that name what to look through rather than what to look for ("notes from March").
GENERIC = {
    "note": ("note",), "notes": ("note",), "chat": ("chat",), "chats": ("chat",),
    "conversation": ("chat",), "conversations": ("chat",), "message": ("chat",), "messages": ("chat",),
    "fact": ("fact",), "facts": ("fact",), "summary": ("summary",), "summaries": ("summary",),
    "memory": (), "memories": (), "thing": (), "things": (), "stuff": (), "everything": (),
    "anything": (), "something": (), "wrote": (), "write": (), "written": (), "said": (), "say": (),
    "talked": (), "talk": (), "discussed": (), "happened": (),
}


_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="reverie-words")
        return _POOL


_TITLE = (
    "CASE m.source_kind WHEN 'note' THEN (SELECT title FROM notes WHERE id = m.source_id) "
    "WHEN 'message' THEN (SELECT c.title FROM messages g JOIN conversations c ON c.id = g.conversation_id "
    "WHERE g.id = m.source_id) END"
)
FUSION_FLOOR = 0.05
# The indexed turns just before and after each candidate turn, in the same conversation (a turn
# that is not indexed, such as a failed reply, is skipped).
_NEAREST = (
    "(SELECT n.id FROM messages h JOIN memories n ON n.source_kind = 'message' AND n.source_id = h.id "
    "WHERE h.conversation_id = g.conversation_id AND (h.seq {op} g.seq OR (h.seq = g.seq AND n.seq {op} m.seq)) "
    "ORDER BY h.seq {order}, n.seq {order} LIMIT 1)"
)
_NEIGHBOURS = (
    f"SELECT m.id, {_NEAREST.format(op='<', order='DESC')}, {_NEAREST.format(op='>', order='ASC')} "
    "FROM memories m JOIN messages g ON m.source_kind = 'message' AND g.id = m.source_id "
    "WHERE m.id IN ({marks})"
)
_FALLBACK_TITLE = {"note": "Untitled note", "message": "Conversation", "import": "Imported"}


def neighbours_of(conn: Any, ids: list[int]) -> dict[int, list[int]]:
    """Each turn among ``ids`` and the indexed turns next to it, both ways."""
    out: dict[int, list[int]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for a, *near in conn.execute(_NEIGHBOURS.format(marks=",".join("?" * len(chunk))), chunk).fetchall():
            for b in near:
                if b is not None:
                    out.setdefault(int(a), []).append(int(b))
                    out.setdefault(int(b), []).append(int(a))
    return out


def source_title(memory: Memory, title: str | None) -> str:
    if title:
        return title
    if memory.source_kind == "consolidation":
        return memory.kind.title()
    return _FALLBACK_TITLE.get(memory.source_kind, memory.source_kind.title())


class Retriever:
    def __init__(self, vault: Any, embedder: Embedder | None = None, config: RetrievalConfig | None = None) -> None:
        self.vault = vault
        self.embedder = embedder
        self.config = (config or RetrievalConfig()).validate()
        self._df: dict[str, tuple[int, int]] = {}  # word -> (memories holding it, vault size then)

    # -- the lists --------------------------------------------------------------------------
    def word_terms(self, terms: list[str]) -> tuple[list[str], int | None]:
        """The terms worth ranking by (see ``RetrievalConfig.common_fraction``) and the lowest
        memory id to rank among (None: all)."""
        cfg = self.config
        if cfg.common_fraction <= 0 or not terms:
            return terms, None
        words = [t for t in terms if " " not in t]
        with self.vault.read() as conn:
            n = int(conn.execute("SELECT coalesce(max(id), 0) FROM memories").fetchone()[0])
            if n <= cfg.common_min_docs or not words:
                return terms, None
            # fts5vocab counts a word's memories by reading its whole list, as slow as searching
            # for it; counts are kept until the vault has grown by a tenth.
            stale = [t for t in words if t not in self._df or n > self._df[t][1] * 1.1]
            if stale:
                if len(self._df) > 100_000:
                    self._df.clear()
                found = dict(conn.execute(
                    f"SELECT term, doc FROM memories_fts_vocab WHERE term IN ({','.join('?' * len(stale))})",  # noqa: S608
                    stale,
                ).fetchall())
                self._df.update({t: (int(found.get(t, 0)), n) for t in stale})
        df = {t: self._df[t][0] for t in words}
        most = max(cfg.common_min_docs, cfg.common_fraction * n)
        keep = [t for t in terms if df.get(t, 0) <= most]
        if keep:
            return keep, None
        return [min(terms, key=lambda t: df.get(t, 0))], max(0, n - cfg.common_window)

    def bm25(self, match: str, f: SearchFilters, limit: int, *, min_id: int | None = None) -> tuple[list[int], list[float]]:
        """Ids and BM25 scores (higher is better) of the best word matches under the filters."""
        where, params = filter_sql(f)
        over = limit * 3 if where else limit
        window = f" AND rowid > {int(min_id):d}" if min_id else ""
        if min_id:
            where = f"m.id > {int(min_id):d}" + (f" AND {where}" if where else "")
        try:
            with self.vault.read() as conn:
                rows = conn.execute(
                    f"SELECT rowid, -rank FROM memories_fts WHERE memories_fts MATCH ?{window} ORDER BY rank LIMIT ?",  # noqa: S608
                    (match, over),
                ).fetchall()
                if where and rows:
                    marks = ",".join("?" * len(rows))
                    ok = {r[0] for r in conn.execute(
                        f"SELECT m.id FROM memories m WHERE m.id IN ({marks}) AND {where}",  # noqa: S608
                        [r[0] for r in rows] + params,
                    ).fetchall()}
                    kept = [r for r in rows if r[0] in ok]
                    if len(kept) < limit and len(rows) == over:
                        # Selective filters: let SQLite filter while ranking.
                        kept = conn.execute(
                            "SELECT memories_fts.rowid, -bm25(memories_fts) AS s FROM memories_fts "  # noqa: S608
                            f"JOIN memories m ON m.id = memories_fts.rowid WHERE memories_fts MATCH ? AND {where} "
                            "ORDER BY s DESC LIMIT ?",
                            [match, *params, limit],
                        ).fetchall()
                    rows = kept
        except Exception as exc:  # noqa: BLE001 - a query never fails the search; logged
            log.warning("words search failed for %r: %s", match, exc)
            return [], []
        rows = rows[:limit]
        return [int(r[0]) for r in rows], [float(r[1]) for r in rows]

    def vector(self, text: str, f: SearchFilters, limit: int) -> tuple[list[int], list[float]]:
        """Ids and cosine similarities of the memories nearest in meaning, under the filters."""
        if self.embedder is None or not text.strip():
            return [], []
        return self.nearest(np.asarray(self.embedder.embed([text]), dtype=np.float32)[0], f, limit)

    def nearest(self, q: np.ndarray, f: SearchFilters, limit: int) -> tuple[list[int], list[float]]:
        assert self.embedder is not None
        index = index_for(self.vault, vector_id(self.embedder.model_id, self.config.turn_window),
                          int(self.embedder.dim))
        index.refresh(self.vault)
        ids, sims = index.search(q, limit, kinds=f.kinds, since=f.since, until=f.until, archived=f.archived)
        return ids.tolist(), sims.tolist()

    def browse(self, f: SearchFilters, limit: int) -> list[int]:
        where, params = filter_sql(f)
        with self.vault.read() as conn:
            rows = conn.execute(
                f"SELECT m.id FROM memories m {'WHERE ' + where if where else ''} "  # noqa: S608
                "ORDER BY m.happened_at DESC, m.id DESC LIMIT ?",
                [*params, limit],
            ).fetchall()
        return [int(r[0]) for r in rows]

    # -- search ----------------------------------------------------------------------------
    def search(
        self, query: str, *, now: float, k: int = 10, filters: SearchFilters | None = None, mode: str = "hybrid",
        as_you_type: bool = False,
    ) -> SearchResult:
        """Search ``query`` (a time phrase in it becomes a date range). With ``as_you_type``, the last
        word, unless followed by a space, also matches the words it begins ("tomat" finds "tomatoes")."""
        if mode not in MODES:
            raise InputError(f"The search mode must be one of {', '.join(MODES)}.")
        if mode == "vector" and self.embedder is None:
            raise InputError("Search by meaning needs the embedder, which is not loaded; search by words instead.")
        cfg = self.config
        f = (filters or SearchFilters()).validate()
        k = max(1, min(int(k), MAX_K))
        query = query if isinstance(query, str) else str(query)
        text, since, until, phrase = (query, None, None, None)
        if cfg.parse_time:
            text, since, until, phrase = parse_time_phrase(query, now, cfg.tz)
        eff = replace(
            f,
            since=max(x for x in (f.since, since) if x is not None) if (f.since, since) != (None, None) else None,
            until=min(x for x in (f.until, until) if x is not None) if (f.until, until) != (None, None) else None,
        )
        terms = fts.content_terms(fts.query_terms(text), cfg.drop_stopwords)
        if as_you_type and text and not text[-1].isspace():
            terms = fts.as_prefix(terms)
        user_filtered = filters is not None and filters != SearchFilters()
        restricted = phrase is not None or user_filtered
        generic = restricted and bool(terms) and all(t in GENERIC for t in terms)
        empty = eff.since is not None and eff.until is not None and eff.since >= eff.until
        result = SearchResult([], text, since, until, phrase) if empty else self._search(
            text, terms, eff, generic, restricted, since, until, phrase, now, k, mode)
        if not result.hits and phrase is not None and terms and not generic:
            # The phrase may date what was talked about rather than when it was said: look again
            # without its range (the result says so).
            wide = self._search(text, terms, f, False, user_filtered, since, until, phrase, now, k, mode)
            return replace(wide, widened=bool(wide.hits))
        return result

    def _search(self, text: str, terms: list[str], eff: SearchFilters, generic: bool, restricted: bool,
                since: float | None, until: float | None, phrase: str | None, now: float, k: int,
                mode: str) -> SearchResult:
        cfg = self.config
        if generic and not eff.kinds:
            hinted = tuple(dict.fromkeys(kind for t in terms for kind in GENERIC[t]))
            eff = replace(eff, kinds=hinted)
        scored: dict[str, tuple[list[int], list[float]]] = {}
        lists: list[tuple[list[int], float]] = []
        if not generic:
            encoded: Future[np.ndarray] | None = None
            if mode in ("hybrid", "vector") and self.embedder is not None and text.strip():
                # The query is encoded on another thread while the words are searched here (torch
                # and SQLite both let go of the GIL): the words cost almost nothing on top.
                encoded = _pool().submit(self.embedder.embed, [text])
            try:
                if mode in ("hybrid", "bm25"):
                    for name, ids, scores, weight in self._words(
                        terms, text, eff, max(cfg.bm25_candidates, k), cfg.bm25_weight if mode == "hybrid" else 1.0
                    ):
                        if name:
                            scored[name] = (ids, scores)
                        lists.append((ids, weight, scores))
            finally:
                q = np.asarray(encoded.result(), dtype=np.float32)[0] if encoded is not None else None
            if mode in ("hybrid", "vector"):
                scored["vector"] = self.nearest(q, eff, max(cfg.vector_candidates, k)) if q is not None else ([], [])
                lists.append((scored["vector"][0], cfg.vector_weight if mode == "hybrid" else 1.0, scored["vector"][1]))
            if text.strip():
                for extra in cfg.extra_rankers:
                    with self.vault.read() as conn:
                        ids = [int(i) for i in extra.rank(conn, text, eff, cfg.bm25_candidates)]
                    scored[extra.name] = (ids, [0.0] * len(ids))
                    lists.append((ids, extra.weight, []))
        if not any(ids for ids, _, _ in lists):
            if generic or (not terms and restricted):
                return self._browse_result(eff, k, text, since, until, phrase, terms)
            return SearchResult([], text, since, until, phrase)
        return self._ranked_result(lists, scored, eff, now, k, text, since, until, phrase, terms)

    def _words(self, terms: list[str], text: str, eff: SearchFilters, limit: int,
               weight: float) -> list[tuple[str | None, list[int], list[float], float]]:
        """The BM25 list and the lists of the query's expansions: (name, ids, scores, weight)."""
        cfg = self.config
        word_terms, min_id = self.word_terms(terms)
        if cfg.stem_prefixes:
            word_terms = query_expansion.with_stems(word_terms)
        match = fts.match_terms(word_terms)
        if not match:
            return []
        ids, scores = self.bm25(match, eff, limit, min_id=min_id)
        out: list[tuple[str | None, list[int], list[float], float]] = [("bm25", ids, scores, weight)]
        forms = query_expansion.other_forms(word_terms) if cfg.stem_prefixes and cfg.forms_weight > 0 else []
        if forms:
            forms, floor = self.word_terms(forms)  # common forms ("meeting") rank little and cost the most
            if floor is None:
                f_ids, f_scores = self.bm25(fts.match_terms(forms), eff, limit, min_id=min_id)
                out.append(("forms", f_ids, f_scores, weight * cfg.forms_weight))
        for alt in cfg.expansions(text) if cfg.expansions else ():
            alt_match = fts.build_match(alt, drop_stopwords=cfg.drop_stopwords)
            if alt_match and alt_match != match:
                out.append((None, self.bm25(alt_match, eff, cfg.bm25_candidates)[0], [], cfg.expansion_weight))
        return out

    def _ranked_result(self, lists: list[tuple[list[int], float, list[float]]],
                       scored: dict[str, tuple[list[int], list[float]]],
                       eff: SearchFilters, now: float, k: int, text: str, since: float | None,
                       until: float | None, phrase: str | None, terms: list[str]) -> SearchResult:
        cfg = self.config
        fused = self._fuse(lists, text)
        by_fused = sorted(fused, key=lambda m: (-fused[m], m))
        best = fused[by_fused[0]]
        keep = ranking.shortlist(np.array([fused[i] for i in by_fused]), k, cfg.rerank_beta)
        where, params = filter_sql(eff)
        cols = ", ".join(f"m.{c.strip()}" for c in MEMORY_COLS.split(","))
        rows: list[Any] = []
        todo = by_fused[:keep]
        while todo:
            with self.vault.read() as conn:
                rows += conn.execute(
                    f"SELECT {cols}, {_TITLE} FROM memories m WHERE m.id IN ({','.join('?' * len(todo))})"  # noqa: S608
                    f"{' AND ' + where if where else ''}",
                    [*todo, *params],
                ).fetchall()
            # Rows the filters dropped (an extra ranker may not filter) make room for the rest.
            todo = by_fused[keep:] if len(rows) < keep and keep < len(by_fused) else []
            keep = len(by_fused)
        if not rows:
            return SearchResult([], text, since, until, phrase)
        mems = {int(r[0]): (Memory.from_row(r[:-1]), r[-1]) for r in rows}
        cand = np.array(list(mems), dtype=np.int64)
        ms = [m for m, _ in mems.values()]
        f_scores = np.array([fused[int(i)] for i in cand])
        ret = ranking.retention_array(
            now, np.array([m.recorded_at for m in ms]),
            np.array([np.nan if m.last_recalled_at is None else m.last_recalled_at for m in ms]),
            np.array([m.strength for m in ms]), np.array([m.pinned for m in ms]),
        )
        importance = np.array([m.importance for m in ms])
        final, rel, standing = ranking.rerank(
            f_scores, ret, importance, beta=cfg.rerank_beta, retention_weight=cfg.retention_weight,
            importance_weight=cfg.importance_weight, best=best,
        )
        top = ranking.order(final, rel, cand)[:k]
        lookup = {name: {mid: (rank, score) for rank, (mid, score) in enumerate(zip(*pair, strict=True), 1)}
                  for name, pair in scored.items()}
        breakdowns: dict[int, dict[str, float]] = {}
        for j in top:
            mid = int(cand[j])
            b: dict[str, float] = {}
            for name, table in lookup.items():
                if mid in table:
                    b[f"{name}_rank"] = float(table[mid][0])
                    if name in ("bm25", "vector"):
                        b[name] = round(table[mid][1], 6)
            b.update(rrf=round(float(f_scores[j]), 6), relevance=round(float(rel[j]), 6),
                     retention=round(float(ret[j]), 6), importance=float(importance[j]),
                     standing=round(float(standing[j]), 6), final=round(float(final[j]), 6))
            breakdowns[mid] = b
        hits = []
        for j in top:
            mem, title = mems[int(cand[j])]
            hits.append(Hit(mem, float(final[j]), breakdowns[mem.id], source_title(mem, title),
                            fts.highlight_spans(mem.text, terms)))
        return SearchResult(hits, text, since, until, phrase)

    def _fuse(self, lists: list[tuple[list[int], float, list[float]]], text: str) -> dict[int, float]:
        """Fuse the ranked lists (weighted scores or weighted RRF, see ``RetrievalConfig.fusion``),
        then the light turn-aware adjustments: who said it, and the turns around it."""
        cfg = self.config
        if cfg.fusion == "score":
            # Min-max normalised per list, floored at FUSION_FLOOR so that being in a list always counts.
            fused = rerank.score_fusion(
                [dict(zip(ids, sc, strict=True)) if sc and any(sc) else {m: 1.0 / r for r, m in enumerate(ids, 1)}
                 for ids, _, sc in lists],
                [w * (1 - FUSION_FLOOR) for _, w, _ in lists],
            )
            for ids, w, _ in lists:
                for m in ids:
                    fused[m] = fused.get(m, 0.0) + w * FUSION_FLOOR
        else:
            fused = ranking.rrf([(ids, w) for ids, w, _ in lists], cfg.rrf_k)
        if not fused or (cfg.speaker_boost == 1.0 and cfg.neighbour_alpha <= 0 and cfg.conversation_alpha <= 0):
            return fused
        top = sorted(fused, key=lambda m: (-fused[m], m))[: max(cfg.bm25_candidates, cfg.vector_candidates)]
        fused = {m: fused[m] for m in top}
        marks = ",".join("?" * len(top))
        with self.vault.read() as conn:
            if cfg.speaker_boost != 1.0:
                speaker_of = dict(conn.execute(
                    f"SELECT id, speaker FROM memories WHERE id IN ({marks})", top).fetchall())  # noqa: S608
                named = rerank.named_speakers(text, {v for v in speaker_of.values() if v})
                fused = rerank.speaker_boost(fused, speaker_of, named, cfg.speaker_boost)
            if cfg.neighbour_alpha > 0:
                fused = rerank.neighbour_smoothing(fused, neighbours_of(conn, top), cfg.neighbour_alpha)
            if cfg.conversation_alpha > 0:
                conv_of = dict(conn.execute(
                    "SELECT m.id, g.conversation_id FROM memories m JOIN messages g "
                    f"ON m.source_kind = 'message' AND g.id = m.source_id WHERE m.id IN ({marks})", top).fetchall())  # noqa: S608
                members: dict[str, list[int]] = {}
                for mid, cid in conv_of.items():
                    members.setdefault(cid, []).append(int(mid))
                fused = rerank.neighbour_smoothing(
                    fused, {m: [x for x in members[c] if x != m] for m, c in conv_of.items()}, cfg.conversation_alpha)
        return fused

    def _browse_result(self, eff: SearchFilters, k: int, text: str, since: float | None, until: float | None,
                       phrase: str | None, terms: list[str]) -> SearchResult:
        ids = self.browse(eff, k)
        scores = {mid: 1.0 / (i + 1) for i, mid in enumerate(ids)}
        breakdowns = {mid: {"recency_rank": float(i + 1), "final": scores[mid]} for i, mid in enumerate(ids)}
        return SearchResult(self._hits(ids, scores, breakdowns, []), text, since, until, phrase)

    def _hits(self, ids: list[int], scores: dict[int, float], breakdowns: dict[int, dict[str, float]],
              terms: list[str]) -> list[Hit]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        cols = ", ".join(f"m.{c.strip()}" for c in MEMORY_COLS.split(","))
        with self.vault.read() as conn:
            rows = conn.execute(f"SELECT {cols}, {_TITLE} FROM memories m WHERE m.id IN ({marks})", ids).fetchall()  # noqa: S608
        by_id = {int(r[0]): r for r in rows}
        hits: list[Hit] = []
        for mid in ids:
            r = by_id.get(mid)
            if r is None:
                continue
            mem = Memory.from_row(r[:-1])
            hits.append(Hit(mem, scores[mid], breakdowns[mid], source_title(mem, r[-1]),
                            fts.highlight_spans(mem.text, terms)))
        return hits
