"""One Markdown or text file's text as a note: title, body, tags, links, dates and properties.

Used by the folder import (``markdown_import``) and its preview. Front matter dates outside the
years 1900-2200 are set aside (the file's own dates are used) with a sentence saying so.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from reverie.core.clock import MAX_YEAR, MIN_YEAR, in_range
from reverie.core.mdsyntax import inline_tags
from reverie.core.properties import (
    OWN_FIELDS,
    Properties,
    PropertyError,
    PropertyValue,
    check_properties,
    field,
    parse_front_matter,
)
from reverie.core.sources import clip
from reverie.core.textutil import clean_text
from reverie.core.wikilinks import find_links

_DATE_KEYS = ("created", "date", "updated", "modified")
_DATE_FIELDS = {"created": ("created",), "date": ("date",), "updated": ("updated", "modified")}
_REVERIE_ID = re.compile(r"[0-9a-f]{32}")


def parse_date(value: PropertyValue | None) -> float | None:
    """A front matter date (``2023-05-04``, ``2023-05-04 10:30``, ISO with a zone, ``[[2023-05-04]]``)
    as Unix seconds; None when it is no date. A date outside 1900-2200 is returned as it is
    (``parse_note_file`` sets it aside with a sentence)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().removeprefix("[[").removesuffix("]]").strip().replace("Z", "+00:00")
    if re.fullmatch(r"\d{4}/\d{1,2}/\d{1,2}", text):
        text = "-".join(f"{int(x):02d}" for x in text.split("/"))
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if not MIN_YEAR <= when.year <= MAX_YEAR:
        return -math.inf if when.year < MIN_YEAR else math.inf
    try:
        return when.timestamp()
    except (OverflowError, OSError, ValueError):  # a naive date at the edge the local zone cannot place
        return -math.inf if when.year == MIN_YEAR else math.inf


def wikilinks(body: str) -> list[str]:
    """The notes and files ``body`` links to or embeds (outside code), in order, each once."""
    return list(dict.fromkeys(link.target.strip() for link in find_links(body) if link.target.strip()))


def _tags(fm: Properties, body: str) -> list[str]:
    raw = field(fm, "tags", "tag") or []
    if isinstance(raw, str):
        raw = raw.replace(",", " ").split()
    out: list[str] = []
    for t in [*raw, *inline_tags(body)]:
        t = clean_text(str(t)).strip().lstrip("#")[:64]
        if t and t not in out:
            out.append(t)
    return out[:64]


def _properties(fm: Properties) -> Properties:
    """The front matter fields that are properties: not the title or tags, not a date Reverie
    reads into the note's dates, not the id and origin a Reverie Markdown export writes."""
    own = {k.casefold() for k in OWN_FIELDS}
    reverie_export = isinstance(field(fm, "id"), str) and bool(_REVERIE_ID.fullmatch(str(field(fm, "id"))))
    out: Properties = {}
    for key, value in fm.items():
        folded = key.casefold()
        if folded in own or (folded in _DATE_KEYS and parse_date(value) is not None):
            continue
        if reverie_export and folded in ("id", "origin"):
            continue
        out[key] = value
    return out


def legacy_properties(front_matter: dict[str, Any]) -> Properties:
    """The properties in the ``front_matter`` an older import kept in a note's meta ({} when they
    do not pass ``check_properties``)."""
    fm: Properties = {}
    for key, value in front_matter.items():
        if isinstance(key, str) and isinstance(value, str):
            fm[key] = value
        elif isinstance(key, str) and isinstance(value, list):
            fm[key] = [str(v) for v in value]
    try:
        return check_properties(_properties(fm))
    except PropertyError:
        return {}


@dataclass(frozen=True)
class NoteFile:
    """One file as a note, read and not yet written."""

    rel: str  # its path in the folder, /-separated
    title: str
    body: str
    tags: list[str]
    links: list[str]
    created: float
    updated: float
    happened: float
    meta: dict[str, Any]
    problem: str | None = None  # something left out of an otherwise imported file


def parse_note_file(rel: str, text: str, kind: str, flavour: str, birth: float, mtime: float) -> NoteFile:
    """A file's text (``kind``: "markdown" or "text") as a note: title, body, tags, links, dates,
    properties; ``birth``/``mtime`` are the file's times, used when the front matter has no dates."""
    text = text.replace("\r\n", "\n")
    stem = Path(rel).stem
    if kind != "markdown":
        return NoteFile(rel, stem, text, [], [], birth, mtime, birth, {"source": "text", "path": rel})
    fm, body = parse_front_matter(text)
    dates = {key: parse_date(field(fm, *keys)) for key, keys in _DATE_FIELDS.items()}
    outside = [key for key, ts in dates.items() if ts is not None and not in_range(ts)]
    for key in outside:
        dates[key] = None
    fm_created, fm_date, fm_updated = dates["created"], dates["date"], dates["updated"]
    written = [t for t in (fm_created, fm_date) if t is not None]
    created = written[0] if written else birth
    happened = fm_date if fm_date is not None else created
    updated = fm_updated if fm_updated is not None else max(written) if written else mtime
    meta: dict[str, Any] = {"source": flavour, "path": rel}
    problems = []
    if outside:
        problems.append(
            f"{clip(rel, 120)}: {' and '.join(repr(k) for k in outside)} in its front matter "
            f"{'are dates' if len(outside) > 1 else 'is a date'} outside the years {MIN_YEAR}-{MAX_YEAR}, "
            "so the file's own date was used."
        )
    try:
        props = check_properties(_properties(fm))
    except PropertyError as exc:
        props = {}
        problems.append(f"{clip(rel, 120)}: its properties were left out ({exc.reason}); the rest was imported.")
    problem = " ".join(problems) or None
    if props:
        meta["properties"] = props
    links = wikilinks(body)
    if links:
        meta["links"] = links
    return NoteFile(
        rel, _title(fm, body, stem), body, _tags(fm, body), links, created, updated, happened, meta, problem
    )


def _title(fm: Properties, body: str, stem: str) -> str:
    title = field(fm, "title")
    if isinstance(title, str) and title.strip():
        return clean_text(title).strip()[:500]
    for line in body.splitlines():
        if line.startswith("# "):
            return clean_text(line[2:]).strip()[:500] or stem
        if line.strip():
            break
    return stem
