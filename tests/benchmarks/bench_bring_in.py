"""Benchmark: bring in a folder of mixed files (default 10,000) as the window does, then embed what came in.

    python tests/benchmarks/bench_bring_in.py [--files 10000] [--home DIR] [--cache DIR] [--embed-limit N]

The files (Markdown, text, HTML, DOCX written by python-docx, PDF written by fpdf2; sizes drawn from a
long-tailed distribution; a few broken ones) are written once into ``--cache`` and reused. A fresh
passphrase vault is made in ``--home`` (default: a temporary folder). Then, with a Qt event loop running
a 10 ms timer that records how late it fires:

1. the bring-in runs on a ``Lane`` (the window's worker thread, as ``BringRunner`` runs it), its
   progress queued to the GUI thread: files/s for reading and saving, peak RSS of this process and of
   the reader's worker process;
2. the passages that came in are embedded by the window's background embedder (``EmbeddingWorker``,
   the window's batch size, progress queued to the GUI thread), to the end (or ``--embed-limit``
   passages, through the same ``embed_pending``): passages/s;
3. the same passage texts (the embedder's inputs, as ``embed_pending`` builds them) are embedded by
   ``embedder.embed`` directly, in batches of the same size: the raw passages/s, and the ratio.

Prints a table; ``--json`` prints the figures as JSON too. Not collected by pytest (no test_ prefix).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

PASSPHRASE = "benchmark passphrase, long enough"
BATCH = 256  # AppServices.batch_size, the window's embedding batch
WORDS = (
    "garden tomato lisbon sister birthday coffee train letter music winter summer island project meeting "
    "doctor recipe bread mountain paper window friend laptop market evening morning river harbour bicycle "
    "teacher kitchen holiday invoice contract budget report quarter customer design release bug fix "
    "feedback plan idea question answer reason memory photo album wedding school library museum the a "
    "and of to in is was for on with as at by from that this it we they our their"
).split()
# (suffix, share of the files)
MIX = ((".md", 0.55), (".txt", 0.15), (".html", 0.14), (".docx", 0.08), (".pdf", 0.08))


def _rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: KiB


def _paragraphs(rng: random.Random) -> list[str]:
    """A document's paragraphs: most documents are short, a few are long (log-normal words)."""
    words = int(min(12_000, max(8, rng.lognormvariate(math.log(140), 1.0))))
    out: list[str] = []
    while words > 0:
        n = min(words, rng.randint(25, 110))
        words -= n
        sentence = " ".join(rng.choice(WORDS) for _ in range(n))
        out.append(sentence[:1].upper() + sentence[1:] + ".")
    return out


