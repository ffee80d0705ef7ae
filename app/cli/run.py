"""``reverie``: the window with no arguments, subcommands for the command line."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from reverie import __version__
from reverie.core.errors import VaultBusyError, describe, user_error
from reverie.core.paths import PRIVATE_UMASK, data_home, make_vault_private, vault_paths

ENV_DEBUG = "REVERIE_DEBUG"

# Exit codes: 2 for an error the user can act on, 75 (EX_TEMPFAIL) for a busy vault, 1 for an
# unexpected error, 130 for Ctrl-C, 141 (128 + SIGPIPE) when the reader of our output went away.
EXIT_USER, EXIT_BUSY, EXIT_UNEXPECTED, EXIT_INTERRUPTED, EXIT_PIPE = 2, 75, 1, 130, 141

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
    "reverie.app.cli.cmd_backup",
    "reverie.app.cli.cmd_mcp",
    "reverie.app.cli.cmd_reminders",
    "reverie.app.cli.cmd_capture",
    "reverie.app.cli.cmd_watch",
)


# The commands of the busiest modules, so that ``reverie search ...`` imports cmd_search alone and
# not every module's dependencies (a command not named here builds the whole parser, as --help does).
COMMAND_HOMES = {
    "info": "reverie.app.cli.cmd_info",
    "init": "reverie.app.cli.cmd_info",
    "note": "reverie.app.cli.cmd_notes",
    "notes": "reverie.app.cli.cmd_notes",
    "ask": "reverie.app.cli.cmd_ask",
    "search": "reverie.app.cli.cmd_search",
}
_GLOBAL_WITH_VALUE = ("--home",)


def command_modules(argv: Sequence[str]) -> tuple[str, ...]:
    """The modules the parser needs for ``argv``: the command's own, or all of them."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _GLOBAL_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            home = COMMAND_HOMES.get(arg)
            return (home,) if home in COMMAND_MODULES else COMMAND_MODULES
        elif not arg.startswith("--home="):
            return COMMAND_MODULES  # -h, --version, or an option argparse will explain
    return COMMAND_MODULES


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reverie",
        description="Reverie, a private memory companion. With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"reverie {__version__}")
    parser.add_argument("--home", help="data folder (default: REVERIE_HOME or the platform's data dir)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command (or open the window). Every error ends here as one sentence on stderr and a
    non-zero exit; the traceback is printed only with REVERIE_DEBUG=1."""
    os.umask(PRIVATE_UMASK)
    argv = list(sys.argv[1:] if argv is None else argv)
    return guarded(lambda: _dispatch(argv))


def _dispatch(argv: list[str]) -> int:
    parser = build_parser(command_modules(argv))
    args = parser.parse_args(argv)
    # The umask covers what this run creates; an older Reverie's vault folder and files are fixed here.
    make_vault_private(vault_paths(Path(args.home).expanduser() if args.home else data_home()))
    if not getattr(args, "command", None):
        from reverie.app.ui.gui import run_gui  # imported here: the CLI never loads Qt

        return run_gui(home=args.home)
    return int(args.func(args) or 0)


def guarded(fn: Callable[[], int]) -> int:
    """``fn()``'s exit code, or the exit code of the error it raised, told in one sentence."""
    try:
        return fn()
    except KeyboardInterrupt:
        _say("interrupted; nothing half-written was kept.")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_PIPE
    except Exception as exc:  # noqa: BLE001 - the top level: every error becomes one sentence
        if os.environ.get(ENV_DEBUG) == "1":
            traceback.print_exc(file=sys.stderr)
        known = user_error(exc)
        if known is None:
            _say(
                f"Something went wrong ({type(exc).__name__}; {ENV_DEBUG}=1 shows the details); your data is unchanged."
            )
            return EXIT_UNEXPECTED
        _say(" ".join(describe(known).split()))  # one line on the terminal
        return EXIT_BUSY if isinstance(known, VaultBusyError) else EXIT_USER


def _say(sentence: str) -> None:
    try:
        print(f"reverie: {sentence}", file=sys.stderr, flush=True)
    except OSError:  # stderr closed too: nothing more to say
        pass


def _silence_stdout() -> None:
    """The reader of our output is gone (``reverie info --json | head``): point stdout at /dev/null
    so the interpreter's last flush does not print a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
