"""Notion's "Markdown & CSV" export: a zip (``Export-<uuid>.zip``, perhaps holding ``…-Part-1.zip``
zips, or the folder it unpacks to) of pages ``Title <32-hex id>.md``, each page's sub-pages and files
in the folder of the same name, and databases ``Name <id>.csv`` (and ``_all.csv``) whose rows are the
pages in the folder named after the database.

Ids come off titles, folders and links. A database row's property lines (``Key: Value`` under its
``# Title``) become properties: ``Created``/``Last edited time`` its dates when they read as dates,
``Tags``/``Multi-select`` its tags. Links to other pages become ``[[Title]]`` links; images and files
in the export become attachments. A database becomes a note listing its rows. The zip is read in
memory, never unpacked (see ``exporttree``).
"""

from __future__ import annotations

import csv
import math
import mimetypes
import posixpath
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from reverie.core.bring.doc import MAX_ATTACHMENT_BYTES, Attachment, Doc, Skipped, Unreadable
from reverie.core.bring.readers.exporttree import Entry, ExportTree, decode_text, open_tree, zip_names
from reverie.core.sources import clip
from reverie.core.transfer.notefile import parse_date

KIND = "notion"
LABEL = "Notion (Markdown & CSV export)"

_ID = re.compile(r"\s+([0-9a-f]{32})(?=(?:_all)?(?:\.[A-Za-z0-9]+)?$)")
_NAMED = re.compile(r"\s[0-9a-f]{32}(?:_all)?\.(?:md|csv)$")
_PART = re.compile(r"^Export-[0-9a-f-]{36}-Part-\d+\.zip$")
_PROP = re.compile(r"^([^:\n]{1,100}): (.*)$")
# No "[" inside the text or the target (a target may hold one level of parentheses, as Notion
# leaves them in "Notes%20(old)%20<id>.md"), so a line of brackets is matched in linear time.
_LINK = re.compile(r"(!?)\[([^\[\]\n]{0,1000})\]\(((?:[^()\[\]\n]|\([^()\[\]\n]{0,200}\)){1,2000})\)")
_MD_REF = re.compile(r"\(([^()\n]*\.md)\)")
_CREATED = {"created", "created time", "date created", "created at"}
_UPDATED = {"last edited time", "last edited", "updated", "last updated", "edited"}
_TAGS = {"tags", "tag", "multi-select", "labels"}
_FORMATS = ("%B %d, %Y %I:%M %p", "%B %d, %Y", "%b %d, %Y %I:%M %p", "%b %d, %Y", "%Y/%m/%d %H:%M", "%d/%m/%Y %H:%M")


def strip_id(name: str) -> tuple[str, str | None]:
    """A file or folder name without Notion's id: ("Trip.md", "0123…"), or (name, None) when it has none."""
    m = _ID.search(name)
    return (name[: m.start()] + name[m.end(1) :], m.group(1)) if m else (name, None)


def _title_of(rel: str) -> str:
    name = strip_id(rel.rsplit("/", 1)[-1])[0]
    return PurePosixPath(name.removesuffix("_all.csv") if name.endswith("_all.csv") else name).stem.strip()


def _folder_of(rel: str) -> str:
    return "/".join(strip_id(p)[0].strip() for p in rel.split("/")[:-1])


def claims(path: Path) -> bool:
    """A zip (or folder) holding ``Title <32-hex id>.md`` pages, or an ``Export-….zip`` of Part zips."""
    if path.is_dir():  # the export unzipped: its pages, or its Part zips
        return any(_NAMED.search(p.name) or _PART.search(p.name) for p in path.iterdir())
    if path.suffix.lower() != ".zip":
        return False
    names = zip_names(path)
    return any(_NAMED.search(n) for n in names) or (
        path.name.startswith("Export-") and any(n.lower().endswith(".zip") for n in names)
    )


