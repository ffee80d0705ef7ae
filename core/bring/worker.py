"""Reading units with the readers, so that a file the parser cannot handle costs one sentence, never
the whole run.

``read_unit`` reads one unit in this process; ``read_units`` reads many, in order. A reader's
``Unreadable``/``MissingPart`` is the sentence given; any other exception from a parser is turned into
one naming the file.

``BoundedReader`` reads with a time and a memory bound: the formats whose parsers can hang or blow
up (PDF, DOCX, HTML and every export) are read in one long-lived worker process (started with
``spawn``, never ``fork``: the window's threads must not be copied), under ``RLIMIT_AS`` where the
system has it. A file that takes longer than ``FILE_SECONDS`` (an export: more, by its size) or needs
more than ``MEMORY_BYTES`` is left out with one sentence; the worker is replaced and the run goes on.
Markdown and text are cheap and read in this process. Docs come back pickled, one message each, so the
worker never holds a whole export's attachments at once.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import TracebackType

from reverie.core.bring.doc import Doc, MissingPart, Skipped, Unreadable
from reverie.core.bring.plan import EXPORT_READERS, FILE_READERS, Unit, reader
from reverie.core.errors import TransferCancelledError
from reverie.core.sources import clip
from reverie.core.textutil import human_size

log = logging.getLogger(__name__)

Result = list[Doc | Skipped] | str

# Read in this process: their parsing is a decode and a split, it cannot hang.
IN_PROCESS = frozenset({"markdown", "text"})
FILE_SECONDS = 60.0  # a file that takes longer is left out
EXPORT_SECONDS = 300.0  # an export gets this, plus EXPORT_SECONDS_PER_MB for each MB of it
EXPORT_SECONDS_PER_MB = 2.0
MEMORY_BYTES = 1536 * 1024 * 1024  # RLIMIT_AS of the worker (address space, not resident memory)
POLL_SECONDS = 0.2  # how often a wait looks at Cancel
START_SECONDS = 120.0  # a worker that is not ready by then is given up: files are read here instead
# Imported by the worker before it says it is ready, so the first PDF does not pay for pypdf. A test
# may add a module of its own (one that swaps in a reader that hangs) before the worker starts.
CHILD_IMPORTS: tuple[str, ...] = tuple(
    f"reverie.core.bring.readers.{name}" for name in (*FILE_READERS, *EXPORT_READERS) if name not in IN_PROCESS
)
# Parsers' own warnings about a damaged file ("EOF marker not found") are not shown: the file's one
# sentence says it. Quieted in the worker, where the parsing happens (the window's or the command's
# logging set-up does not reach it).
QUIET_LOGGERS = ("pypdf", "docx")


def _docs(unit: Unit, flavour: str) -> Iterator[Doc | Skipped]:
    mod = reader(unit.reader)
    if mod is None:
        raise Unreadable(f"{clip(unit.rel, 120)} needs a reader this install does not have; it was left out.")
    if hasattr(mod, "read_export"):
        yield from mod.read_export(Path(unit.abspath))
    elif unit.reader == "markdown":
        yield mod.read_file(Path(unit.abspath), unit.rel, flavour)
    else:
        yield mod.read_file(Path(unit.abspath), unit.rel)


def _sentence(unit: Unit, exc: BaseException) -> str:
    if isinstance(exc, Unreadable | MissingPart):
        return str(exc)
    if isinstance(exc, MemoryError):
        return f"{clip(unit.rel, 120)} needs more memory to read than Reverie allows; it was left out."
    if isinstance(exc, RecursionError):
        return f"{clip(unit.rel, 120)} is nested too deeply to read; it was left out."
    return f"{clip(unit.rel, 120)} could not be read ({type(exc).__name__}); it was left out."


def read_unit(unit: Unit, flavour: str = "markdown") -> Result:
    """The docs (and skipped entries) of one unit, or the sentence saying why it was left out."""
    try:
        return list(_docs(unit, flavour))
    except Exception as exc:  # noqa: BLE001 - a parser's bug on one file must not stop the others
        return _sentence(unit, exc)


def read_units(units: Iterable[Unit], flavour: str = "markdown") -> Iterator[tuple[Unit, Result]]:
    """Each unit with what reading it gave, in the order given."""
    for unit in units:
        yield unit, read_unit(unit, flavour)


def time_bound(unit: Unit) -> float:
    """Seconds the worker may take over ``unit``: a file gets ``FILE_SECONDS``, an export more by its size."""
    if unit.reader in EXPORT_READERS:
        return EXPORT_SECONDS + EXPORT_SECONDS_PER_MB * unit.size / (1024 * 1024)
    return FILE_SECONDS


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:g} s"
    return f"{round(seconds / 60):g} min"


def too_slow(unit: Unit, seconds: float) -> str:
    return f"{clip(unit.rel, 120)} took longer than {_duration(seconds)} to read; it was left out."


def too_big(unit: Unit, memory: int) -> str:
    return f"{clip(unit.rel, 120)} needed more than {human_size(memory)} of memory to read; it was left out."


def crashed(unit: Unit) -> str:
    return f"{clip(unit.rel, 120)} made the reader stop unexpectedly; it was left out."


# -- the worker process -------------------------------------------------------------------------


def _limit_memory(memory: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: no address-space limit; the time bound still holds
        return
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = memory if hard == resource.RLIM_INFINITY else min(memory, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError, AttributeError):  # macOS refuses RLIMIT_AS; go on without it
        log.info("the reader's memory bound is not available here")


def _watch_parent(parent: int) -> None:
    """Leave when the process that started this one is gone (killed): a worker stuck in a parser
    must not outlive it."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(2.0)
        os._exit(0)

    threading.Thread(target=watch, name="reverie-reader-watch", daemon=True).start()


