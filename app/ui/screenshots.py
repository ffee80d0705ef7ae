"""Screenshots of every screen and dialog on sample data, in a real window, at several sizes and
in both themes; ``--check`` also fails on clipped text and on sideways scrolling in Chat
(``screencheck``).

Everything happens in a temporary folder: the vaults (``app.sampledata``, ``app.samplebulk``),
Reverie's data home and the Qt settings file, so the user's vault and window state are never
touched. Files are named ``SCREEN-WIDTHxHEIGHT-THEME.png``.

Windows (each on its own vault): ``sample`` (the sample vault; the real embedder and chat model),
``empty`` (a new vault, and the import dialogs), ``locked`` (a passphrase vault whose unlock was
cancelled), ``big`` (5,000 memories, no vectors), and the first-run ``welcome`` dialog.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

SIZES = ((1440, 900), (1100, 720), (800, 600))
THEMES = ("light", "dark")


def _isolate(tmp: Path) -> None:
    os.environ["REVERIE_HOME"] = str(tmp / "home")
    os.environ["XDG_CONFIG_HOME"] = str(tmp / "config")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT, e.g. 1100x720") from None
    return w, h


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m reverie.app.screenshots",
        description="Save PNGs of every screen and dialog on sample data (temporary vaults), at several "
        "window sizes and in both themes. Run it under Xvfb on a server: xvfb-run -a -s "
        "'-screen 0 1600x1000x24' python -m reverie.app.screenshots OUTDIR",
    )
    p.add_argument("outdir", type=Path, nargs="?", help="folder for the PNGs (SCREEN-WIDTHxHEIGHT-THEME.png)")
    p.add_argument(
        "--size",
        type=_size,
        action="append",
        metavar="WxH",
        help="window size; repeat for several (default: 1440x900, 1100x720 and 800x600)",
    )
    p.add_argument("--theme", choices=THEMES, action="append", help="light or dark; repeat for both (default: both)")
    p.add_argument(
        "--only",
        action="append",
        metavar="PATTERN",
        help="only the screens whose name matches (shell pattern, comma-separated or repeated), "
        "e.g. --only 'chat*,empty-*'; see --list",
    )
    p.add_argument("--list", action="store_true", help="print the screen names and exit")
    p.add_argument(
        "--check",
        action="store_true",
        help="exit with status 1 when a screen has clipped text or Chat scrolls sideways",
    )
    return p


def run(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    from reverie.app.ui.shots import SCREEN_NAMES

    if args.list:
        print("\n".join(SCREEN_NAMES))
        return 0
    if args.outdir is None:
        parser().error("the folder for the PNGs (OUTDIR) is missing")
    patterns = [p.strip() for item in (args.only or ["*"]) for p in item.split(",") if p.strip()]
    chosen = [n for n in SCREEN_NAMES if any(fnmatch.fnmatchcase(n, p) for p in patterns)]
    if not chosen:
        print(f"No screen matches {', '.join(patterns)}; see --list.", file=sys.stderr)
        return 2
    out: Path = args.outdir
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="reverie-shots-") as tmp_name:
        tmp = Path(tmp_name)
        _isolate(tmp)
        from reverie.app.ui.shots import Shooter

        shooter = Shooter(out, tmp, sizes=args.size or list(SIZES), themes=args.theme or list(THEMES), screens=chosen)
        started = time.monotonic()
        try:
            shooter.shoot_all()
        except Exception:  # noqa: BLE001 - say what broke; the PNGs so far stay
            traceback.print_exc()
            shooter.errors.append("the run stopped early (see the traceback above)")
        for p in shooter.saved:
            print(p)
        print(f"{len(shooter.saved)} screenshots in {out} ({time.monotonic() - started:.0f} s).")
        from reverie.app.ui.screencheck import report

        print(report(shooter.offenders))
        for e in shooter.errors:
            print(f"error: {e}", file=sys.stderr)
    if shooter.errors:
        return 2
    return 1 if args.check and shooter.offenders else 0