def _write(path: Path, suffix: str, title: str, paras: list[str]) -> None:
    if suffix == ".md":
        path.write_text(f"---\ntags: [bench]\n---\n# {title}\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
    elif suffix == ".txt":
        path.write_text(title + "\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
    elif suffix == ".html":
        body = "".join(f"<p>{p}</p>" for p in paras)
        path.write_text(
            f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>", encoding="utf-8"
        )
    elif suffix == ".docx":
        import docx

        d = docx.Document()
        d.add_heading(title, 1)
        for p in paras:
            d.add_paragraph(p)
        d.save(str(path))
    else:
        from fpdf import FPDF

        pdf = FPDF()
        pdf.set_title(title)
        pdf.set_font("helvetica", size=11)
        pdf.add_page()
        for p in paras:
            pdf.multi_cell(0, 6, p)
            pdf.ln(3)
        pdf.output(str(path))


def make_corpus(cache: Path, files: int) -> Path:
    """``files`` mixed files under ``cache/files-N`` (written once; ``.complete`` marks a finished set)."""
    root = cache / f"files-{files}"
    if (root / ".complete").exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    rng = random.Random(files)
    suffixes = [s for s, _ in MIX]
    weights = [w for _, w in MIX]
    t = time.perf_counter()
    for i in range(files):
        folder = root / f"folder{i // 250:03}"
        folder.mkdir(parents=True, exist_ok=True)
        suffix = rng.choices(suffixes, weights)[0]
        path = folder / f"doc{i:05}{suffix}"
        if i % 997 == 13:  # a few broken ones: bytes that are not what the name says
            path.write_bytes(b"\xff\xfe\x00broken " + bytes(rng.randrange(256) for _ in range(200)))
            continue
        _write(path, suffix, f"Document {i}", _paragraphs(rng))
    (root / ".complete").write_text(f"{files} files in {time.perf_counter() - t:.0f} s\n")
    return root


class _Probe:
    """A 10 ms QTimer on the GUI thread recording how late each tick fires (ms), per phase."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.phase = "idle"
        self.late: dict[str, list[float]] = {}
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.late.setdefault(self.phase, []).append(max(0.0, (now - self._last - 0.010) * 1000))
        self._last = now

    def p(self, phase: str, q: float) -> float:
        xs = sorted(self.late.get(phase, [0.0]))
        return xs[min(len(xs) - 1, int(q * len(xs)))]


def _raw(embedder: Any, texts: list[str], probe: _Probe) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of ``embedder.embed`` over ``texts`` in batches of ``BATCH``."""
    probe.phase = "raw"
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(0, len(texts), BATCH):
        embedder.embed(texts[i : i + BATCH])
    return time.perf_counter() - t0, time.process_time() - c0


def run(args: argparse.Namespace) -> dict[str, Any]:
    from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

    from reverie.app.context import build_embedder
    from reverie.app.ui.lanes import Lane
    from reverie.core import turn_context
    from reverie.core.bring import pipeline
    from reverie.core.embedding import WINDOW, EmbeddingWorker, embed_pending, pending_count, vector_id
    from reverie.core.keys import KeyMode
    from reverie.core.paths import vault_paths
    from reverie.core.vault import Vault

    cache = Path(args.cache)
    t = time.perf_counter()
    root = make_corpus(cache, args.files)
    made = time.perf_counter() - t
    home = Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix="bench-bring-"))
    if (home / "vault").exists():
        shutil.rmtree(home / "vault")
    vault = Vault.create(vault_paths(home), KeyMode.PASSPHRASE, PASSPHRASE)

    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])

    class Relay(QObject):
        progressed = Signal(str, int, int)
        embedded = Signal(int, int)
        idle = Signal(int)

    relay = Relay()
    seen = {"progress": 0, "embedded": 0}
    relay.progressed.connect(lambda _s, done, _t: seen.__setitem__("progress", done))
    relay.embedded.connect(lambda done, _t: seen.__setitem__("embedded", done))
    probe = _Probe()
    lane = Lane("bring")
    out: dict[str, Any] = {"files": args.files, "corpus_seconds": round(made, 1)}

    # 1. Reading and saving, on the bring lane.
    source = pipeline.plan(root)
    out["units"] = dict(Counter(u.reader for u in source.units))
    result: dict[str, Any] = {}

    def work() -> Any:
        t0 = time.perf_counter()
        report = pipeline.bring_in(vault, source, relay.progressed.emit, threading.Event())
        result["seconds"] = time.perf_counter() - t0
        return report

    def done(report: Any) -> None:
        result["report"] = report
        app.quit()

    probe.phase = "idle"  # the loop alone first: the machine's own lateness
    QTimer.singleShot(3000, app.quit)
    app.exec()
    lane.submit(work, on_done=done, on_error=lambda m: (result.__setitem__("error", m), app.quit()))
    probe.phase = "import"
    app.exec()
    if "error" in result:
        raise SystemExit(f"the bring-in failed: {result['error']}")
    report = result["report"]
    out.update(
        read_seconds=round(result["seconds"], 1),
        files_per_s=round(report.files / result["seconds"], 1),
        added=report.added,
        left_out=len(report.skipped),
        passages=report.passages,
        rss_mb=round(_rss_mb(), 0),
        reader_rss_mb=round(_rss_mb(resource.RUSAGE_CHILDREN), 0),
        import_p50_ms=round(probe.p("import", 0.50), 1),
        import_p99_ms=round(probe.p("import", 0.99), 1),
        import_max_ms=round(probe.p("import", 1.0), 1),
        idle_p99_ms=round(probe.p("idle", 0.99), 1),
    )

    # 2. Embedding: the raw embedder on the passages about to be embedded, then the window's background
    # embedder on them, then the raw embedder again (A-B-A: a busy machine's drift falls on both sides).
    embedder = build_embedder()
    embedder.embed(["warm up the model"])  # loaded before the clock starts, for both paths
    exporter = getattr(embedder, "_exporter", None)
    if exporter is not None:  # the built-in model's ONNX export, made once: both paths measure the same backend
        exporter.join()
        embedder.embed(["warm up the exported model"])
    out["backend"] = str(getattr(embedder, "backend", "") or type(embedder).__name__)
    model_id = vector_id(embedder.model_id, WINDOW)
    pending = pending_count(vault, model_id)
    limit = args.embed_limit or pending
    with vault.read() as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM memories ORDER BY id LIMIT ?", (limit,))]
        inputs = turn_context.inputs_for(conn, ids, WINDOW)
    texts = [inputs[i] for i in ids if i in inputs]
    raw = [_raw(embedder, texts, probe)]
    probe.phase = "embed"
    t0, c0 = time.perf_counter(), time.process_time()
    if args.embed_limit:

        def part() -> int:
            return embed_pending(vault, embedder, batch_size=BATCH, limit=limit, progress=relay.embedded.emit)

        lane.submit(part, on_done=lambda n: (result.__setitem__("embedded", n), app.quit()))
    else:
        worker = EmbeddingWorker(
            vault,
            embedder,
            batch_size=BATCH,
            progress=relay.embedded.emit,
            on_idle=relay.idle.emit,
        )
        relay.idle.connect(lambda n: (result.__setitem__("embedded", n), app.quit()))
        worker.start()
    app.exec()
    embed_seconds, embed_cpu = time.perf_counter() - t0, time.process_time() - c0
    if not args.embed_limit:
        worker.stop()
    n = int(result.get("embedded", 0))
    with vault.read() as conn:
        done_ids = [r[0] for r in conn.execute("SELECT memory_id FROM vectors ORDER BY memory_id")]
    raw.append(_raw(embedder, texts, probe))
    raw_seconds, raw_cpu = sum(r[0] for r in raw) / 2, sum(r[1] for r in raw) / 2
    out.update(
        embed_path=f"embed_pending, limit {limit:,}" if args.embed_limit else "EmbeddingWorker",
        pending=pending,
        embedded=n,
        same_passages=done_ids == ids,
        embed_seconds=round(embed_seconds, 1),
        passages_per_s=round(n / embed_seconds, 1) if embed_seconds else 0.0,
        cpu_ms_per_passage=round(1000 * embed_cpu / n, 1) if n else 0.0,
        raw_passages=len(texts),
        raw_seconds=[round(r[0], 1) for r in raw],
        raw_per_s=round(len(texts) / raw_seconds, 1) if raw_seconds else 0.0,
        raw_cpu_ms_per_passage=round(1000 * raw_cpu / len(texts), 1) if texts else 0.0,
        embed_p99_ms=round(probe.p("embed", 0.99), 1),
        rss_after_embed_mb=round(_rss_mb(), 0),
    )
    out["cpu_ratio"] = round(out["raw_cpu_ms_per_passage"] / out["cpu_ms_per_passage"], 2) if n else None
    out["ratio"] = round(out["passages_per_s"] / out["raw_per_s"], 2) if out["raw_per_s"] else None
    lane.shutdown(wait=True)
    vault.close()
    if not args.home:
        shutil.rmtree(home, ignore_errors=True)
    return out


