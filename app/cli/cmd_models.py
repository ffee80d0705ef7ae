"""``reverie models``: the chat models Reverie can use (the bundled one, GGUF files already on this
machine, the configured server), with size, parameter count and tier, the one in use marked;
``reverie models --use NAME|NUMBER|PATH|URL`` chooses one in one step. Below the list, the search
model (embedder) in use and how many memories wait to be embedded with it; ``--test-search``
embeds one sentence with it and says the dimension and time (or its one-sentence problem)."""

from __future__ import annotations

import os
from typing import Any

from reverie.app import context
from reverie.app.cli.common import add_json_flag, cli_vault, print_json
from reverie.core.errors import InputError
from reverie.core.settings import Settings, load_settings, save_settings
from reverie.core.textutil import human_size
from reverie.core.tiers import TIER_ABOUT, resolve_tier
from reverie.models.catalog import ModelEntry, Survey, choose, survey, use
from reverie.models.naming import format_parameters


def register(sub: Any) -> None:
    p = sub.add_parser("models", help="list the chat models found, with size and tier; --use chooses one")
    p.add_argument("--folder", action="append", default=[], help="also look in this folder (repeatable)")
    p.add_argument(
        "--use",
        metavar="MODEL",
        help="use this model: default, a number or name from the list, a .gguf path, or a server URL",
    )
    p.add_argument("--server-model", metavar="NAME", help="with a server URL: the model name the server expects")
    p.add_argument(
        "--test-search",
        action="store_true",
        help="embed one sentence with the search model (embedder) and show its dimension and time",
    )
    add_json_flag(p)
    p.set_defaults(func=run_models)


def _api_key() -> str | None:
    return os.environ.get("REVERIE_SERVER_API_KEY") or None


def _survey(settings: Settings, folders: list[str]) -> Survey:
    found = context.find_ggufs([*settings.model_folders, *folders])
    return survey(settings, found, api_key=_api_key())


def run_models(args: Any) -> int:
    if args.use is not None:
        return _use(args)
    if args.server_model:
        raise InputError("--server-model goes with --use and a server address.")
    paths = context.resolve_paths(getattr(args, "home", None))
    waiting: tuple[int, int] | None = None
    if paths.exists():
        with cli_vault(args, create=False) as vault:
            settings = load_settings(vault)
            waiting = _waiting(vault, settings)
    else:
        settings = Settings()  # no vault yet: the defaults, nothing created
    if args.test_search:
        return _test_search(settings)
    found = _survey(settings, args.folder)
    if args.json:
        tier = found.tier_in_use()
        print_json([{**e.as_dict(), "tier_in_use": tier if e.in_use else None} for e in found.entries])
        return 0
    _print_table(found)
    _print_search_model(settings, waiting)
    return 0


def _waiting(vault: Any, settings: Settings) -> tuple[int, int] | None:
    """(memories without a vector of the search model, memories); None when the choice is incomplete."""
    from reverie.core.embedding import pending_count, vector_id
    from reverie.core.errors import ReverieError
    from reverie.models.registry import build_embedder

    try:
        tag = vector_id(build_embedder(settings).model_id)  # nothing loaded, nothing asked of a server
    except ReverieError:
        return None
    return pending_count(vault, tag), int(vault.counts().get("memories", 0))


def _print_search_model(settings: Settings, waiting: tuple[int, int] | None) -> None:
    from reverie.models.registry import describe_embedder, embedder_label

    line = f"\nSearch model: {describe_embedder(settings)}"
    if waiting is not None and waiting[0]:
        line += f"; {waiting[0]:,} of {waiting[1]:,} memories wait to be embedded with {embedder_label(settings)}"
    elif waiting is not None:
        line += f"; all {waiting[1]:,} memories are embedded with it"
    print(line + ".")
    print("Choose another with: reverie config set embedder_kind default|folder|server (and embedder_* settings)")


def _test_search(settings: Settings) -> int:
    import time

    embedder = context.build_embedder(settings)
    start = time.perf_counter()
    dim = int(embedder.embed(["Reverie checks the search model with this sentence."]).shape[1])
    ms = (time.perf_counter() - start) * 1000
    from reverie.models.registry import describe_embedder

    print(f"Search model {describe_embedder(settings)}: it works, {dim}-dimensional vectors, {ms:,.0f} ms.")
    return 0


def _print_table(found: Survey) -> None:
    print(f"    #  {'Model':32}  {'Quant':8}  {'Size':>9}  {'Params':>7}  {'Context':>11}  {'Tier':7}  Where")
    for i, e in enumerate(found.entries, 1):
        mark = "*" if e.in_use else " "
        size = human_size(e.size_bytes) if e.size_bytes else "-"
        ctx = f"{e.context_length:,} ctx" if e.context_length else "-"
        where = e.where if e.kind != "server" else f"server {e.url}"
        if e.kind == "gguf" and e.path is not None:
            where = f"{where}  {e.path}"
        print(
            f"  {mark}{i:>2}  {e.name[:32]:32}  {(e.quantization or '-')[:8]:8}  {size:>9}  "
            f"{format_parameters(e.parameters):>7}  {ctx:>11}  {e.tier:7}  {where}"
        )
        if e.problem:
            print(f"        {e.problem}")
    if not any(e.kind == "gguf" for e in found.entries):
        print(
            "\nNo other GGUF models were found (LM Studio, Ollama, ~/models). A model of 1B parameters or more "
            "answers in its own words; get one with LM Studio or Ollama, or run "
            "'reverie models --use http://HOST:PORT' for an OpenAI-compatible server."
        )
    _say_in_use(found.in_use, found.chat_tier)
    print("Choose another with: reverie models --use NUMBER|NAME|PATH|URL")


def _say_in_use(e: ModelEntry | None, chat_tier: str, gap: str = "\n") -> None:
    if e is None:
        print(f"{gap}In use: none of the models listed.")
        return
    tier = resolve_tier(chat_tier, e.tier)
    how = f"{tier}" if tier == e.tier else f"{tier}, as set in settings; detected {e.tier}"
    print(f"{gap}In use: {e.name} ({how}). {TIER_ABOUT[tier]}")


def _use(args: Any) -> int:
    with cli_vault(args) as vault:
        before = load_settings(vault)
        found = _survey(before, args.folder)
        entry = choose(args.use, found.entries, server_model=args.server_model, api_key=_api_key())
        saved = save_settings(vault, use(before, entry))
    _say_in_use(entry, saved.chat_tier, gap="")
    where = entry.url if entry.kind == "server" else str(entry.path or "")
    if where:
        print(f"From: {where}")
    return 0