def notion_date(value: str) -> float | None:
    """A date as Notion writes it ("May 4, 2023 10:30 AM", "2023/05/04", ISO) in Unix seconds; None otherwise."""
    text = re.sub(r"\s*\((?:GMT|UTC)[^)]*\)$", "", value.strip().split(" → ")[0])
    for fmt in _FORMATS:
        try:
            ts = datetime.strptime(text, fmt).timestamp()
        except (ValueError, OverflowError, OSError):
            continue
        return ts if 1900 <= datetime.fromtimestamp(ts).year <= 2200 else None
    ts2 = parse_date(text)
    return ts2 if ts2 is not None and math.isfinite(ts2) else None


def read_export(path: Path) -> Iterator[Doc | Skipped]:
    with open_tree(path, nested_zips=True) as tree:
        pages = [e for e in tree.files() if e.rel.lower().endswith(".md")]
        tables = _databases(tree)
        if not pages and not tables:
            raise Unreadable(f"{path.name} holds no Notion pages (.md) or databases (.csv); nothing was brought in.")
        yield from tree.skipped
        for entry in pages:
            parent = entry.rel.rsplit("/", 1)[0] if "/" in entry.rel else ""
            header = tables[parent][1] if parent in tables else None
            try:
                text = decode_text(tree.read(entry), entry.rel)
            except Unreadable as exc:
                yield Skipped(strip_id(entry.name)[1] or entry.rel, str(exc))
                continue
            yield _page(tree, entry, text, header)
        titles: dict[str, set[str]] = {}
        for e in pages:
            titles.setdefault(e.rel.rsplit("/", 1)[0] if "/" in e.rel else "", set()).add(_title_of(e.rel))
        for folder, (entry, header, rows) in tables.items():
            yield _database(entry, folder, header, rows, titles.get(folder, set()))


def _databases(tree: ExportTree) -> dict[str, tuple[Entry, list[str], list[list[str]]]]:
    """Each database by the folder its rows are in: (its CSV, its columns, its rows); ``_all.csv`` preferred."""
    out: dict[str, tuple[Entry, list[str], list[list[str]]]] = {}
    failed: dict[str, Skipped] = {}
    tables = sorted(
        (e for e in tree.files() if e.rel.lower().endswith(".csv")), key=lambda e: not e.rel.endswith("_all.csv")
    )
    for entry in tables:
        folder = entry.rel.removesuffix("_all.csv") if entry.rel.endswith("_all.csv") else entry.rel[:-4]
        if folder in out:
            continue
        try:
            rows = list(csv.reader(decode_text(tree.read(entry), entry.rel).splitlines()))
        except Unreadable as exc:
            failed.setdefault(folder, Skipped(strip_id(entry.name)[1] or entry.rel, str(exc)))
            continue
        except csv.Error:
            rows = []
        header = [h.strip() for h in rows[0]] if rows else []
        out[folder] = (entry, header, [r for r in rows[1:] if any(c.strip() for c in r)])
    tree.skipped += [s for folder, s in failed.items() if folder not in out]
    return out


def _resolve(tree: ExportTree, here: str, target: str) -> Entry | None:
    target = target.strip().strip("<>")
    if re.match(r"^[a-zA-Z][\w+.-]*:", target) or target.startswith("#"):
        return None
    rel = posixpath.normpath(posixpath.join(here, unquote(target.split("#", 1)[0])))
    return None if rel.startswith("../") or rel == ".." else tree.get(rel.removeprefix("./"))


def _props(lines: list[str], header: list[str], doc: Doc) -> int:
    """Read a database row's ``Key: Value`` lines into ``doc``; the number of lines they take."""
    known = {h.casefold() for h in header}
    n = 0
    while n < len(lines) and (m := _PROP.match(lines[n])) and (not known or m.group(1).strip().casefold() in known):
        key, value = m.group(1).strip(), m.group(2).strip()
        folded = key.casefold()
        n += 1
        if folded == "title":  # the page's own title, already its heading
            continue
        when = notion_date(value) if folded in _CREATED | _UPDATED | {"date"} else None
        if when is not None and folded in _CREATED:
            doc.created = when
            continue
        if when is not None and folded in _UPDATED:
            doc.updated = when
            continue
        if when is not None:
            doc.happened = when
        if folded in _TAGS:
            doc.tags += [t.strip() for t in value.split(",") if t.strip()]
            continue
        titles = relations(value)
        if titles:
            doc.links += titles
            doc.properties[key] = titles
        elif value:
            doc.properties[key] = value
    return n


