"""Every drill in tests/drills at scale: kills at random moments, racing writers, fuzzed files.

    python tests/benchmarks/bench_drills.py [--trials 200] [--mutations 10000] [--only writes,lock]

Runs each drill that exists (``writes.run``, ``lock.run``, ``transfer.run_export_kills``,
``transfer.run_import_kills``, ``transfer.run_fuzz``, ``bring.run``: kills of a 10,000-file bring-in)
in a fresh temporary folder and prints its counts and how long it took. Any count but the amounts of
work done (trials, kills, writes, files) above 0 (lost writes, failed integrity checks, "database is
locked", leftovers, tracebacks) is a failure: the script exits 1 and says which. Not part of the test
suite.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[1]

# (module, function, size flag): the drills that tests/drills may hold. A missing one is skipped.
DRILLS: list[tuple[str, str, str]] = [
    ("writes", "run", "trials"),
    ("lock", "run", "trials"),
    ("transfer", "run_export_kills", "trials"),
    ("transfer", "run_import_kills", "trials"),
    ("transfer", "run_fuzz", "mutations"),
    ("bring", "run", "trials"),
]

# Counts that say how much was done (or were refused in a clear sentence); every other count is of something that went wrong and must be 0.
WORK_DONE = {
    "trials",
    "kill_trials",
    "killed",
    "completed",
    "changes",
    "acknowledged",
    "concurrent_writes",
    "mutations",
    "imported",
    "refused",
    "writer_sentences",  # lock drill: clear refusals ("busy"), after which the writer goes on
}


def _find(module: str, function: str) -> Callable[..., Any] | None:
    try:
        mod = importlib.import_module(f"drills.{module}")
    except ModuleNotFoundError as exc:
        if exc.name in (f"drills.{module}", "drills"):
            return None
        raise
    return getattr(mod, function, None)


def bad_counts(counts: dict[str, Any]) -> dict[str, Any]:
    """The counts of things that went wrong and are not 0 (lost, corrupt, locked, leftovers, tracebacks...)."""
    return {k: v for k, v in counts.items() if k not in WORK_DONE and isinstance(v, int | float) and v > 0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=200, help="kill trials per kill drill (default 200)")
    ap.add_argument("--mutations", type=int, default=10_000, help="fuzzed files for the fuzz drill (default 10,000)")
    ap.add_argument("--only", default="", help="comma-separated drill modules to run (default: all found)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(TESTS))
    only = {m.strip() for m in args.only.split(",") if m.strip()}
    failed: list[str] = []
    ran = 0
    for module, function, size in DRILLS:
        if only and module not in only:
            continue
        name = f"{module}.{function}"
        fn = _find(module, function)
        if fn is None:
            print(f"{name:<28} not present, skipped")
            continue
        n = args.trials if size == "trials" else args.mutations
        with tempfile.TemporaryDirectory(prefix=f"drill-{module}-") as work:
            t0 = time.perf_counter()
            counts = fn(n, Path(work))
            elapsed = time.perf_counter() - t0
        ran += 1
        shown = ", ".join(f"{k} {v}" for k, v in counts.items())
        print(f"{name:<28} {size} {n:>6}  {elapsed:7.1f} s  {shown}", flush=True)
        bad = bad_counts(counts)
        if bad:
            failed.append(f"{name}: {bad}")
    if failed:
        print("FAILED:\n  " + "\n  ".join(failed))
        return 1
    print(f"{ran} drill(s) ran; every loss, corruption and lock count is 0.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
