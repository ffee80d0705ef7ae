"""Obsidian's ``[[wikilinks]]``: where a note's text links to other notes, and which note a link means.

``[[Note]]``, ``[[Note|shown text]]``, ``[[Note#Heading]]``, ``[[#Heading]]`` (the same note) and embeds
``![[Note]]`` / ``![[picture.png]]``. Links in code (fenced, indented or inline) are code, not links.
A link names a note by its title or by the name of the file it was imported from (``meta["path"]``),
without regard to case, as the Markdown import resolves them; ``folder/Note.md`` means ``Note``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

_LINK = re.compile(
    r"(?P<embed>!?)\[\[(?P<target>[^\]\[|#\n]*)(?:#(?P<heading>[^\]\[|\n]*))?"
    r"(?:\|(?P<alias>[^\]\[\n]*))?\]\]"
)
_INLINE_CODE = re.compile(r"(`+)[^`\n]*?\1")
_FENCE = re.compile(r"^(?:[ \t]*>)*[ \t]*(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
NOTE_SUFFIXES = (".md", ".markdown", ".txt")


@dataclass(frozen=True)
class WikiLink:
    start: int  # where ``[[`` (or ``![[``) begins in the text
    end: int  # just after ``]]``
    target: str  # as written, "" for a link to a heading of the same note
    heading: str  # after ``#`` ("" when none; ``^block`` ids too)
    alias: str  # after ``|`` ("" when none)
    embed: bool  # ``![[…]]``

    @property
    def shown(self) -> str:
        """What a reader sees: the alias, else ``Note › Heading``, else the target."""
        if self.alias.strip():
            return self.alias.strip()
        target, heading = self.target.strip(), self.heading.strip()
        if target and heading:
            return f"{target} › {heading}"
        return target or heading

    @property
    def is_file(self) -> bool:
        """An embedded or linked file that is not a note (``picture.png``, ``paper.pdf``)."""
        name = self.target.strip().rsplit("/", 1)[-1]
        return "." in name and not name.casefold().endswith(NOTE_SUFFIXES)


def title_key(name: str) -> str:
    """The key a link target or a note's title is matched by: its last path part, without a note
    suffix, trimmed and case-folded."""
    name = name.strip().replace("\\", "/").rsplit("/", 1)[-1].strip()
    low = name.casefold()
    for suffix in NOTE_SUFFIXES:
        if low.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return name.strip().casefold()


def note_keys(title: str, meta: Mapping[str, Any] | None = None) -> set[str]:
    """The keys links may name a note by: its title and the name of the file it came from."""
    keys = {title_key(title)}
    path = (meta or {}).get("path")
    if isinstance(path, str) and path.strip():
        keys.add(title_key(path))
    keys.discard("")
    return keys


def find_links(text: str) -> list[WikiLink]:
    """The wikilinks and embeds in ``text``, in order, outside code."""
    out: list[WikiLink] = []
    fence: str | None = None
    pos = 0
    for line in text.splitlines(keepends=True):
        start, pos = pos, pos + len(line)
        bare = line.rstrip("\r\n")
        m = _FENCE.match(bare)
        if m:
            mark = m.group(1)
            if fence is None:
                fence = mark
            elif mark[0] == fence[0] and len(mark) >= len(fence) and not bare[m.end() :].strip():
                fence = None
            continue
        if fence is not None or (bare.startswith(("    ", "\t")) and not _LIST_ITEM.match(bare)):
            continue
        if "[[" not in bare:
            continue
        code = [c.span() for c in _INLINE_CODE.finditer(bare)]
        for w in _LINK.finditer(bare):
            if any(a <= w.start() < b for a, b in code):
                continue
            if not (w.group("target") or "").strip() and not (w.group("heading") or "").strip():
                continue
            out.append(
                WikiLink(
                    start + w.start(),
                    start + w.end(),
                    w.group("target") or "",
                    w.group("heading") or "",
                    w.group("alias") or "",
                    bool(w.group("embed")),
                )
            )
    return out


def links_to(text: str, keys: Iterable[str]) -> bool:
    """Whether ``text`` links to (or embeds) a note known by any of ``keys`` (see ``note_keys``)."""
    wanted = set(keys)
    return any(link.target.strip() and title_key(link.target) in wanted for link in find_links(text))
