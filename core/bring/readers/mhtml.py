"""Web archives (``.mhtml``, ``.mht``: a page saved by a browser as "one file"), read through
``html.read_file``.

An archive is a MIME message (read with the standard library's ``email`` package): its first HTML
part is the page, decoded by the charset the part declares (else as ``html.decode_html`` decides);
its other parts are the files the page used, each known by its ``Content-Location`` (or its
``Content-ID``, as ``cid:…``). The page's images found there become attachments with their bytes
(bounded by ``MAX_ATTACHMENT_BYTES``), named by their file name; the address the page was saved from
(``Snapshot-Content-Location``, else the page part's ``Content-Location``) is its ``source``.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import mimetypes
import posixpath
from email.message import Message
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urljoin, urlsplit

from reverie.core.bring.doc import MAX_ATTACHMENT_BYTES, Attachment, Doc, Unreadable
from reverie.core.bring.readers.html import decode_html, page_doc
from reverie.core.textutil import human_size

if TYPE_CHECKING:
    from bs4 import BeautifulSoup


def _payload(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _page_text(part: Message, rel: str) -> str:
    data = _payload(part)
    charset = part.get_content_charset()
    if charset:
        try:
            return data.decode(codecs.lookup(charset).name, errors="replace")
        except LookupError:
            pass
    return decode_html(data, rel)


def _unique(name: str, taken: set[str]) -> str:
    stem, ext = posixpath.splitext(name)
    n = 1
    while name in taken:
        n += 1
        name = f"{stem} ({n}){ext}"
    taken.add(name)
    return name


def read_archive(data: bytes, path: Path, rel: str) -> Doc:
    """The web archive ``data`` (read from ``path``) as one Doc; ``Unreadable`` when it holds no page."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    parts = [p for p in message.walk() if not p.is_multipart()] if message.is_multipart() else []
    page = next((p for p in parts if p.get_content_type() == "text/html"), None)
    if page is None:
        raise Unreadable(f"{rel} is not a web archive with a page in it; it was left out.")
    files: dict[str, Message] = {}
    for part in parts:
        if part is page:
            continue
        if location := str(part.get("Content-Location", "")).strip():
            files.setdefault(location, part)
        if cid := str(part.get("Content-ID", "")).strip().strip("<>"):
            files.setdefault(f"cid:{cid}", part)
    base = str(page.get("Content-Location", "")).strip()
    source = str(message.get("Snapshot-Content-Location", "")).strip() or base or None

    def images(root: BeautifulSoup, problems: list[str]) -> list[Attachment]:
        kept: dict[int, Attachment] = {}  # by the part it was read from
        names: set[str] = set()
        for number, img in enumerate(root.find_all("img", src=True), start=1):
            src = str(img["src"]).strip()
            part = files.get(src) or (files.get(urljoin(base, src)) if base else None)
            if part is None or not part.get_content_type().startswith("image/"):
                continue
            found = kept.get(id(part))
            if found is None:
                blob = _payload(part)
                url_name = posixpath.basename(unquote(urlsplit(src).path)) if not src.startswith("cid:") else ""
                ext = mimetypes.guess_extension(part.get_content_type()) or ""
                name = url_name.strip(". ") or f"image-{number}{ext}"
                if len(blob) > MAX_ATTACHMENT_BYTES:
                    problems.append(
                        f"The image {name} in {rel} is {human_size(len(blob))}, more than the "
                        f"{human_size(MAX_ATTACHMENT_BYTES)} an attachment may be; it was left out."
                    )
                    continue
                found = Attachment(name=_unique(name, names), mime=part.get_content_type(), data=blob)
                kept[id(part)] = found
            img["src"] = quote(found.name)
        return list(kept.values())

    return page_doc(_page_text(page, rel), path, rel, images, source)
