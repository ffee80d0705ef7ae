"""Launch time: from process start to a usable Reverie window (vault open, home page filled)
against a bare PySide6 window (QApplication + one shown widget, first paint), same run.

    python tests/benchmarks/bench_startup.py [--runs 5]

Each launch is a fresh process; the figure is measured from just before the process is
spawned to the moment the child prints that its window is usable. Also prints each child's
peak resident memory. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

BARE = r"""
import resource, sys
from PySide6.QtWidgets import QApplication, QLabel
from PySide6.QtCore import QTimer
app = QApplication(sys.argv[:1])
w = QLabel("hello"); w.resize(1100, 720); w.show()
def done():
    print("USABLE", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True); app.quit()
QTimer.singleShot(0, done)
app.exec()
"""

REVERIE = r"""
import resource, sys
from PySide6.QtWidgets import QApplication
from PySide6.QtCore import QTimer
from reverie.app import context
from reverie.app.ui.main_window import MainWindow
from reverie.app.ui.session import Session
from reverie.app.ui.startup import Startup
from reverie.app.ui.theme import apply_theme
app = QApplication(sys.argv[:1])
apply_theme(app)
w = MainWindow(Session(context.resolve_paths(sys.argv[1])))
w.show()
Startup(w, interactive=False).start()
def poll():
    if w.session.vault is not None and "Vault:" in w.home.details.text():
        print("USABLE", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True); app.quit()
    else:
        QTimer.singleShot(5, poll)
QTimer.singleShot(0, poll)
app.exec()
"""


def launch(code: str, *args: str, env: dict[str, str]) -> tuple[float, int]:
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("USABLE"):
            elapsed = time.perf_counter() - t0
            rss_kb = int(line.split()[1])
            proc.wait(timeout=60)
            return elapsed, rss_kb
    raise RuntimeError(f"child exited with {proc.wait()} before its window was usable")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as home:
        from reverie.core.keys import KeyMode
        from reverie.core.paths import vault_paths
        from reverie.core.vault import Vault

        Vault.create(vault_paths(__import__("pathlib").Path(home)), KeyMode.NONE).close()
        launch(BARE, env=env)  # warm the page cache once for both
        bare = [launch(BARE, env=env) for _ in range(args.runs)]
        rev = [launch(REVERIE, home, env=env) for _ in range(args.runs)]
    b = statistics.median(t for t, _ in bare)
    r = statistics.median(t for t, _ in rev)
    print(f"platform: {env['QT_QPA_PLATFORM']}, runs: {args.runs}")
    print(f"bare PySide6 window     median {b * 1000:7.0f} ms   peak RSS {max(m for _, m in bare) / 1024:6.0f} MB")
    print(f"Reverie usable window   median {r * 1000:7.0f} ms   peak RSS {max(m for _, m in rev) / 1024:6.0f} MB")
    print(f"ratio Reverie / bare: {r / b:.2f}x")


if __name__ == "__main__":
    main()
