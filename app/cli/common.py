"""Helpers shared by the CLI commands: opening the vault, printing data."""

from __future__ import annotations

import contextlib
import getpass
import json
import sys
from collections.abc import Iterator
from typing import Any

from reverie.app import context
from reverie.core.errors import InputError, VaultLockedError
from reverie.core.keys import KeyMode
from reverie.core.protocols import Embedder
from reverie.core.vault import Vault


def add_json_flag(p: Any) -> None:
    p.add_argument("--json", action="store_true", help="print data as JSON")


def _ask_choice() -> context.VaultChoice:
    if not sys.stdin.isatty():
        raise InputError(
            "No system keyring is available to keep the vault key. Set REVERIE_PASSPHRASE to "
            "encrypt the new vault with a passphrase, or run 'reverie init --unencrypted' to "
            "choose an unencrypted vault."
        )
    print("No system keyring is available to keep the vault key.", file=sys.stderr)
    first = getpass.getpass("Choose a passphrase for the new vault (empty for no encryption): ")
    if not first:
        answer = input("Create an UNENCRYPTED vault? Anyone with your files can read it. [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            raise InputError("No vault was created.")
        return context.VaultChoice(KeyMode.NONE)
    if getpass.getpass("Type it again: ") != first:
        raise InputError("The two passphrases differ; no vault was created.")
    return context.VaultChoice(KeyMode.PASSPHRASE, first)


def open_cli_vault(args: Any, *, create: bool = True) -> Vault:
    paths = context.resolve_paths(getattr(args, "home", None))
    if not paths.exists():
        if not create:
            raise InputError(f"There is no vault in {paths.folder} yet.")
        choice = context.default_choice() or _ask_choice()
        return context.create_vault(paths, choice)
    try:
        return context.open_vault(paths)
    except VaultLockedError:
        if not sys.stdin.isatty():
            raise VaultLockedError(
                "This vault is protected by a passphrase; set REVERIE_PASSPHRASE or run the "
                "command in a terminal to type it."
            ) from None
        return context.open_vault(paths, getpass.getpass("Vault passphrase: "))


@contextlib.contextmanager
def cli_vault(args: Any, *, create: bool = True) -> Iterator[Vault]:
    vault = open_cli_vault(args, create=create)
    try:
        yield vault
    finally:
        vault.close()


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def default_embedder() -> Embedder:
    """The app's default embedder (all-MiniLM-L6-v2 from its PyPI package, offline, loaded on first use)."""
    from reverie.models.embedder import default_embedder as build

    return build()


def quick_retriever(vault: Vault, *, words_only: bool = False) -> Any:
    """Search for a one-shot command: the window's, except that the built-in search model embeds the
    query (and a few new memories) in NumPy, without loading torch (seconds, for one line)."""
    from reverie.models.minilm_numpy import quick_first

    retriever = context.build_retriever(vault, words_only=words_only)
    if retriever.embedder is not None:
        retriever.embedder = quick_first(retriever.embedder)
    return retriever
