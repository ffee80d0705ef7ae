"""A Logseq graph: a folder with ``logseq/config.edn``, ``journals/`` and ``pages/`` of Markdown outlines.

A journal (``journals/2023_05_04.md``) keeps its day (created and happened: that day at midnight,
local time; titled "Thu 4 May 2023", with "May 4th, 2023" and "2023-05-04" as aliases, the names
Logseq links to it by). A page's title is its ``title::`` or its file name, namespaces decoded
(``a___b.md`` and ``a%2Fb.md`` are "a/b"). The outline stays a nested Markdown list. ``key:: value``
lines become properties and leave the text (the first block's are the page's; ``tags::`` are tags,
``alias::`` aliases; a value of ``[[a]], [[b]]`` a list); ``[[page]]`` references are links and
``#tag`` / ``#[[tag]]`` tags; block references ``((uuid))`` stay as text. ``TODO``/``DONE`` become
``[ ]``/``[x]``. ``logseq/`` (config, backups, version files) and hidden folders are not read.
Images under ``assets/`` that a page shows become attachments.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from reverie.core.bring.doc import Attachment, Doc, PropertyValues, Skipped, Unreadable
from reverie.core.bring.readers.exporttree import Entry, ExportTree, decode_text, open_tree
from reverie.core.mdsyntax import inline_tags
from reverie.core.properties import MAX_ITEMS
from reverie.core.wikilinks import find_links

KIND = "logseq"
LABEL = "Logseq graph"

_PROP = re.compile(r"^([A-Za-z0-9_][\w\-.?/]{0,99})::(?:[ \t]+(.*))?$")  # the value is stripped after
_BULLET = re.compile(r"^(?P<indent>[\t ]*)-(?:[ \t]+(?P<text>.*)|)$")
_JOURNAL = re.compile(r"^(\d{4})[_-](\d{2})[_-](\d{2})$")
_REF = re.compile(r"\[\[([^\[\]\n]+)\]\]")
_TAG_REF = re.compile(r"(?:^|(?<=\s))#\[\[([^\[\]\n]+)\]\]")
_ASSET = re.compile(r"\]\((?:\.\./)+(assets/[^)\s]+)\)")
_MARKERS = {"TODO": "[ ]", "LATER": "[ ]", "NOW": "[ ]", "DOING": "[ ]", "WAITING": "[ ]", "DONE": "[x]"}
_HIDDEN_PROPS = {"id", "collapsed", "heading", "filters", "public", "exclude-from-graph-view"}


def claims(path: Path) -> bool:
    """A folder holding ``logseq/config.edn``."""
    return path.is_dir() and (path / "logseq" / "config.edn").is_file()


def read_export(path: Path) -> Iterator[Doc | Skipped]:
    if not claims(path):
        raise Unreadable(f"{path.name} is not a Logseq graph (it has no logseq/config.edn); nothing was brought in.")
    with open_tree(path, skip_dir=lambda rel: rel == "logseq" or rel.startswith("logseq/")) as tree:
        yield from tree.skipped
        for entry in tree.files():
            if entry.rel.lower().endswith(".org") and not entry.rel.startswith("assets/"):
                yield Skipped(
                    entry.rel, f"{entry.rel} is an Org-mode page, which Reverie does not read; it was left out."
                )
            if entry.rel.lower().endswith(".md") and not entry.rel.startswith("assets/"):
                try:
                    text = decode_text(tree.read(entry), entry.rel)
                except Unreadable as exc:
                    yield Skipped(entry.rel, str(exc))
                    continue
                yield _page(tree, entry, text)


def page_name(stem: str) -> str:
    """A page's name from its file name: ``a___b`` and ``a%2Fb`` are "a/b"."""
    return unquote(stem.replace("___", "/")).strip() or stem


def prop_value(key: str, raw: str) -> str | list[str]:
    """A property's value: ``[[a]], [[b]]`` (and, for tags and aliases, ``a, #b``) is a list."""
    raw = raw.strip()
    refs = _REF.findall(raw)
    if refs and not _REF.sub("", raw).replace(",", "").replace("#", "").strip():
        return [r.strip() for r in refs]
    if key.casefold() in ("tags", "alias", "aliases"):
        return [
            p
            for p in (x.strip().lstrip("#").removeprefix("[[").removesuffix("]]").strip() for x in raw.split(","))
            if p
        ]
    return raw


def _add(props: dict[str, str | list[str]], key: str, value: str | list[str]) -> None:
    if key not in props:
        props[key] = value
        return
    old = props[key]
    merged = [*([old] if isinstance(old, str) else old), *([value] if isinstance(value, str) else value)]
    props[key] = list(dict.fromkeys(v for v in merged if v))[:MAX_ITEMS]


