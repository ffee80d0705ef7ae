"""The bounded reader: risky formats are read in a worker process under a time and a memory bound; a
file that hangs the parser, eats memory or crashes it is left out with one sentence, the worker is
replaced, and every other file comes in."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reverie.core.bring import worker
from reverie.core.bring.pipeline import bring_in, pending_jobs, plan, preview
from reverie.core.bring.plan import Unit
from reverie.core.bring.worker import BoundedReader, read_unit, time_bound

PAGE = "<html><head><title>{0}</title></head><body><p>{0} is a page about tomatoes.</p></body></html>"


def _folder(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    for name in ("fine", "hang", "also fine", "hog", "crash", "last"):
        (root / f"{name}.html").write_text(PAGE.format(name))
    (root / "note.md").write_text("A Markdown note, read in this process.\n")
    return root


@pytest.fixture
def stuck(monkeypatch):
    """The worker imports the misbehaving readers (tests/bring_stuck_readers.py); a file may take 1.5 s."""
    monkeypatch.setattr(worker, "CHILD_IMPORTS", (*worker.CHILD_IMPORTS, "bring_stuck_readers"))
    monkeypatch.setattr(worker, "FILE_SECONDS", 1.5)


def _titles(vault) -> set[str]:
    with vault.read() as conn:
        return {r[0] for r in conn.execute("SELECT title FROM notes")}


def test_a_file_that_hangs_eats_memory_or_crashes_is_left_out_and_the_rest_comes_in(vault, tmp_path, stuck):
    root = _folder(tmp_path)
    report = bring_in(vault, plan(root))
    reasons = dict(report.skipped)
    assert reasons == {
        "hang.html": "hang.html took longer than 1.5 s to read; it was left out.",
        "hog.html": "hog.html needed more than 1.5 GB of memory to read; it was left out.",
        "crash.html": "crash.html made the reader stop unexpectedly; it was left out.",
    }
    assert _titles(vault) == {"fine", "also fine", "last", "note"}
    assert report.added == 4 and report.files == 7
    assert set(report.problems) == set(reasons.values())
    assert pending_jobs(vault) == []


def test_the_preview_gives_the_same_sentences_and_writes_nothing(vault, tmp_path, stuck):
    root = _folder(tmp_path)
    p = preview(vault, plan(root))
    assert dict(p.skipped)["hang.html"] == "hang.html took longer than 1.5 s to read; it would be left out."
    assert p.counts == {"new": 4, "changed": 0, "unchanged": 0, "skipped": 3}
    assert _titles(vault) == set()


def test_one_worker_serves_every_file_and_is_replaced_only_after_a_file_that_broke_it(tmp_path, stuck):
    root = _folder(tmp_path)
    units = {Path(u.rel).stem: u for u in plan(root).units}
    with BoundedReader() as reading:
        for name in ("fine", "also fine", "last"):
            assert not isinstance(reading.read(units[name]), str)
        assert reading.started == 1
        assert isinstance(reading.read(units["hang"]), str)
        assert reading.read(units["fine"])[0].title == "fine"  # type: ignore[union-attr]
        assert reading.started == 2
        assert not isinstance(reading.read(units["note"]), str)  # Markdown: read here, no worker needed
        assert reading.started == 2


def test_markdown_alone_never_starts_a_worker(tmp_path):
    (tmp_path / "a.md").write_text("just words\n")
    with BoundedReader() as reading:
        [doc] = reading.read(plan(tmp_path).units[0])  # type: ignore[misc]
        assert doc.body.strip() == "just words" and reading.started == 0


def test_what_the_worker_reads_equals_what_this_process_reads(tmp_path):
    root = tmp_path / "d"
    root.mkdir()
    (root / "page.html").write_text(PAGE.format("Page") + '<img src="pic.png">')
    (root / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 8)
    (root / "broken.html").write_bytes(b"\xff\xfe\x00<html")
    with BoundedReader() as reading:
        for unit in plan(root).units:
            assert reading.read(unit) == read_unit(unit)


def test_an_export_gets_more_time_by_its_size():
    file_unit = Unit("/x/a.pdf", "a.pdf", "pdf", 10 << 20, 0.0)
    export = Unit("/x/e.enex", "e.enex", "enex", 100 << 20, 0.0)
    assert time_bound(file_unit) == worker.FILE_SECONDS
    assert time_bound(export) == worker.EXPORT_SECONDS + 100 * worker.EXPORT_SECONDS_PER_MB
    assert worker.too_slow(export, time_bound(export)) == "e.enex took longer than 8 min to read; it was left out."


def test_a_parser_s_own_warnings_about_a_damaged_file_stay_off_the_terminal(tmp_path, capfd):
    (tmp_path / "damaged.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\n")  # no xref, no EOF marker
    with BoundedReader() as reading:
        result = reading.read(plan(tmp_path).units[0])
    assert isinstance(result, str) and result.startswith("damaged.pdf ")
    err = capfd.readouterr().err
    assert "EOF marker" not in err and "pypdf" not in err


def test_cancel_stops_a_file_that_hangs_without_waiting_for_its_bound(vault, tmp_path, monkeypatch):
    monkeypatch.setattr(worker, "CHILD_IMPORTS", (*worker.CHILD_IMPORTS, "bring_stuck_readers"))
    monkeypatch.setattr(worker, "FILE_SECONDS", 600.0)  # Cancel must not wait for this
    root = tmp_path / "docs"
    root.mkdir()
    (root / "a fine.html").write_text(PAGE.format("a fine"))
    (root / "hang.html").write_text(PAGE.format("hang"))
    (root / "z last.html").write_text(PAGE.format("z last"))
    polls: list[int] = []

    def cancel() -> bool:  # asked between files and while a file is read; gives up on the hanging one
        polls.append(1)
        return len(polls) > 12

    report = bring_in(vault, plan(root), cancel=cancel)
    assert report.stopped and report.added == 1 and _titles(vault) == {"a fine"}
    [job] = pending_jobs(vault)
    assert job.done == 1 and job.total == 3


def test_a_worker_whose_reader_went_away_leaves_quietly(tmp_path):
    """A killed run leaves its worker writing into a broken pipe: the worker stops, it prints no traceback."""
    page = tmp_path / "page.html"
    page.write_text(PAGE.format("page"))
    sent: list[object] = []

    class Broken:
        def send(self, message):
            sent.append(message)
            raise BrokenPipeError(32, "Broken pipe")

    with pytest.raises(worker._ParentGone):
        worker._answer(Broken(), Unit(str(page), "page.html", "html", page.stat().st_size, 0.0), "markdown")
    assert len(sent) == 1 and sent[0][0] == "doc"  # no second try to send a sentence into the broken pipe


def test_a_parser_that_prints_does_not_garble_the_worker_s_answers(tmp_path, monkeypatch, capfd):
    """The answers travel on the worker's standard output; what a parser prints there goes to standard
    error instead, even when it writes straight to the descriptor."""
    monkeypatch.setattr(worker, "CHILD_IMPORTS", (*worker.CHILD_IMPORTS, "bring_stuck_readers"))
    (tmp_path / "loud page.html").write_text(PAGE.format("loud page"))
    (tmp_path / "quiet page.html").write_text(PAGE.format("quiet page"))
    with BoundedReader() as reading:
        results = [reading.read(unit) for unit in plan(tmp_path).units]
        assert reading.started == 1
    assert [[d.title for d in r] for r in results if not isinstance(r, str)] == [["loud page"], ["quiet page"]]
    err = capfd.readouterr().err
    assert "a parser talking on standard output" in err and "straight to its descriptor" in err


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
def test_ctrl_c_reaches_the_run_not_the_worker(tmp_path, capfd):
    """Ctrl+C in a terminal is sent to every process of the terminal's foreground group: the worker is
    not in it (a session of its own), and should the signal reach it all the same, it neither stops
    nor prints a traceback. The run decides."""
    for name in ("one", "two"):
        (tmp_path / f"{name}.html").write_text(PAGE.format(name))
    one, two = plan(tmp_path).units
    with BoundedReader() as reading:
        assert not isinstance(reading.read(one), str)
        assert reading._worker is not None
        assert os.getsid(reading._worker.proc.pid) != os.getsid(0)
        os.kill(reading._worker.proc.pid, signal.SIGINT)
        time.sleep(0.5)
        assert [d.title for d in reading.read(two)] == ["two"]
        assert reading.started == 1
    assert "Traceback" not in capfd.readouterr().err


def test_a_worker_whose_run_is_gone_before_it_was_told_anything_leaves_without_a_word():
    """Started and then left at once (the run was killed): the worker finds its input closed and its
    answers unread, and leaves quietly. multiprocessing's own start-up printed a traceback here."""
    for answers in (subprocess.DEVNULL, subprocess.PIPE):
        proc = subprocess.Popen(
            worker.command(worker.MEMORY_BYTES, worker.CHILD_IMPORTS),
            stdin=subprocess.PIPE,
            stdout=answers,
            stderr=subprocess.PIPE,
        )
        proc.stdin.close()
        if proc.stdout is not None:
            proc.stdout.close()  # nobody will read the "ready"
        err = proc.stderr.read()
        assert proc.wait(60) == 0 and err == b""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