def serve(conn: Connection, memory: int, imports: tuple[str, ...], parent: int) -> None:
    """The worker: read each unit sent, answer with ("doc", doc)... then ("end", None), or ("sentence",
    text); ("memory", None) when the memory bound was hit (the worker then leaves, to be replaced)."""
    _limit_memory(memory)
    _watch_parent(parent)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    for name in imports:
        try:
            importlib.import_module(name)
        except ImportError:
            continue  # an optional reader this install lacks: its files get their sentence
    conn.send(("ready", os.getpid()))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        unit, flavour = msg
        try:
            _answer(conn, unit, flavour)
        except _ParentGone:  # the run was killed or stopped reading: leave quietly
            return


class _ParentGone(Exception):  # noqa: N818
    pass


def _send(conn: Connection, message: tuple[str, object]) -> None:
    try:
        conn.send(message)
    except (EOFError, OSError) as exc:  # a broken pipe: nobody reads the answers any more
        raise _ParentGone from exc


def _answer(conn: Connection, unit: Unit, flavour: str) -> None:
    """Send the docs of one unit, then ("end", None); or the sentence of what went wrong."""
    try:
        for doc in _docs(unit, flavour):
            _send(conn, ("doc", doc))
    except _ParentGone:
        raise
    except MemoryError:
        _send(conn, ("memory", None))
        raise _ParentGone from None  # the worker leaves, to be replaced
    except Exception as exc:  # noqa: BLE001 - one file's sentence, the worker goes on
        _send(conn, ("sentence", _sentence(unit, exc)))
        return
    _send(conn, ("end", None))


class _Worker:
    def __init__(self, memory: int) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc: BaseProcess = ctx.Process(
            target=serve,
            args=(child, memory, CHILD_IMPORTS, os.getpid()),
            name="reverie-reader",
            daemon=True,
        )
        self.proc.start()
        child.close()

    def wait_ready(self, seconds: float) -> bool:
        try:
            if self.conn.poll(seconds):
                kind, _ = self.conn.recv()
                return bool(kind == "ready")
        except (EOFError, OSError):
            pass
        return False

    def stop(self, kill: bool) -> None:
        if not kill:
            try:
                self.conn.send(None)
            except OSError:
                kill = True
        if kill or self.proc.is_alive():
            self.proc.join(0 if kill else 2.0)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5.0)
        self.conn.close()


