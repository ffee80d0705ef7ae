"""Bring-in drill: a folder of thousands of files brought in by a process killed with SIGKILL, again and
again, then brought in to the end.

``run(trials, workdir, files=10_000)`` writes ``files`` small Markdown and text files, then, ``trials``
times, starts a child that calls ``pipeline.bring_in`` on them (a real passphrase vault) and prints a
line per file; it kills the child with SIGKILL right after a random number of lines, and checks:

* ``PRAGMA integrity_check`` says ok;
* every note in the vault is whole: its body is its file's text, it has its ledger row and its passages;
* the run is listed by ``pending_jobs`` (it was killed, not finished);
* no more than the batch in flight was lost: every file before the last batch boundary the child
  passed is in the vault.

A last child runs to the end: it must bring in exactly the rest (no duplicates, as many notes as files,
none listed as pending). A drill never sleeps: the kill lands "right after the k-th line".
``python tests/benchmarks/bench_drills.py --only bring`` runs it at 10,000 files.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

PASSPHRASE = "drill passphrase, long enough"

# The child: open the vault, bring the folder in, one line per file read, the report at the end.
CHILD = r"""
import json, sys
from pathlib import Path
from reverie.core.bring import pipeline
from reverie.core.paths import vault_paths
from reverie.core.vault import Vault

home, folder, passphrase = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
vault = Vault.open(vault_paths(home), passphrase=passphrase)

def progress(stage, done, total):
    print(json.dumps([done, total]), flush=True)

report = pipeline.bring_in(vault, pipeline.plan(folder), progress)
vault.close()
print(json.dumps({"added": report.added, "updated": report.updated, "unchanged": report.unchanged,
                  "files": report.files, "skipped": len(report.skipped)}), flush=True)
"""


def text_of(i: int) -> str:
    """The text of file ``i``: a few sentences, some files longer (several passages)."""
    words = " ".join(f"word{(i * 7 + k) % 997}" for k in range(8))
    para = f"File {i} tells of day {i % 365} in the garden: {words}."
    return "\n\n".join([para] * (1 + (i % 11 == 0) * 6)) + "\n"


def write_folder(root: Path, files: int) -> dict[str, str]:
    """``files`` files under ``root`` (Markdown, text and one in ten HTML, read by the reader's worker
    process; in subfolders of 500); abspath -> the text its note must hold."""
    out: dict[str, str] = {}
    for i in range(files):
        sub = root / f"part{i // 500:03}"
        sub.mkdir(parents=True, exist_ok=True)
        text = text_of(i)
        if i % 10 == 5:
            path = sub / f"page{i:05}.html"
            content = "<html><body>" + "".join(f"<p>{p}</p>" for p in text.split("\n\n")) + "</body></html>"
        else:
            path = sub / (f"note{i:05}.md" if i % 4 else f"note{i:05}.txt")
            content = text
        if not path.exists():
            path.write_text(content, encoding="utf-8")
        out[str(path.resolve())] = text
    return out


def _env() -> dict[str, str]:
    import reverie

    env = dict(os.environ)
    holder = str(Path(reverie.__file__).parent.parent)  # not resolved: a symlinked checkout stays one
    env["PYTHONPATH"] = os.pathsep.join(p for p in (holder, env.get("PYTHONPATH", "")) if p)
    env.setdefault("HF_HUB_OFFLINE", "1")
    return env


def create_vault(home: Path) -> None:
    from reverie.core.keys import KeyMode
    from reverie.core.paths import vault_paths
    from reverie.core.vault import Vault

    Vault.create(vault_paths(home), KeyMode.PASSPHRASE, PASSPHRASE).close()


def run_child(home: Path, folder: Path, kill_after: int | None) -> tuple[int | None, int, dict[str, Any] | None, str]:
    """Run the child; kill it right after ``kill_after`` progress lines (None: let it finish).
    Returns (exit code or None when killed, the last file index it announced, its report, stderr)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(home), str(folder), PASSPHRASE],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    assert proc.stdout is not None
    seen, last, report, killed = 0, -1, None, False
    for line in proc.stdout:
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if isinstance(msg, dict):
            report = msg
            continue
        seen += 1
        last = int(msg[0])
        if kill_after is not None and seen >= kill_after:
            helpers = _children(proc.pid)
            proc.send_signal(signal.SIGKILL)
            killed = True
            break
    _, err = proc.communicate(timeout=600)
    if killed:
        err += "".join(f"\nthe reader process {pid} outlived the process that started it" for pid in _outlived(helpers))
    return (None if killed else proc.returncode), last, report, err


def _children(pid: int) -> list[Any]:
    try:
        import psutil
    except ImportError:  # the bench extra: without it, helpers left behind are not counted
        return []
    try:
        return list(psutil.Process(pid).children(recursive=True))
    except psutil.Error:
        return []


