"""``reverie models``: the chat models Reverie can use, and the GGUF files already on this machine."""

from __future__ import annotations

from typing import Any

from reverie.app.cli.common import add_json_flag, print_json
from reverie.core.textutil import human_size
from reverie.models.registry import find_ggufs


def register(sub: Any) -> None:
    p = sub.add_parser("models", help="list GGUF chat models found (LM Studio, Ollama, ~/models, --folder)")
    p.add_argument("--folder", action="append", default=[], help="also look in this folder (repeatable)")
    add_json_flag(p)
    p.set_defaults(func=run_models)


def run_models(args: Any) -> int:
    found = find_ggufs(args.folder)
    if args.json:
        print_json([g.as_dict() for g in found])
        return 0
    if not found:
        print("No GGUF models found.")
        return 0
    for g in found:
        ctx = f"{g.context_length:,} ctx" if g.context_length else "ctx unknown"
        print(f"{g.name:40.40}  {g.quantization:8}  {human_size(g.size_bytes):>9}  {ctx:>11}  {g.source:8}  {g.path}")
    return 0
