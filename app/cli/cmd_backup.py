"""``reverie backup``, ``backups``, ``restore``, ``recovery-kit`` and ``recover`` (also ``unlock
--recovery-code``): encrypted backups of the vault, and the code that opens it when its key is lost."""

from __future__ import annotations

import getpass
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from reverie.app import context
from reverie.app.cli.common import add_json_flag, cli_vault, print_json
from reverie.core import backup, recovery, restore
from reverie.core.errors import DataFolderError, InputError, VaultLockedError
from reverie.core.keys import KeyMode
from reverie.core.scheduler import local_tz
from reverie.core.settings import load_settings
from reverie.core.vault import Vault, VaultHeader

ENV_CODE = "REVERIE_RECOVERY_CODE"
ENV_PASSPHRASE = "REVERIE_PASSPHRASE"
KIT_WARNING = (
    "Write this code down or keep it in your password manager. It is shown only now. Anyone with it and "
    "your vault folder can read your vault; without it, a lost key or passphrase means a lost vault."
)


def register(sub: Any) -> None:
    p = sub.add_parser("backup", help="back up the vault now (into the backup folder from Settings, or --to)")
    p.add_argument("--to", metavar="FOLDER", help="the folder to write the backup into")
    add_json_flag(p)
    p.set_defaults(func=run_backup)
    p = sub.add_parser("backups", help="list the vault's backups, the newest first")
    p.add_argument("--folder", help="the backup folder (default: the one from Settings)")
    add_json_flag(p)
    p.set_defaults(func=run_list)
    p = sub.add_parser("restore", help="replace the vault with a backup (shows what differs first)")
    p.add_argument("file", help="a backup's .db (or .json) file")
    p.add_argument("--yes", action="store_true", help="do not ask before replacing the vault")
    p.set_defaults(func=run_restore)
    p = sub.add_parser("recovery-kit", help="make a new recovery kit and print its code once")
    p.set_defaults(func=run_kit)
    for name, about in (
        ("recover", "open the vault with its recovery code (a lost keyring entry or passphrase)"),
        ("unlock", "unlock the vault; with --recovery-code, from its recovery code"),
    ):
        p = sub.add_parser(name, help=about)
        p.add_argument(
            "--recovery-code",
            action="store_true",
            default=name == "recover",
            help=f"read the recovery code from a prompt or {ENV_CODE}",
        )
        p.set_defaults(func=run_recover)