def _outlived(helpers: list[Any]) -> list[int]:
    """The helper processes (the reader's worker) still running 30 s after their parent was killed."""
    if not helpers:
        return []
    import psutil

    _gone, alive = psutil.wait_procs(helpers, timeout=30)
    for p in alive:
        p.kill()
    return [p.pid for p in alive]


def check(home: Path, texts: dict[str, str], folder: Path) -> dict[str, Any]:
    """What the vault holds after a run: notes, and counts of what is wrong with them."""
    from reverie.core.bring.pipeline import pending_jobs
    from reverie.core.paths import vault_paths
    from reverie.core.vault import Vault

    vault = Vault.open(vault_paths(home), passphrase=PASSPHRASE)
    try:
        with vault.read() as conn:
            ok = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()] == ["ok"]
            notes = conn.execute("SELECT id, body, meta FROM notes").fetchall()
            ledger = {r[0]: r[1] for r in conn.execute("SELECT record_id, path FROM import_files")}
            passages = {r[0] for r in conn.execute("SELECT DISTINCT source_id FROM memories WHERE source_kind='note'")}
        jobs = [j.path for j in pending_jobs(vault)]
    finally:
        vault.close()
    torn = no_ledger = no_passages = 0
    files_in: set[str] = set()
    for note_id, body, _meta in notes:
        path = ledger.get(note_id)
        if path is None:
            no_ledger += 1
            continue
        files_in.add(path)
        torn += path not in texts or body.strip() != texts[path].strip()
        no_passages += note_id not in passages
    return {
        "notes": len(notes),
        "files_in": files_in,
        "integrity_failures": int(not ok),
        "torn_notes": torn,
        "notes_without_ledger": no_ledger,
        "notes_without_passages": no_passages,
        "duplicates": len(notes) - len(files_in) - no_ledger,
        "pending": str(folder) in jobs,
    }


def run(
    trials: int, workdir: Path | str, *, files: int = 10_000, seed: int = 17, errors: list[str] | None = None
) -> dict[str, int]:
    """``trials`` kills of one bring-in of ``files`` files, each continuing the last, then a run to the end;
    a child's standard error holding a traceback is added to ``errors``."""
    from reverie.core.bring import pipeline

    rng = random.Random(seed)
    work = Path(workdir)
    folder = work / "Documents"
    texts = write_folder(folder, files)
    home = work / "home"
    create_vault(home)
    counts = dict.fromkeys(
        (
            "kill_trials",
            "killed",
            "imported",
            "integrity_failures",
            "torn_notes",
            "notes_without_ledger",
            "notes_without_passages",
            "duplicates",
            "lost_beyond_batch",
            "not_pending",
            "wrong_rest",
            "tracebacks",
            "orphan_readers",
            "failed_runs",
        ),
        0,
    )
    step = max(2, 2 * files // max(1, trials + 1))  # kills spread over the whole import
    for _ in range(trials):
        before = check(home, texts, folder)["notes"]
        code, last, _report, err = run_child(home, folder, rng.randint(1, step) + before)
        counts["kill_trials"] += 1
        counts["killed"] += code is None
        counts["failed_runs"] += code not in (None, 0)
        counts["tracebacks"] += "Traceback" in err
        if "Traceback" in err and errors is not None:
            errors.append(err)
        counts["orphan_readers"] += err.count("outlived the process")
        state = check(home, texts, folder)
        for key in ("integrity_failures", "torn_notes", "notes_without_ledger", "notes_without_passages", "duplicates"):
            counts[key] += state[key]
        if code is None:
            counts["not_pending"] += not state["pending"]
            # Files 0..last-1 were taken; all but the batch in flight must be in.
            counts["lost_beyond_batch"] += max(0, last - pipeline.BATCH_FILES - state["notes"])
        if state["notes"] >= files:
            break
    before = check(home, texts, folder)
    code, _last, report, err = run_child(home, folder, None)
    counts["failed_runs"] += code != 0
    counts["tracebacks"] += "Traceback" in err
    if "Traceback" in err and errors is not None:
        errors.append(err)
    after = check(home, texts, folder)
    for key in ("integrity_failures", "torn_notes", "notes_without_ledger", "notes_without_passages", "duplicates"):
        counts[key] += after[key]
    rest_ok = (
        report is not None
        and report["added"] == files - before["notes"]
        and report["unchanged"] == before["notes"]
        and after["notes"] == files
        and after["files_in"] == set(texts)
        and not after["pending"]
    )
    counts["wrong_rest"] += not rest_ok
    counts["imported"] = after["notes"]
    return counts
