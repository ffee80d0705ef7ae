"""``reverie watch add|list|remove|pause|resume|scan``: the folders Reverie brings in and follows.

The window follows them while it runs; ``reverie watch scan`` catches up once from the command line
(new, changed, renamed and deleted files since the last look). Reverie never writes into them."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from reverie.app.cli.common import add_json_flag, cli_vault, print_json

if TYPE_CHECKING:
    from reverie.core.bring.watch import WatchedFolder
    from reverie.core.bring.watch_apply import WatchReport
    from reverie.core.vault import Vault

NEVER_WRITES = "Reverie never writes into a watched folder."


def register(sub: Any) -> None:
    p = sub.add_parser("watch", help="folders Reverie brings in and keeps following (it never writes into them)")
    add_json_flag(p)
    p.set_defaults(func=run_list)
    acts = p.add_subparsers(dest="watch_command", metavar="ACTION")
    a = acts.add_parser("add", help="watch a folder and bring it in now: reverie watch add ~/Notes [--mine]")
    a.add_argument("path")
    a.add_argument("--mine", action="store_true", help="these are my own notes (facts about me may be drawn from them)")
    a.add_argument("--later", action="store_true", help="bring it in at the next scan or window start, not now")
    add_json_flag(a)
    a.set_defaults(func=run_add)
    lst = acts.add_parser("list", help="the watched folders, their state and last look")
    add_json_flag(lst)
    lst.set_defaults(func=run_list)
    for name, helptext in (
        ("remove", "stop watching a folder (its notes stay)"),
        ("pause", "stop following a folder for now"),
        ("resume", "follow a paused folder again"),
    ):
        r = acts.add_parser(name, help=helptext)
        r.add_argument("path")
        add_json_flag(r)
        r.set_defaults(func=run_change, action=name)
    s = acts.add_parser("scan", help="catch up once on what changed in the watched folders (or in PATH)")
    s.add_argument("path", nargs="?")
    add_json_flag(s)
    s.set_defaults(func=run_scan)


def _as_dict(f: WatchedFolder) -> dict[str, Any]:
    return {
        "path": f.path,
        "state": f.state,
        "mine": f.mine,
        "notes": f.files,
        "missing": f.missing,
        "added_at": f.added_at,
        "last_scan_at": f.last_scan_at,
        "problem": f.problem,
    }


def _line(f: WatchedFolder) -> str:
    when = datetime.fromtimestamp(f.last_scan_at).strftime("%Y-%m-%d %H:%M") if f.last_scan_at else "never"
    bits = [
        "watching" if f.watching else "paused",
        f"{f.files:,} notes",
        *([f"{f.missing:,} with the file gone"] if f.missing else []),
        *(["your own notes"] if f.mine else []),
        f"last looked {when}",
    ]
    line = f"{f.path}  ({', '.join(bits)})"
    return f"{line}\n  {f.problem}" if f.problem else line


def _catch_up(vault: Vault, path: str) -> WatchReport:
    from reverie.core.bring import watch, watch_apply

    plan = watch.scan(vault, path)
    tty = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if tty:
            print(f"\rReading {done:,} of {total:,} files…", end="", file=sys.stderr, flush=True)

    report = watch_apply.apply(vault, path, plan, progress=progress)
    if tty and plan.files:
        print(file=sys.stderr)
    return report


def _report_dict(path: str, r: WatchReport) -> dict[str, Any]:
    return {
        "path": path,
        "added": r.added,
        "updated": r.updated,
        "moved": r.moved,
        "archived": r.archived,
        "restored": r.restored,
        "unchanged": r.unchanged,
        "problems": r.problems,
    }


def _say_report(path: str, r: WatchReport) -> None:
    print(f"{path}: {r.sentence()}.")
    for problem in r.problems:
        print(f"  {problem}")


def run_add(args: Any) -> int:
    from reverie.core.bring import watch

    with cli_vault(args) as vault:
        f = watch.add_folder(vault, args.path, mine=args.mine)
        report = None if args.later else _catch_up(vault, f.path)
        f = watch.get_folder(vault, f.path)
    if args.json:
        print_json({**_as_dict(f), "report": _report_dict(f.path, report) if report else None})
        return 0
    print(f"Watching {f.path}. {NEVER_WRITES}")
    if report is not None:
        _say_report(f.path, report)
    else:
        print("Its files come in at the next `reverie watch scan` or when the window opens.")
    return 0


def run_list(args: Any) -> int:
    from reverie.core.bring import watch

    with cli_vault(args, create=False) as vault:
        folders = watch.list_folders(vault)
    if args.json:
        print_json([_as_dict(f) for f in folders])
        return 0
    if not folders:
        print("No folder is watched. Add one: reverie watch add ~/Notes")
        return 0
    for f in folders:
        print(_line(f))
    print(NEVER_WRITES)
    return 0


def run_change(args: Any) -> int:
    from reverie.core.bring import watch

    with cli_vault(args, create=False) as vault:
        if args.action == "remove":
            f = watch.remove_folder(vault, args.path)
            said = f"Stopped watching {f.path}; the notes brought in from it stay."
        else:
            f = watch.set_state(vault, args.path, "paused" if args.action == "pause" else "on")
            said = (
                f"Paused {f.path}."
                if args.action == "pause"
                else f"Watching {f.path} again; `reverie watch scan` catches up now."
            )
    if args.json:
        print_json(_as_dict(f))
    else:
        print(said)
    return 0


def run_scan(args: Any) -> int:
    from reverie.core.bring import watch

    with cli_vault(args, create=False) as vault:
        folders = [watch.get_folder(vault, args.path)] if args.path else watch.list_folders(vault)
        reports = [(f.path, _catch_up(vault, f.path)) for f in folders if f.watching or args.path]
    if args.json:
        print_json([_report_dict(p, r) for p, r in reports])
        return 0
    if not reports:
        print("No folder is watched (or all are paused). Add one: reverie watch add ~/Notes")
    for path, r in reports:
        _say_report(path, r)
    return 0
