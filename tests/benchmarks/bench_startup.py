"""Launch time: from process start to a usable Reverie window (vault open, home page filled)
against a bare PySide6 window (QApplication + one shown widget, first paint), same run; and the
wall time of one-shot ``reverie search`` and ``reverie ask`` on a small vault against
``python -c pass`` and against loading the search model the usual way (sentence-transformers).

    python tests/benchmarks/bench_startup.py [--runs 5] [--ask-runs 1] [--no-window] [--no-cli]

Each launch is a fresh process; the window figure is measured from just before the process is
spawned to the moment the child prints that its window is usable; a command's figure is its whole
run. Also prints each child's peak resident memory. Bytecode is cached (in a temporary
PYTHONPYCACHEPREFIX) as in an installed package. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


# The search model loaded the way the window's indexer loads it, and one line embedded.
MODEL_LOAD = r"""
from reverie.models.embedder import default_embedder
default_embedder().embed(["one line"])
"""

NOTES = [
    "I walked the dog in the park on Sunday",
    "Anna's birthday is March 3; she likes tulips",
    "The plumber comes on Thursday at nine",
    "Book club: we are reading The Remains of the Day",
    "Dentist appointment moved to the 14th",
]


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time of one process and its own peak RSS in KB (``os.wait4``'s accounting of that child)."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{argv[2:]} failed ({proc.returncode}): {err.read().decode()[-500:]}")
    return elapsed, usage.ru_maxrss


def cli_bench(runs: int, ask_runs: int, env: dict[str, str]) -> None:
    """Cold one-shot commands on a five-note vault (its memories already embedded)."""
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        cenv = dict(
            env, REVERIE_HOME=str(Path(tmp) / "home"), PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring"
        )
        cli = [py, "-m", "reverie"]
        run_once([*cli, "init", "--unencrypted"], cenv)
        for text in NOTES:
            run_once([*cli, "note", "add", text], cenv)
        run_once([*cli, "search", "warm up"], cenv)  # embeds the five notes; caches bytecode
        cases = [
            ("python -c pass", [py, "-c", "pass"], runs),
            ("search model load (sentence-transformers)", [py, "-c", MODEL_LOAD], runs),
            ("reverie search --mode bm25", [*cli, "search", "--mode", "bm25", "birthday tulips"], runs),
            ("reverie search (hybrid)", [*cli, "search", "strolling with my puppy"], runs),
            ("reverie ask (default: Reverie quotes)", [*cli, "ask", "When is Anna's birthday?"], ask_runs),
        ]
        medians: dict[str, float] = {}
        print(
            f"one-shot commands, 5-note vault, median of {runs} (ask: {ask_runs}); load average {os.getloadavg()[0]:.1f}:"
        )
        for label, argv, n in cases:
            if n < 1:
                continue
            got = [run_once(argv, cenv) for _ in range(n)]
            medians[label] = statistics.median(t for t, _ in got)
            print(f"  {label:<44} {medians[label] * 1000:8.0f} ms   peak RSS {max(m for _, m in got) / 1024:6.0f} MB")
        if ask_runs > 0:  # the default model is "tiny": Reverie answers from the memory; make the model write
            run_once([*cli, "config", "set", "chat_tier", "capable"], cenv)
            label = "reverie ask (capable tier: the GGUF writes)"
            got = [
                run_once([*cli, "ask", "What could I give Anna, given what she likes?"], cenv) for _ in range(ask_runs)
            ]
            medians[label] = statistics.median(t for t, _ in got)
            print(f"  {label:<44} {medians[label] * 1000:8.0f} ms   peak RSS {max(m for _, m in got) / 1024:6.0f} MB")
        base, model = medians["python -c pass"], medians["search model load (sentence-transformers)"]
        for label in list(medians)[2:]:
            if label in medians:
                t = medians[label]
                print(f"  {label:<44} {t / base:6.1f}x python -c pass   {t / model:5.2f}x the model load")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--ask-runs", type=int, default=1, help="reverie ask runs (each generates an answer)")
    ap.add_argument("--no-window", action="store_true", help="skip the window launch")
    ap.add_argument("--no-cli", action="store_true", help="skip reverie search / ask")
    args = ap.parse_args()
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as pycache:
        env["PYTHONPYCACHEPREFIX"] = pycache  # cached bytecode, as an installed package has, outside the tree
        if not args.no_cli:
            cli_bench(args.runs, args.ask_runs, env)
        if not args.no_window:
            window_bench(args.runs, env)


def window_bench(runs: int, env: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as home:
        from reverie.core.keys import KeyMode
        from reverie.core.paths import vault_paths
        from reverie.core.vault import Vault

        Vault.create(vault_paths(Path(home)), KeyMode.NONE).close()
        launch(BARE, env=env)  # warm the page cache once for both
        bare = [launch(BARE, env=env) for _ in range(runs)]
        rev = [launch(REVERIE, home, env=env) for _ in range(runs)]
    b = statistics.median(t for t, _ in bare)
    r = statistics.median(t for t, _ in rev)
    print(f"platform: {env['QT_QPA_PLATFORM']}, runs: {runs}")
    print(f"bare PySide6 window     median {b * 1000:7.0f} ms   peak RSS {max(m for _, m in bare) / 1024:6.0f} MB")
    print(f"Reverie usable window   median {r * 1000:7.0f} ms   peak RSS {max(m for _, m in rev) / 1024:6.0f} MB")
    print(f"ratio Reverie / bare: {r / b:.2f}x")


if __name__ == "__main__":
    main()
