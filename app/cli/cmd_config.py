"""``reverie config get [KEY]`` and ``reverie config set KEY VALUE``: the settings kept in the vault.

Values are typed from the ``Settings`` dataclass (whole numbers, decimals, yes/no, text, and lists
as comma-separated text) and checked with ``Settings.validate()`` before anything is saved; an
unknown key or a bad value is one sentence and leaves the vault as it was.

The search model is chosen with the ``embedder_*`` settings: ``embedder_kind`` (default, folder or
server), ``embedder_path`` (a sentence-transformers model folder), ``embedder_url``,
``embedder_model`` and ``embedder_api`` (ollama or openai) for a server, and ``embedder_key_env``:
the NAME of the environment variable holding its API key (the key itself is never stored).
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from reverie.app import context
from reverie.app.cli.common import add_json_flag, cli_vault, print_json
from reverie.core.errors import InputError
from reverie.core.settings import Settings, load_settings, save_settings

READ_ONLY = {"version"}
_TRUE = {"yes", "true", "on", "1", "y"}
_FALSE = {"no", "false", "off", "0", "n"}


def register(sub: Any) -> None:
    p = sub.add_parser("config", help="show or change settings (config get [KEY], config set KEY VALUE)")
    verbs = p.add_subparsers(dest="verb", metavar="get|set", required=True)
    g = verbs.add_parser("get", help="show all settings, or one")
    g.add_argument("key", nargs="?", help="one setting's name")
    add_json_flag(g)
    g.set_defaults(func=run_get)
    s = verbs.add_parser("set", help="change one setting")
    s.add_argument("key")
    s.add_argument("value", help="lists are comma-separated; yes/no for switches")
    s.set_defaults(func=run_set)


def field_types() -> dict[str, Any]:
    """Each setting's name and Python type, from the dataclass."""
    hints = typing.get_type_hints(Settings)
    return {f.name: hints[f.name] for f in dataclasses.fields(Settings)}


def _settable() -> list[str]:
    return [k for k in field_types() if k not in READ_ONLY]


def _check_key(key: str, keys: list[str]) -> str:
    name = key.strip().replace("-", "_")
    if name not in keys:
        raise InputError(f"There is no setting {key!r}; the settings are: {', '.join(keys)}.")
    return name


def _kind(tp: Any) -> str:
    if tp is bool:
        return "bool"
    if tp is int:
        return "int"
    if tp is float:
        return "float"
    if typing.get_origin(tp) is list:
        return "list"
    return "str"


FORMS = {
    "bool": "yes or no (also true/false, on/off, 1/0)",
    "int": "a whole number, for example 4096",
    "float": "a number, for example 0.05",
    "list": "a comma-separated list, for example a,b (empty for none)",
    "str": "text",
}


def parse_value(key: str, raw: str) -> Any:
    """``raw`` read as setting ``key``'s type; ``InputError`` naming the expected form."""
    kind = _kind(field_types()[key])
    text = raw.strip()
    if kind == "bool":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
    elif kind == "int":
        try:
            return int(text)
        except ValueError:
            pass
    elif kind == "float":
        try:
            value = float(text)
            if value == value and value not in (float("inf"), float("-inf")):
                return value
        except ValueError:
            pass
    elif kind == "list":
        return [part.strip() for part in text.split(",") if part.strip()]
    else:
        return text
    raise InputError(f"{key} takes {FORMS[kind]}; {raw!r} is not one.")


def show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _current(args: Any) -> Settings:
    if not context.resolve_paths(getattr(args, "home", None)).exists():
        return Settings()  # no vault yet: the defaults (nothing is created to read them)
    with cli_vault(args, create=False) as vault:
        return load_settings(vault)


def run_get(args: Any) -> int:
    data = _current(args).to_dict()
    if args.key:
        key = _check_key(args.key, list(data))
        if args.json:
            print_json(data[key])
        else:
            print(show(data[key]))
        return 0
    if args.json:
        print_json(data)
        return 0
    width = max(len(k) for k in data)
    for k, v in data.items():
        print(f"{k:{width}}  {show(v)}")
    return 0


def run_set(args: Any) -> int:
    if args.key.strip().replace("-", "_") in READ_ONLY:
        raise InputError(f"{args.key} is kept by Reverie itself and cannot be set.")
    key = _check_key(args.key, _settable())
    value = parse_value(key, args.value)
    with cli_vault(args) as vault:
        before = load_settings(vault)
        changed = dataclasses.replace(before, **{key: value})
        changed.validate()  # its sentence, before anything is written
        save_settings(vault, changed)
    old, new = show(getattr(before, key)), show(value)
    print(f"{key} = {new}" + ("" if old == new else f" (was {old or 'empty'})"))
    if key.startswith("embedder_") and old != new:
        print(EMBEDDER_NOTE)
    return 0


EMBEDDER_NOTE = (
    "The search model setting changed: the window embeds every memory again in the background (search works "
    "by words meanwhile); 'reverie models' shows the search model and 'reverie models --test-search' tries it."
)
