"""``reverie note add|show|edit|delete`` and ``reverie notes``."""

from __future__ import annotations

import sys
from typing import Any

from reverie.app.cli.common import add_json_flag, cli_vault, print_json
from reverie.core import notes
from reverie.core.clock import iso, local_date


def register(sub: Any) -> None:
    note = sub.add_parser("note", help="add, show, edit or delete a note")
    nsub = note.add_subparsers(dest="note_command", metavar="ACTION", required=True)
    p = nsub.add_parser("add", help="add a note (text as argument, or '-' to read standard input)")
    p.add_argument("text")
    p.add_argument("--title")
    p.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    add_json_flag(p)
    p.set_defaults(func=run_add)
    p = nsub.add_parser("show", help="print a note")
    p.add_argument("id")
    add_json_flag(p)
    p.set_defaults(func=run_show)
    p = nsub.add_parser("delete", help="delete a note")
    p.add_argument("id")
    p.set_defaults(func=run_delete)
    p = nsub.add_parser("edit", help="replace a note's text (or '-' to read standard input)")
    p.add_argument("id")
    p.add_argument("text")
    p.add_argument("--title")
    add_json_flag(p)
    p.set_defaults(func=run_edit)
    lst = sub.add_parser("notes", help="list notes")
    lst.add_argument("--filter", default="", help="only notes whose title or text contains this")
    lst.add_argument("--tag", help="only notes with this tag")
    lst.add_argument("--limit", type=int, default=50)
    add_json_flag(lst)
    lst.set_defaults(func=run_list)


def _text(arg: str) -> str:
    return sys.stdin.read() if arg == "-" else arg


def run_add(args: Any) -> int:
    with cli_vault(args) as vault:
        note = notes.create_note(vault, _text(args.text), args.title, args.tag)
    if args.json:
        print_json(note.as_dict())
    else:
        print(f"Saved note {note.id[:8]}: {note.title}")
    return 0


def run_edit(args: Any) -> int:
    with cli_vault(args, create=False) as vault:
        note = _resolve(vault, args.id)
        note, result = notes.update_note(vault, note.id, body=_text(args.text), title=args.title)
    if args.json:
        print_json({**note.as_dict(), "reindexed": result.__dict__})
    else:
        print(f"Saved note {note.id[:8]}: {result.added} passages re-indexed, {result.kept} unchanged.")
    return 0


def _resolve(vault: Any, prefix: str) -> notes.Note:
    from reverie.core.errors import InputError, NotFoundError

    prefix = prefix.strip().lower()
    if len(prefix) < 4:
        raise InputError("Give at least the first 4 characters of the note's id.")
    with vault.read() as conn:
        rows = conn.execute("SELECT id FROM notes WHERE id LIKE ? || '%' LIMIT 2", (prefix,)).fetchall()
    if not rows:
        raise NotFoundError(f"No note has an id starting with {prefix}.")
    if len(rows) > 1:
        raise InputError(f"More than one note has an id starting with {prefix}; give more characters.")
    return notes.get_note(vault, rows[0][0])


def run_show(args: Any) -> int:
    with cli_vault(args, create=False) as vault:
        note = _resolve(vault, args.id)
    if args.json:
        print_json(note.as_dict())
    else:
        print(f"# {note.title}\n")
        for name, value in note.properties.items():  # front matter fields (author, url, ...)
            print(f"{name}: {value if isinstance(value, str) else ', '.join(value)}")
        print("\n" if note.properties else "", end="")
        print(note.body)
    return 0


def run_delete(args: Any) -> int:
    with cli_vault(args, create=False) as vault:
        note = notes.delete_note(vault, _resolve(vault, args.id).id)
    print(f"Deleted note {note.id[:8]}: {note.title}")
    return 0


def run_list(args: Any) -> int:
    with cli_vault(args) as vault:
        items = notes.list_notes(vault, args.filter, args.tag, limit=args.limit)
    if args.json:
        print_json([{**n.as_dict(), "updated": iso(n.updated_at)} for n in items])
        return 0
    if not items:
        print('No notes yet. Add one with: reverie note add "..."')
        return 0
    for n in items:
        tags = (" #" + " #".join(n.tags)) if n.tags else ""
        print(f"{n.id[:8]}  {local_date(n.updated_at)}  {n.title}{tags}")
    return 0
