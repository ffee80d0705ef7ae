"""A note's properties: the front matter fields Obsidian users write (author, url, aliases, …).

Properties are kept as they came in: in their order, under their own keys (case kept), each value
the original text of a scalar (quotes taken off, nothing turned into numbers or dates) or a list of
such texts. They live in the note's meta (``meta["properties"]``), are indexed for search (one
passage per note, see ``core.ingest.split_note``) and are written back as front matter by the
Markdown export. The note's own fields are not properties: ``title`` and ``tags`` are the note's
title and tags.

The front matter reader handles the YAML that notes use: ``key: value``, quoted values, flow lists
``[a, b]``, block lists (``- a``), block texts (``|`` and ``>``); anything nested deeper is kept as
its text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from reverie.core.errors import InputError
from reverie.core.textutil import clean_text

PropertyValue = str | list[str]
Properties = dict[str, PropertyValue]

OWN_FIELDS = frozenset({"title", "tags", "tag"})  # the note's own fields, never properties
MAX_PROPERTIES = 200
MAX_KEY_CHARS = 100
MAX_VALUE_CHARS = 20_000
MAX_ITEMS = 500

_KEY = re.compile(
    r"^(?:\"(?P<qkey>(?:[^\"\\]|\\.)*)\"|(?P<key>[^\s:#\-\"'\[\]{},&*!|>%@`?][^:\n]*?))"
    r"[ \t]*:(?:[ \t]+(?P<val>.*?))?[ \t]*$"
)
_BLOCK = ("|", "|-", "|+", ">", ">-", ">+")
_PLAIN_START = set("-?:,[]{}#&*!|>'\"%@` \t")


# -- reading --------------------------------------------------------------------------------


def _scalar(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            loaded = json.loads(value)
        except ValueError:
            return value[1:-1]
        return loaded if isinstance(loaded, str) else value[1:-1]
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def _flow_list(value: str) -> list[str]:
    items: list[str] = []
    cur: list[str] = []
    quote = ""
    for ch in value[1:-1]:
        if quote:
            cur.append(ch)
            if ch == quote:
                quote = ""
        elif ch in "'\"" and not "".join(cur).strip():
            quote = ch
            cur.append(ch)
        elif ch == ",":
            items.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    items.append("".join(cur))
    return [_scalar(i) for i in items if i.strip()]


def _dedent(lines: list[str]) -> list[str]:
    width = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
    return [x[width:] if x.strip() else "" for x in lines]


def _block_list(lines: list[str]) -> list[str]:
    items: list[list[str]] = []
    for line in lines:
        if line.startswith("-") and (len(line) == 1 or line[1] in " \t"):
            items.append([line[1:].strip()])
        elif items:
            items[-1].append(line.strip())
    return [_scalar(" ".join(x for x in item if x)) for item in items]


def _value(val: str, block: list[str]) -> PropertyValue:
    if val in _BLOCK:
        text = ("\n" if val[0] == "|" else " ").join(_dedent(block)).rstrip("\n ")
        return text if val.endswith("-") else text + "\n"
    if val:
        if val.startswith("[") and val.endswith("]"):
            return _flow_list(val)
        if block:  # a plain text that goes on over the next lines
            return _scalar(" ".join([val, *(x.strip() for x in block if x.strip())]))
        return _scalar(val)
    lines = _dedent(block)
    if not lines:
        return ""
    if lines[0].startswith("-"):
        return _block_list(lines)
    return "\n".join(lines)


def _key(m: re.Match[str]) -> str:
    if m.group("qkey") is None:
        return m.group("key")
    try:
        key = json.loads(f'"{m.group("qkey")}"')
    except ValueError:
        return m.group("qkey")
    return key if isinstance(key, str) else m.group("qkey")


def parse_front_matter(text: str) -> tuple[Properties, str]:
    """Split ``---`` front matter from the body: (every field in order, the body). Text without
    front matter (or whose front matter is never closed) is all body."""
    if not text.startswith("---"):
        return {}, text
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return {}, text
    end = next((j for j in range(1, min(len(lines), 1000)) if lines[j].rstrip() in ("---", "...")), None)
    if end is None:
        return {}, text
    out: Properties = {}
    i, inner = 0, lines[1:end]
    while i < len(inner):
        m = _KEY.match(inner[i])
        i += 1
        if not m:
            continue
        block: list[str] = []
        while i < len(inner) and (
            not inner[i].strip()
            or inner[i][0] in " \t"
            or inner[i].startswith("-")
            and (len(inner[i]) == 1 or inner[i][1] in " \t")
        ):
            block.append(inner[i])
            i += 1
        while block and not block[-1].strip():
            block.pop()
        key = clean_text(_key(m)).strip()
        if key:
            out[key] = _value((m.group("val") or "").strip(), block)
    return out, "\n".join(lines[end + 1 :]).lstrip("\n")


def field(fm: Mapping[str, PropertyValue], *names: str) -> PropertyValue | None:
    """The first of ``names`` present in ``fm``, matched without regard to case."""
    folded = {k.casefold(): v for k, v in reversed(list(fm.items()))}
    for name in names:
        if name in folded:
            return folded[name]
    return None


# -- writing --------------------------------------------------------------------------------


def _plain_ok(value: str) -> bool:
    return (
        bool(value)
        and value == value.strip()
        and value[0] not in _PLAIN_START
        and value[-1] not in " \t:"
        and ": " not in value
        and " #" not in value
        and "\n" not in value
        and "\t" not in value
        and not (value.startswith("[") or value.startswith("{"))
    )


def _block_ok(value: str) -> bool:
    """Whether a text of several lines reads back the same from a ``|-`` block."""
    lines = value.split("\n")
    return (
        len(lines) > 1
        and value == value.rstrip("\n \t")
        and not any(x.isspace() for x in lines)
        and any(x and not x[0].isspace() for x in lines)
    )


def _render_scalar(value: str) -> str:
    return value if _plain_ok(value) else json.dumps(value, ensure_ascii=False)  # JSON strings are YAML


def render_key(key: str) -> str:
    m = _KEY.match(key + ": x")
    plain = m is not None and m.group("key") == key and key == key.strip()
    return key if plain else json.dumps(key, ensure_ascii=False)


def render_properties(props: Mapping[str, PropertyValue]) -> list[str]:
    """Front matter lines (without the ``---`` marks) that ``parse_front_matter`` reads back as
    ``props``."""
    lines: list[str] = []
    for key, value in props.items():
        k = render_key(key)
        if isinstance(value, str):
            if not value:
                lines.append(f"{k}:")
            elif _block_ok(value):
                lines.append(f"{k}: |-")
                lines += [f"  {x}" if x else "" for x in value.split("\n")]
            else:
                lines.append(f"{k}: {_render_scalar(value)}")
        elif not value:
            lines.append(f"{k}: []")
        else:
            lines.append(f"{k}:")
            lines += [f"  - {_render_scalar(v)}" if v else '  - ""' for v in value]
    return lines


def properties_text(props: Mapping[str, PropertyValue]) -> str:
    """The words a note's properties are found by: one ``key: value`` line each."""
    out: list[str] = []
    for key, value in props.items():
        shown = value if isinstance(value, str) else ", ".join(value)
        if shown.strip():
            out.append(f"{key}: {shown.strip()}")
    return "\n".join(out)


