"""Readers that misbehave, for the bounded reader's tests: imported by the reader's worker process
(``worker.CHILD_IMPORTS``), never by the test process itself.

On import it wraps the HTML reader: a file named ``hang*.html`` never finishes (the parser is stuck in
a loop), one named ``hog*.html`` allocates without limit (each block is address space the worker's
``RLIMIT_AS`` counts, handed out untouched, so the machine's memory is not used up), and one named
``crash*.html`` ends the worker process abruptly, as a parser crashing in C would, and one named
``loud*.html`` is read after the parser prints to standard output and standard error, as some C
libraries do. Every other file is read by the real reader.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from reverie.core.bring.doc import Doc
from reverie.core.bring.readers import html

_real = html.read_file


def read_file(path: Path, rel: str) -> Doc:
    name = Path(rel).name
    if name.startswith("hang"):
        while True:
            time.sleep(0.05)
    if name.startswith("hog"):
        held = []
        while True:
            held.append(bytes(256 * 1024 * 1024))  # calloc: address space, no pages touched
    if name.startswith("crash"):
        os._exit(70)
    if name.startswith("loud"):
        print("a parser talking on standard output", flush=True)
        os.write(1, b"\x00\x00\x00\x00\x00\x00\x00\x10 and straight to its descriptor\n")
        print("a parser talking on standard error", file=sys.stderr, flush=True)
    return _real(path, rel)


html.read_file = read_file
