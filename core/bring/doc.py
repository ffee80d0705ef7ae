"""What a reader of another format produces: one ``Doc`` per note-to-be, and the sentences it gives.

The contract every reader in ``reverie.core.bring.readers`` keeps:

* A **file reader** (PDF, DOCX, HTML, plain text, Markdown) is a module with
  ``SUFFIXES: frozenset[str]`` (lower-case, with the dot) and
  ``read_file(path: Path, rel: str) -> Doc``. ``rel`` is the path relative to the folder being brought
  in (``/``-separated); ``Doc.key`` is ``rel``. A file that cannot be read raises ``Unreadable`` with one
  sentence naming the file and why ("report.pdf is encrypted; it was left out."). A missing optional
  library raises ``MissingPart``.
* An **export reader** (Evernote, Keep, Day One, Notion, Logseq) is a module with ``KIND``, ``LABEL``,
  ``claims(path: Path) -> bool`` (cheap: a suffix, a marker file, the first bytes) and
  ``read_export(path: Path) -> Iterator[Doc | Skipped]``. Each entry gets a ``key`` that stays the same
  when the same export is read again (an entry's own id or uuid when it has one, else its path in the
  export). An export that is not what it claims to be raises ``Unreadable``.

Readers never touch the vault, never write files, and never raise anything but ``Unreadable`` /
``MissingPart`` for bad input (a malformed file is a sentence, not a traceback). Dates are Unix
seconds (the pipeline sets aside dates outside 1900-2200 with a sentence). Bodies are Markdown, as
the user would want to read them in a note.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from reverie.core.errors import TransferError

PropertyValues = dict[str, str | list[str]]

# A document bigger than this is not read (one sentence says so); a bigger attachment is not kept.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
DOCUMENTS_EXTRA = "pip install 'reverie[documents]'"


class Unreadable(TransferError):  # noqa: N818 - a reader's sentence, not a crash
    """A file or entry that cannot be brought in: the message is the one sentence the user reads."""


class MissingPart(TransferError):  # noqa: N818
    """An optional library a reader needs is not installed; the message names the pip command."""


@dataclass(frozen=True)
class Attachment:
    """A file a note carries (an image, a linked PDF). ``data`` holds its bytes, or ``path`` names a
    file on disk that the pipeline reads (and checks against ``MAX_ATTACHMENT_BYTES``) when it stores it."""

    name: str  # the file name as the note refers to it ("photo.jpg", "attachments/scan.pdf")
    mime: str = "application/octet-stream"
    data: bytes | None = None
    path: str | None = None


@dataclass(frozen=True)
class Skipped:
    """An entry of an export that is left out, with the sentence that says why."""

    key: str
    reason: str


@dataclass
class Doc:
    """One note-to-be, as a reader found it."""

    key: str  # stable within its source: the relative path of a file, an entry's id in an export
    kind: str  # the reader: "markdown", "text", "pdf", "docx", "html", "enex", "keep", "dayone", "notion", "logseq"
    title: str
    body: str  # Markdown
    created: float | None = None
    updated: float | None = None
    happened: float | None = None  # when what it tells of happened (a journal entry's day)
    tags: list[str] = field(default_factory=list)
    properties: PropertyValues = field(default_factory=dict)  # kept as the note's properties, searchable
    links: list[str] = field(default_factory=list)  # titles or paths of other notes it links to
    folder: str = ""  # "/"-separated folder in the source ("Journal/2023"), "" at the top
    pages: list[tuple[int, int, int]] = field(default_factory=list)  # PDF: (page from 1, start, end) in body
    attachments: list[Attachment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # sentences about parts set aside; the note still comes in
    source_file: str | None = None  # the absolute path of the file it was read from, when it is one file

    def fingerprint(self) -> str:
        """A hash of everything the note would hold: an export entry whose fingerprint did not change
        since it was brought in is not written again."""
        payload = json.dumps(
            [
                self.title,
                self.body,
                self.created,
                self.updated,
                self.happened,
                self.tags,
                sorted(self.properties.items()),
                self.links,
                self.folder,
                self.pages,
                [(a.name, a.mime, hashlib.sha256(a.data).hexdigest() if a.data else a.path) for a in self.attachments],
            ],
            ensure_ascii=False,
            sort_keys=False,
            default=str,
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def page_at(pages: list[tuple[int, int, int]] | list[list[int]], offset: int) -> int | None:
    """The page (from 1) that a body offset lies on, given a note's ``pages`` (PDFs); the page before
    when the offset falls between two pages' text; None when the note has no pages."""
    found: int | None = None
    for page, start, end in pages:
        if start <= offset < end:
            return int(page)
        if start <= offset:
            found = int(page)
    if found is None and pages:
        return int(pages[0][0])
    return found
