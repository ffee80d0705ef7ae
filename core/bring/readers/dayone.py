"""Day One's JSON export: a zip (or its extracted folder) holding one ``<Journal>.json`` per journal
and ``photos/`` (``videos/``, ``audios/``, ``pdfs/``), or one journal's ``.json`` by itself.

Each entry keeps its dates (created and happened: ``creationDate``; updated: ``modifiedDate``), its
place (``place``, ``locality``, ``region``, ``country``, ``coordinates``), a weather summary, its time
zone, starred, its tags and its journal (as the folder and a ``journal`` property). Its photos and
other media become attachments, and the ``dayone-moment://`` references in its text name them.
"""

from __future__ import annotations

import json
import mimetypes
import re
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from reverie.core.bring.doc import MAX_ATTACHMENT_BYTES, Attachment, Doc, PropertyValues, Skipped, Unreadable
from reverie.core.bring.readers.exporttree import ZIP_ERRORS, Entry, ExportTree, decode_text, open_tree, zip_names
from reverie.core.sources import clip, first_line_title
from reverie.core.textutil import clean_text

KIND = "dayone"
LABEL = "Day One (JSON export)"

MAX_JOURNAL_BYTES = 128 * 1024 * 1024  # one journal's JSON (its text; the media are separate files)
_MEDIA = {"photos": "photos", "videos": "videos", "audios": "audios", "pdfAttachments": "pdfs"}
_MOMENT = re.compile(r"dayone-moment:/{1,2}(?:[a-zA-Z]+/)?([0-9A-Za-z-]+)")
_IMAGE = re.compile(r"!\[[^\]\n]{0,500}\]\([^)\n]{0,2000}\)")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")


def _looks_like_journal(head: bytes) -> bool:
    return b'"entries"' in head and (b'"metadata"' in head or b'"creationDate"' in head or b'"uuid"' in head)


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(8192)
    except OSError:
        return b""


def claims(path: Path) -> bool:
    """A ``.json`` that starts like a Day One journal, a folder holding one, or a zip with one at its top."""
    if path.is_dir():
        return any(p.suffix.lower() == ".json" and _looks_like_journal(_head(p)) for p in path.iterdir() if p.is_file())
    if path.suffix.lower() == ".json":
        return _looks_like_journal(_head(path))
    if path.suffix.lower() != ".zip":
        return False
    names = zip_names(path)
    tops = [n for n in names if "/" not in n and n.lower().endswith(".json")]
    if not tops:
        return False
    try:
        with zipfile.ZipFile(path) as zf, zf.open(tops[0]) as fh:
            return _looks_like_journal(fh.read(8192))
    except ZIP_ERRORS:  # a damaged zip is not claimed (its reader would say why it cannot be read)
        return False


def _tree(path: Path) -> tuple[ExportTree, list[Entry]]:
    if path.is_file() and path.suffix.lower() == ".json":
        media = set(_MEDIA.values())
        tree = ExportTree(path.name)
        tree.add_folder(path.parent, lambda rel: rel.split("/", 1)[0] not in media)
        entry = tree.get(path.name)
        return tree, [entry] if entry else []
    tree = open_tree(path, limit=MAX_JOURNAL_BYTES)
    journals = [e for e in tree.files() if "/" not in e.rel and e.rel.lower().endswith(".json")]
    return tree, journals


def read_export(path: Path) -> Iterator[Doc | Skipped]:
    tree, journals = _tree(path)
    with tree:
        if not journals:
            raise Unreadable(f"{path.name} holds no Day One journal (a .json file of entries); nothing was brought in.")
        yield from tree.skipped
        for journal in journals:
            try:
                entries = _entries(tree, journal)
            except Unreadable as exc:
                if len(journals) == 1:
                    raise
                yield Skipped(journal.rel, str(exc))
                continue
            name = PurePosixPath(journal.rel).stem
            for i, raw in enumerate(entries):
                yield _entry(tree, raw, name, f"{journal.rel}#{i + 1}")


def _entries(tree: ExportTree, journal: Entry) -> list[Any]:
    text = decode_text(tree.read(journal, MAX_JOURNAL_BYTES), journal.rel)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested too deeply
        raise Unreadable(f"{clip(journal.rel, 120)} is not valid JSON; nothing was brought in from it.") from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise Unreadable(
            f"{clip(journal.rel, 120)} is not a Day One export: it has no list of entries; nothing was brought in from it."
        )
    return list(data["entries"])


def _text(value: object) -> str:
    return clean_text(value) if isinstance(value, str) else ""


