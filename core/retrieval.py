"""Hybrid search: words (FTS5 BM25) and meaning (vector similarity), fused, then re-ranked.

``Retriever.search(query, now=...)`` plans, then runs:

1. ``core.queryplan.parse_query`` makes a ``ParsedQuery``: the text without its time phrase
   (the phrase becomes a date range that narrows the filters), its content terms, the mode,
   and whether the query only names what to browse ("notes from March").
2. ``Retriever.run`` searches by it. BM25 over the words index (``core.fts`` makes any text a
   safe MATCH expression; other forms of the words and extra phrasings are lists of their own)
   and cosine similarity over the in-memory vector index (``core.vectorindex``) each give a
   ``RankedList`` under the same filters (kind, date range, archived), as does any extra ranker
   of ``RetrievalConfig``.
3. The lists are fused by ``core.ranking.fuse``: score fusion (min-max normalised scores,
   weighted) by default, weighted reciprocal rank fusion with ``fusion="rrf"``. Light
   turn-aware adjustments follow (``core.rerank``: who said it, the turns around it, the best
   turn of its conversation), then the re-rank by retention and importance, which never buries
   the best match (``core.ranking`` documents the formulas and the guarantee).
4. Each hit carries its memory (with provenance), the title of its source (``core.sources``), a
   score breakdown and the character spans of the query's words in its text.

A query whose time phrase's range holds nothing is searched again without the range (the result
says so). Without an embedder (or before vectors land) search works by words alone.
"""

from __future__ import annotations

import contextlib
import logging
import unicodedata
from concurrent.futures import Future
from dataclasses import replace
from typing import Any

import numpy as np

from reverie.core import fts, query_expansion, ranking, rerank, sources
from reverie.core.embedding import vector_id
from reverie.core.errors import InputError, ModelError
from reverie.core.pools import LazyPool
from reverie.core.protocols import Embedder
from reverie.core.queryplan import GENERIC, MAX_K, ParsedQuery, parse_query
from reverie.core.ranking import FUSION_FLOOR, RankedList
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
from reverie.core.vectorindex import VectorIndex, candidates, index_for

__all__ = [
    "ARCHIVED",
    "FUSION_FLOOR",
    "GENERIC",
    "MAX_K",
    "MODES",
    "ExtraRanker",
    "Hit",
    "ParsedQuery",
    "RankedList",
    "RetrievalConfig",
    "Retriever",
    "SearchFilters",
    "SearchResult",
]

log = logging.getLogger(__name__)


_pool = LazyPool("reverie-words", lambda: 2)


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
_COLS = ", ".join(f"m.{c.strip()}" for c in MEMORY_COLS.split(","))


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


