"""Google Keep, from Google Takeout: ``Takeout/Keep/`` (the folder, the ``Keep`` folder itself or the
Takeout zip) holds one ``.json`` per note, an ``.html`` twin (not read) and the attached files.

Kept: the title and text, checklists as ``- [ ]`` / ``- [x]`` items, labels as tags, web links
(annotations) as a list at the end and a ``links`` property, the colour, pinned and archived as
properties, the dates, and attached files. A note in Keep's trash is left out with a sentence.
"""

from __future__ import annotations

import json
import mimetypes
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from reverie.core.bring.doc import MAX_ATTACHMENT_BYTES, Attachment, Doc, PropertyValues, Skipped, Unreadable
from reverie.core.bring.readers.exporttree import Entry, ExportTree, decode_text, open_tree, zip_names
from reverie.core.sources import clip, first_line_title
from reverie.core.textutil import clean_text

KIND = "keep"
LABEL = "Google Keep (Takeout)"

_NOTE = re.compile(r"(?:^|/)Keep/[^/]+\.json$", re.IGNORECASE)
_NOTE_FIELDS = ("textContent", "listContent", "title")
_TIME_FIELDS = ("createdTimestampUsec", "userEditedTimestampUsec")


def _keep_folder(folder: Path) -> bool:
    """A folder holding a ``.json`` that starts like a Keep note (the first five are looked at)."""
    try:
        notes = [p for p in sorted(folder.iterdir())[:2000] if p.suffix.lower() == ".json" and p.is_file()][:5]
        for note in notes:
            with open(note, "rb") as fh:
                head = fh.read(8192)
            if any(f'"{k}"'.encode() in head for k in _TIME_FIELDS):
                return True
    except OSError:
        return False
    return False


def claims(path: Path) -> bool:
    """A ``Keep`` folder of notes (or a folder holding ``Keep`` / ``Takeout/Keep``), or a zip with ``Keep/*.json``."""
    if path.is_dir():
        folders = [path] if path.name == "Keep" else [path / "Keep", path / "Takeout" / "Keep"]
        return any(f.is_dir() and _keep_folder(f) for f in folders)
    return path.suffix.lower() == ".zip" and any(_NOTE.search(n) for n in zip_names(path))


def _note_files(tree: ExportTree, top_is_keep: bool) -> list[Entry]:
    return [
        e
        for e in tree.files()
        if e.rel.lower().endswith(".json") and (_NOTE.search(e.rel) or (top_is_keep and "/" not in e.rel))
    ]


def read_export(path: Path) -> Iterator[Doc | Skipped]:
    with open_tree(path) as tree:
        notes = _note_files(tree, path.is_dir() and path.name == "Keep")
        if not notes and any(_NOTE.search(e.rel[:-5] + ".json") for e in tree.files() if e.rel.endswith(".html")):
            raise Unreadable(
                f"{path.name} holds Keep notes only as web pages (.html), as older Takeouts did; Reverie reads the "
                "notes' .json files that Takeout writes today: export Keep again at takeout.google.com."
            )
        if not notes:
            raise Unreadable(
                f"{path.name} holds no Google Keep notes (no Keep folder of .json notes); nothing was brought in."
            )
        yield from tree.skipped
        for entry in notes:
            yield _read_note(tree, entry)


def _load(tree: ExportTree, entry: Entry) -> dict[str, Any] | Skipped:
    try:
        text = decode_text(tree.read(entry), entry.rel)
    except Unreadable as exc:
        return Skipped(entry.name, str(exc))
    try:
        note = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested too deeply
        return Skipped(entry.name, f"{clip(entry.rel, 120)} is not valid JSON; it was left out.")
    if (
        not isinstance(note, dict)
        or not any(k in note for k in _NOTE_FIELDS)
        or not any(k in note for k in _TIME_FIELDS)
    ):
        return Skipped(entry.name, f"{clip(entry.rel, 120)} is not a Google Keep note; it was left out.")
    return note


def _text(value: object) -> str:
    return clean_text(value).replace("\r\n", "\n") if isinstance(value, str) else ""


def _seconds(value: object) -> float | None:
    try:
        usec = int(str(value))
    except ValueError:
        return None
    return usec / 1_000_000 if usec > 0 else None


