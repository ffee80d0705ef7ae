"""Benchmark: first-token time of turns 1, 2, 5 and 10 of one conversation, through the window's path.

    PYTHONPATH=... python tests/benchmarks/bench_turns.py [--reps 2] [--tier capable] [--threads 1]

The window answers through ``app/ui/services.AppServices``: one ``Companion`` per open vault, asked
on the model lane (one worker thread). This runs that same object on a worker thread, with the
real default model (SmolLM2-135M GGUF) and the real search (MiniLM + words), over a vault of
notes, for a ten-turn conversation of statements and questions. ``--tier capable`` (the default
here) makes the model write every reply, so each turn measures the model's first token; the
prefix the model already evaluated (rules, profile, earlier turns) is reused from turn 2 on.

Printed, in one run: per turn, the median time from Send to the model's first token, and to the
first text shown; the ratios turn 10 / turn 2 (target <= 1.2) and turn 2 / turn 1; and the same
turn 2 with prefix reuse defeated (a new Companion for every message, as the window did before),
measured in the same run as the reference. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reverie.app.ui.services import AppServices
from reverie.app.ui.session import Session
from reverie.core import conversations, notes
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.settings import Settings, save_settings
from reverie.core.vault import Vault

NOTES = [
    ("Health", "I booked the dentist for Dec 3 at 2:30. Dr Wu's practice is on Elm Street."),
    ("Family", "My sister Maya is moving to Lisbon in February. She found a flat near the river."),
    ("Reading", "I'm reading Klara and the Sun by Kazuo Ishiguro. Anna lent it to me."),
    ("Pixel", "Pixel needs his rabies vaccine in April. The vet is Dr Okafor."),
    ("Boat", "The mooring fee for the boat is due every June, 420 euros."),
    ("Recipes", "Grandma's lasagne uses nutmeg and a little lemon zest in the bechamel."),
    ("Work", "The night shift rota changes on the first Monday of each month."),
    ("Trips", "We spent three days in Kyoto last spring and visited the Fushimi Inari shrine."),
]
TURNS = [
    "I'm thinking about what to get Maya for her new flat.",
    "When is my dentist appointment?",
    "Anna recommended another Ishiguro novel, The Remains of the Day.",
    "Where is Maya moving?",
    "What does Grandma put in her lasagne?",
    "I should call Dr Okafor about Pixel next week.",
    "How much is the mooring fee?",
    "The rota change always catches me out.",
    "Which shrine did we visit in Kyoto?",
    "Who lent me Klara and the Sun?",
]
MEASURED = (1, 2, 5, 10)


def make_vault(folder: Path, tier: str) -> Vault:
    vault = Vault.create(vault_paths(folder), KeyMode.NONE)
    for i in range(3):
        for title, body in NOTES:
            notes.create_note(vault, f"{body}\n\nEntry {i}: nothing else to add.", f"{title} {i}")
    settings = Settings()
    settings.chat_tier = tier
    settings.threads = 1
    save_settings(vault, settings)
    return vault


def conversation(services: AppServices, vault: Vault, fresh_companion: bool) -> list[dict[str, float]]:
    """Ask the ten turns on one worker thread (the model lane); per turn, the timings."""
    out: list[dict[str, float]] = []

    def run() -> None:
        from reverie.app import context

        cid = conversations.create_conversation(vault, "bench").id
        for text in TURNS:
            if fresh_companion:  # what the window did before: a new Companion for every message
                comp = context.build_companion(
                    vault, model=services.chat_model(vault), memories=services.searcher(vault)
                )
            else:
                comp = services.companion(vault)
            res = comp.answer(cid, text, cancel=threading.Event())
            out.append(
                {
                    "model": res.timings.get("model_first_token_s", float("nan")),
                    "shown": res.timings.get("first_token_s", float("nan")),
                    "total": res.timings.get("total_s", float("nan")),
                    "replaced": float(res.replaced),
                    "prompt": res.timings.get("prompt_tokens", float("nan")),
                    "continued": res.timings.get("continued", 0.0),
                }
            )

    worker = threading.Thread(target=run, name="model-lane")
    worker.start()
    worker.join()
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--tier", choices=("tiny", "capable"), default="capable")
    args = ap.parse_args()
    rows: dict[str, list[list[dict[str, float]]]] = {"one": [], "fresh": []}
    with tempfile.TemporaryDirectory() as tmp:
        vault = make_vault(Path(tmp), args.tier)
        services = AppServices(Session(vault.paths))
        services.searcher(vault).search("warm up", now=vault.now(), k=5)  # load the embedder and the index
        from reverie.core import embedding

        embedding.embed_pending(vault, services.embedder())
        model: Any = services.chat_model(vault)
        model.load()
        for rep in range(args.reps):
            for name in ("one", "fresh"):
                services.chat_model_changed()
                model.unload()
                model = services.chat_model(vault)
                model.load()
                rows[name].append(conversation(services, vault, fresh_companion=name == "fresh"))
                t = rows[name][-1]
                print(
                    f"rep {rep + 1} {name:5}: " + "  ".join(f"t{n} {t[n - 1]['model']:.2f}s" for n in MEASURED),
                    flush=True,
                )
                print(
                    "           prompt tokens (c: continued): "
                    + " ".join(f"{t[i]['prompt']:.0f}{'c' if t[i]['continued'] else ''}" for i in range(len(t))),
                    flush=True,
                )
        model.unload()
        vault.close()

    def med(name: str, turn: int, key: str = "model") -> float:
        return statistics.median(r[turn - 1][key] for r in rows[name])

    def ratio(name: str, a: int, b: int) -> float:  # median of each repetition's own ratio
        return statistics.median(r[b - 1]["model"] / r[a - 1]["model"] for r in rows[name])

    print(f"\nfirst-token time, one conversation of {len(TURNS)} turns, tier {args.tier}, {args.reps} reps (medians)")
    print("turn   one companion per vault        a new companion per message (reference)")
    for n in MEASURED:
        print(
            f"{n:>4}   model {med('one', n):6.2f}s  shown {med('one', n, 'shown'):6.2f}s"
            f"    model {med('fresh', n):6.2f}s"
        )
    print(f"turn 10 / turn 2: {ratio('one', 2, 10):.2f} (target <= 1.2); turn 2 / turn 1: {ratio('one', 1, 2):.2f}")
    print(
        f"turn 2, one companion / new companion: "
        f"{statistics.median(a[1]['model'] / b[1]['model'] for a, b in zip(rows['one'], rows['fresh'], strict=True)):.2f}; "
        f"turn 10: "
        f"{statistics.median(a[9]['model'] / b[9]['model'] for a, b in zip(rows['one'], rows['fresh'], strict=True)):.2f}"
    )
    replaced = sum(t["replaced"] for r in rows["one"] for t in r) / sum(len(r) for r in rows["one"])
    print(f"replies the gate replaced: {replaced:.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
