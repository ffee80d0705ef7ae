"""Consolidation of one day of 200 messages, with the default model and without.

    python tests/benchmarks/bench_consolidation.py [--messages 200] [--no-model] [--max-calls 60]

100 user turns (a few stating facts, the rest everyday talk) and 100 assistant turns, all on one
day, in a throwaway vault; then one ``run_consolidation`` with SmolLM2-135M (llama.cpp, JSON
schema grammar) and one on a copy without a model. Prints time, model calls and what was done.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ for llama_json

from reverie.core import conversations
from reverie.core.clock import FixedClock
from reverie.core.consolidation import run_consolidation
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.vault import Vault

NOW = 1_795_000_000.0
FACTS = [
    "Anna's birthday is March 3.",
    "My dentist is Dr. Wu.",
    "I live in Lyon.",
    "My sister's name is Clara.",
    "Tom's new job is at the Lyon bakery.",
    "My favourite tea is jasmine.",
    "I work at the city library.",
    "Our cat's name is Felix.",
]
TALK = [
    "We walked along the river after lunch and talked about the garden.",
    "The tomatoes finally turned red, and the basil needs more sun.",
    "I am reading a novel about a lighthouse keeper in Brittany.",
    "Work was busy today; the library is moving the archive to the second floor.",
    "Should I bake bread this weekend or try the new pizza place?",
    "Clara called and we planned a picnic for Sunday if the weather holds.",
    "I felt tired this afternoon, maybe I should sleep earlier.",
    "The train to Paris was late again, forty minutes this time.",
    "We watched a documentary about octopuses, they are so clever.",
    "I need to remember to buy lemons, flour and coffee.",
]
REPLIES = [
    "That sounds lovely; do you want me to remember it?",
    "Noted. Anything else on your mind?",
    "I can remind you about that tomorrow.",
    "It seems like a full day. How are you feeling?",
]


def fill(vault: Vault, n: int) -> None:
    rnd = random.Random(3)
    c = conversations.create_conversation(vault, "The day")
    t = NOW - 10 * 3600  # 01:06 UTC; the day's 200 messages end before 08:00
    triples = list(itertools.combinations(TALK, 3))
    rnd.shuffle(triples)
    for i in range(n // 2):
        a, b, c3 = triples[i % len(triples)]
        user = FACTS[i // 12] if i % 12 == 0 and i // 12 < len(FACTS) else f"{a} {b} {c3}"
        reply = f"{REPLIES[i % len(REPLIES)]} {a.split(',')[0].rstrip('.?')}, and {c3.split(',')[0].rstrip('.?')}."
        conversations.add_message(vault, c.id, "user", user, happened_at=t)
        conversations.add_message(vault, c.id, "assistant", reply, happened_at=t + 20)
        t += 240


def run(n: int, model, max_calls: int, tmp: Path, name: str) -> tuple[float, object]:
    vault = Vault.create(vault_paths(tmp / name), KeyMode.NONE, clock=FixedClock(NOW))
    try:
        fill(vault, n)
        start = time.perf_counter()
        report = run_consolidation(vault, chat_model=model, max_model_calls=max_calls)
        return time.perf_counter() - start, report
    finally:
        vault.close()


def show(label: str, seconds: float, report) -> None:
    c = report.counts
    print(f"{label}: {seconds:.1f} s, status {report.status}")
    keys = (
        "units_read",
        "model_calls",
        "model_invalid",
        "model_retries",
        "rejected_ungrounded",
        "rejected_questions",
        "rejected_topics",
        "summaries_added",
        "facts_added",
        "facts_superseded",
        "facts_noop",
        "duplicates_merged",
    )
    print("  " + ", ".join(f"{k} {c.get(k, 0)}" for k in keys))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=200)
    ap.add_argument("--no-model", action="store_true")
    ap.add_argument("--max-calls", type=int, default=60)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        seconds, report = run(args.messages, None, args.max_calls, Path(tmp), "plain")
        show(f"{args.messages} messages, deterministic path", seconds, report)
        if not args.no_model:
            from llama_json import LlamaJson

            from reverie.models.defaults import default_gguf_location

            loc = default_gguf_location()
            if not loc.found:
                print(f"default model not found: {loc.problem}")
                return 1
            t = time.perf_counter()
            model = LlamaJson(loc.path)
            model.count_tokens("warm")
            load = time.perf_counter() - t
            seconds, report = run(args.messages, model, args.max_calls, Path(tmp), "model")
            show(f"{args.messages} messages, SmolLM2-135M (load {load:.1f} s)", seconds, report)
            calls = report.counts.get("model_calls", 0)
            if calls:
                print(f"  {seconds / calls:.1f} s per model call")
            for line in report.log[:12]:
                print(f"  | {line[:150]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