def _dicts(value: object) -> list[dict[str, Any]]:
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def _checklist(items: list[dict[str, Any]]) -> str:
    lines = []
    for item in items:
        text = " ".join(_text(item.get("text")).split())
        lines.append(f"- [{'x' if item.get('isChecked') is True else ' '}] {text}".rstrip())
    return "\n".join(lines)


def _read_note(tree: ExportTree, entry: Entry) -> Doc | Skipped:
    note = _load(tree, entry)
    if isinstance(note, Skipped):
        return note
    body = _text(note.get("textContent")).strip("\n")
    items = _dicts(note.get("listContent"))
    if items:
        body = "\n\n".join(x for x in (body, _checklist(items)) if x)
    stem = PurePosixPath(entry.name).stem
    title = " ".join(_text(note.get("title")).split()) or first_line_title(body, fallback=stem)
    if note.get("isTrashed") is True:
        return Skipped(entry.name, f"{clip(title, 80)} is in Keep's trash; it was left out.")
    props: PropertyValues = {}
    links = _annotations(note, body, props)
    if links:
        body = "\n\n".join(x for x in (body, links) if x)
    color = _text(note.get("color")).strip()
    if color and color.upper() != "DEFAULT":
        props["color"] = color.lower()
    for key, field in (("pinned", "isPinned"), ("archived", "isArchived")):
        if note.get(field) is True:
            props[key] = "yes"
    shared = [_text(s.get("email")) for s in _dicts(note.get("sharees")) if s.get("isOwner") is not True]
    if any(shared):
        props["shared with"] = [s for s in shared if s]
    tags = list(
        dict.fromkeys(n for n in (" ".join(_text(x.get("name")).split()) for x in _dicts(note.get("labels"))) if n)
    )
    created = _seconds(note.get("createdTimestampUsec"))
    updated = _seconds(note.get("userEditedTimestampUsec")) or created
    doc = Doc(
        key=entry.name,
        kind=KIND,
        title=title,
        body=body,
        created=created or updated,
        updated=updated,
        happened=created or updated,
        tags=tags,
        properties=props,
        source_file=str(entry.disk) if entry.disk else None,
    )
    _attach(tree, entry, note, doc)
    return doc


def _annotations(note: dict[str, Any], body: str, props: PropertyValues) -> str:
    """The web links Keep found in a note, as Markdown lines (those not already in the text) and a property."""
    urls: list[str] = []
    lines: list[str] = []
    for ann in _dicts(note.get("annotations")):
        url = _text(ann.get("url")).strip()
        if not url or url in urls:
            continue
        urls.append(url)
        if url not in body:
            shown = " ".join(_text(ann.get("title")).split()).replace("]", ")").replace("[", "(") or url
            lines.append(f"- [{shown}](<{url}>)")
    if urls:
        props["links"] = urls
    return "\n".join(lines)


def _attach(tree: ExportTree, entry: Entry, note: dict[str, Any], doc: Doc) -> None:
    folder = entry.rel[: len(entry.rel) - len(entry.name)]
    refs: list[str] = []
    for att in _dicts(note.get("attachments")):
        name = _text(att.get("filePath")).strip().replace("\\", "/").rsplit("/", 1)[-1]
        if not name:
            continue
        mime = _text(att.get("mimetype")).strip() or mimetypes.guess_type(name)[0] or "application/octet-stream"
        found = tree.same_stem(folder + name, skip=(".json", ".html"))  # Takeout saves x.jpeg as x.jpg
        if found is None:
            doc.problems.append(
                f"{doc.title}: the attached file {clip(name, 80)} is not in the export; the note came in without it."
            )
            continue
        if found.disk is not None:
            doc.attachments.append(Attachment(name=found.name, mime=mime, path=str(found.disk)))
        else:
            try:
                doc.attachments.append(
                    Attachment(name=found.name, mime=mime, data=tree.read(found, MAX_ATTACHMENT_BYTES))
                )
            except Unreadable as exc:
                doc.problems.append(str(exc))
                continue
        refs.append(f"{'!' if mime.startswith('image/') else ''}[{found.name}](<{found.name}>)")
    if refs:
        doc.body = "\n\n".join(x for x in (doc.body, "\n".join(refs)) if x)
