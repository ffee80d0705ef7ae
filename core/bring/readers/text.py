"""Plain text files: the file name is the title, the text is the body as written, the file's own
times are its dates."""

from __future__ import annotations

import os
from pathlib import Path

from reverie.core.bring.doc import Doc
from reverie.core.bring.readers.markdown import from_note_file, read_text
from reverie.core.transfer.notefile import parse_note_file

SUFFIXES = frozenset({".txt", ".text"})
KIND = "text"


def read_file(path: Path, rel: str) -> Doc:
    text, birth, mtime = read_text(path, rel)
    return from_note_file(parse_note_file(rel, text, "text", "markdown", birth, mtime), KIND, os.path.abspath(path))
