"""``reverie capture``: the quick-capture box of the running Reverie (or start Reverie with it open).
Bind it to a keyboard shortcut of the desktop (the README says how)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "capture",
        help="open the quick-capture box (a note, or ? and a question) of the running Reverie",
        description="Open the quick-capture box of the Reverie running on this data folder, or start "
        "Reverie with the box open. Type a note and press Enter; start with ? to ask a question.",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from reverie.app.ui.gui import run_gui  # a window command: Qt is loaded only here

    return run_gui(home=args.home, capture=True)
