"""PDF files: the text of each page, with where each page starts and ends in the body.

Read with ``pypdf`` (BSD-3-Clause, in the ``documents`` extra). A page's text is cleaned (line-end
hyphens joined, runs of spaces collapsed, control characters dropped, paragraph breaks kept); the
body is the pages' texts joined by a blank line and ``Doc.pages`` holds ``(page, start, end)`` for
each page that has text. Encrypted PDFs are opened with the empty password when that works; a PDF
of scanned images has no text to read (there is no OCR) and is left out with a sentence.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reverie.core.bring.doc import DOCUMENTS_EXTRA, Doc, MissingPart, PropertyValues, Unreadable
from reverie.core.bring.readers.docmeta import check_size, keyword_tags, real_title
from reverie.core.sources import first_line_title
from reverie.core.textutil import clean_text

if TYPE_CHECKING:
    from pypdf import PdfReader

SUFFIXES = frozenset({".pdf"})
KIND = "pdf"

_PDF_DATE = re.compile(
    r"^\s*(?:D:)?(?P<y>\d{4})(?P<mo>\d{2})?(?P<d>\d{2})?(?P<h>\d{2})?(?P<mi>\d{2})?(?P<s>\d{2})?"
    r"(?:\.\d+)?\s*(?P<tz>[Zz]|[+\-]\s*\d{1,2}(?:\s*'?\s*\d{2})?)?"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
_HYPHEN = re.compile(r"(\w)-\n[ \t]*([a-zà-öø-ÿ])")
_SPACES = re.compile(r"[ \t\xa0]+")
_BLANKS = re.compile(r"\n{3,}")
_WORDS = re.compile(r"[^\W\d_]{2,}")


def parse_pdf_date(value: object) -> float | None:
    """A PDF date string ("D:20230504103000+02'00'", any part after the year may be missing) as Unix
    seconds, or None when it is not one. A date without a zone is read as UTC."""
    if not isinstance(value, str):
        return None
    m = _PDF_DATE.match(value)
    if not m:
        return None
    tz = UTC
    raw_tz = (m["tz"] or "").replace(" ", "").replace("'", "")
    if raw_tz and raw_tz not in ("Z", "z"):
        hours, minutes = int(raw_tz[1:3] if len(raw_tz) >= 3 else raw_tz[1:]), int(raw_tz[3:5] or 0)
        if hours > 23 or minutes > 59:
            return None
        offset = timedelta(hours=hours, minutes=minutes)
        tz = timezone(-offset if raw_tz[0] == "-" else offset)
    try:
        when = datetime(
            int(m["y"]),
            int(m["mo"] or 1),
            int(m["d"] or 1),
            int(m["h"] or 0),
            int(m["mi"] or 0),
            min(int(m["s"] or 0), 59),
            tzinfo=tz,
        )
    except ValueError:
        return None
    return when.timestamp()


def clean_page_text(text: str) -> str:
    """A page's extracted text made readable: control characters dropped, a word hyphenated at a line's
    end joined again, runs of spaces made one, at most one blank line between paragraphs."""
    text = clean_text(text).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _HYPHEN.sub(r"\1\2", text)
    return _BLANKS.sub("\n\n", text).strip()


def _meta_text(reader: PdfReader, key: str) -> str | None:
    try:
        info = reader.metadata
        value = info.get(key) if info is not None else None
        if value is not None and hasattr(value, "get_object"):
            value = value.get_object()
    except Exception:  # noqa: BLE001 - damaged metadata is only metadata
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        return None
    value = " ".join(clean_text(value).split())
    return value or None


def _first_meaningful_line(body: str, fallback: str) -> str:
    for line in body.splitlines():
        if len(_WORDS.findall(line)) >= 1 and sum(c.isalpha() for c in line) >= 3:
            return first_line_title(line, fallback)
    return fallback


def _holds_image(holder: Any, depth: int = 0) -> bool:
    """Whether a page (or a form it draws, as some scanners wrap their images) draws an image."""
    try:
        resources = holder.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        if xobjects is None:
            return False
        for ref in xobjects.get_object().values():
            xobject = ref.get_object()
            kind = xobject.get("/Subtype")
            if kind == "/Image" or (kind == "/Form" and depth < 3 and _holds_image(xobject, depth + 1)):
                return True
    except Exception:  # noqa: BLE001 - a damaged page says nothing about images
        return False
    return False


def _has_images(reader: PdfReader) -> bool:
    return any(_holds_image(page) for page in reader.pages)


def _open(path: Path, rel: str) -> PdfReader:
    try:
        from pypdf import PasswordType, PdfReader
    except ImportError as exc:
        raise MissingPart(f"Reading PDF files needs pypdf: {DOCUMENTS_EXTRA}") from exc
    try:
        reader = PdfReader(path, strict=False)
        encrypted = reader.is_encrypted
    except Exception as exc:
        raise Unreadable(f"{rel} is damaged or is not a PDF; it was left out.") from exc
    if encrypted:
        try:
            opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
        except Exception:  # noqa: BLE001 - an encryption pypdf cannot undo without a library it lacks
            opened = False
        if not opened:
            raise Unreadable(f"{rel} is encrypted; it was left out.")
    return reader


def read_file(path: Path, rel: str) -> Doc:
    """The PDF at ``path`` as one Doc (see the module's docstring); ``Unreadable`` when it cannot be read."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise Unreadable(f"{rel} could not be opened; it was left out.") from exc
    check_size(size, rel)
    reader = _open(path, rel)
    texts: list[tuple[int, str]] = []
    problems: list[str] = []
    try:
        page_count = len(reader.pages)
        for number, page in enumerate(reader.pages, start=1):
            try:
                text = clean_page_text(page.extract_text() or "")
            except Exception:  # noqa: BLE001 - one damaged page is set aside, the others are kept
                problems.append(f"Page {number} of {rel} could not be read; it was left out.")
                continue
            if text:
                texts.append((number, text))
    except Exception as exc:
        raise Unreadable(f"{rel} is damaged or is not a PDF; it was left out.") from exc
    if not texts:
        if page_count and _has_images(reader):
            raise Unreadable(f"{rel} has no text layer; OCR is not available, so it was left out.")
        raise Unreadable(f"{rel} holds no text; it was left out.")
    body_parts: list[str] = []
    pages: list[tuple[int, int, int]] = []
    offset = 0
    for number, text in texts:
        if body_parts:
            offset += 2
        pages.append((number, offset, offset + len(text)))
        body_parts.append(text)
        offset += len(text)
    body = "\n\n".join(body_parts)

    stem = Path(rel).stem or path.stem
    title = real_title(_meta_text(reader, "/Title"), stem) or _first_meaningful_line(body, stem)
    properties: PropertyValues = {}
    for key, name in (("/Author", "author"), ("/Subject", "subject"), ("/Keywords", "keywords")):
        value = _meta_text(reader, key)
        if value:
            properties[name] = value
    tags = keyword_tags(_meta_text(reader, "/Keywords"))
    return Doc(
        key=rel,
        kind=KIND,
        title=title,
        body=body,
        created=parse_pdf_date(_meta_text(reader, "/CreationDate")),
        updated=parse_pdf_date(_meta_text(reader, "/ModDate")),
        tags=tags,
        properties=properties,
        pages=pages,
        problems=problems,
        source_file=str(path.resolve()),
    )