def table(r: dict[str, Any]) -> str:
    rows = [
        ("files", f"{r['files']:,}", "  ".join(f"{k} {v:,}" for k, v in sorted(r["units"].items()))),
        (
            "read + save",
            f"{r['read_seconds']} s",
            f"{r['files_per_s']} files/s; {r['added']:,} notes, {r['left_out']} left out",
        ),
        ("passages", f"{r['passages']:,}", f"{r['pending']:,} pending for the embedder"),
        (
            "embed (Reverie)",
            f"{r['passages_per_s']} /s",
            f"{r['embedded']:,} passages in {r['embed_seconds']} s ({r['embed_path']}, batch {BATCH}, {r['backend']})",
        ),
        (
            "embed (raw)",
            f"{r['raw_per_s']} /s",
            f"the same {r['raw_passages']:,} passages: {r['raw_seconds']} s before and after (same: {r['same_passages']})",
        ),
        ("ratio", f"{r['ratio']}x", "Reverie's path / raw embedder, passages per second (target >= 0.8x)"),
        (
            "CPU ratio",
            f"{r['cpu_ratio']}x",
            f"CPU per passage: raw {r['raw_cpu_ms_per_passage']} ms / Reverie's {r['cpu_ms_per_passage']} ms",
        ),
        (
            "peak RSS",
            f"{r['rss_mb']:.0f} MB",
            f"after embedding {r['rss_after_embed_mb']:.0f} MB; reader process {r['reader_rss_mb']:.0f} MB",
        ),
        (
            "event loop",
            f"p99 {r['import_p99_ms']} ms",
            f"lateness of a 10 ms timer while importing (p50 {r['import_p50_ms']}, max {r['import_max_ms']}); "
            f"idle p99 {r['idle_p99_ms']} ms; while embedding p99 {r['embed_p99_ms']} ms",
        ),
    ]
    return "\n".join(f"{a:<16} {b:>12}  {c}" for a, b, c in rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--home", default="", help="data folder for the vault (default: a temporary one)")
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "reverie-bench-bring"))
    ap.add_argument("--embed-limit", type=int, default=0, help="embed only this many passages (default: all)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    r = run(args)
    print(table(r))
    if args.json:
        print(json.dumps(r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
