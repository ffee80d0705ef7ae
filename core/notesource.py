"""Where a brought-in note lives, in words: the file it was read from (and the page of a PDF), or the
export it came out of. The Notes screen shows this line under a note's title and the chat's citation
chips name a PDF's page; both ask here, so a note's origin reads the same everywhere.

A note read from a file has the origin ``file:<abspath>`` (and meta ``source_file``); an entry of an
export has ``<kind>:<export abspath>#<key>`` (``enex``, ``keep``, ``dayone``, ``notion``, ``logseq``).
Its meta may hold ``path`` (relative to what was brought in), ``folder`` (an Evernote notebook, a Day
One journal), ``pages`` (``[[page, start, end], ...]`` offsets in the body, PDFs), ``source_file``
(the file an entry was read from) and ``export`` (the export's path; see ``core.bring.pipeline``). A note written in Reverie (or recorded by another app) has none
of these: ``describe`` gives None.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from reverie.core.bring.doc import page_at

EXPORT_NAMES: Final = {
    "enex": "Evernote",
    "keep": "Google Keep",
    "dayone": "Day One",
    "notion": "Notion",
    "logseq": "Logseq",
}
"""What an export's entries say they came from."""

FOLDER_WORDS: Final = {"enex": "notebook", "dayone": "journal", "keep": "label"}
"""What an export calls the folder an entry was kept in (else "folder")."""

DAYONE_DEFAULT_JOURNAL: Final = "Journal"
"""Day One's journal when one never made another: its name says nothing, so the line leaves it out."""

FILE_ORIGIN: Final = "file:"
Pages = tuple[tuple[int, int, int], ...]


@dataclass(frozen=True)
class NoteOrigin:
    """A brought-in note's origin, as read from its ``origin`` and meta."""

    kind: str  # "file" for a note read from a file of its own, else the export's kind ("enex", ...)
    name: str  # "report.pdf"; for an export entry without a file of its own: "Evernote"
    file: str | None  # the absolute path of the note's own file (what "Open file" opens)
    export: str | None  # the absolute path of the export it came out of, when it did
    folder: str = ""  # the folder within the source: an Evernote notebook, "Journal/2023"
    pages: Pages = ()  # a PDF's pages: (page from 1, start, end) in the body
    watched: bool = False  # the file lies in a folder Reverie watches

    @property
    def is_pdf(self) -> bool:
        return bool(self.pages) or (self.file or "").lower().endswith(".pdf")

    @property
    def page_count(self) -> int:
        return max((p for p, _s, _e in self.pages), default=0)

    def page_at(self, offset: int | None) -> int | None:
        """The page a body offset lies on (None: no pages, or no offset)."""
        if offset is None or not self.pages:
            return None
        return page_at(list(self.pages), offset)

    @property
    def on_disk(self) -> str | None:
        """The path that should exist on disk: the note's own file, else its export."""
        return self.file or self.export

    @property
    def folder_on_disk(self) -> str | None:
        """The folder "Show in folder" opens: the one holding the file (or the export)."""
        path = self.on_disk
        return os.path.dirname(path) if path else None


def _pages(raw: object) -> Pages:
    out: list[tuple[int, int, int]] = []
    if isinstance(raw, list):
        for item in raw:
            if isinstance(item, list | tuple) and len(item) == 3 and all(isinstance(x, int) for x in item):
                out.append((int(item[0]), int(item[1]), int(item[2])))
    return tuple(sorted(out, key=lambda t: t[1]))


def _under(path: str, roots: Iterable[str]) -> bool:
    for root in roots:
        root = root.rstrip("/\\") or root
        if path == root or path.startswith(root + os.sep) or path.startswith(root + "/"):
            return True
    return False


def describe(origin: str | None, meta: Mapping[str, Any], *, watched_roots: Iterable[str] = ()) -> NoteOrigin | None:
    """Where a note lives, from its ``origin`` and ``meta``; None for a note that was not brought in.
    ``watched_roots``: the folders Reverie watches (a file under one of them says so)."""
    source_file = meta.get("source_file")
    own = source_file if isinstance(source_file, str) and os.path.isabs(source_file) else None
    folder_meta = meta.get("folder")
    folder = folder_meta.strip("/") if isinstance(folder_meta, str) else ""
    pages = _pages(meta.get("pages"))
    if origin and origin.startswith(FILE_ORIGIN):
        path = own or origin[len(FILE_ORIGIN) :]
        if not path:
            return None
        if not folder:
            rel = meta.get("path")
            folder = rel.rpartition("/")[0] if isinstance(rel, str) else ""
        return NoteOrigin(
            "file",
            os.path.basename(path) or path,
            path,
            None,
            folder,
            pages,
            _under(path, watched_roots),
        )
    kind, sep, rest = (origin or "").partition(":")
    if not sep or kind not in EXPORT_NAMES:
        return None
    export_meta = meta.get("export")
    # The export's path is in the meta; else before the first "#" (an entry's key may hold one:
    # "Travel.enex#1:Sunset photo").
    export = export_meta if isinstance(export_meta, str) else rest.partition("#")[0]
    if own is not None and own.lower().endswith(".json"):
        own = None  # a Keep note's JSON file is the export's inside, not a file to read it in
    return NoteOrigin(
        kind,
        os.path.basename(own) if own else EXPORT_NAMES[kind],
        own,
        export or None,
        folder,
        pages,
        bool(own) and _under(own or "", watched_roots),
    )