def test_a_run_killed_as_its_worker_starts_leaves_no_traceback_and_no_worker(tmp_path):
    """The bring-in kill drill's case at its worst moment: the run is killed right after starting its
    worker, before the worker has read anything or said it is ready. The worker inherits the run's
    standard error; reading that to the end waits for the worker to leave."""
    script = (
        "import os, signal\n"
        "from reverie.core.bring import worker\n"
        "w = worker._Worker(worker.MEMORY_BYTES)\n"
        "print(w.proc.pid, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == -signal.SIGKILL
    assert "Traceback" not in run.stderr and run.stderr == ""
    assert _left(int(run.stdout))


def _left(pid: int, seconds: float = 10.0) -> bool:
    """Whether process ``pid`` has ended (gone, or a zombie its new parent has not reaped yet)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
            stat = Path(f"/proc/{pid}/stat")
            if stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return True
        except (ProcessLookupError, FileNotFoundError):
            return True
        time.sleep(0.1)
    return False


def _run_script(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    tests = str(Path(__file__).resolve().parents[2])
    return subprocess.run(
        [sys.executable, "-P", "-c", f"import sys; sys.path.insert(0, {tests!r})\n" + script],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


READ_LOUD = """
import json
from pathlib import Path
from reverie.core.bring import worker
from reverie.core.bring.pipeline import plan
worker.CHILD_IMPORTS = (*worker.CHILD_IMPORTS, "bring_stuck_readers")
worker.FILE_SECONDS = 30.0
with worker.BoundedReader() as reading:
    results = [reading.read(u) for u in plan(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")).units]
    print(json.dumps([r if isinstance(r, str) else [d.title for d in r] for r in results] + [reading.started]))
"""


def test_a_run_without_a_standard_error_still_reads_through_its_worker(tmp_path):
    """A run whose standard error is closed (started with ``2>&-``; a windowed app has none): the
    worker is given one that goes nowhere, so what a parser prints cannot land among the answers."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "loud page.html").write_text(PAGE.format("loud page"))
    run = _run_script("import os; os.close(2)\n" + READ_LOUD, tmp_path)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [["loud page"], 1]


def test_modules_in_the_current_folder_do_not_run_in_the_worker(tmp_path):
    """``reverie import`` run from a folder that holds a ``json.py`` (or any module the worker's start-up
    imports): the worker does not import it."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "page.html").write_text(PAGE.format("page"))
    for name in ("json", "signal", "pickle"):
        (tmp_path / f"{name}.py").write_text(f"open({str(tmp_path / 'ran')!r}, 'a').write({name!r})\n")
    run = _run_script(READ_LOUD, tmp_path)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [["page"], 1]
    assert not (tmp_path / "ran").exists()
