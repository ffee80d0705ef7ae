"""``reverie search "..." [--kind ...] [--since ...] [--until ...] [--archived ...] [--json]``."""

from __future__ import annotations

import dataclasses
import sys
from datetime import datetime
from typing import Any

from reverie.app.cli.common import add_json_flag, cli_vault, print_json, quick_retriever
from reverie.core import embedding, replies
from reverie.core.clock import iso, local_date
from reverie.core.errors import InputError, ModelError
from reverie.core.retrieval import ARCHIVED, MODES, SearchFilters, SearchResult
from reverie.core.timeparse import parse_time_phrase
from reverie.core.vectorindex import KINDS

SNIPPET = 240


def register(sub: Any) -> None:
    p = sub.add_parser("search", help="find memories by words and meaning ('last Tuesday' style dates work too)")
    p.add_argument("query", help="what to look for; a time phrase in it becomes a date range")
    p.add_argument(
        "--kind",
        action="append",
        default=[],
        choices=(*KINDS, replies.KIND),
        help="only this kind (repeatable); 'reply' finds Reverie's own replies, which are not memories",
    )
    p.add_argument("--since", help="from this date: 2026-03-01, or a phrase such as 'last week'")
    p.add_argument("--until", help="before this date (same forms as --since)")
    p.add_argument("--archived", choices=ARCHIVED, default="exclude", help="archived memories (default: exclude)")
    p.add_argument("--mode", choices=MODES, default="hybrid", help="hybrid (default), bm25 (words) or vector")
    p.add_argument("-k", "--limit", type=int, default=10, help="how many hits (default 10)")
    p.add_argument(
        "--embed-limit",
        type=int,
        default=2000,
        help="embed at most this many new memories before searching (default 2000)",
    )
    add_json_flag(p)
    p.set_defaults(func=run_search)


def _date(value: str | None, now: float, flag: str) -> tuple[float, float] | None:
    """(start, end) of a date or time phrase given on the command line."""
    if not value:
        return None
    try:
        day = datetime.strptime(value.strip(), "%Y-%m-%d").astimezone()
        return day.timestamp(), day.timestamp() + 86400.0
    except ValueError:
        pass
    rest, since, until, phrase = parse_time_phrase(value, now)
    if phrase is None or rest.strip() or since is None:
        raise InputError(f"{flag} must be a date like 2026-03-01 or a phrase like 'last week', not {value!r}.")
    return since, until if until is not None else now


def _mark(text: str, spans: tuple[tuple[int, int], ...], tty: bool) -> str:
    """A snippet of ``text`` around its first highlight, highlights marked."""
    start = max(0, spans[0][0] - SNIPPET // 3) if spans else 0
    end = min(len(text), start + SNIPPET)
    on, off = ("\033[1m", "\033[0m") if tty else ("[", "]")
    out, pos = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out += [text[pos:s], on, text[s:e], off]
        pos = e
    out.append(text[pos:end])
    snippet = "".join(out).replace("\n", " ")
    return ("…" if start > 0 else "") + snippet + ("…" if end < len(text) else "")


def _as_json(query: str, result: SearchResult) -> dict[str, Any]:
    return {
        "query": query,
        "query_text": result.query_text,
        "time_phrase": result.time_phrase,
        "widened": result.widened,
        "since": iso(result.since),
        "until": iso(result.until),
        "hits": [
            {
                "rank": i,
                "id": h.memory.id,
                "uid": h.memory.uid,
                "kind": h.memory.kind,
                "source_kind": h.memory.source_kind,
                "source_id": h.memory.source_id,
                "source_title": h.source_title,
                "span": [h.memory.span_start, h.memory.span_end],
                "speaker": h.memory.speaker,
                "happened_at": iso(h.memory.happened_at),
                "archived": h.memory.archived,
                "text": h.memory.text,
                "highlights": [list(s) for s in h.highlights],
                "score": h.score,
                "breakdown": h.breakdown,
            }
            for i, h in enumerate(result.hits, start=1)
        ],
    }


def run_search(args: Any) -> int:
    if args.limit < 1:
        raise InputError("--limit must be at least 1.")
    with cli_vault(args, create=False) as vault:
        now = vault.now()
        since = _date(args.since, now, "--since")
        until = _date(args.until, now, "--until")
        kinds = tuple(k for k in dict.fromkeys(args.kind) if k != replies.KIND)
        filters = SearchFilters(kinds, since[0] if since else None, until[0] if until else None, args.archived)
        if replies.KIND in args.kind:
            found = replies.search_replies(
                vault, args.query, limit=args.limit, since=filters.since, until=filters.until
            )
            if not kinds:
                result = SearchResult(found, args.query, filters.since, filters.until, None)
                return _print(args, result)
        retriever = quick_retriever(vault, words_only=args.mode == "bm25")
        if retriever.embedder is not None:
            try:
                pending = embedding.pending_count(vault, embedding.vector_id(retriever.embedder.model_id))
                if pending and args.embed_limit > 0:
                    print(f"Embedding {min(pending, args.embed_limit)} new memories…", file=sys.stderr)
                    embedding.embed_pending(vault, retriever.embedder, limit=args.embed_limit)
                result = retriever.search(args.query, now=now, k=args.limit, filters=filters, mode=args.mode)
            except ModelError as exc:
                if args.mode == "vector":
                    raise
                print(f"reverie: searching by words only: {exc}", file=sys.stderr)
                retriever.embedder = None
                result = retriever.search(args.query, now=now, k=args.limit, filters=filters, mode="bm25")
        else:
            result = retriever.search(args.query, now=now, k=args.limit, filters=filters, mode=args.mode)
        if replies.KIND in args.kind:
            result = dataclasses.replace(result, hits=[*result.hits, *found])
    return _print(args, result)


def _print(args: Any, result: SearchResult) -> int:
    if args.json:
        print_json(_as_json(args.query, result))
        return 0
    if result.time_phrase:
        span = (
            f"{local_date(result.since) if result.since else '…'} to "
            f"{local_date(result.until - 1) if result.until else 'now'}"
        )
        print(f"Searching for {result.query_text or 'anything'!r}, {result.time_phrase} ({span})")
        if result.widened:
            print("Nothing matched in that time; these matches are from any time.")
    if not result.hits:
        print("Nothing found.")
        return 0
    tty = sys.stdout.isatty()
    for i, h in enumerate(result.hits, start=1):
        flag = " (archived)" if h.memory.archived else ""
        print(
            f"{i:2d}. {h.source_title} · {h.memory.kind} · {local_date(h.memory.happened_at)}{flag}"
            f"  score {h.score:.3f}"
        )
        print(f"    {_mark(*h.shown(), tty)}")
    return 0
