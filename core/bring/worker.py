"""Reading units with the readers, so that a file the parser cannot handle costs one sentence, never
the whole run.

``read_unit`` reads one unit in this process; ``read_units`` reads many, in order. A reader's
``Unreadable``/``MissingPart`` is the sentence given; any other exception from a parser is turned into
one naming the file.

``BoundedReader`` reads with a time and a memory bound: the formats whose parsers can hang or blow
up (PDF, DOCX, HTML and every export) are read in one long-lived worker process (a fresh interpreter,
never a ``fork``: the window's threads must not be copied), under ``RLIMIT_AS`` where the system has
it. The worker is started with a few lines of our own rather than multiprocessing's start-up, which
prints a traceback when the process that started it is killed before handing it its arguments: a
killed bring-in must leave the terminal as it was. Requests and answers are pickled, one message each
with its length, over the worker's standard input and output. A file that takes longer than ``FILE_SECONDS`` (an export: more, by its size) or needs
more than ``MEMORY_BYTES`` is left out with one sentence; the worker is replaced and the run goes on.
Markdown and text are cheap and read in this process. Docs come back pickled, one message each, so the
worker never holds a whole export's attachments at once.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any

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

# The worker's whole start-up. It ignores Ctrl+C (the run stops it), should one still reach it (the
# worker runs in a session of its own, so a terminal's does not). Its import path is the run's.
_START = (
    "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN); import json, sys; "
    "sys.path[:] = json.loads(sys.argv[1]); from reverie.core.bring.worker import main; main(sys.argv[2])"
)
_HEADER = struct.Struct("!Q")
SMALL = 64 * 1024  # a message this small goes out in one write with its length
# Answers read from the worker ahead of the run: the worker waits when the run is slower, so a doc
# with many attachments is held at most twice over, never a whole export.
QUEUE_SIZE = 2


class _Channel:
    """Pickled messages over two unbuffered pipe ends, each message preceded by its length."""

    def __init__(self, incoming: IO[bytes] | None, outgoing: IO[bytes] | None) -> None:
        self.incoming = incoming
        self.outgoing = outgoing

    def send(self, message: object) -> None:
        assert self.outgoing is not None
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        header = _HEADER.pack(len(data))
        for part in [header + data] if len(data) <= SMALL else [header, data]:
            view = memoryview(part)
            while view:
                view = view[self.outgoing.write(view) or 0 :]

    def _exactly(self, size: int) -> bytearray:
        assert self.incoming is not None
        buf = bytearray(size)
        view, got = memoryview(buf), 0
        while got < size:
            n = self.incoming.readinto(view[got:])  # type: ignore[attr-defined]  # a raw FileIO
            if not n:
                raise EOFError("the other side closed the pipe")
            got += n
        return buf

    def recv(self) -> Any:
        (size,) = _HEADER.unpack(self._exactly(_HEADER.size))
        return pickle.loads(self._exactly(size))  # noqa: S301 - our own worker's answers, or its run's requests


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
    must not outlive it. On POSIX an orphan's parent id changes. Windows never changes it (and a
    virtual environment's launcher stands between the two processes there), so the worker leaves at
    the end of its input only."""
    if sys.platform == "win32":
        return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(2.0)
        os._exit(0)

    threading.Thread(target=watch, name="reverie-reader-watch", daemon=True).start()


def main(spec: str) -> None:
    """The worker process's entry (``_START``): the answers go out on a copy of standard output, and
    standard output itself becomes standard error, so that a parser that prints cannot garble them."""
    settings = json.loads(spec)
    answers = os.dup(1)  # 3 or above: the run gives this process a standard error (``_errors``)
    os.dup2(2, 1)
    channel = _Channel(os.fdopen(0, "rb", buffering=0), os.fdopen(answers, "wb", buffering=0))
    serve(channel, int(settings["memory"]), tuple(settings["imports"]), int(settings["parent"]))


def serve(conn: _Channel, memory: int, imports: tuple[str, ...], parent: int) -> None:
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
    try:
        conn.send(("ready", os.getpid()))
    except OSError:
        return
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


