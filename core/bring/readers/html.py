"""Web pages (``.html``, ``.htm``, ``.xhtml``; web archives ``.mhtml``/``.mht`` through ``mhtml``) as
Markdown notes, and the HTML-to-Markdown helper the Evernote and Notion readers share.

Converted with ``markdownify`` (MIT, in the ``documents`` extra; html2text is GPL and was not used),
parsed by the standard library's HTML parser through BeautifulSoup. Scripts, styles, navigation,
footers and comments are left out. The title is the page's ``<title>``, else its first ``<h1>``. Meta
tags keep the description, author, keywords (as tags), publication date and the page's address. A
page saved "complete" by a browser (``page.html`` with ``page_files/``) keeps the address it was saved
from and its local images as attachments: ``Attachment.name`` is the image's path relative to the
page ("page_files/photo one.png"), and the body refers to it by that path, URL-quoted
("page_files/photo%20one.png").

The text is decoded by the charset the page declares (a byte-order mark, ``<meta charset>``, an XML
declaration), else as UTF-8; a page that is neither is left out with a sentence.
"""

from __future__ import annotations

import codecs
import mimetypes
import posixpath
import re
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

from reverie.core.bring.doc import (
    DOCUMENTS_EXTRA,
    Attachment,
    Doc,
    MissingPart,
    PropertyValues,
    Unreadable,
)
from reverie.core.bring.readers.docmeta import check_size, keyword_tags
from reverie.core.sources import clip, first_line_title
from reverie.core.textutil import clean_text

if TYPE_CHECKING:
    from bs4 import BeautifulSoup

ARCHIVE_SUFFIXES = frozenset({".mhtml", ".mht"})
SUFFIXES = frozenset({".html", ".htm", ".xhtml"}) | ARCHIVE_SUFFIXES
KIND = "html"

_DROP = ("head", "title", "script", "style", "nav", "footer", "noscript", "template", "iframe", "object", "embed")
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.]+)["']""")
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.IGNORECASE)
_BLANKS = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_TRAILING = re.compile(r"[ \t]+\n")
_BOX_SPACE = re.compile(r"\[([ x])\] {2,}")
MAX_DEPTH = 40  # an element this deep keeps its text, not its tags and theirs
# What a browser reads a declared legacy charset as (the WHATWG encoding standard).
_LEGACY = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252", "iso8859-1": "cp1252"}


def _missing() -> MissingPart:
    return MissingPart(f"Reading web pages needs markdownify and beautifulsoup4: {DOCUMENTS_EXTRA}")


def parse_html(html: str) -> BeautifulSoup:
    """``html`` parsed by the standard library's HTML parser (through BeautifulSoup)."""
    try:
        from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning
    except ImportError as exc:
        raise _missing() from exc
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)  # XHTML and ENML are read as HTML on purpose
        return BeautifulSoup(html, "html.parser")


