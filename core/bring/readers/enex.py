"""Evernote exports (``.enex``): one note per ``<note>``, read as a stream so a large export never
sits in memory whole.

Parsed with the standard library's expat parser. An export that declares its own entities (a
``<!DOCTYPE … [ … ]>`` internal subset, as an "entity bomb" does) is refused before any is expanded;
Evernote's own ``<!DOCTYPE en-export SYSTEM …>`` line is allowed (the DTD is never fetched). A note's
ENML is turned into Markdown by ``html.html_to_markdown``'s converter: a checkbox becomes ``- [x]``,
an ``<en-media>`` a link to its attachment (tied by the MD5 hash Evernote writes). A note's
attributes (source URL, author, place…) become properties; the notebook (the file's stem) is the
folder and the property ``notebook``. A note keeps its ``<guid>`` as key when the export has one,
else ``<file name>#<n>:<title>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import mimetypes
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote
from xml.parsers import expat

from reverie.core.bring.doc import (
    MAX_ATTACHMENT_BYTES,
    MAX_DOCUMENT_BYTES,
    Attachment,
    Doc,
    PropertyValues,
    Skipped,
    Unreadable,
)
from reverie.core.bring.readers.html import parse_html, prune, soup_to_markdown
from reverie.core.sources import clip, first_line_title
from reverie.core.textutil import clean_text

KIND = "enex"
LABEL = "Evernote export"
SUFFIX = ".enex"

_CHUNK = 1 << 20
_DATA_LIMIT = MAX_ATTACHMENT_BYTES * 14 // 10 + 65536  # base64 with its line breaks
_TODO = re.compile(r"^([ \t]*)(\[[ x]\] )", re.MULTILINE)
_TODO_GAP = re.compile(r"^(- \[[ x]\] .*)\n\n(?=- \[[ x]\] )", re.MULTILINE)
_ATTRIBUTES = {
    "source-url": "source",
    "author": "author",
    "source": "source kind",
    "source-application": "source application",
    "place-name": "place",
    "latitude": "latitude",
    "longitude": "longitude",
    "altitude": "altitude",
    "subject-date": "subject date",
}


class _EntitiesDeclared(Exception):  # noqa: N818 - raised inside the parser, turned into a sentence
    pass


@dataclass
class _Resource:
    fields: dict[str, str] = field(default_factory=dict)
    data: bytes | None = None  # decoded when its element ends, so its base64 text is not kept too
    data_too_big: bool = False
    data_invalid: bool = False


@dataclass
class _Note:
    number: int
    fields: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    resources: list[_Resource] = field(default_factory=list)
    content_too_big: bool = False


def claims(path: Path) -> bool:
    """An ``.enex`` file. (A folder is a folder of documents: ``plan`` lists each ``.enex`` in it as an
    export of its own, next to the other documents there, so one export in a Downloads folder does not
    hide the rest.)"""
    try:
        return path.is_file() and path.suffix.lower() == SUFFIX
    except OSError:
        return False


def enex_time(value: str | None) -> float | None:
    """Evernote's "20230504T103000Z" as Unix seconds, or None."""
    if not value:
        return None
    try:
        return datetime.strptime(value.strip().rstrip("Z"), "%Y%m%dT%H%M%S").replace(tzinfo=UTC).timestamp()
    except ValueError:
        return None