def tilde(path: str, home: str) -> str:
    """``path`` with the user's home folder written ``~``."""
    home = home.rstrip("/\\")
    if home and (path == home or path.startswith(home + os.sep)):
        return "~" + path[len(home) :]
    return path


def origin_parts(info: NoteOrigin, *, present: bool, home: str, page: int | None = None) -> tuple[str, str]:
    """``origin_line`` in two parts, (what, where): the window cuts a long path in its middle and keeps
    the words whole. ``what + where`` is the line."""
    if info.watched and info.file:
        # the colon goes with the words: the window shows the two parts side by side
        return "From a watched folder:", f" {tilde(info.file, home)}" + ("" if present else " (no longer there)")
    if info.kind == "logseq":
        return logseq_words(info), _export_gone(info, present)
    parts = [f"From {info.name}"]
    if info.kind != "file" and info.file:
        parts.append(EXPORT_NAMES.get(info.kind, info.kind))  # "From Untitled.md · Notion"
    if page is not None and info.page_count:
        parts.append(f"page {page} of {info.page_count}")
    elif info.page_count:
        parts.append(f"{info.page_count} page" + ("s" if info.page_count != 1 else ""))
    if info.folder and info.kind != "file" and not (info.kind == "dayone" and info.folder == DAYONE_DEFAULT_JOURNAL):
        parts.append(f"{FOLDER_WORDS.get(info.kind, 'folder')} {info.folder}")
    what = " · ".join(parts)
    folder_on_disk = info.folder_on_disk
    if info.kind == "file" and folder_on_disk:
        return what, (" · " if present else " · no longer in ") + tilde(folder_on_disk, home)
    return what, _export_gone(info, present)


def _export_gone(info: NoteOrigin, present: bool) -> str:
    return " · the export is no longer there" if not present and info.on_disk else ""


def logseq_words(info: NoteOrigin) -> str:
    """ "From Logseq · journal" for a journal day (its date is the note's title), "From Logseq · page
    projects/kitchen" for a page (Logseq writes the namespace ``projects/kitchen`` as
    ``projects___kitchen.md``); the file's own name is for "Open file"."""
    top = info.folder.partition("/")[0].lower()
    if top == "journals":
        return "From Logseq · journal"
    if not info.file:
        return "From Logseq"
    stem = os.path.splitext(os.path.basename(info.file))[0]
    page = stem.replace("___", "/").replace("%2F", "/").replace("%2f", "/")
    return f"From Logseq · page {page}"


def origin_line(info: NoteOrigin, *, present: bool, home: str, page: int | None = None) -> str:
    """The quiet line under a brought-in note's title: "From report.pdf · 12 pages · ~/Documents/Work",
    "From Evernote · notebook Travel", "From a watched folder: ~/Notes/Journal/2023-05-04.md".
    ``present``: the file (or export) is still on disk; ``page``: the page the open passage is on."""
    what, where = origin_parts(info, present=present, home=home, page=page)
    return what + where


def page_line(info: NoteOrigin, page: int) -> str:
    """What the marked passage of a PDF note says: "page 3 of 12"."""
    return f"page {page} of {info.page_count}" if info.page_count else f"page {page}"


CITE_NAME_LIMIT: Final = 32
"""The longest file name a citation chip names before its page (cut in the middle of the name)."""


def short_name(name: str, limit: int = CITE_NAME_LIMIT) -> str:
    """A file name of at most ``limit`` characters: a longer one keeps its start and its extension."""
    if len(name) <= limit:
        return name
    stem, ext = os.path.splitext(name)
    if len(ext) > limit // 2:
        ext = ""
    return stem[: max(1, limit - len(ext) - 1)].rstrip(" ._-") + "…" + ext


def cite_name(
    origin: str | None, meta: Mapping[str, Any], span_start: int | None, span_end: int | None = None
) -> str | None:
    """A citation chip's name for a passage of a PDF note: "report.pdf p. 3"; None for any other
    source (the chip names the note's title). A passage that is not in the text (the note's
    properties, span 0-0) names the file alone."""
    info = describe(origin, meta)
    if info is None or not info.pages:
        return None
    name = short_name(info.name)
    if span_start is None or (span_end is not None and span_end <= span_start):
        return name
    page = info.page_at(span_start)
    return f"{name} p. {page}" if page is not None else name
