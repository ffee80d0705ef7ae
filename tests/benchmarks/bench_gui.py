"""How responsive the window stays under load: event-loop latency (how late a 10 ms QTimer fires)
while 2,000 notes are written and indexed on the database lane, while an answer streams, and while
the Memories list of a large vault is scrolled to its end (``--memories 50000``: pages fetched on the
database lane as the table scrolls).

Not a test: a script that prints figures.

    cd tests && PYTHONPATH=... QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui.py [--notes 2000]
        [--tokens 1500] [--encrypted] [--memories 50000]

The latency probe is a QTimer with a 10 ms interval on the GUI thread; each tick records how much
later than 10 ms after the previous tick it fired. A frozen GUI shows as large lateness. The idle
phase, measured first in the same run, is the reference: "×idle" is a phase's p99 over idle's p99.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for uifakes

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from reverie.app.ui.main_window import MainWindow
from reverie.app.ui.services import AppServices
from reverie.app.ui.session import Session
from reverie.core import ingest, notes
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.vault import Vault

PROBE_MS = 10
WORDS = (
    "river morning garden letter bicycle kitchen meeting sister holiday window winter music "
    "doctor market friday coffee station museum report ticket"
).split()


class Probe:
    """Records how late a periodic QTimer fires (milliseconds beyond its interval)."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(PROBE_MS)
        self.timer.timeout.connect(self._tick)
        self.clock = QElapsedTimer()
        self.samples: list[float] = []
        self._last = 0.0

    def start(self) -> None:
        self.samples = []
        self.clock.start()
        self._last = 0.0
        self.timer.start()

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed() / 1e6
        self.samples.append(max(0.0, now - self._last - PROBE_MS))
        self._last = now

    def stop(self) -> dict[str, float]:
        self.timer.stop()
        s = sorted(self.samples) or [0.0]

        def pct(p: float) -> float:
            return round(s[min(len(s) - 1, int(p * len(s)))], 1)

        return {
            "ticks": len(self.samples),
            "p50_ms": pct(0.5),
            "p95_ms": pct(0.95),
            "p99_ms": pct(0.99),
            "max_ms": round(s[-1], 1),
            "mean_ms": round(statistics.fmean(s), 2),
        }


class FastModel:
    """Streams ``tokens`` pieces as fast as it can (the hardest case for the GUI), citing [1]."""

    name = "bench-fast"
    context_size = 4096

    def __init__(self, tokens: int, per_second: float = 0.0) -> None:
        self.tokens = tokens
        self.per_second = per_second  # 0: as fast as possible

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def stream(self, messages, *, max_tokens=512, temperature=0.2, stop=(), cancel=None, json_schema=None):
        for i in range(self.tokens):
            if cancel is not None and cancel.is_set():
                return
            if self.per_second:
                time.sleep(1.0 / self.per_second)  # a model's pace, on the model lane
            yield f" {WORDS[i % len(WORDS)]}" + (" [1]." if i % 40 == 39 else "")


def note_text(i: int) -> str:
    w = [WORDS[(i * 7 + k) % len(WORDS)] for k in range(60)]
    return (
        f"# Note {i} about the {w[0]}\n\n"
        + " ".join(w[:20])
        + ".\n\n"
        + " ".join(w[20:40])
        + f" number {i}.\n\n"
        + " ".join(w[40:])
        + "."
    )