def relations(value: str) -> list[str]:
    """The titles of a relation value, ``A (A%20<id>.md), B (B%20<id>.md)``; [] when it is not one."""
    titles: list[str] = []
    prev = 0
    for m in _MD_REF.finditer(value):
        title = value[prev : m.start()].strip().removeprefix(",").strip()
        if not title:
            return []
        titles.append(strip_id(title)[0])
        prev = m.end()
    return titles if value[prev:].strip() == "" else []


def _page(tree: ExportTree, entry: Entry, text: str, header: list[str] | None) -> Doc:
    lines = text.split("\n")
    title = _title_of(entry.rel)
    if lines and lines[0].startswith("# "):
        title = strip_id(lines[0][2:].strip())[0].strip() or title
        lines = lines[1:]
    doc = Doc(
        key=strip_id(entry.name)[1] or entry.rel,
        kind=KIND,
        title=title or "Untitled",
        body="",
        folder=_folder_of(entry.rel),
        source_file=str(entry.disk) if entry.disk else None,
    )
    while lines and not lines[0].strip():
        lines = lines[1:]
    if header is not None:
        lines = lines[_props(lines, header, doc) :]
    doc.happened = doc.happened or doc.created
    doc.body = _links("\n".join(lines).strip("\n"), tree, entry, doc)
    doc.tags = list(dict.fromkeys(doc.tags))
    doc.links = list(dict.fromkeys(doc.links))
    return doc


def _links(body: str, tree: ExportTree, entry: Entry, doc: Doc) -> str:
    """Links to pages as ``[[Title]]``; files in the export as attachments, named as the note shows them."""
    here = entry.rel.rsplit("/", 1)[0] if "/" in entry.rel else ""
    attached: dict[str, str] = {}

    def replace(m: re.Match[str]) -> str:
        bang, shown, target = m.groups()
        found = _resolve(tree, here, target)
        if found is None:
            return m.group(0)
        if found.rel.lower().endswith((".md", ".csv")):
            title = _title_of(found.rel)
            doc.links.append(title)
            shown = strip_id(unquote(shown))[0].removesuffix(".md").strip()
            return f"[[{title}]]" if not shown or shown == title else f"[[{title}|{shown}]]"
        name = attached.get(found.rel) or _attach(tree, found, doc)
        if name is None:
            return m.group(0)
        attached[found.rel] = name
        return f"{bang}[{shown}](<{name}>)" if " " in name else f"{bang}[{shown}]({name})"

    return _LINK.sub(replace, body)


def _attach(tree: ExportTree, found: Entry, doc: Doc) -> str | None:
    name = found.name
    taken = {a.name for a in doc.attachments}
    stem, suffix = posixpath.splitext(name)
    n = 1
    while name in taken:
        n += 1
        name = f"{stem} {n}{suffix}"
    try:
        data = tree.read(found, MAX_ATTACHMENT_BYTES)
    except Unreadable as exc:
        doc.problems.append(str(exc))
        return None
    mime = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
    doc.attachments.append(Attachment(name=name, mime=mime, data=data))
    return name


def _database(entry: Entry, folder: str, header: list[str], rows: list[list[str]], pages: set[str]) -> Doc:
    """A database as a note: its columns and a list of its rows, each a link to the row's page (``pages``:
    the titles of the pages in its folder)."""
    title = _title_of(entry.rel)
    row_titles = list(dict.fromkeys(r[0].strip() for r in rows if r and r[0].strip()))
    lines = [f"- [[{t}]]" if t in pages else f"- {t}" for t in row_titles]
    doc = Doc(
        key=strip_id(PurePosixPath(folder).name)[1] or entry.rel,
        kind=KIND,
        title=title or "Untitled database",
        body="\n".join(lines),
        properties={"columns": header} if header else {},
        links=[t for t in row_titles if t in pages],
        folder=_folder_of(entry.rel),
        source_file=str(entry.disk) if entry.disk else None,
    )
    if not rows:
        doc.problems.append(f"{clip(title, 80)}: the database has no rows that could be read.")
    return doc