def _vocab_key(term: str) -> str:
    """``term`` as the words index stores it (unicode61 with remove_diacritics 2: "Café" is "cafe")."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", term) if not unicodedata.combining(c))
    return bare.casefold()


def _prefix_count(conn: Any, prefix: str, cap: int) -> int:
    """The memories holding the words ``prefix`` begins, summed word by word (an upper bound); the
    count stops past ``cap`` (each word's count reads its whole list: a short prefix begins many)."""
    if not prefix:
        return 0
    end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    total = 0
    for (doc,) in conn.execute("SELECT doc FROM memories_fts_vocab WHERE term >= ? AND term < ?", (prefix, end)):
        total += int(doc or 0)
        if total > cap:
            break
    return total


def _result(plan: ParsedQuery, hits: list[Hit]) -> SearchResult:
    return SearchResult(hits, plan.text, plan.since, plan.until, plan.time_phrase)


class Retriever:
    def __init__(self, vault: Any, embedder: Embedder | None = None, config: RetrievalConfig | None = None) -> None:
        self.vault = vault
        self.embedder = embedder
        self.config = (config or RetrievalConfig()).validate()
        self._df: dict[str, tuple[int, int]] = {}  # word -> (memories holding it, vault size then)

    # -- the lists --------------------------------------------------------------------------
    def word_terms(self, terms: list[str], budget: int | None = None) -> tuple[list[str], int | None]:
        """The terms worth ranking by and the lowest memory id to rank among (None: all). Left out:
        words in more than ``RetrievalConfig.common_fraction`` of the memories, then, rarest first,
        the terms past ``budget`` memories in all (``words_budget`` unless given; a prefix such as
        "tomat*" counts every word it begins, and only the budget applies to it). When every term
        is left out, the rarest is ranked among the newest ``common_window`` memories."""
        cfg = self.config
        budget = cfg.words_budget if budget is None else budget
        if (cfg.common_fraction <= 0 and budget <= 0) or not terms:
            return terms, None
        with self.vault.read() as conn:
            n = int(conn.execute("SELECT coalesce(max(id), 0) FROM memories").fetchone()[0])
            if n <= cfg.common_min_docs or not any(" " not in t for t in terms):
                return terms, None
            df = self._doc_counts(conn, [t for t in terms if " " not in t], n, budget)
        most = max(cfg.common_min_docs, cfg.common_fraction * n) if cfg.common_fraction > 0 else n
        keep = self.within_budget([t for t in terms if t.endswith("*") or df.get(t, 0) <= most], budget)
        if keep:
            return keep, None
        return [min(terms, key=lambda t: df.get(t, 0))], max(0, n - cfg.common_window)

    def within_budget(self, terms: list[str], budget: int, spent: int = 0) -> list[str]:
        """``terms`` (counted by ``word_terms``) rarest first while the memories they hold, after
        ``spent``, stay within ``budget`` (0: all of them), in their own order."""
        if budget <= 0:
            return terms
        within = set()
        for t in sorted(terms, key=self.postings_of):
            spent += self.postings_of(t)
            if spent > budget:
                break
            within.add(t)
        return [t for t in terms if t in within]

    def postings_of(self, term: str) -> int:
        """How many memories ``term`` holds, as last counted by ``word_terms`` (0 if not counted)."""
        return self._df.get(term, (0, 0))[0]

    def _doc_counts(self, conn: Any, words: list[str], n: int, budget: int) -> dict[str, int]:
        """Each word's count of memories (a prefix "paint*": the sum over the words it begins, cut
        short once past every limit it is weighed against), kept until the vault has grown by a
        tenth: fts5vocab reads a word's whole list to count it."""
        stale = [t for t in words if t not in self._df or n > self._df[t][1] * 1.1]
        if stale and len(self._df) > 100_000:
            self._df.clear()
            stale = list(words)
        if stale:
            keys = {t: _vocab_key(t) for t in stale}
            whole = sorted({keys[t] for t in stale if not t.endswith("*")})
            found = (
                dict(
                    conn.execute(
                        f"SELECT term, doc FROM memories_fts_vocab WHERE term IN ({','.join('?' * len(whole))})",
                        whole,
                    ).fetchall()
                )
                if whole
                else {}
            )
            cfg = self.config
            cap = max(budget, cfg.words_budget, int(cfg.common_fraction * n), cfg.common_min_docs)
            counts = {
                t: _prefix_count(conn, keys[t][:-1], cap) if t.endswith("*") else int(found.get(keys[t], 0) or 0)
                for t in stale
            }
            self._df.update({t: (c, n) for t, c in counts.items()})
        return {t: self._df[t][0] for t in words}

    def bm25(self, match: str, f: SearchFilters, limit: int, *, min_id: int | None = None) -> RankedList:
        """The best word matches under the filters, with their BM25 scores (higher is better)."""
        where, params = filter_sql(f)
        over = limit * 3 if where else limit
        window = f" AND rowid > {int(min_id):d}" if min_id else ""
        if min_id:
            where = f"m.id > {int(min_id):d}" + (f" AND {where}" if where else "")
        try:
            with self.vault.read() as conn:
                rows = conn.execute(
                    f"SELECT rowid, -rank FROM memories_fts WHERE memories_fts MATCH ?{window} ORDER BY rank LIMIT ?",
                    (match, over),
                ).fetchall()
                if where and rows:
                    marks = ",".join("?" * len(rows))
                    ok = {
                        r[0]
                        for r in conn.execute(
                            f"SELECT m.id FROM memories m WHERE m.id IN ({marks}) AND {where}",
                            [r[0] for r in rows] + params,
                        ).fetchall()
                    }
                    kept = [r for r in rows if r[0] in ok]
                    if len(kept) < limit and len(rows) == over:
                        # Selective filters: let SQLite filter while ranking.
                        kept = conn.execute(
                            "SELECT memories_fts.rowid, -bm25(memories_fts) AS s FROM memories_fts "
                            f"JOIN memories m ON m.id = memories_fts.rowid WHERE memories_fts MATCH ? AND {where} "
                            "ORDER BY s DESC LIMIT ?",
                            [match, *params, limit],
                        ).fetchall()
                    rows = kept
        except Exception as exc:  # noqa: BLE001 - a query never fails the search; logged
            log.warning("words search failed for %r: %s", match, exc)
            return RankedList("bm25", ())
        rows = rows[:limit]
        return RankedList("bm25", tuple(int(r[0]) for r in rows), tuple(float(r[1]) for r in rows))

    def vector(self, text: str, f: SearchFilters, limit: int) -> RankedList:
        """The memories nearest in meaning to ``text`` under the filters, with their cosine similarities."""
        if self.embedder is None or not text.strip():
            return RankedList("vector", ())
        return self.nearest(np.asarray(self.embedder.embed([text]), dtype=np.float32)[0], f, limit)

    def _index(self) -> VectorIndex:
        assert self.embedder is not None
        return index_for(self.vault, vector_id(self.embedder.model_id, self.config.turn_window), int(self.embedder.dim))

    def _ready_index(self) -> VectorIndex | None:
        """The vector index, up to date; None when the embedder cannot say its size (the search
        goes on without the early scan, and ``nearest`` reports what is wrong)."""
        try:
            index = self._index()
        except ModelError:
            return None
        index.refresh(self.vault)
        return index

    def _encode_and_scan(
        self, text: str, f: SearchFilters, limit: int, out: dict[str, np.ndarray], index: VectorIndex | None
    ) -> np.ndarray:
        """(On the helper thread) the query's vector, and in ``out["ids"]`` the index's candidates for it."""
        assert self.embedder is not None
        vecs = self.embedder.embed([text])
        if index is not None:
            with contextlib.suppress(ValueError):  # a vector of another size: ``nearest`` says so
                q = np.asarray(vecs, dtype=np.float32)[0]
                out["ids"] = index.scan(
                    q, candidates(limit), kinds=f.kinds, since=f.since, until=f.until, archived=f.archived
                )[0]
        return vecs

    def nearest(self, q: np.ndarray, f: SearchFilters, limit: int, scanned: np.ndarray | None = None) -> RankedList:
        """The memories nearest in meaning to the query vector ``q`` under the filters (``scanned``:
        the index's candidates for ``q``, found meanwhile on the helper thread)."""
        index = self._index()
        if scanned is not None:
            ids, sims = index.rescore(self.vault, q, scanned, limit)
        else:
            index.refresh(self.vault)
            ids, sims = index.search(
                q, limit, self.vault, kinds=f.kinds, since=f.since, until=f.until, archived=f.archived
            )
        return RankedList("vector", tuple(int(i) for i in ids.tolist()), tuple(float(x) for x in sims.tolist()))

    def browse(self, f: SearchFilters, limit: int) -> list[int]:
        where, params = filter_sql(f)
        with self.vault.read() as conn:
            rows = conn.execute(
                f"SELECT m.id FROM memories m {'WHERE ' + where if where else ''} "
                "ORDER BY m.happened_at DESC, m.id DESC LIMIT ?",
                [*params, limit],
            ).fetchall()
        return [int(r[0]) for r in rows]

    # -- search ----------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        now: float,
        k: int = 10,
        filters: SearchFilters | None = None,
        mode: str = "hybrid",
        as_you_type: bool = False,
    ) -> SearchResult:
        """Search ``query`` (a time phrase in it becomes a date range). With ``as_you_type``, the last
        word, unless followed by a space, also matches the words it begins ("tomat" finds "tomatoes")."""
        if mode == "vector" and self.embedder is None:
            raise InputError("Search by meaning needs the embedder, which is not loaded; search by words instead.")
        plan = parse_query(query, self.config, now=now, k=k, filters=filters, mode=mode, as_you_type=as_you_type)
        result = self.run(plan, now=now)
        if not result.hits and plan.may_widen:
            # The phrase may date what was talked about rather than when it was said: look again
            # without its range (the result says so).
            wide = self.run(plan.widened(), now=now)
            return replace(wide, widened=bool(wide.hits))
        return result

    def run(self, plan: ParsedQuery, *, now: float) -> SearchResult:
        """Carry out a planned search (no second try without the time phrase: see ``search``)."""
        if plan.empty_range:
            return _result(plan, [])
        lists = [] if plan.generic else self.ranked_lists(plan)
        if not any(rl.ids for rl in lists):
            if plan.generic or (not plan.terms and plan.restricted):
                return self._browse_result(plan)
            return _result(plan, [])
        return self._ranked_result(plan, lists, now)

    def ranked_lists(self, plan: ParsedQuery) -> list[RankedList]:
        """The candidate lists to fuse, under the plan's filters: words (and their forms and extra
        phrasings), meaning, and the extra rankers, each with its weight in ``plan.mode``."""
        cfg, eff, text, mode = self.config, plan.filters, plan.text, plan.mode
        lists: list[RankedList] = []
        encoded: Future[np.ndarray] | None = None
        limit = max(cfg.vector_candidates, plan.k)
        scanned: dict[str, np.ndarray] = {}
        if mode in ("hybrid", "vector") and self.embedder is not None and text.strip():
            # The query is encoded, and the vector index scanned, on another thread while the words
            # are searched here (torch, faiss and SQLite all let go of the GIL); the vault is read
            # only here: the index is brought up to date first, the scan's candidates re-scored after.
            encoded = _pool().submit(self._encode_and_scan, text, eff, limit, scanned, self._ready_index())
        try:
            if mode in ("hybrid", "bm25"):
                lists += self._words(
                    plan, max(cfg.bm25_candidates, plan.k), cfg.bm25_weight if mode == "hybrid" else 1.0
                )
        finally:
            q = self._query_vector(encoded, mode)
        if mode in ("hybrid", "vector"):
            found = self.nearest(q, eff, limit, scanned.get("ids")) if q is not None else RankedList("vector", ())
            lists.append(replace(found, weight=cfg.vector_weight if mode == "hybrid" else 1.0))
        if text.strip():
            for extra in cfg.extra_rankers:
                with self.vault.read() as conn:
                    ids = tuple(int(i) for i in extra.rank(conn, text, eff, cfg.bm25_candidates))
                lists.append(RankedList(extra.name, ids, weight=extra.weight))
        return lists

    def _query_vector(self, encoded: Future[np.ndarray] | None, mode: str) -> np.ndarray | None:
        """The encoded query; None (words alone) when a hybrid search's embedder failed (a search
        model server that is down: its sentence is logged and shown by the indexer)."""
        if encoded is None:
            return None
        try:
            return np.asarray(encoded.result(), dtype=np.float32)[0]
        except ModelError as exc:
            if mode == "vector":
                raise
            log.info("searching by words only: %s", exc)
            return None

    def _words(self, plan: ParsedQuery, limit: int, weight: float) -> list[RankedList]:
        """The BM25 list, the list of the words' other forms and a list for each extra phrasing."""
        cfg, eff = self.config, plan.filters
        word_terms, min_id = self.word_terms(list(plan.terms))
        if cfg.stem_prefixes:
            stems = [t for t in query_expansion.with_stems(word_terms) if t not in word_terms]
            if stems and min_id is None and cfg.words_budget > 0:  # a stem ("paint*") costs its words' lists
                with self.vault.read() as conn:
                    n = int(conn.execute("SELECT coalesce(max(id), 0) FROM memories").fetchone()[0])
                    if n > cfg.common_min_docs:
                        self._doc_counts(conn, stems, n, cfg.words_budget)
                        stems = self.within_budget(stems, cfg.words_budget, sum(map(self.postings_of, word_terms)))
            word_terms = word_terms + stems
        match = fts.match_terms(word_terms)
        if not match:
            return []
        out = [replace(self.bm25(match, eff, limit, min_id=min_id), weight=weight)]
        forms = query_expansion.other_forms(word_terms) if cfg.stem_prefixes and cfg.forms_weight > 0 else []
        left = cfg.words_budget - sum(map(self.postings_of, word_terms)) if cfg.words_budget > 0 else 0
        if forms and (cfg.words_budget <= 0 or left > 0):
            # Common forms ("meeting") rank little and cost the most; they share what is left of the budget.
            forms, floor = self.word_terms(forms, budget=left)
            forms_match = fts.match_terms(forms)
            if floor is None and forms_match:
                found = self.bm25(forms_match, eff, limit, min_id=min_id)
                out.append(replace(found, name="forms", weight=weight * cfg.forms_weight))
        for alt in cfg.expansions(plan.text) if cfg.expansions else ():
            alt_match = fts.build_match(alt, drop_stopwords=cfg.drop_stopwords)
            if alt_match and alt_match != match:
                ids = self.bm25(alt_match, eff, cfg.bm25_candidates).ids
                out.append(RankedList("expansion", ids, weight=cfg.expansion_weight, shown=False))
        return out

    def _ranked_result(self, plan: ParsedQuery, lists: list[RankedList], now: float) -> SearchResult:
        cfg, k = self.config, plan.k
        fused = self._fuse(lists, plan.text)
        by_fused = ranking.ranked(fused)
        best = fused[by_fused[0]]
        keep = ranking.shortlist(np.array([fused[i] for i in by_fused]), k, cfg.rerank_beta)
        where, params = filter_sql(plan.filters)
        rows: list[Any] = []
        todo = by_fused[:keep]
        while todo:
            with self.vault.read() as conn:
                rows += conn.execute(
                    f"SELECT {_COLS} FROM memories m WHERE m.id IN ({','.join('?' * len(todo))})"
                    f"{' AND ' + where if where else ''}",
                    [*todo, *params],
                ).fetchall()
            # Rows the filters dropped (an extra ranker may not filter) make room for the rest.
            todo = by_fused[keep:] if len(rows) < keep and keep < len(by_fused) else []
            keep = len(by_fused)
        if not rows:
            return _result(plan, [])
        mems = {int(r[0]): Memory.from_row(r) for r in rows}
        cand = np.array(list(mems), dtype=np.int64)
        ms = list(mems.values())
        f_scores = np.array([fused[int(i)] for i in cand])
        ret = ranking.retention_array(
            now,
            np.array([m.recorded_at for m in ms]),
            np.array([np.nan if m.last_recalled_at is None else m.last_recalled_at for m in ms]),
            np.array([m.strength for m in ms]),
            np.array([m.pinned for m in ms]),
        )
        importance = np.array([m.importance for m in ms])
        final, rel, standing = ranking.rerank(
            f_scores,
            ret,
            importance,
            beta=cfg.rerank_beta,
            retention_weight=cfg.retention_weight,
            importance_weight=cfg.importance_weight,
            best=best,
        )
        top = ranking.order(final, rel, cand)[:k]
        lookup = {
            rl.name: {mid: (rank, rl.scores[rank - 1] if rl.scores else 0.0) for rank, mid in enumerate(rl.ids, 1)}
            for rl in lists
            if rl.shown
        }
        breakdowns: dict[int, dict[str, float]] = {}
        for j in top:
            mid = int(cand[j])
            b: dict[str, float] = {}
            for name, table in lookup.items():
                if mid in table:
                    b[f"{name}_rank"] = float(table[mid][0])
                    if name in ("bm25", "vector"):
                        b[name] = round(table[mid][1], 6)
            b.update(
                rrf=round(float(f_scores[j]), 6),
                relevance=round(float(rel[j]), 6),
                retention=round(float(ret[j]), 6),
                importance=float(importance[j]),
                standing=round(float(standing[j]), 6),
                final=round(float(final[j]), 6),
            )
            breakdowns[mid] = b
        shown = [mems[int(cand[j])] for j in top]
        with self.vault.read() as conn:
            titles = [sources.source_title(conn, mem) for mem in shown]
        return _result(
            plan,
            [
                Hit(mem, float(final[j]), breakdowns[mem.id], title, fts.highlight_spans(mem.text, list(plan.terms)))
                for j, mem, title in zip(top, shown, titles, strict=True)
            ],
        )

    def _fuse(self, lists: list[RankedList], text: str) -> dict[int, float]:
        """Fuse the ranked lists (``core.ranking.fuse``, by ``RetrievalConfig.fusion``), then the
        light turn-aware adjustments: who said it, and the turns around it."""
        cfg = self.config
        fused = ranking.fuse(lists, cfg.fusion, rrf_k=cfg.rrf_k)
        if not fused or (cfg.speaker_boost == 1.0 and cfg.neighbour_alpha <= 0 and cfg.conversation_alpha <= 0):
            return fused
        top = ranking.ranked(fused)[: max(cfg.bm25_candidates, cfg.vector_candidates)]
        fused = {m: fused[m] for m in top}
        marks = ",".join("?" * len(top))
        with self.vault.read() as conn:
            if cfg.speaker_boost != 1.0:
                speaker_of = dict(
                    conn.execute(f"SELECT id, speaker FROM memories WHERE id IN ({marks})", top).fetchall()
                )
                named = rerank.named_speakers(text, {v for v in speaker_of.values() if v})
                fused = rerank.speaker_boost(fused, speaker_of, named, cfg.speaker_boost)
            if cfg.neighbour_alpha > 0:
                fused = rerank.neighbour_smoothing(fused, neighbours_of(conn, top), cfg.neighbour_alpha)
            if cfg.conversation_alpha > 0:
                conv_of = dict(
                    conn.execute(
                        "SELECT m.id, g.conversation_id FROM memories m JOIN messages g "
                        f"ON m.source_kind = 'message' AND g.id = m.source_id WHERE m.id IN ({marks})",
                        top,
                    ).fetchall()
                )
                members: dict[str, list[int]] = {}
                for mid, cid in conv_of.items():
                    members.setdefault(cid, []).append(int(mid))
                fused = rerank.neighbour_smoothing(
                    fused, {m: [x for x in members[c] if x != m] for m, c in conv_of.items()}, cfg.conversation_alpha
                )
        return fused

    def _browse_result(self, plan: ParsedQuery) -> SearchResult:
        """The newest memories under the plan's filters, newest first."""
        ids = self.browse(plan.filters, plan.k)
        if not ids:
            return _result(plan, [])
        with self.vault.read() as conn:
            rows = conn.execute(
                f"SELECT {_COLS} FROM memories m WHERE m.id IN ({','.join('?' * len(ids))})", ids
            ).fetchall()
            by_id = {int(r[0]): Memory.from_row(r) for r in rows}
            titles = {mid: sources.source_title(conn, mem) for mid, mem in by_id.items()}
        hits: list[Hit] = []
        for rank, mid in enumerate(ids, 1):
            mem = by_id.get(mid)
            if mem is not None:
                hits.append(Hit(mem, 1.0 / rank, {"recency_rank": float(rank), "final": 1.0 / rank}, titles[mid], ()))
        return _result(plan, hits)