def _send(conn: _Channel, message: tuple[str, object]) -> None:
    try:
        conn.send(message)
    except (EOFError, OSError) as exc:  # a broken pipe: nobody reads the answers any more
        raise _ParentGone from exc


def _answer(conn: _Channel, unit: Unit, flavour: str) -> None:
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


def command(memory: int, imports: tuple[str, ...]) -> list[str]:
    """The command line that starts a worker for this process. ``-P``: the current folder is not
    searched for modules (a ``json.py`` there must not run in the worker); the path is this process's."""
    settings = {"memory": memory, "imports": list(imports), "parent": os.getpid()}
    return [sys.executable, "-P", "-c", _START, json.dumps(sys.path), json.dumps(settings)]


def _errors() -> int | None:
    """The worker's standard error: this process's, or nowhere when this one has none (a windowed app
    on Windows; a run started with it closed), so the worker's descriptors 0-2 are always open."""
    if sys.stderr is None:
        return subprocess.DEVNULL
    try:
        os.fstat(2)
    except OSError:
        return subprocess.DEVNULL
    return None


_GONE = object()  # put on the queue when the worker's answers end: it left, or died


class _Worker:
    """The worker process, and a thread that reads its answers into a short queue, so that a wait for
    one has a time bound on every system."""

    def __init__(self, memory: int) -> None:
        self.proc = subprocess.Popen(
            command(memory, CHILD_IMPORTS),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=_errors(),
            bufsize=0,
            # Out of the terminal's reach: Ctrl+C goes to the run, which stops the worker (even while
            # the worker's interpreter is still starting, before it could ignore the signal).
            start_new_session=sys.platform != "win32",
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0)
            | getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0),
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.conn = _Channel(None, self.proc.stdin)
        self.answers: queue.Queue[object] = queue.Queue(QUEUE_SIZE)
        self._stopping = threading.Event()
        self._pump = threading.Thread(target=self._read_answers, name="reverie-reader-answers", daemon=True)
        self._pump.start()

    def _read_answers(self) -> None:
        assert self.proc.stdout is not None
        channel = _Channel(self.proc.stdout, None)
        while True:
            try:
                message = channel.recv()
            except Exception:  # noqa: BLE001 - the pipe closed, or an answer came torn: the worker is gone
                message = _GONE
            while not self._stopping.is_set():
                try:
                    self.answers.put(message, timeout=POLL_SECONDS)
                    break
                except queue.Full:
                    continue
            if message is _GONE or self._stopping.is_set():
                return

    def answer(self, seconds: float) -> tuple[str, Any] | None:
        """The worker's next answer, or None when none came within ``seconds``. Raises EOFError when
        the worker is gone."""
        try:
            message = self.answers.get(timeout=max(seconds, 0.0))
        except queue.Empty:
            return None
        if message is _GONE:
            self.answers.put(_GONE)  # every later wait learns it too
            raise EOFError("the reader process is gone")
        assert isinstance(message, tuple)
        return message

    def wait_ready(self, seconds: float) -> bool:
        try:
            message = self.answer(seconds)
        except EOFError:
            return False
        return message is not None and message[0] == "ready"

    def stop(self, kill: bool) -> None:
        if not kill:
            try:
                self.conn.send(None)
            except OSError:
                kill = True
        if not kill:
            try:
                self.proc.wait(2.0)
            except subprocess.TimeoutExpired:
                pass
        if self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(5.0)
            except subprocess.TimeoutExpired:
                log.warning("the reader process %s did not stop", self.proc.pid)
        self._stopping.set()
        self._pump.join(5.0)
        # The answers' end is closed only once nothing reads it (a worker that would not die keeps
        # it: closing under a blocked read could hang, or hand its number to another file).
        pipes = [self.proc.stdin] if self._pump.is_alive() else [self.proc.stdin, self.proc.stdout]
        for pipe in pipes:
            if pipe is not None:
                try:
                    pipe.close()
                except OSError:
                    pass


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
                message = worker.answer(min(left, POLL_SECONDS))
                if message is None:
                    if _is_set(cancel):
                        self._replace()
                        raise TransferCancelledError("The bring-in was stopped; what was saved stays.")
                    continue
                kind, value = message
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
