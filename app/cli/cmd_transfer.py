"""``reverie export``, ``reverie import``, ``reverie lock`` and ``reverie passphrase``: take your
memory with you, bring notes and chats in, change how the vault is locked."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Any

from reverie.app import context
from reverie.app.cli import import_bring
from reverie.app.cli.common import add_json_flag, cli_vault, print_json
from reverie.core.errors import InputError
from reverie.core.keys import KeyMode, check_passphrase
from reverie.core.transfer import export_vault, import_preview, import_vault
from reverie.core.transfer.chatgpt_import import import_chatgpt
from reverie.core.transfer.markdown_export import export_markdown
from reverie.core.transfer.rekey import change_lock


def register(sub: Any) -> None:
    p = sub.add_parser("export", help="export the vault to a .reverie file (or a Markdown folder)")
    p.add_argument("path")
    p.add_argument("--passphrase-env", metavar="VAR", help="encrypt the file with the passphrase in this variable")
    p.add_argument("--no-vectors", action="store_true", help="leave the embeddings out (smaller file)")
    p.add_argument("--markdown", action="store_true", help="write a readable folder of Markdown files instead")
    add_json_flag(p)
    p.set_defaults(func=run_export)
    p = sub.add_parser(
        "import",
        help="bring in a folder or file (documents, Obsidian, Logseq, Keep, Day One, Notion, Evernote), "
        "a .reverie vault file or a ChatGPT conversations.json",
        description="Bring notes and documents in: a folder (of PDF, DOCX, HTML, Markdown and text files; an "
        "Obsidian vault; a Logseq graph; a Google Keep Takeout; a Day One export), a Notion export .zip, an "
        "Evernote .enex, or one PDF, DOCX, HTML, Markdown or text file. Nothing in the folder is changed; "
        "running it again brings in only what is new or changed, and continues a run that was stopped "
        "(Ctrl-C stops after the files being written). Also imports a .reverie vault file (merged record "
        "by record) and a ChatGPT export (conversations.json).",
    )
    p.add_argument("path", help="a folder, a file to bring in, a .reverie vault file or a ChatGPT conversations.json")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="only say what would change: new, changed, unchanged and skipped files with why (not for ChatGPT)",
    )
    p.add_argument(
        "--policy",
        choices=("newer", "mine", "theirs"),
        default="newer",
        help="for records changed on both sides: keep the newer (default), mine, or theirs",
    )
    p.add_argument("--passphrase-env", metavar="VAR", help="the passphrase of an encrypted vault file")
    p.add_argument(
        "--mine",
        action="store_true",
        help="these are my own notes: what is brought in is read as your own writing (Reverie may learn "
        "facts about you from them); a vault file keeps the trust its records were exported with. Without "
        "it, imported records are 'imported': searchable, never a source of facts about you (your own "
        "exports, signed by this vault, keep their trust anyway)",
    )
    add_json_flag(p)
    p.set_defaults(func=run_import)
    p = sub.add_parser("lock", help="change how the vault is locked: keyring, passphrase or none")
    p.add_argument("mode", metavar="{keyring,passphrase,none}", help="how the vault is to be locked")
    p.add_argument("--passphrase-env", metavar="VAR", help="the new passphrase is in this variable")
    p.set_defaults(func=run_lock, remove_passphrase=False)
    p = sub.add_parser("passphrase", help="set, change or remove the vault's passphrase")
    psub = p.add_subparsers(dest="passphrase_command", metavar="ACTION", required=True)
    s = psub.add_parser("set", help="lock the vault with a (new) passphrase")
    s.add_argument("--passphrase-env", metavar="VAR", help="the new passphrase is in this variable")
    s.set_defaults(func=run_lock, mode="passphrase", remove_passphrase=False)
    r = psub.add_parser("remove", help="stop using a passphrase: key in the keyring, or no encryption")
    group = r.add_mutually_exclusive_group(required=True)
    group.add_argument("--keyring", dest="mode", action="store_const", const="keyring")
    group.add_argument("--unencrypted", dest="mode", action="store_const", const="none")
    r.set_defaults(func=run_lock, passphrase_env=None, remove_passphrase=True)


def _from_env(var: str | None) -> str | None:
    if not var:
        return None
    value = os.environ.get(var)
    if not value:
        raise InputError(f"The environment variable {var} is not set or empty; nothing was done.")
    return value


def _ask_new_passphrase(what: str) -> str:
    if not sys.stdin.isatty():
        raise InputError(f"Give the {what} with --passphrase-env VAR (no terminal to type it in); nothing was done.")
    try:
        first = getpass.getpass(f"New {what}: ")
        again = getpass.getpass("Type it again: ")
    except EOFError:
        raise InputError("No passphrase was typed; nothing was done.") from None
    if again != first:
        raise InputError("The two passphrases differ; nothing was done.")
    return first


def _progress(stage: str, done: int, total: int) -> None:
    if sys.stderr.isatty():
        pct = 100 * done // total if total else 100
        print(f"\r{stage}: {pct:3d}% ({done}/{total})\033[K", end="" if done < total else "\n", file=sys.stderr)


def run_export(args: Any) -> int:
    passphrase = _from_env(args.passphrase_env)
    with cli_vault(args, create=False) as vault:
        if args.markdown:
            if passphrase:
                raise InputError("A Markdown export cannot be encrypted; leave out --passphrase-env.")
            md = export_markdown(vault, args.path)
            data: dict[str, Any] = {"path": str(md.folder), "notes": md.notes, "conversations": md.conversations}
            text = f"Wrote {md.notes} notes and {md.conversations} conversations as Markdown to {md.folder}."
        else:
            s = export_vault(
                vault, args.path, passphrase=passphrase, include_vectors=not args.no_vectors, progress=_progress
            )
            data = {"path": str(s.path), "counts": s.counts, "encrypted": s.encrypted, "bytes": s.size_bytes}
            c = s.counts
            text = (
                f"Exported {c['notes']} notes, {c['conversations']} conversations, {c['memories']} memories to "
                f"{s.path}{' (encrypted)' if s.encrypted else ''}."
            )
    print_json(data) if args.json else print(text)
    return 0


def _kind(path: Path) -> str:
    if import_bring.is_bring_in(path):
        return "bring"
    if path.suffix.lower() == ".json":
        return "chatgpt"
    return "vault"


def run_import(args: Any) -> int:
    path = Path(args.path).expanduser()
    kind = _kind(path)
    if args.dry_run and kind == "chatgpt":
        raise InputError(
            "--dry-run works for vault files and what is brought in (folders, documents, note-app exports); a ChatGPT "
            "import skips what it already holds, so run it directly."
        )
    if args.mine and kind == "chatgpt":
        raise InputError(
            "--mine is for notes and documents brought in, and vault files; a ChatGPT export is always read as "
            "imported conversations. Nothing was imported."
        )
    passphrase = _from_env(args.passphrase_env)
    with cli_vault(args) as vault:
        if kind == "bring":
            if args.dry_run:
                data, text = import_bring.dry_run(vault, path, mine=args.mine, progress=_progress)
                problems = [f["why"] for f in data["files"]["skipped"]]
            else:
                data, text, problems = import_bring.run(vault, path, mine=args.mine, progress=_progress)
            return import_bring.finish(data, text, problems, as_json=args.json)
        if kind == "chatgpt":
            s2 = import_chatgpt(vault, path, progress=_progress)
            data = {"kind": kind, **s2.__dict__}
            text = (
                f"Imported {s2.added} new conversations ({s2.messages} messages), updated {s2.updated}, "
                f"{s2.unchanged} unchanged."
            )
            text += "".join(f"\n  {p}" for p in s2.problems)
        elif args.dry_run:
            p = import_preview(
                vault,
                path,
                passphrase=passphrase,
                progress=_progress,
                embedder_id=context.vectors_tag(vault),
                mine=args.mine,
            )
            data = {
                "kind": kind,
                "dry_run": True,
                "tables": {t: c.__dict__ for t, c in p.tables.items()},
                "embedder_id": p.embedder_id,
                "vectors_usable": p.vectors_usable,
                "own_export": p.own_export,
                "trust_kept": p.own_export or args.mine,
            }
            lines = [
                f"{t:<14} {c.new:>7} new {c.updated:>7} updated {c.unchanged:>7} unchanged "
                f"{c.conflicting:>7} conflicting"
                for t, c in p.tables.items()
            ]
            text = "Dry run, nothing was changed:\n" + "\n".join(lines)
        else:
            r = import_vault(
                vault,
                path,
                policy=args.policy,
                passphrase=passphrase,
                progress=_progress,
                embedder_id=context.vectors_tag(vault),
                mine=args.mine,
            )
            data = {"kind": kind, **r.__dict__}
            text = (
                f"Imported: {sum(r.added.values())} records added, {sum(r.replaced.values())} replaced, "
                f"{sum(r.unchanged.values())} unchanged, {sum(r.kept_mine.values())} kept as they were "
                f"(policy {r.policy})."
            )
            if r.needs_embedding:
                text += f" {r.needs_embedding} memories will be embedded in the background."
            if r.changed and not r.trust_kept:
                text += " Its memories were read as imported, not as your own words (add --mine if this file is yours)."
    print_json(data) if args.json else print(text)
    return 0


LOCK_MODES = {m.value: m for m in KeyMode}
LOCK_WORDS = {
    KeyMode.KEYRING: "its key is now in the system keyring",
    KeyMode.PASSPHRASE: "it now opens with the new passphrase",
    KeyMode.NONE: "it is no longer encrypted",
}


def run_lock(args: Any) -> int:
    """``reverie lock MODE`` and ``reverie passphrase set|remove``: every refusal is one sentence."""
    mode = LOCK_MODES.get(str(args.mode).strip().lower())
    if mode is None:
        raise InputError(f"There is no lock called {args.mode!r}: choose keyring, passphrase or none.")
    if args.passphrase_env and mode is not KeyMode.PASSPHRASE:
        raise InputError(f"--passphrase-env is only for a passphrase lock, not {mode.value}; nothing was done.")
    passphrase = None
    if mode is KeyMode.PASSPHRASE:
        passphrase = check_passphrase(_from_env(args.passphrase_env) or _ask_new_passphrase("vault passphrase"))
    with cli_vault(args, create=False) as vault:
        if args.remove_passphrase and vault.key_mode is not KeyMode.PASSPHRASE:
            how = "its key is in the system keyring" if vault.key_mode is KeyMode.KEYRING else "it is not encrypted"
            raise InputError(f"The vault has no passphrase to remove ({how}); nothing was changed.")
        if mode is vault.key_mode and mode is not KeyMode.PASSPHRASE:
            raise InputError(f"The vault is already locked that way ({mode.value}); nothing was changed.")
        vault = change_lock(vault, mode, passphrase)
    print(f"Changed how the vault is locked: {LOCK_WORDS[mode]}.")
    return 0