class BoundedReader:
    """Reads units as ``read_unit`` does, the risky formats in a worker process under a time and a
    memory bound. One worker serves every unit (started when first needed, replaced after a file that
    hung it or ran it out of memory). Use it as a context manager, or call ``close()``."""

    def __init__(self, *, seconds: float | None = None, memory: int | None = None) -> None:
        self.seconds = seconds  # None: ``time_bound(unit)``
        self.memory = MEMORY_BYTES if memory is None else memory
        self._worker: _Worker | None = None
        self._broken = False  # the worker could not start here: read in this process
        self.started = 0  # workers started (1 + how many were replaced)

    def __enter__(self) -> BoundedReader:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._worker is not None:
            self._worker.stop(kill=False)
            self._worker = None

    def _replace(self) -> None:
        if self._worker is not None:
            self._worker.stop(kill=True)
            self._worker = None

    def _ready_worker(self) -> _Worker | None:
        if self._worker is None and not self._broken:
            try:
                worker = _Worker(self.memory)
            except (OSError, RuntimeError) as exc:
                log.warning("the reader process could not start (%s); reading here instead", exc)
                self._broken = True
                return None
            self.started += 1
            if not worker.wait_ready(START_SECONDS):
                log.warning("the reader process did not start; reading here instead")
                worker.stop(kill=True)
                self._broken = True
                return None
            self._worker = worker
        return self._worker

    def read(self, unit: Unit, flavour: str = "markdown") -> Result:
        """What ``read_unit(unit, flavour)`` gives, or the sentence of the bound it crossed."""
        docs: list[Doc | Skipped] = []
        for item in self.stream(unit, flavour):
            if isinstance(item, str):
                return item
            docs.append(item)
        return docs

    def stream(self, unit: Unit, flavour: str = "markdown", cancel: object = None) -> Iterator[Doc | Skipped | str]:
        """The docs of ``unit`` as the reader gives them (an export's are written while the rest is
        still being read, so neither process holds a whole export), then, when reading failed or
        crossed a bound, the sentence saying so (the docs before it stand). ``cancel`` (an Event or
        a callable) is looked at while waiting: the worker is stopped and ``TransferCancelledError``
        raised, so Cancel does not wait for a slow file's time bound."""
        if unit.reader in IN_PROCESS or self._ready_worker() is None:
            result = read_unit(unit, flavour)
            yield from ([result] if isinstance(result, str) else result)
            return
        worker = self._worker
        assert worker is not None
        seconds = self.seconds if self.seconds is not None else time_bound(unit)
        deadline = time.monotonic() + seconds
        try:
            worker.conn.send((unit, flavour))
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    self._replace()
                    yield too_slow(unit, seconds)
                    return
                if not worker.conn.poll(min(left, POLL_SECONDS)):
                    if _is_set(cancel):
                        self._replace()
                        raise TransferCancelledError("The bring-in was stopped; what was saved stays.")
                    continue
                kind, value = worker.conn.recv()
                if kind == "doc":
                    yield value
                elif kind == "end":
                    return
                elif kind == "memory":
                    self._replace()
                    yield too_big(unit, self.memory)
                    return
                else:
                    yield str(value)
                    return
        except (EOFError, OSError, ValueError):  # the worker died (a crash in C, the system's OOM killer)
            self._replace()
            yield crashed(unit)
        except GeneratorExit:  # the caller stopped reading mid-export: the worker is still sending
            self._replace()
            raise


def _is_set(cancel: object) -> bool:
    if cancel is None:
        return False
    is_set = getattr(cancel, "is_set", None)
    return bool(is_set() if callable(is_set) else cancel() if callable(cancel) else False)