# -- checking what a user (or a file) gives -------------------------------------------------


class PropertyError(InputError):
    """Properties that cannot be kept; ``reason`` says why, without "nothing was saved"."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"{reason}; nothing was saved.")
        self.reason = reason


def check_properties(props: object) -> Properties:
    """``props`` as clean properties, or an InputError saying in one sentence what is wrong."""
    if props is None:
        return {}
    if not isinstance(props, Mapping):
        raise PropertyError("Properties must be names, each with a text or a list of texts")
    if len(props) > MAX_PROPERTIES:
        raise PropertyError(f"A note can have at most {MAX_PROPERTIES} properties and this one has {len(props)}")
    out: Properties = {}
    for raw_key, value in props.items():
        if not isinstance(raw_key, str) or not clean_text(raw_key).strip():
            raise PropertyError("Every property needs a name")
        key = clean_text(raw_key).strip()
        if len(key) > MAX_KEY_CHARS or "\n" in key or ":" in key:
            raise PropertyError(f"The property name {key[:40]!r} is too long or holds a colon or a line break")
        if key.casefold() in OWN_FIELDS:
            raise PropertyError(
                f"{key!r} is the note's own field, not a property: set it as the note's "
                f"{'title' if key.casefold() == 'title' else 'tags'}"
            )
        if key in out:
            raise PropertyError(f"The property {key!r} is given twice")
        out[key] = _check_value(key, value)
    return out


def _check_value(key: str, value: object) -> PropertyValue:
    bad = PropertyError(
        f"The property {key!r} must be a text or a list of texts (up to {MAX_ITEMS} of "
        f"{MAX_VALUE_CHARS:,} characters each)"
    )
    if isinstance(value, str):
        if len(value) > MAX_VALUE_CHARS:
            raise bad
        return clean_text(value)
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        if len(value) > MAX_ITEMS or not all(isinstance(v, str) and len(v) <= MAX_VALUE_CHARS for v in value):
            raise bad
        return [clean_text(v) for v in value]
    raise bad