def _n(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


def _folder(vault: Vault, given: str | None) -> Path:
    if given:
        return Path(given).expanduser()
    folder = backup.backup_folder(load_settings(vault))
    if folder is None:
        raise InputError(
            "No backup folder is chosen; pick one in Settings, or run "
            "'reverie config set backup_folder PATH' (or give --to / --folder)."
        )
    return folder


def run_backup(args: Any) -> int:
    """Into the Settings folder: a logged job run, then the rotation. With --to: one backup, kept as is."""
    with cli_vault(args, create=False) as vault:
        folder = _folder(vault, args.to)
        if args.to:
            info = backup.make_backup(vault, folder, vault.now(), local_tz())
            removed: list[str] = []
        else:
            run = backup.run_backup(vault, load_settings(vault), vault.now(), local_tz())
            if run.status != "ok":
                raise DataFolderError(run.error or "The backup failed; the vault was not changed.")
            info = backup.list_backups(folder, vault.header.vault_id)[0]
            removed = [line.removeprefix("removed ") for line in run.log if line.startswith("removed ")]
    if args.json:
        print_json({"file": str(info.path), "size": info.size, "counts": info.counts, "removed": removed})
    else:
        print(f"Backed up and verified: {info.path} ({info.size:,} bytes).")
        if removed:
            print(f"Removed {len(removed)} older backup(s) past the ones kept.")
    return 0


def run_list(args: Any) -> int:
    with cli_vault(args, create=False) as vault:
        folder = _folder(vault, args.folder)
        items = backup.list_backups(folder, vault.header.vault_id)
    if args.json:
        print_json(
            [{"file": str(b.path), "created_at": b.created_at, "size": b.size, "counts": b.counts} for b in items]
        )
        return 0
    if not items:
        print(f"No backups of this vault in {folder}.")
        return 0
    for b in items:
        c = b.counts
        print(
            f"{_when(b.created_at)}  {b.path.name}  {b.size:,} bytes  "
            f"{_n(c.get('memories', 0), 'memory', 'memories')}, {_n(c.get('notes', 0), 'note', 'notes')}, "
            f"{_n(c.get('messages', 0), 'message', 'messages')}"
        )
    return 0


def _passphrase(prompt: str) -> str:
    value = os.environ.get(ENV_PASSPHRASE)
    if value:
        return value
    if not sys.stdin.isatty():
        raise VaultLockedError(
            f"This vault is protected by a passphrase; set {ENV_PASSPHRASE} or run this in a terminal."
        )
    return getpass.getpass(prompt)


def _open_with_passphrase(args: Any) -> tuple[Vault, str | None]:
    """The vault, and its passphrase when it has one (a restore reopens it; a kit wraps it)."""
    paths = context.resolve_paths(getattr(args, "home", None))
    if not paths.exists():
        raise InputError(f"There is no vault in {paths.folder} yet.")
    header = VaultHeader.read(paths.header)
    passphrase = _passphrase("Vault passphrase: ") if header.key_mode is KeyMode.PASSPHRASE else None
    return context.open_vault(paths, passphrase), passphrase


def run_restore(args: Any) -> int:
    file = Path(args.file).expanduser()
    paths = context.resolve_paths(getattr(args, "home", None))
    if not (paths.header.exists() and paths.database.exists()):
        info = restore.restore_into(paths, file)
        print(f"Restored the backup of {_when(info.created_at)} into {paths.folder}.")
        if info.key_mode is KeyMode.KEYRING:
            print("If its key is not in this computer's keyring, run 'reverie recover' with the recovery code.")
        return 0
    vault, passphrase = _open_with_passphrase(args)
    try:
        pv = restore.preview(vault, file)
        print(f"Restore the backup of {_when(pv.backup.created_at)}? The vault is replaced by it:")
        for line in pv.lines():
            print("  " + line)
        if not args.yes:
            if not sys.stdin.isatty():
                raise InputError("Add --yes to restore without a question (nothing was changed).")
            if input("Replace the vault with this backup? [y/N] ").strip().lower() not in ("y", "yes"):
                print("Nothing was changed.")
                return 1
        vault = restore.restore(vault, file, lambda: context.open_vault(paths, passphrase))
        print("Restored. The vault now holds the backup; the vault it replaced was removed once this one opened.")
    finally:
        vault.close()
    return 0


def run_kit(args: Any) -> int:
    vault, passphrase = _open_with_passphrase(args)
    try:
        if vault.key_mode is KeyMode.NONE:
            print("This vault is not encrypted, so it needs no recovery kit: its file opens without a key.")
            return 0
        code = recovery.make_kit(vault, vault.now(), passphrase)
    finally:
        vault.close()
    print("Your recovery code:\n")
    print("    " + code + "\n")
    print(KIT_WARNING)
    print("Any earlier recovery code no longer works.")
    return 0


def run_recover(args: Any) -> int:
    if not args.recovery_code:
        raise InputError(
            "Reverie unlocks on its own from the keyring or REVERIE_PASSPHRASE; use 'reverie unlock "
            "--recovery-code' to open it with its recovery code."
        )
    paths = context.resolve_paths(getattr(args, "home", None))
    code = os.environ.get(ENV_CODE) or ""
    if not code:
        if not sys.stdin.isatty():
            raise InputError(f"Set {ENV_CODE} or run this in a terminal to type the recovery code.")
        code = getpass.getpass("Recovery code: ")
    got = recovery.recover(paths, code)
    if got.mode is KeyMode.KEYRING:
        print("The vault's key is back in the system keyring; Reverie opens the vault as before.")
        print("Make a new recovery kit if this one may have been seen ('reverie recovery-kit').")
    else:
        print(f"The vault's passphrase is: {got.passphrase}")
        print("Type it when Reverie asks for it; change it with 'reverie passphrase set' if you like.")
    return 0