def prune(root: BeautifulSoup) -> None:
    """Leave out scripts, styles, navigation, footers and comments; a checkbox becomes its text;
    an element nested ``MAX_DEPTH`` deep is kept as its plain text (the Markdown converter recurses
    once per level). One walk over the tree, without recursion."""
    from bs4 import Comment, Tag

    drop: list[Tag] = []
    boxes: list[Tag] = []
    deep: list[Tag] = []
    comments: list[Comment] = []
    stack: list[tuple[Tag, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        for child in node.contents:
            if isinstance(child, Comment):
                comments.append(child)
            elif isinstance(child, Tag):
                if child.name in _DROP:
                    drop.append(child)
                    continue
                if child.name == "input" and str(child.get("type", "")).lower() == "checkbox":
                    boxes.append(child)
                if depth + 1 >= MAX_DEPTH:
                    deep.append(child)  # kept as its text, not walked further
                    continue
                stack.append((child, depth + 1))
    for tag in drop:
        tag.decompose()
    for comment in comments:
        comment.extract()
    for box in boxes:
        box.replace_with("[x] " if box.has_attr("checked") else "[ ] ")
    for tag in deep:
        tag.replace_with(" ".join(tag.get_text(" ").split()))


def soup_to_markdown(root: object) -> str:
    """Markdown for a BeautifulSoup tree already pruned: ATX headings, ``-`` bullets, at most one
    blank line between blocks."""
    try:
        from bs4 import PageElement
        from markdownify import MarkdownConverter
    except ImportError as exc:
        raise _missing() from exc
    converter = MarkdownConverter(
        heading_style="ATX", bullets="-", escape_underscores=False, newline_style="backslash", strip_document="strip"
    )
    try:
        text = clean_text(converter.convert_soup(root))
    except RecursionError:  # nesting deeper than prune() flattens, in a tree it was not given
        text = clean_text(root.get_text("\n") if isinstance(root, PageElement) else "")
    text = _TRAILING.sub("\n", text.replace("\r\n", "\n").replace("\xa0", " "))
    return _BOX_SPACE.sub(r"[\1] ", _BLANKS.sub("\n\n", text)).strip()


def html_to_markdown(html: str) -> str:
    """``html`` as Markdown: scripts, styles, navigation, footers and comments left out; a checkbox
    becomes ``[x]`` or ``[ ]``. Raises ``MissingPart`` when markdownify or beautifulsoup4 is missing."""
    root = parse_html(html)
    prune(root)
    return soup_to_markdown(root)


def decode_html(data: bytes, rel: str) -> str:
    """The page's text, by the charset it declares, else UTF-8; ``Unreadable`` when neither fits."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    head = data[:4096]
    found = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if found:
        try:
            name = codecs.lookup(found.group(1).decode("ascii")).name
        except (LookupError, UnicodeDecodeError):
            name = ""
        if name and name not in ("utf-16", "utf-16-le", "utf-16-be", "utf-32"):  # a page would have a BOM
            return data.decode(_LEGACY.get(name, name), errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unreadable(f"{rel} is not UTF-8 text and declares no encoding; it was left out.") from exc


def _iso_time(value: str) -> float | None:
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def _meta(root: BeautifulSoup) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in root.find_all(["meta", "link"]):
        if tag.name == "link":
            rel_attr = tag.get("rel")
            rels = rel_attr if isinstance(rel_attr, list) else str(rel_attr or "").split()
            if "canonical" in [str(r).lower() for r in rels] and tag.get("href") and "canonical" not in found:
                found["canonical"] = str(tag["href"]).strip()
            continue
        key = str(tag.get("name") or tag.get("property") or "").strip().lower()
        content = " ".join(str(tag.get("content") or "").split())
        if key and content and key not in found:
            found[key] = content
    return found


def _is_remote(ref: str) -> bool:
    parts = urlsplit(ref)
    return bool(parts.scheme or parts.netloc) or ref.startswith("#")


def _local_images(root: BeautifulSoup, path: Path, rel: str, problems: list[str]) -> list[Attachment]:
    base = path.parent.resolve()
    attachments: dict[str, Attachment] = {}
    for img in root.find_all("img", src=True):
        src = str(img["src"]).strip()
        if not src or _is_remote(src):
            continue
        name = posixpath.normpath(unquote(urlsplit(src).path))
        target = (base / name).resolve()
        if name.startswith("../") or name == ".." or not target.is_relative_to(base):
            problems.append(f"An image of {rel} lies outside its folder ({clip(name, 60)}); it was left out.")
            continue
        if not target.is_file():
            continue
        img["src"] = quote(name, safe="/")
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        attachments.setdefault(name, Attachment(name=name, mime=mime, path=str(target)))
    return list(attachments.values())


def _local_links(root: BeautifulSoup, rel: str) -> list[str]:
    folder = posixpath.dirname(rel)
    links: list[str] = []
    for a in root.find_all("a", href=True):
        href = str(a["href"]).strip()
        if not href or _is_remote(href):
            continue
        target = posixpath.normpath(posixpath.join(folder, unquote(urlsplit(href).path)))
        if target not in (".", "") and not target.startswith("../") and target not in links:
            links.append(target)
    return links


Images = Callable[["BeautifulSoup", list[str]], list[Attachment]]


def read_file(path: Path, rel: str) -> Doc:
    """The web page at ``path`` as one Doc (see the module's docstring); a web archive (``.mhtml``,
    ``.mht``) is read by ``mhtml``."""
    try:
        size = path.stat().st_size
        check_size(size, rel)
        data = path.read_bytes()
    except OSError as exc:
        raise Unreadable(f"{rel} could not be opened; it was left out.") from exc
    if path.suffix.lower() in ARCHIVE_SUFFIXES:
        from reverie.core.bring.readers import mhtml

        return mhtml.read_archive(data, path, rel)
    text = decode_html(data, rel)
    saved = _SAVED_FROM.search(text[:4096])
    return page_doc(
        text,
        path,
        rel,
        lambda root, problems: _local_images(root, path, rel, problems),
        saved.group(1) if saved else None,
    )


def page_doc(text: str, path: Path, rel: str, images: Images, source: str | None) -> Doc:
    """A page's text as a Doc: ``images`` finds the attachments its images are (and points the
    ``<img>`` at them); ``source`` is the address it was saved from, when known."""
    root = parse_html(text)
    meta = _meta(root)
    title_tag = root.find("title")
    title = clip(clean_text(title_tag.get_text(" "))) if title_tag else ""
    prune(root)
    if not title:
        h1 = root.find("h1")
        title = clip(clean_text(h1.get_text(" "))) if h1 else ""

    properties: PropertyValues = {}
    source = source or meta.get("og:url") or meta.get("canonical")
    if source:
        properties["source"] = source
    if desc := meta.get("description") or meta.get("og:description"):
        properties["description"] = desc
    if author := meta.get("author") or meta.get("article:author"):
        properties["author"] = author
    published = meta.get("article:published_time") or meta.get("date") or meta.get("dc.date")
    if published:
        properties["published"] = published
    tags = keyword_tags(meta.get("keywords"))

    problems: list[str] = []
    attachments = images(root, problems)
    links = _local_links(root, rel)
    body = soup_to_markdown(root.body or root)
    stem = Path(rel).stem or path.stem
    return Doc(
        key=rel,
        kind=KIND,
        title=title or first_line_title(body, stem),
        body=body,
        created=_iso_time(published) if published else None,
        updated=_iso_time(meta["article:modified_time"]) if "article:modified_time" in meta else None,
        tags=tags,
        properties=properties,
        links=links,
        attachments=attachments,
        problems=problems,
        source_file=str(path.resolve()),
    )