def run(args: argparse.Namespace) -> dict:
    _app = QApplication.instance() or QApplication([])  # kept alive for the run
    home = Path(tempfile.mkdtemp(prefix="reverie-bench-"))
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")
    paths = vault_paths(home / "data")
    mode = KeyMode.PASSPHRASE if args.encrypted else KeyMode.NONE
    vault = Vault.create(paths, mode, "bench passphrase" if args.encrypted else None)
    session = Session(paths)
    window = MainWindow(session, AppServices(session, chat_model=FastModel(args.tokens), use_embedder=args.embed))
    window.resize(1200, 760)
    window.show()
    session.set_vault(vault)
    probe = Probe()
    results: dict = {
        "notes": args.notes,
        "tokens": args.tokens,
        "encrypted": args.encrypted,
        "platform": os.environ.get("QT_QPA_PLATFORM"),
    }

    def spin_until(cond, limit_s: float = 600.0) -> float:
        """Run the real event loop until ``cond()`` holds (checked every 5 ms by a timer)."""
        t0 = time.perf_counter()
        loop = QEventLoop()
        check = QTimer()
        check.setInterval(5)
        check.timeout.connect(lambda: loop.quit() if cond() or time.perf_counter() - t0 > limit_s else None)
        check.start()
        if not cond():
            loop.exec()
        check.stop()
        if not cond():
            raise TimeoutError("the benchmark phase did not finish")
        return time.perf_counter() - t0

    # idle baseline, after the window's first layout and paint have settled
    warm = time.perf_counter() + 1.0
    spin_until(lambda: time.perf_counter() > warm)
    probe.start()
    spin_until(lambda: len(probe.samples) >= 100)
    results["idle"] = probe.stop()

    # 2,000 notes written and indexed on the database lane, the notes list refreshing as they land
    notes_page = window.show_page("notes")
    done = threading.Event()
    count = {"n": 0}

    def write_batch(first: int, last: int) -> int:
        for i in range(first, last):  # one transaction per note, as the editor and imports write them
            notes.create_note(vault, note_text(i), tags=WORDS[i % len(WORDS)])
        return last - first

    def landed(n: int) -> None:
        count["n"] += n
        notes_page.refresh()  # the list follows, as it does on screen
        if count["n"] == args.notes:
            done.set()

    if args.notes:
        probe.start()
        for first in range(0, args.notes, 100):
            session.db.submit(write_batch, first, min(args.notes, first + 100), on_done=landed)
        secs = spin_until(done.is_set)
        results["indexing"] = probe.stop() | {"seconds": round(secs, 2), "notes_per_s": round(args.notes / secs, 1)}
        spin_until(lambda: session.db.pending == 0)

    # an answer streaming through the chat screen: as fast as possible, then at a model's pace
    chat = window.show_page("chat")
    services = window.services
    if args.history:  # answer at the end of a long conversation
        from reverie.core import conversations

        conv = conversations.create_conversation(vault, "A long conversation")
        for i in range(args.history):
            conversations.add_message(
                vault,
                conv.id,
                "user" if i % 2 == 0 else "assistant",
                f"**Turn {i}.** " + note_text(i).replace("# ", "")[:500],
            )
        probe.start()
        chat.load(conv.id)
        spin_until(lambda: chat.messages.rowCount() == args.history)
        settle = time.perf_counter() + 0.5
        spin_until(lambda: time.perf_counter() > settle)  # its first layout and paint
        results["open"] = probe.stop() | {"messages": args.history, "widgets": len(chat.thread.widgets)}
    answers = (("streaming", FastModel(args.tokens)), ("paced", FastModel(args.paced_tokens, args.pace)))
    for phase, model in answers if args.tokens else ():  # --tokens 0: no answers
        services._chat_model = model
        chat.composer.setPlainText("What did I write about the river and the garden?")
        probe.start()
        t0 = time.perf_counter()
        chat.send()
        spin_until(lambda: chat.flow.running)
        spin_until(lambda: not chat.flow.running)
        secs = time.perf_counter() - t0
        results[phase] = probe.stop() | {"seconds": round(secs, 2), "tokens": model.tokens}
        spin_until(lambda: session.db.pending == 0)

    if args.memories:
        results["memories"] = scroll_memories(window, vault, probe, spin_until, args.memories)

    window.close()
    return results


