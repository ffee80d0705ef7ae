"""Word documents (``.docx``) as Markdown notes.

Read with ``python-docx`` (MIT, in the ``documents`` extra; its XML parser does not resolve
entities). Headings become ``#`` headings, list paragraphs ``-`` (or ``1.``) items, bold and italic
runs ``**`` and ``*``, hyperlinks ``[text](url)``, tables Markdown tables. Images of the document
become attachments (``Attachment`` with their bytes) and the body links to them by name; one
bigger than ``MAX_ATTACHMENT_BYTES`` is left out with a sentence. The core properties give the
title, the dates, the author, subject, category and description, and keywords as tags.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from reverie.core.bring.doc import (
    DOCUMENTS_EXTRA,
    MAX_ATTACHMENT_BYTES,
    MAX_DOCUMENT_BYTES,
    Attachment,
    Doc,
    MissingPart,
    PropertyValues,
    Unreadable,
)
from reverie.core.bring.readers.docmeta import check_size, keyword_tags, real_title
from reverie.core.sources import first_line_title
from reverie.core.textutil import clean_text, human_size

if TYPE_CHECKING:
    from docx.document import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

SUFFIXES = frozenset({".docx"})
KIND = "docx"

# All of a document's parts unpacked together may be at most this big (a "zip bomb" is refused).
MAX_UNPACKED_BYTES = 4 * MAX_DOCUMENT_BYTES
_IMAGE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING = re.compile(r"^heading ?(\d)$")
_LONE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_BLANKS = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\xa0]+")


def _style_names(document: Document) -> dict[str, str]:
    """Style id -> its name in lower case ("heading 1", "list bullet"), read once: python-docx's own
    lookup walks every style for each paragraph."""
    names: dict[str, str] = {}
    try:
        styles = document.part._styles_part.element
    except (KeyError, ValueError, AttributeError):
        return names
    for style in styles.iterchildren(_W + "style"):
        name = style.find(_W + "name")
        if name is not None:
            names[str(style.get(_W + "styleId", ""))] = str(name.get(_W + "val", "")).lower()
    return names


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\").replace("*", "\\*").replace("`", "\\`")
    return _LONE_UNDERSCORE.sub(r"\\_", text)


def _wrap(text: str, bold: bool, italic: bool) -> str:
    core = text.strip()
    if not core or not (bold or italic):
        return text
    mark = "***" if bold and italic else "**" if bold else "*"
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    return f"{lead}{mark}{core}{mark}{trail}"


class _Writer:
    def __init__(self, document: Document, rel: str) -> None:
        self.rel = rel
        self.images: dict[str, Attachment] = {}  # relationship id -> attachment
        self.problems: list[str] = []
        self.styles = _style_names(document)
        self._collect_images(document)

    def _collect_images(self, document: Document) -> None:
        names: set[str] = set()
        for r_id, relationship in document.part.rels.items():
            if relationship.reltype != _IMAGE_REL or relationship.is_external:
                continue
            part = relationship.target_part
            name = posixpath.basename(str(part.partname)) or f"{r_id}.bin"
            blob = part.blob
            if len(blob) > MAX_ATTACHMENT_BYTES:
                self.problems.append(
                    f"The image {name} in {self.rel} is {human_size(len(blob))}, more than the "
                    f"{human_size(MAX_ATTACHMENT_BYTES)} an attachment may be; it was left out."
                )
                continue
            if name not in names:
                names.add(name)
                self.images[r_id] = Attachment(name=name, mime=part.content_type, data=blob)

    def _run_images(self, element: object) -> str:
        refs = [b.get(_EMBED) for b in element.iter(_BLIP)]  # type: ignore[attr-defined]
        out = [self.images[r] for r in refs if r in self.images]
        return "".join(f"![{a.name}]({quote(a.name)})" for a in out)

    def inline(self, paragraph: Paragraph) -> str:
        from docx.text.hyperlink import Hyperlink

        parts: list[str] = []
        pending: list[tuple[str, bool, bool]] = []

        def flush() -> None:
            merged: list[tuple[str, bool, bool]] = []
            for text, bold, italic in pending:
                if merged and merged[-1][1:] == (bold, italic):
                    merged[-1] = (merged[-1][0] + text, bold, italic)
                else:
                    merged.append((text, bold, italic))
            parts.extend(_wrap(_escape(t), b, i) for t, b, i in merged)
            pending.clear()

        for item in paragraph.iter_inner_content():
            if isinstance(item, Hyperlink):
                flush()
                text = _escape(item.text).replace("[", "\\[").replace("]", "\\]")
                url = item.url if item.address else ""  # a link to a place in the document is its text
                parts.append(f"[{text}]({url.replace(' ', '%20').replace(')', '%29')})" if url and text else text)
                continue
            pending.append((item.text, bool(item.bold), bool(item.italic)))
            images = self._run_images(item._r)
            if images:
                flush()
                parts.append(images)
        flush()
        lines = [_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n")]
        return "\\\n".join(line for line in lines if line)

    def paragraph(self, paragraph: Paragraph) -> tuple[str, str]:
        """The paragraph as Markdown, and what block it is ("list", "heading", "text")."""
        text = self.inline(paragraph)
        if not text:
            return "", "text"
        p_pr = paragraph._p.find(_W + "pPr")
        style_el = p_pr.find(_W + "pStyle") if p_pr is not None else None
        style_id = str(style_el.get(_W + "val", "")) if style_el is not None else ""
        style = self.styles.get(style_id, "")
        heading = _HEADING.match(style) or _HEADING.match(style_id.lower())  # "Heading1" in any language
        if heading or style == "title":
            text = text.replace("\\\n", " ")
            return "#" * (int(heading.group(1)) if heading else 1) + " " + text, "heading"
        num_pr = p_pr.find(_W + "numPr") if p_pr is not None else None
        if style.startswith("list") or num_pr is not None:
            ilvl = num_pr.find(_W + "ilvl") if num_pr is not None else None
            value = str(ilvl.get(_W + "val", "")) if ilvl is not None else ""
            level = min(int(value), 8) if value.isdigit() else 0
            text = text.replace("\\\n", " ")
            mark = "1." if "number" in style else "-"
            return "  " * level + f"{mark} {text}", "list"
        if text.startswith(("#", ">", "- ", "+ ")):
            text = "\\" + text
        return text, "text"

    def table(self, table: Table) -> str:
        rows: list[list[str]] = []
        for row in table.rows:
            cells = [" ".join(_escape(c.text).replace("|", "\\|").split()) for c in row.cells]
            rows.append(cells)
        if not rows:
            return ""
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(lines)


def _blocks(element: Any, parent: Any, depth: int = 0) -> Iterator[Paragraph | Table]:
    """The paragraphs and tables under ``element`` in order, those inside content controls (``w:sdt``,
    as Word's cover pages and tables of contents are) included."""
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent)
        elif child.tag == qn("w:tbl"):
            yield Table(child, parent)
        elif child.tag in (qn("w:sdt"), qn("w:sdtContent")) and depth < 8:
            yield from _blocks(child, parent, depth + 1)


