"""Benchmark: File › Bring in… in the real window on N small Markdown files (default 10,000): how long
the preview and the bring-in take, how long the GUI thread spends showing the preview's rows, and how
late a 10 ms QTimer fires meanwhile (a frozen window shows as large lateness). The window is open for
4 s first (its own start-up), which is measured apart as "idle".

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_bring_window.py [--files 10000]

No embedder (the embedding's own figures are in bench_bring_in.py). Not collected by pytest.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: uifakes

PROBE_MS = 10


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs) or [0.0]
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=10_000)
    args = ap.parse_args()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from uifakes import fake_services

    from reverie.app.ui.main_window import MainWindow
    from reverie.app.ui.session import Session
    from reverie.app.ui.transfer import bring_dialog
    from reverie.core.keys import KeyMode
    from reverie.core.paths import vault_paths
    from reverie.core.vault import Vault

    tmp = Path(tempfile.mkdtemp(prefix="reverie-bring-window-"))
    folder = tmp / "Notes"
    for i in range(args.files):
        sub = folder / f"d{i // 100:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"n{i % 100:03d}.md").write_text(f"# Note {i}\n\nWalked {i % 40} km along the river.\n", "utf-8")
    paths = vault_paths(tmp / "home")
    Vault.create(paths, KeyMode.NONE).close()
    session = Session(paths)
    window = MainWindow(session, fake_services(session))
    window.show()
    session.set_vault(Vault.open(paths))
    late: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        late.append(max(0.0, (now - last[0]) * 1000 - PROBE_MS))
        last[0] = now

    timer = QTimer()
    timer.setInterval(PROBE_MS)
    timer.timeout.connect(tick)
    timer.start()
    shown: list[float] = []
    real = bring_dialog.BringDialog._previewed

    def timed(self: object, gen: int, preview: object) -> None:
        t = time.perf_counter()
        real(self, gen, preview)  # type: ignore[arg-type]
        shown.append(time.perf_counter() - t)

    bring_dialog.BringDialog._previewed = timed  # type: ignore[method-assign]

    def run_until(cond: object, limit: float = 1800) -> None:
        end = time.monotonic() + limit
        while not cond() and time.monotonic() < end:  # type: ignore[operator]
            app.processEvents()
            time.sleep(0.002)

    run_until(lambda: False, 4)
    phases = {"idle": list(late)}
    late.clear()
    t0 = time.perf_counter()
    dialog = window.features["transfer"].bring_dialog(folder)
    dialog.show()
    run_until(lambda: dialog.preview is not None)
    t1 = time.perf_counter()
    phases["preview"] = list(late)
    late.clear()
    dialog.bring_button.click()
    run_until(lambda: dialog.report is not None)
    t2 = time.perf_counter()
    phases["bring in"] = list(late)
    print(f"{args.files:,} Markdown files")
    print(f"preview   {t1 - t0:6.1f} s; the GUI thread showed its rows in {1000 * shown[0]:.0f} ms")
    print(f"bring in  {t2 - t1:6.1f} s; {dialog.report.files / (t2 - t1):.0f} files/s")
    print(f"Event-loop lateness of a {PROBE_MS} ms QTimer (ms beyond its interval)")
    for name, xs in phases.items():
        print(
            f"  {name:<9} ticks {len(xs):>5}  p50 {_pct(xs, 0.5):6.1f}  p99 {_pct(xs, 0.99):6.1f}  max {max(xs):6.0f}"
        )
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
