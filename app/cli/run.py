"""``reverie``: the window with no arguments, subcommands for the command line."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from reverie import __version__
from reverie.core.errors import ReverieError

# Each module in this list has ``register(subparsers)``; the parser it adds sets ``func``.
COMMAND_MODULES = (
    "reverie.app.cli.cmd_info",
    "reverie.app.cli.cmd_notes",
    "reverie.app.cli.cmd_ask",
    "reverie.app.cli.cmd_models",
    "reverie.app.cli.cmd_config",
    "reverie.app.cli.cmd_search",
    "reverie.app.cli.cmd_transfer",
    "reverie.app.cli.cmd_consolidate",
    "reverie.app.cli.cmd_eval",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reverie",
        description="Reverie, a private memory companion. With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"reverie {__version__}")
    parser.add_argument("--home", help="data folder (default: REVERIE_HOME or the platform's data dir)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        from reverie.app.ui.gui import run_gui  # imported here: the CLI never loads Qt

        return run_gui(home=args.home)
    try:
        return int(args.func(args) or 0)
    except ReverieError as exc:
        print(f"reverie: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("reverie: interrupted; nothing half-written was kept.", file=sys.stderr)
        return 130