def _open(path: Path, rel: str) -> Document:
    try:
        import docx
    except ImportError as exc:
        raise MissingPart(f"Reading Word documents needs python-docx: {DOCUMENTS_EXTRA}") from exc
    not_word = Unreadable(f"{rel} is damaged or is not a Word document; it was left out.")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            if "[Content_Types].xml" not in {i.filename for i in infos}:
                raise not_word
            unpacked = sum(i.file_size for i in infos)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise not_word from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise Unreadable(
            f"{rel} unpacks to {human_size(unpacked)}, more than the {human_size(MAX_UNPACKED_BYTES)} "
            "a document may; it was left out."
        )
    try:
        return docx.Document(str(path))
    except Exception as exc:
        raise not_word from exc


def _when(value: datetime | None) -> float | None:
    if not isinstance(value, datetime):
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def _text(value: object) -> str:
    return " ".join(clean_text(value).split()) if isinstance(value, str) else ""


def read_file(path: Path, rel: str) -> Doc:
    """The Word document at ``path`` as one Doc (see the module's docstring)."""
    try:
        check_size(path.stat().st_size, rel)
    except OSError as exc:
        raise Unreadable(f"{rel} could not be opened; it was left out.") from exc
    document = _open(path, rel)
    try:
        from docx.table import Table

        writer = _Writer(document, rel)
        blocks: list[tuple[str, str]] = []
        for item in _blocks(document.element.body, document._body):
            if isinstance(item, Table):
                blocks.append((writer.table(item), "table"))
            else:
                blocks.append(writer.paragraph(item))
        props = document.core_properties
        meta = {
            "title": _text(props.title),
            "author": _text(props.author),
            "subject": _text(props.subject),
            "category": _text(props.category),
            "description": _text(props.comments),
            "keywords": _text(props.keywords),
        }
        created, updated = _when(props.created), _when(props.modified)
    except Unreadable:
        raise
    except Exception as exc:
        raise Unreadable(f"{rel} is damaged or is not a Word document; it was left out.") from exc
    body = ""
    previous = ""
    for text, kind in blocks:
        if not text:
            continue
        if body:
            body += "\n" if kind == previous == "list" else "\n\n"
        body += text
        previous = kind
    body = _BLANKS.sub("\n\n", clean_text(body)).strip()
    stem = Path(rel).stem or path.stem
    properties: PropertyValues = {k: v for k, v in meta.items() if v and k not in ("title", "keywords")}
    return Doc(
        key=rel,
        kind=KIND,
        title=real_title(meta["title"], stem) or first_line_title(body, stem),
        body=body,
        created=created,
        updated=updated,
        tags=keyword_tags(meta["keywords"], meta["category"]),
        properties=properties,
        attachments=list(writer.images.values()),
        problems=writer.problems,
        source_file=str(path.resolve()),
    )
