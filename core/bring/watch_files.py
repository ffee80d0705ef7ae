"""Which files of a watched folder Reverie looks at, and how: their sizes and times, their SHA-256, the
files notes may embed. Only reads; never writes. See ``watch`` for the rest."""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from reverie.core.bring import plan as bring_plan
from reverie.core.bring.doc import MAX_DOCUMENT_BYTES
from reverie.core.sources import clip
from reverie.core.textutil import human_size


@functools.cache
def suffix_readers() -> dict[str, str]:
    """File suffix -> the file reader that reads it (and the ledger ``source`` it writes)."""
    return bring_plan.suffix_readers()


FILE_READERS = frozenset(bring_plan.FILE_READERS)
TEMP_SUFFIXES = (".swp", ".swx", ".swo", ".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", "~")
TEMP_PREFIXES = ("~$", ".~", "#", ".#")


@dataclass(frozen=True)
class FileStat:
    size: int
    mtime_ns: int


def ignored(rel: str) -> bool:
    """Whether a path under a watched folder is left alone: hidden, temporary, partial or unreadable."""
    parts = rel.split("/")
    if any(not p or p.startswith(".") for p in parts):
        return True
    name = parts[-1].lower()
    if bring_plan.is_temporary(name) or name.startswith(TEMP_PREFIXES) or name.endswith(TEMP_SUFFIXES):
        return True
    return os.path.splitext(name)[1] not in suffix_readers()


def reader_for(rel: str) -> str:
    return suffix_readers().get(os.path.splitext(rel.lower())[1], "")


def stat_of(path: str) -> FileStat | None:
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    if not os.path.isfile(path) or os.path.islink(path):
        return None
    return FileStat(st.st_size, st.st_mtime_ns)


def storable(rel: str) -> bool:
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:  # a name that is not valid UTF-8: the pipeline says so when it is read
        return False
    return True


def list_files(root: str | Path, under: str = "") -> dict[str, FileStat]:
    """The files a watched folder holds that a reader reads (relative path -> size and time), below
    ``under`` (a relative folder) when given. Hidden folders are not entered; symlinks are not followed."""
    base = Path(root)
    top = base / under if under else base
    found: dict[str, FileStat] = {}
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        prefix = Path(dirpath).relative_to(base).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        for name in filenames:
            rel = prefix + name
            if ignored(rel) or not storable(rel):
                continue
            st = stat_of(os.path.join(dirpath, name))
            if st is not None:
                found[rel] = st
    return found


def list_attachments(root: str | Path) -> tuple[tuple[str, str], ...]:
    """(relative, absolute) paths of the files notes may embed (images, PDFs), outside hidden folders."""
    found: list[tuple[str, str]] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            if os.path.splitext(name)[1].lower() in bring_plan.ATTACHMENT_SUFFIXES and not os.path.islink(full):
                found.append((os.path.relpath(full, root).replace(os.sep, "/"), full))
    return tuple(found)


def too_big(rel: str, size: int) -> str:
    return (
        f"{clip(rel, 120)} is {human_size(size)}, more than the {human_size(MAX_DOCUMENT_BYTES)} Reverie reads "
        "from one file; it was left out."
    )


def file_sha(path: str | Path) -> str | None:
    """The SHA-256 of a file's bytes, or None when it cannot be read."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()
