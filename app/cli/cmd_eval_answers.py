"""``reverie eval answers locomo|longmemeval FILE``: what a user would see when asking about a
benchmark's conversations: the real Companion with a real chat model, beside a quote-only and a
raw-model baseline (``core/evaluation/answers.py``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from reverie.core.errors import InputError
from reverie.core.tiers import TIER_CHOICES, TIERS, resolve_tier, tier_for

LINE_CHOICES = ("reverie", "quote", "raw")


def register(esub: Any) -> None:
    """Add the ``answers`` benchmark to ``reverie eval``."""
    p = esub.add_parser("answers", help="ask each question through the companion and score what is shown")
    p.add_argument("benchmark", choices=("locomo", "longmemeval"))
    p.add_argument("file", type=Path)
    p.add_argument(
        "--model",
        default="default",
        help="'default' (the bundled model), a .gguf file, or the http URL of an OpenAI-compatible server",
    )
    p.add_argument("--server-model", default="", help="the model name to ask a server for")
    p.add_argument(
        "--tier", choices=TIER_CHOICES, default="auto", help="the tier of the reverie line (default: the model's own)"
    )
    p.add_argument("--lines", default="reverie,quote,raw", help="lines to run, comma-separated from reverie,quote,raw")
    p.add_argument("--limit", type=int, help="only the first N conversations (LoCoMo) or questions (LongMemEval)")
    p.add_argument("--max-questions", type=int, help="at most N questions per case, sampled evenly")
    p.add_argument("--context-size", type=int, default=4096, help="the chat model's context size in tokens")
    p.add_argument("--threads", type=int, default=0, help="threads for a GGUF model (default: the app's choice)")
    p.add_argument("--json", action="store_true", help="print the figures and every reply as JSON")
    p.add_argument("--save", type=Path, metavar="FILE", help="also write the JSON (every reply) to FILE")
    p.set_defaults(func=run_answers_eval)


def parse_lines(text: str) -> list[str]:
    wanted = [x.strip() for x in (text or "").split(",") if x.strip()]
    if not wanted:
        raise InputError("Choose at least one line (reverie, quote, raw).")
    for x in wanted:
        if x not in LINE_CHOICES:
            raise InputError(f"Unknown line {x!r}; choose from {', '.join(LINE_CHOICES)}.")
    return list(dict.fromkeys(wanted))


def model_settings(choice: str, server_model: str = "", context_size: int = 4096, threads: int = 0) -> Any:
    """The settings that build the chosen model: the default GGUF, a GGUF file, or a server."""
    from reverie.core.settings import Settings

    choice = (choice or "default").strip()
    base = {"context_size": context_size, "threads": max(0, threads)}
    if choice == "default":
        return Settings(**base)
    if choice.startswith(("http://", "https://")):
        return Settings(chat_model_kind="server", server_url=choice, server_model=server_model, **base)
    path = Path(choice).expanduser()
    if not path.is_file():
        raise InputError(f"--model must be 'default', a .gguf file or an http URL; {choice} is none of these.")
    return Settings(chat_model_kind="gguf", chat_model_path=str(path), **base)


def detected_tier(model: Any) -> str:
    """The model's own tier: its adapter's ``tier`` when it has one, else from what is known."""
    tier = getattr(model, "tier", None)
    if tier in TIERS:
        return str(tier)
    return tier_for(None)


def run_answers_eval(args: Any) -> int:
    from reverie.core.evaluation import answers, answers_report, loaders

    lines = parse_lines(args.lines)
    if args.max_questions is not None and args.max_questions < 1:
        raise InputError("--max-questions must be 1 or more.")
    if args.limit is not None and args.limit < 1:
        raise InputError("--limit must be 1 or more.")
    load = loaders.load_locomo if args.benchmark == "locomo" else loaders.load_longmemeval
    cases = load(args.file)[: args.limit or None]
    gold = answers.load_gold(args.file, args.benchmark)
    model = None
    tier = "tiny"
    if any(x != "quote" for x in lines):
        from reverie.app.context import build_chat_model

        model = build_chat_model(model_settings(args.model, args.server_model, args.context_size, args.threads))
        tier = resolve_tier(args.tier, detected_tier(model))  # type: ignore[arg-type]
    from reverie.app.cli import common

    def progress(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    run = answers.run_answers(
        args.benchmark,
        cases,
        gold,
        model=model,
        embedder=common.default_embedder(),
        tier=tier,
        lines=lines,
        max_questions=args.max_questions,
        progress=progress,
    )
    name = getattr(model, "name", "") if model is not None else "none"
    if args.save:
        try:
            args.save.write_text(
                json.dumps(answers_report.to_json(run, name), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
        except OSError as exc:
            raise InputError(f"Reverie cannot write {args.save}: {exc.strerror or exc}.") from exc
    if args.json:
        json.dump(answers_report.to_json(run, name), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print(answers_report.format_table(run, name))
    return 0