def outline(text: str) -> tuple[str, dict[str, str | list[str]], dict[str, str | list[str]]]:
    """(the body as a nested Markdown list, the page's properties, the blocks' properties)."""
    lines = text.split("\n")
    page: dict[str, str | list[str]] = {}
    blocks: dict[str, str | list[str]] = {}
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    first = _BULLET.match(lines[i]) if i < len(lines) else None
    if first and first.group("text") and _PROP.match(first.group("text").strip()):
        lines[i] = first.group("indent") + "  " + first.group("text")  # a first block of properties: the page's
    while i < len(lines) and (m := _PROP.match(lines[i].strip())):
        _add(page, m.group(1), prop_value(m.group(1), m.group(2) or ""))
        i += 1
    out: list[str] = []
    drawer = fence = False
    for line in lines[i:]:
        bare = line.strip()
        if bare.upper() in (":LOGBOOK:", ":PROPERTIES:"):
            drawer = True
        if drawer:
            drawer = bare.upper() != ":END:"
            continue
        m = _BULLET.match(line)
        content = (m.group("text") or "") if m else bare
        opens = content.strip().startswith(("```", "~~~"))
        in_code, fence = fence or opens, fence != opens  # a fence line opens or closes a code block
        prop = None if in_code else _PROP.match(content.strip())
        if prop:
            _add(blocks, prop.group(1), prop_value(prop.group(1), prop.group(2) or ""))
            continue
        depth = len(line) - len(line.lstrip("\t ")) if m is None else len(m.group("indent"))
        indent = "  " * line[:depth].count("\t") + " " * line[:depth].count(" ")
        if m is None:
            out.append(indent + bare if bare else "")
            continue
        if not content.strip():
            continue
        word, _, rest = content.partition(" ")
        if word in _MARKERS and not in_code:
            content = f"{_MARKERS[word]} {rest}".rstrip()
        out.append(f"{indent}- {content}")
    body = "\n".join(out).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", body), page, blocks


def _journal_day(stem: str) -> datetime | None:
    m = _JOURNAL.match(stem)
    if not m:
        return None
    try:
        return datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _ordinal(day: int) -> str:
    return "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _page(tree: ExportTree, entry: Entry, text: str) -> Doc:
    body, page, blocks = outline(text)
    stem = PurePosixPath(entry.name).stem
    folder = entry.rel[: -len(entry.name)].strip("/")
    day = _journal_day(stem) if folder.split("/")[0] == "journals" else None
    props: PropertyValues = {}
    tags: list[str] = []
    title = ""
    aliases: list[str] = []
    for source in (page, blocks):
        for key, value in source.items():
            folded = key.casefold()
            values = [value] if isinstance(value, str) else value
            if folded in _HIDDEN_PROPS or folded.startswith("logseq."):
                continue
            if folded == "title":  # a page's title (a block's is dropped: a note has one title)
                title = title or (value.strip() if isinstance(value, str) and source is page else "")
            elif folded in ("tags", "tag"):
                tags += values
            elif folded in ("alias", "aliases"):
                aliases += values
            elif key in props:
                old = props[key]
                props[key] = list(dict.fromkeys([*([old] if isinstance(old, str) else old), *values]))[:MAX_ITEMS]
            else:
                props[key] = value
    tags += [t.strip() for t in _TAG_REF.findall(body)] + inline_tags(body)
    mtime = _mtime(entry)
    created = day.timestamp() if day else None
    if day:
        title = title or f"{day:%a} {day.day} {day:%b %Y}"
        aliases += [f"{day:%b} {day.day}{_ordinal(day.day)}, {day.year}", f"{day:%Y-%m-%d}"]
    if aliases:
        props["aliases"] = list(dict.fromkeys(a for a in aliases if a and a != title))
    links = [x.target.strip() for x in find_links(body) if x.target.strip()]
    for key, value in [*page.items(), *blocks.items()]:
        if key.casefold() not in ("title", "tags", "tag", "alias", "aliases") and isinstance(value, list):
            links += value
        elif isinstance(value, str):
            links += _REF.findall(value)
    doc = Doc(
        key=entry.rel,
        kind=KIND,
        title=title or page_name(stem),
        body=body,
        created=created,
        updated=mtime if mtime is not None else created,
        happened=created,
        tags=list(dict.fromkeys(t for t in tags if t)),
        properties=props,
        links=list(dict.fromkeys(link for link in links if link)),
        folder=folder,
        source_file=str(entry.disk) if entry.disk else None,
    )
    _assets(tree, doc)
    return doc


def _mtime(entry: Entry) -> float | None:
    try:
        return entry.disk.stat().st_mtime if entry.disk else None
    except OSError:
        return None


def _assets(tree: ExportTree, doc: Doc) -> None:
    """Files under ``assets/`` the page shows (``![x](../assets/y.png)``): attachments, named ``y.png``."""
    seen: dict[str, str] = {}
    for rel in _ASSET.findall(doc.body):
        found = tree.get(unquote(rel))
        if found is None or found.disk is None or rel in seen:
            continue
        seen[rel] = found.name
        mime = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        doc.attachments.append(Attachment(name=found.name, mime=mime, path=str(found.disk)))
    if seen:
        doc.body = _ASSET.sub(lambda m: f"]({seen.get(m.group(1), m.group(0)[2:-1])})", doc.body)
