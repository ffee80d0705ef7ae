"""``reverie eval facts locomo FILE``: how many of the facts consolidation extracts from a
speaker's own words are right (precision) and how many of the labelled facts it finds (recall),
on LoCoMo's ``observation`` labels; with the default chat model or without one."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from reverie.core.errors import InputError


def register(esub: Any) -> None:
    """Add the ``facts`` benchmark to ``reverie eval``."""
    p = esub.add_parser("facts", help="measure fact extraction (precision, recall) on LoCoMo's observation labels")
    fsub = p.add_subparsers(dest="facts_benchmark", metavar="BENCHMARK", required=True)
    f = fsub.add_parser("locomo", help="LoCoMo conversations with per-session observations about each speaker")
    f.add_argument("file", type=Path)
    f.add_argument(
        "--model",
        choices=("none", "default"),
        default="none",
        help="none: the deterministic extractor only; default: with the chat model the settings choose "
        "(the default GGUF on a fresh install)",
    )
    f.add_argument(
        "--tier",
        choices=("auto", "tiny", "capable"),
        default="auto",
        help="as the chat_tier setting: auto (default) uses the model's facts only when it is capable, "
        "as nightly consolidation does; capable uses them whatever the model",
    )
    f.add_argument("--limit", type=int, help="only the first N conversations")
    f.add_argument("--sessions", type=int, help="only the first N sessions of each conversation (and their labels)")
    f.add_argument(
        "--threshold",
        type=float,
        help="the cosine at which a fact matches a label (default: read off the labels, printed as "
        "the calibration line)",
    )
    f.add_argument("--thresholds", default="0.5,0.6,0.7", help="also report these thresholds (comma-separated)")
    f.add_argument(
        "--max-model-calls",
        type=int,
        default=0,
        help="at most N model calls per speaker (default: no limit, every statement is read)",
    )
    f.add_argument(
        "--baselines",
        action="store_true",
        help="also score extractors that do not choose: every statement, every sentence",
    )
    f.add_argument("--json", action="store_true", help="print every fact with its score as JSON")
    f.set_defaults(func=run_eval_facts)


def _thresholds(text: str) -> list[float]:
    try:
        values = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise InputError(f"--thresholds must be numbers separated by commas, not {text!r}.") from None
    if any(not 0 < v < 1 for v in values):
        raise InputError("Each threshold must be between 0 and 1.")
    return values


def _model(choice: str) -> Any:
    if choice == "none":
        return None
    from reverie.app.context import build_chat_model
    from reverie.core.settings import Settings

    return build_chat_model(Settings())


def run_eval_facts(args: Any) -> int:
    from reverie.app.cli import common
    from reverie.core.evaluation import facts

    thresholds = _thresholds(args.thresholds)
    if args.threshold is not None and not 0 < args.threshold < 1:
        raise InputError("--threshold must be between 0 and 1.")
    cases = facts.load_locomo_facts(args.file, limit=args.limit, sessions=args.sessions)
    embedder = common.default_embedder()
    model = _model(args.model)

    def progress(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    cal = None
    try:
        cal = facts.calibrate(cases, embedder)
    except InputError:
        if args.threshold is None:
            raise
    chosen = args.threshold if args.threshold is not None else cal.threshold
    runs = facts.run_facts_benchmark(
        cases, embedder, model, max_calls=args.max_model_calls or 10**6, progress=progress, tier=args.tier
    )
    if args.json:
        json.dump(facts.to_json(runs, chosen), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    n_obs = sum(len(r.observations) for r in runs)
    name = getattr(model, "name", None) or "none (deterministic extractor)"
    if model is not None:
        from reverie.core.consolidation.facts import model_may_extract

        name += (
            f" (tier {getattr(model, 'tier', '?')}; its facts are used)"
            if model_may_extract(model, args.tier)
            else f" (tier {getattr(model, 'tier', '?')}: its facts are not used, as in the app; --tier capable "
            "to measure them)"
        )
    turns = sum(len(s.turns) for fc in cases for s in fc.case.sessions)
    print(
        f"locomo facts: {len(cases)} conversations, {turns} turns, {len(runs)} speaker runs, "
        f"{n_obs} observations; chat model: {name}"
    )
    if cal is not None:
        shares = ", ".join(f"{t:.2f}: {a:.2f} vs {b:.2f}" for t, a, b in cal.rates if t in (0.4, 0.5, 0.6, 0.7))
        print(
            f"calibration (best cosine with the speaker's labels of the same session): {cal.labelled} sentences "
            f"from labelled turns, median {cal.labelled_median:.2f}; {cal.unlabelled} from unlabelled turns, "
            f"median {cal.unlabelled_median:.2f}; threshold {cal.threshold:.2f} = the 90th percentile of the "
            f"unlabelled (share at or above, labelled vs unlabelled: {shares})"
        )
    print(facts.format_table(runs, thresholds, chosen))
    if args.baselines:
        for label, keep in facts.BASELINES.items():
            b = facts.figures(facts.baseline_runs(cases, embedder, keep), chosen)
            print(
                f"baseline, {label}: {b.facts} facts, precision {b.precision:.3f}, recall {b.recall:.3f} "
                f"at {chosen:.2f}"
            )
    calls = sum(r.counts.get("model_calls", 0) for r in runs)
    if model is not None:
        print(f"model calls: {calls}, time {sum(r.seconds for r in runs):.0f} s")
    return 0