def _when(value: object) -> float | None:
    text = _text(value).strip()
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        return None
    return when.timestamp()


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _place(location: object, props: PropertyValues) -> None:
    if not isinstance(location, dict):
        return
    for key, field in (("place", "placeName"), ("locality", "localityName"), ("region", "administrativeArea")):
        if _text(location.get(field)).strip():
            props[key] = " ".join(_text(location[field]).split())
    if _text(location.get("country")).strip():
        props["country"] = " ".join(_text(location["country"]).split())
    lat, lon = _number(location.get("latitude")), _number(location.get("longitude"))
    if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
        props["coordinates"] = f"{round(lat, 6)}, {round(lon, 6)}"


def _weather(weather: object) -> str:
    if not isinstance(weather, dict):
        return ""
    parts = [" ".join(_text(weather.get("conditionsDescription")).split())]
    celsius = _number(weather.get("temperatureCelsius"))
    if celsius is not None:
        parts.append(f"{round(celsius)} °C")
    return ", ".join(p for p in parts if p)


def _day_title(ts: float | None, zone: str) -> str:
    if ts is None:
        return "Day One entry"
    try:
        when = datetime.fromtimestamp(ts, ZoneInfo(zone)) if zone else datetime.fromtimestamp(ts)
    except (ValueError, KeyError, OSError):
        when = datetime.fromtimestamp(ts)
    return f"{when:%a} {when.day} {when:%b %Y}"


def _entry(tree: ExportTree, raw: object, journal: str, fallback_key: str) -> Doc | Skipped:
    if not isinstance(raw, dict):
        return Skipped(
            fallback_key,
            f"Entry {fallback_key.rsplit('#', 1)[-1]} of {journal} is not a Day One entry; it was left out.",
        )
    key = _text(raw.get("uuid")).strip() or fallback_key
    text = _text(raw.get("text")).replace("\r\n", "\n").strip("\n")
    created = _when(raw.get("creationDate"))
    updated = _when(raw.get("modifiedDate")) or created
    zone = _text(raw.get("timeZone")).strip()
    words = _IMAGE.sub("", text)  # an entry that opens with a photo is named by its first words
    title = _ESCAPED.sub(r"\1", first_line_title(words, fallback="")) or _day_title(created, zone)
    props: PropertyValues = {"journal": journal}
    _place(raw.get("location"), props)
    weather = _weather(raw.get("weather"))
    if weather:
        props["weather"] = weather
    if zone:
        props["time zone"] = zone
    for prop, field in (("starred", "starred"), ("pinned", "isPinned"), ("all day", "isAllDay")):
        if raw.get(field) is True:
            props[prop] = "yes"
    tags = raw.get("tags")
    doc = Doc(
        key=key,
        kind=KIND,
        title=title,
        body=text,
        created=created,
        updated=updated,
        happened=created,
        tags=list(dict.fromkeys(" ".join(_text(t).split()) for t in tags if _text(t).strip()))
        if isinstance(tags, list)
        else [],
        properties=props,
        folder=journal,
    )
    if created is None:
        doc.problems.append(f"{clip(title, 80)}: its date could not be read; the date it is brought in is used.")
    _media(tree, raw, doc)
    return doc


def _media(tree: ExportTree, raw: dict[str, Any], doc: Doc) -> None:
    names: dict[str, str] = {}
    for field, folder in _MEDIA.items():
        items = raw.get(field)
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            md5, ident = _text(item.get("md5")).strip(), _text(item.get("identifier")).strip()
            kind = _text(item.get("type")).strip() or {"audios": "m4a", "pdfs": "pdf"}.get(folder, "jpeg")
            if not md5 or "/" in md5 or "/" in kind:
                continue
            name = f"{md5}.{kind}"
            found = tree.get(f"{folder}/{name}")
            if found is None:
                doc.problems.append(
                    f"{clip(doc.title, 80)}: the file {folder}/{name} is not in the export; the entry came in without it."
                )
                continue
            mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
            if found.disk is not None:
                doc.attachments.append(Attachment(name=name, mime=mime, path=str(found.disk)))
            else:
                try:
                    doc.attachments.append(
                        Attachment(name=name, mime=mime, data=tree.read(found, MAX_ATTACHMENT_BYTES))
                    )
                except Unreadable as exc:
                    doc.problems.append(str(exc))
                    continue
            if ident:
                names[ident] = name
    if names:
        doc.body = _MOMENT.sub(lambda m: names.get(m.group(1), m.group(0)), doc.body)