class _Reader:
    """The expat handlers: they build one ``_Note`` at a time and turn each into a Doc or Skipped."""

    def __init__(self, file_name: str, notebook: str) -> None:
        self.file_name, self.notebook = file_name, notebook
        self.stack: list[str] = []
        self.note: _Note | None = None
        self.resource: _Resource | None = None
        self.buf: list[str] = []
        self.buf_len = 0
        self.count = 0
        self.ready: list[Doc | Skipped] = []

    def doctype(self, name: str, sysid: str | None, pubid: str | None, internal: int) -> None:
        if internal:
            raise _EntitiesDeclared

    def entity(self, *_: object) -> None:
        raise _EntitiesDeclared

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if not self.stack and tag != "en-export":
            raise Unreadable(f"{self.file_name} is not an Evernote export; it was left out.")
        if len(self.stack) == 1 and tag == "note":
            self.count += 1
            self.note = _Note(self.count)
        elif self.note is not None and len(self.stack) == 2 and tag == "resource":
            self.resource = _Resource()
        self.stack.append(tag)
        self.buf, self.buf_len = [], 0

    def text(self, data: str) -> None:
        if self.note is None:
            return
        limit = _DATA_LIMIT if self.stack[-1] == "data" else MAX_DOCUMENT_BYTES
        self.buf_len += len(data)
        if self.buf_len > limit:
            if self.resource is not None:
                self.resource.data_too_big = True
            else:
                self.note.content_too_big = True
            self.buf = []
            return
        self.buf.append(data)

    def end(self, tag: str) -> None:
        text, depth, parent = "".join(self.buf), len(self.stack), self.stack[-2] if len(self.stack) > 1 else ""
        self.buf, self.buf_len = [], 0
        self.stack.pop()
        note, res = self.note, self.resource
        if note is None:
            return
        if depth == 2:
            self.ready.append(self._build(note))
            self.note = None
        elif depth == 3 and tag == "tag":
            note.tags.append(" ".join(text.split()))
        elif depth == 3 and tag == "resource" and res is not None:
            note.resources.append(res)
            self.resource = None
        elif depth == 3:
            note.fields[tag] = text
        elif depth == 4 and parent == "note-attributes":
            note.attributes[tag] = text.strip()
        elif res is not None and depth == 4 and tag == "data":
            try:
                res.data = base64.b64decode(text)
            except (binascii.Error, ValueError):
                res.data_invalid = True
        elif res is not None and (depth == 4 or (depth == 5 and parent == "resource-attributes")):
            res.fields[tag] = text

    def _attachments(self, note: _Note, where: str, problems: list[str]) -> dict[str, Attachment]:
        by_hash: dict[str, Attachment] = {}
        names: set[str] = set()
        for i, res in enumerate(note.resources, start=1):
            mime = res.fields.get("mime", "").strip() or "application/octet-stream"
            name = posixpath.basename(res.fields.get("file-name", "").strip().replace("\\", "/"))
            name = name.strip(". ") or f"attachment-{i}{mimetypes.guess_extension(mime) or ''}"
            if res.data_too_big:
                problems.append(f"The attachment {name} of {where} is too big to keep; it was left out.")
                continue
            data = res.data
            if data is None or res.data_invalid:
                problems.append(f"The attachment {name} of {where} could not be decoded; it was left out.")
                continue
            if len(data) > MAX_ATTACHMENT_BYTES:
                problems.append(f"The attachment {name} of {where} is too big to keep; it was left out.")
                continue
            stem, ext = posixpath.splitext(name)
            n = 1
            while name in names:
                n += 1
                name = f"{stem} ({n}){ext}"
            names.add(name)
            by_hash[hashlib.md5(data).hexdigest()] = Attachment(name=name, mime=mime, data=data)  # noqa: S324
        return by_hash

    def _body(self, content: str, by_hash: dict[str, Attachment], where: str, problems: list[str]) -> str:
        soup = parse_html(content)
        for node in soup.find_all(["en-todo", "en-crypt", "en-media"]):
            if node.name == "en-todo":
                node.replace_with("[x] " if str(node.get("checked", "")).lower() == "true" else "[ ] ")
                continue
            if node.name == "en-crypt":
                node.replace_with("(encrypted text, left out)")
                problems.append(f"{where} holds encrypted text, which was left out.")
                continue
            att = by_hash.get(str(node.get("hash", "")).strip().lower())
            if att is None:
                problems.append(f"{where} refers to an attachment that is not in the export.")
                node.decompose()
                continue
            link = soup.new_tag("img" if att.mime.startswith("image/") else "a")
            if link.name == "img":
                link["src"], link["alt"] = quote(att.name), att.name
            else:
                link["href"] = quote(att.name)
                link.string = att.name
            node.replace_with(link)
        prune(soup)
        root = soup.find("en-note") or soup
        text = _TODO.sub(r"\1- \2", soup_to_markdown(root)).replace("- - [", "- [")
        return _TODO_GAP.sub(r"\1\n", text)

    def _build(self, note: _Note) -> Doc | Skipped:
        raw_title = " ".join(clean_text(note.fields.get("title", "")).split())
        guid = note.fields.get("guid", "").strip()
        key = guid or f"{self.file_name}#{note.number}:{raw_title}"
        where = f"The note “{clip(raw_title or str(note.number), 60)}” in {self.file_name}"
        if note.content_too_big:
            return Skipped(key, f"{where} is too big to bring in; it was left out.")
        if "content" not in note.fields:
            return Skipped(key, f"{where} has no content; it was left out.")
        problems: list[str] = []
        by_hash = self._attachments(note, where, problems)
        body = self._body(note.fields["content"], by_hash, where, problems)
        problems = list(dict.fromkeys(problems))
        if not raw_title and not body and not by_hash:
            return Skipped(key, f"{where} is empty; it was left out.")
        properties: PropertyValues = {"notebook": self.notebook}
        for attr, value in note.attributes.items():
            if value and attr in _ATTRIBUTES:
                properties[_ATTRIBUTES[attr]] = clean_text(value)
        subject_date = enex_time(note.attributes.get("subject-date"))
        return Doc(
            key=key,
            kind=KIND,
            title=clip(raw_title) if raw_title else first_line_title(body, "Untitled note"),
            body=body,
            created=enex_time(note.fields.get("created")),
            updated=enex_time(note.fields.get("updated")),
            happened=subject_date,
            tags=list(dict.fromkeys(t for t in note.tags if t)),
            properties=properties,
            folder=self.notebook,
            attachments=list(by_hash.values()),
            problems=problems,
        )


def _read_one(path: Path, file_name: str) -> Iterator[Doc | Skipped]:
    reader = _Reader(file_name, path.stem)
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = reader.doctype
    parser.EntityDeclHandler = reader.entity
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.text
    try:
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                parser.Parse(chunk, False)
                yield from reader.ready
                reader.ready.clear()
            parser.Parse(b"", True)
    except _EntitiesDeclared as exc:
        raise Unreadable(f"{file_name} declares its own XML entities, which are not read; it was left out.") from exc
    except expat.ExpatError as exc:
        raise Unreadable(
            f"{file_name} is not a well-formed Evernote export (line {exc.lineno}); it was left out."
        ) from exc
    except OSError as exc:
        raise Unreadable(f"{file_name} could not be read; it was left out.") from exc
    yield from reader.ready


def read_export(path: Path) -> Iterator[Doc | Skipped]:
    """Every note of the export at ``path`` (an ``.enex`` file, or a folder of them, each its own notebook).

    A file that is not a well-formed export raises ``Unreadable``; in a folder, it is one ``Skipped``
    and the other files are still read."""
    if path.is_file():
        yield from _read_one(path, path.name)
        return
    try:
        files = sorted(p for p in path.iterdir() if p.suffix.lower() == SUFFIX and p.is_file())
    except OSError as exc:
        raise Unreadable(f"{path.name} could not be read; it was left out.") from exc
    if not files:
        raise Unreadable(f"{path.name} holds no Evernote export (.enex file); nothing was brought in.")
    for file in files:
        try:
            yield from _read_one(file, file.name)
        except Unreadable as exc:
            yield Skipped(file.name, str(exc))
