"""``reverie eval locomo FILE`` and ``reverie eval longmemeval FILE``: retrieval figures on the
public memory benchmarks, for Reverie (the app's Retriever, as the app calls it) beside plain BM25
and plain vector baselines."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from reverie.app.cli import common
from reverie.core.errors import InputError
from reverie.core.evaluation import loaders, report, runner
from reverie.core.evaluation.searchers import EmbeddingCache, PlainBM25, PlainFusion, PlainVector

MODES = ("bm25", "vector", "hybrid")
BASELINES = ("bm25", "vector", "fusion")


def register(sub: Any) -> None:
    ev = sub.add_parser("eval", help="measure retrieval on a public memory benchmark (LoCoMo, LongMemEval)")
    esub = ev.add_subparsers(dest="eval_command", metavar="BENCHMARK", required=True)
    for name, about in (
        ("locomo", "LoCoMo conversations (turn-level recall, categories 1-4)"),
        ("longmemeval", "LongMemEval-S questions (session- and turn-level recall, NDCG)"),
    ):
        p = esub.add_parser(name, help=about)
        p.add_argument("file", type=Path)
        p.add_argument("--k", type=int, action="append", help="a cut-off (repeatable; default 5 and 10)")
        p.add_argument(
            "--retriever",
            action="append",
            choices=MODES,
            help="Reverie's mode(s) to measure (repeatable; default hybrid)",
        )
        p.add_argument(
            "--baselines",
            default="bm25,vector",
            help="plain baseline lines, comma-separated from bm25,vector,fusion ('' for none)",
        )
        p.add_argument(
            "--ablations",
            action="store_true",
            help="also print Reverie's line (the app's Retriever) with each feature switched off",
        )
        p.add_argument("--limit", type=int, help="only the first N conversations (LoCoMo) or questions (LongMemEval)")
        p.add_argument("--max-questions", type=int, help="at most N questions per case")
        p.add_argument("--json", action="store_true", help="print the figures per question as JSON")
        p.set_defaults(func=run_eval, benchmark=name)
    from reverie.app.cli import cmd_eval_answers, cmd_eval_facts

    cmd_eval_answers.register(esub)
    cmd_eval_facts.register(esub)


def build_lines(args: Any, embedder: Any) -> list[runner.Line]:
    cache = EmbeddingCache(embedder) if embedder is not None else None
    wanted = [b.strip() for b in (args.baselines or "").split(",") if b.strip()]
    for b in wanted:
        if b not in BASELINES:
            raise InputError(f"Unknown baseline {b!r}; choose from {', '.join(BASELINES)}.")
    lines: list[runner.Line] = []
    if "bm25" in wanted:
        lines.append(runner.Line("plain-bm25", PlainBM25, "bm25"))
    if "vector" in wanted:
        lines.append(runner.Line("plain-vector", lambda v: PlainVector(v, cache), "vector"))
    if "fusion" in wanted:
        lines.append(runner.Line("plain-fusion", lambda v: PlainFusion(v, cache), "hybrid"))
    from reverie.core.evaluation.adapters import retriever_line

    lines += [retriever_line(embedder, mode) for mode in args.retriever or ["hybrid"]]
    if getattr(args, "ablations", False):
        lines += retriever_ablation_lines(embedder)
    return lines


def retriever_ablation_lines(embedder: Any) -> list[runner.Line]:
    """The app's Retriever with one feature off. The line without turn context comes last: it
    re-embeds the vault without it (one vector per memory), and it is embedded once."""
    from dataclasses import replace

    from reverie.core import retrieval
    from reverie.core.evaluation.adapters import retriever_line

    base = retrieval.RetrievalConfig()
    variants = {
        "-scorefusion(rrf)": replace(base, fusion="rrf", vector_weight=1.0),
        "-stems": replace(base, stem_prefixes=False),
        "-forms": replace(base, forms_weight=0.0),
        "-stopwords": replace(base, drop_stopwords=False),
        "-speaker": replace(base, speaker_boost=1.0),
        "-neighbours": replace(base, neighbour_alpha=0.0),
        "-conversation": replace(base, conversation_alpha=0.0),
        "-timephrases": replace(base, parse_time=False),
        "-retention": replace(base, rerank_beta=0.0),
        "-window": replace(base, turn_window=0),
    }
    out = [retriever_line(embedder, "bm25", base, "retriever-bm25only")]
    out += [retriever_line(embedder, "hybrid", cfg, f"retriever{name}") for name, cfg in variants.items()]
    return out


def run_eval(args: Any) -> int:
    load = loaders.load_locomo if args.benchmark == "locomo" else loaders.load_longmemeval
    cases = load(args.file)[: args.limit or None]
    ks = tuple(args.k or (5, 10))
    if any(k < 1 for k in ks):
        raise InputError("Each --k must be 1 or more.")
    embedder = common.default_embedder()
    lines = build_lines(args, embedder)

    def progress(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    result = runner.run_benchmark(args.benchmark, cases, lines, ks, max_questions=args.max_questions, progress=progress)
    if args.json:
        json.dump(runner.to_json(result), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(f"{args.benchmark}: {result.cases} cases, {result.questions} questions, k = {', '.join(map(str, ks))}")
        print(report.format_table(result))
    return 0