def bulk_memories(vault: Vault, n: int) -> float:
    """``n`` memories written straight into the vault (one transaction, no embedder), as a long-used
    vault holds them: a mix of kinds, one a minute back in time."""
    t0 = time.perf_counter()
    now = vault.now()
    kinds = ("fact", "summary", "fact", "summary")
    with vault.tx() as conn:
        for i in range(n):
            w = [WORDS[(i * 7 + k) % len(WORDS)] for k in range(14)]
            ingest.insert_memory(
                conn,
                now,
                kind=kinds[i % 4],
                source_kind="consolidation",
                source_id="bench",
                text=f"Memory {i}: " + " ".join(w) + ".",
                happened_at=now - 60.0 * i,
                log_history=False,
            )
    return time.perf_counter() - t0


def scroll_memories(window, vault: Vault, probe: Probe, spin_until, n: int) -> dict:
    """Open Memories on a vault of ``n`` memories and scroll the list to its very end, the table
    fetching page after page (``fetchMore``) from the database lane."""
    built = bulk_memories(vault, n)
    page = window.show_page("memories")
    browse = page.browse
    model, table = browse.model, browse.table
    probe.start()
    t0 = time.perf_counter()
    browse.reload()
    spin_until(lambda: model.total >= n and model.rowCount() > 0)
    first = time.perf_counter() - t0
    bar = table.verticalScrollBar()
    while model.rowCount() < n:
        bar.setValue(bar.maximum())  # at the bottom the view asks the model for more
        spin_until(lambda: not model.fetching)
        if model.canFetchMore():  # the view asks on its own; make sure no page is skipped
            model.fetchMore()
            spin_until(lambda: not model.fetching)
    bar.setValue(bar.maximum())
    settle = time.perf_counter() + 0.3
    spin_until(lambda: time.perf_counter() > settle)  # the last page's layout and paint
    secs = time.perf_counter() - t0
    return probe.stop() | {
        "seconds": round(secs, 2),
        "rows": model.rowCount(),
        "first_page_s": round(first, 3),
        "build_s": round(built, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notes", type=int, default=2000, help="0: skip the indexing phase")
    ap.add_argument("--tokens", type=int, default=1500, help="0: skip the answer phases")
    ap.add_argument("--paced-tokens", type=int, default=200)
    ap.add_argument("--pace", type=float, default=40.0, help="tokens per second of the paced answer")
    ap.add_argument("--history", type=int, default=0, help="messages already in the conversation")
    ap.add_argument("--encrypted", action="store_true", help="a passphrase (SQLCipher) vault")
    ap.add_argument("--embed", action="store_true", help="also run the embedding worker, if installed")
    ap.add_argument(
        "--memories",
        type=int,
        default=0,
        help="also scroll the Memories list of a vault with this many memories to its end",
    )
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    results = run(args)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"Event-loop lateness of a {PROBE_MS} ms QTimer (ms beyond its interval)")
    print(f"{'phase':<10} {'ticks':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>7} {'×idle':>6}  notes")
    idle_p99 = max(results["idle"]["p99_ms"], 0.1)
    for phase in ("idle", "indexing", "open", "streaming", "paced", "memories"):
        if phase not in results:
            continue
        r = results[phase]
        extra = {
            "indexing": f"{results['notes']} notes in {r.get('seconds')} s ({r.get('notes_per_s')}/s)",
            "streaming": f"{r.get('tokens')} tokens in {r.get('seconds')} s (as fast as possible)",
            "paced": f"{r.get('tokens')} tokens in {r.get('seconds')} s",
            "open": f"a conversation of {r.get('messages')} messages ({r.get('widgets')} drawn)",
            "memories": f"{r.get('rows')} memories scrolled to the end in {r.get('seconds')} s (first page "
            f"{r.get('first_page_s')} s; vault built in {r.get('build_s')} s)",
        }.get(phase, "")
        ratio = round(r["p99_ms"] / idle_p99, 1)
        print(
            f"{phase:<10} {r['ticks']:>6} {r['p50_ms']:>6} {r['p95_ms']:>6} {r['p99_ms']:>6} {r['max_ms']:>7} "
            f"{ratio:>6}  {extra}"
        )


if __name__ == "__main__":
    main()
