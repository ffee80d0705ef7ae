"""``reverie consolidate`` (run now: digests, facts, duplicates, profile, decay) and ``reverie runs``."""

from __future__ import annotations

import sys
import threading
from typing import Any

from reverie.app import context
from reverie.app.cli.common import add_json_flag, cli_vault, print_json
from reverie.core import jobruns
from reverie.core.clock import iso
from reverie.core.settings import load_settings

SHOWN = (
    "summaries_added",
    "summaries_updated",
    "facts_added",
    "facts_updated",
    "facts_superseded",
    "facts_noop",
    "duplicates_merged",
    "archived",
    "rejected",
    "model_failures",
    "profile_updated",
)


def register(sub: Any) -> None:
    p = sub.add_parser("consolidate", help="consolidate now: day digests, facts, duplicates, profile, then decay")
    p.add_argument("--no-model", action="store_true", help="use only the deterministic path (no chat model)")
    add_json_flag(p)
    p.set_defaults(func=run_consolidate)
    r = sub.add_parser("runs", help="list the last consolidation runs and what they did")
    r.add_argument("--limit", type=int, default=10)
    add_json_flag(r)
    r.set_defaults(func=run_runs)


def _summary(counts: dict[str, Any]) -> str:
    parts = [f"{k.replace('_', ' ')} {counts[k]}" for k in SHOWN if counts.get(k)]
    return ", ".join(parts) if parts else "nothing new"


def run_consolidate(args: Any) -> int:
    with cli_vault(args) as vault:
        settings = load_settings(vault)
        model = None if args.no_model else context.consolidation_chat_model(settings)
        cancel = threading.Event()
        result: dict[str, Any] = {}

        def progress(stage: str, fraction: float) -> None:
            if not args.json:
                print(f"[{fraction:4.0%}] {stage}", file=sys.stderr)

        def work() -> None:
            try:
                result["report"] = context.run_consolidation_now(
                    vault, settings, model, cancel=cancel, progress=progress
                )
            except BaseException as exc:  # noqa: BLE001 - re-raised on the main thread
                result["error"] = exc

        worker = threading.Thread(target=work, name="consolidate")
        worker.start()
        try:
            while worker.is_alive():
                worker.join(0.2)
        except KeyboardInterrupt:
            cancel.set()
            print("reverie: cancelling…", file=sys.stderr)
            worker.join()
        if "error" in result:
            raise result["error"]
        report = result["report"]
    if args.json:
        print_json(report.as_dict())
    else:
        print(f"Run {report.run_id} {report.status}: {_summary(report.counts)}.")
        for line in report.log[:20]:
            print(f"  {line}")
        if len(report.log) > 20:
            print(f"  … {len(report.log) - 20} more lines (reverie runs --json)")
        if report.error:
            print(f"reverie: {report.error}", file=sys.stderr)
    return {"ok": 0, "cancelled": 130}.get(report.status, 1)


def run_runs(args: Any) -> int:
    with cli_vault(args, create=False) as vault:
        runs = jobruns.recent_runs(vault, limit=args.limit)
    if args.json:
        print_json([{**r.as_dict(), "started": iso(r.started_at), "finished": iso(r.finished_at)} for r in runs])
        return 0
    if not runs:
        print("No runs yet. Run one with: reverie consolidate")
        return 0
    for r in runs:
        when = iso(r.started_at)
        took = f"{r.finished_at - r.started_at:.1f}s" if r.finished_at else "running"
        print(f"{r.id:>4}  {when}  {r.job:<13} {r.status:<9} {took:>8}  {_summary(r.counts)}")
        if r.error:
            print(f"      {r.error}")
    return 0
