"""``reverie info`` and ``reverie init``: where the vault is, how it is locked, what is in it,
which models were found."""

from __future__ import annotations

from typing import Any

from reverie.app import context
from reverie.app.cli.common import add_json_flag, cli_vault, print_json
from reverie.core.errors import InputError
from reverie.core.keys import KeyMode
from reverie.models.defaults import default_embedder_location, default_gguf_location


def register(sub: Any) -> None:
    p = sub.add_parser("info", help="vault path, encryption, counts and models found")
    add_json_flag(p)
    p.set_defaults(func=run_info)
    p = sub.add_parser("init", help="create the vault (choose how it is encrypted)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--keyring", action="store_true", help="random key kept in the OS keyring (default)")
    group.add_argument(
        "--passphrase-env", action="store_true", help="encrypt with the passphrase in REVERIE_PASSPHRASE"
    )
    group.add_argument("--unencrypted", action="store_true", help="no encryption (explicit choice)")
    p.set_defaults(func=run_init)


def run_init(args: Any) -> int:
    import os

    paths = context.resolve_paths(args.home)
    if paths.exists():
        raise InputError(f"A vault already exists in {paths.folder}; it was left as it was.")
    if args.unencrypted:
        choice = context.VaultChoice(KeyMode.NONE)
    elif args.passphrase_env:
        pw = os.environ.get(context.ENV_PASSPHRASE)
        if not pw:
            raise InputError("REVERIE_PASSPHRASE is not set; no vault was created.")
        choice = context.VaultChoice(KeyMode.PASSPHRASE, pw)
    elif args.keyring:
        choice = context.VaultChoice(KeyMode.KEYRING)
    else:
        from reverie.app.cli.common import _ask_choice

        choice = context.default_choice() or _ask_choice()
    vault = context.create_vault(paths, choice)
    vault.close()
    print(f"Created a vault in {paths.folder} ({_describe(choice.mode)}).")
    return 0


def _describe(mode: KeyMode) -> str:
    return {
        KeyMode.KEYRING: "encrypted, key in the system keyring",
        KeyMode.PASSPHRASE: "encrypted with a passphrase",
        KeyMode.NONE: "not encrypted",
    }[mode]


def run_info(args: Any) -> int:
    from reverie.models.onnx_minilm import describe_backend

    with cli_vault(args) as vault:
        emb = default_embedder_location()
        backend = describe_backend(emb.path if emb.found else None)
        gguf = default_gguf_location()
        data = {
            "vault": str(vault.paths.folder),
            "database": str(vault.paths.database),
            "encryption": vault.key_mode.value,
            "encrypted": vault.encrypted,
            "schema_version": vault.schema_version(),
            "counts": vault.counts(),
            "models": {
                "embedder": {
                    "name": emb.name,
                    "path": str(emb.path) if emb.path else None,
                    "found": emb.found,
                    "problem": emb.problem,
                    "backend": backend[0],
                },
                "chat": {
                    "name": gguf.name,
                    "path": str(gguf.path) if gguf.path else None,
                    "found": gguf.found,
                    "problem": gguf.problem,
                },
            },
        }
    if args.json:
        print_json(data)
        return 0
    c = data["counts"]
    print(f"Vault:       {data['vault']}")
    print(f"Encryption:  {_describe(vault.key_mode)}")
    print(f"Schema:      version {data['schema_version']}")
    print(
        f"Contents:    {c['notes']} notes, {c['conversations']} conversations, {c['messages']} messages, "
        f"{c['memories']} memories ({c['vectors']} embedded, {c['archived']} archived)"
    )
    for label, m in (("Embedder", emb), ("Chat model", gguf)):
        state = f"found at {m.path}" if m.found else f"NOT FOUND: {m.problem}"
        print(f"{label + ':':<12} {m.name}, {state}")
        if m is emb and emb.found:
            print(f"{'':<12} runs on {backend[1]}")
    return 0
