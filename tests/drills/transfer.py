"""Transfer drills: exports and imports killed with SIGKILL at random moments, and fuzzed input files.

* ``run_export_kills(trials, workdir)``: a child process runs the real ``reverie export`` command
  (a plain file, an encrypted file or a Markdown folder, in turn) on a passphrase-encrypted vault
  and prints a line at each progress step; the drill kills it right after a random number of steps
  (0 included: while it opens the vault), then checks that the destination holds nothing but a
  complete result (or nothing), and that after the next start (``sweep_stale_temps``, as opening
  the vault does) no temporary file is left anywhere.
* ``run_import_kills(trials, workdir)``: the same for ``reverie import`` of a vault file into a
  vault: afterwards the vault holds either everything it held before or everything plus the whole
  file, never part of it, and ``PRAGMA integrity_check`` says ok.
* ``run_fuzz(mutations, workdir)``: bytes of a real export, of a Markdown folder and of a ChatGPT
  ``conversations.json`` are mutated; each mutant is imported as a dry run and for real. Any
  exception that is not a ``ReverieError`` is a traceback; a refused import that changed the vault
  is a partial import; an accepted one that stored a time outside 1900-2200 is counted too.

A drill never sleeps: a kill lands "right after the k-th progress line", inside the next step.
``tests/benchmarks`` runs these at scale; the test suite runs them with small numbers.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from drills.transfer_fuzz import run_fuzz

__all__ = ["run_export_kills", "run_fuzz", "run_import_kills"]

PASSPHRASE = "drill passphrase, long enough"
EXPORT_PASSPHRASE = "export passphrase, long enough"
KINDS = ("plain", "encrypted", "markdown")

# The child: the real CLI, with its progress callback printing one line per step to stdout (and
# the Markdown export printing one line per 25 files, as it has no progress callback).
CHILD = r"""
import json, sys
from reverie.app.cli import cmd_transfer, main
from reverie.core.transfer import markdown_export

def progress(stage, done, total):
    print(json.dumps([stage, done, total]), flush=True)

cmd_transfer._progress = progress
real_write, written = markdown_export._write_file, [0]

def write_file(path, text):
    real_write(path, text)
    written[0] += 1
    if written[0] % 25 == 0:
        print(json.dumps(["files", written[0], 0]), flush=True)

markdown_export._write_file = write_file
print(json.dumps(["start", 0, 0]), flush=True)
sys.exit(main(sys.argv[1:]))
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["REVERIE_PASSPHRASE"] = PASSPHRASE
    env["EXPORT_PW"] = EXPORT_PASSPHRASE
    env.setdefault("HF_HUB_OFFLINE", "1")
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    return env


def _home_vault(home: Path, notes_count: int, messages: int) -> None:
    """``home`` is a data folder (``--home``): the vault is ``home/vault``."""
    # A passphrase vault with notes (a few long ones) and a conversation, made once per workdir.
    from reverie.core import conversations, notes
    from reverie.core.keys import KeyMode
    from reverie.core.paths import vault_paths
    from reverie.core.vault import Vault

    paths = vault_paths(home)
    if paths.exists():
        return
    vault = Vault.create(paths, KeyMode.PASSPHRASE, PASSPHRASE)
    try:
        rng = random.Random(7)
        for i in range(notes_count):
            words = " ".join(rng.choice(("memory", "lisbon", "anna", "tram", "coffee", "rain")) for _ in range(40))
            body = words * (40 if i % 50 == 0 else 1)
            notes.create_note(vault, f"Note {i}: {body}", f"Note {i}", ["drill"])
        cid = conversations.create_conversation(vault, "Drill chat").id
        for i in range(messages):
            conversations.add_message(vault, cid, "user" if i % 2 == 0 else "assistant", f"message {i} about trams")
    finally:
        vault.close()


def _run_until(argv: list[str], kill_after: int | None) -> tuple[int | None, int, str]:
    """Run the child; kill it right after ``kill_after`` progress lines (None: let it finish).
    Returns (exit code or None when killed, progress lines seen, stderr)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    seen = -1  # the "start" line is step 0
    killed = False
    for line in proc.stdout:
        if line.startswith("["):
            seen += 1
            if kill_after is not None and seen >= kill_after:
                proc.send_signal(signal.SIGKILL)
                killed = True
                break
    err = proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    code = proc.wait()
    return (None if killed and code == -signal.SIGKILL else code), max(seen, 0), err


def _archive_complete(path: Path, passphrase: str | None) -> bool:
    from reverie.core.errors import ReverieError
    from reverie.core.transfer.archive import open_archive

    try:
        with open_archive(path, passphrase) as archive:
            for table in archive.tables:
                for _ in archive.records(table):
                    pass
    except ReverieError:
        return False
    return True


def _markdown_complete(folder: Path, notes_count: int) -> bool:
    return (folder / "conversations").is_dir() and len(list((folder / "notes").rglob("*.md"))) == notes_count


def _leftovers(vault_folder: Path) -> list[Path]:
    root = vault_folder / ".transfer-tmp"
    return [p for p in root.iterdir() if p.name != ".guard"] if root.is_dir() else []


def _plaintext(paths: list[Path]) -> int:
    n = 0
    for p in paths:
        for f in [p] if p.is_file() else [q for q in p.rglob("*") if q.is_file()]:
            head = f.read_bytes()[:4]
            if head.startswith(b"PK") or f.suffix == ".md":
                n += 1
    return n


def run_export_kills(
    trials: int, workdir: str | Path, *, notes_count: int = 400, messages: int = 200
) -> dict[str, int]:
    """Kill ``reverie export`` at random moments; count what a kill left behind (all should be 0
    but ``trials``, ``killed`` and ``completed``)."""
    from reverie.core.transfer.export import sweep_stale_temps

    work = Path(workdir)
    home = work / "export-home"
    _home_vault(home, notes_count, messages)
    vault_folder = home / "vault"
    rng = random.Random(1234 + trials)
    counts = dict.fromkeys(
        (
            "trials",
            "killed",
            "completed",
            "partial_final",
            "litter_in_destination",
            "plaintext_litter",
            "litter_after_restart",
            "tracebacks",
            "failed_runs",
        ),
        0,
    )
    steps: dict[str, int] = {}
    for i in range(trials):
        kind = KINDS[i % len(KINDS)]
        dest = work / f"export-dest-{i}"
        dest.mkdir(parents=True, exist_ok=True)
        target = dest / ("md" if kind == "markdown" else "v.reverie")
        argv = ["--home", str(home), "export", str(target)]
        if kind == "encrypted":
            argv += ["--passphrase-env", "EXPORT_PW"]
        if kind == "markdown":
            argv.append("--markdown")
        if kind not in steps:
            steps[kind] = _export_steps(vault_folder, kind)
        code, _, err = _run_until(argv, rng.randint(0, steps[kind] + 1))
        counts["trials"] += 1
        counts["killed" if code is None else "completed"] += 1
        counts["failed_runs"] += code not in (None, 0)
        counts["tracebacks"] += "Traceback" in err
        if code == 0 and not target.exists():
            counts["failed_runs"] += 1
        extra = [p for p in dest.iterdir() if p != target]
        counts["litter_in_destination"] += len(extra)
        counts["plaintext_litter"] += _plaintext(extra)
        if target.exists():
            ok = (
                _markdown_complete(target, notes_count)
                if kind == "markdown"
                else _archive_complete(target, EXPORT_PASSPHRASE if kind == "encrypted" else None)
            )
            counts["partial_final"] += not ok
        sweep_stale_temps(vault_folder)  # what the next start does
        left = _leftovers(vault_folder)
        counts["litter_after_restart"] += len(left)
        counts["plaintext_litter"] += _plaintext(left)
        shutil.rmtree(dest, ignore_errors=True)
    return counts


def _export_steps(vault_folder: Path, kind: str) -> int:
    """How many progress lines a whole export of this kind prints (the child's ``start`` line is 0):
    one per 2000 records of a table and one at its end; a Markdown export one per 25 files."""
    from reverie.core.paths import VaultPaths
    from reverie.core.transfer.format import TABLES
    from reverie.core.vault import Vault

    vault = Vault.open(VaultPaths(vault_folder), passphrase=PASSPHRASE)
    try:
        n = {t: int(vault.query(f"SELECT count(*) FROM {t}")[0][0]) for t in TABLES}
    finally:
        vault.close()
    if kind == "markdown":
        return (n["notes"] + n["conversations"]) // 25
    return sum(c // 2000 + 1 for c in n.values())


def _import_steps(file: Path, pristine: Path, probe: Path, kind: str) -> tuple[int, Any]:
    """(progress lines of a whole import: two passes, one line per 500 records of a table and one
    at its end; the table counts after a whole import, made here in-process on a copy)."""
    from reverie.core.paths import VaultPaths
    from reverie.core.transfer import import_vault
    from reverie.core.transfer.archive import open_archive
    from reverie.core.vault import Vault

    secret = EXPORT_PASSPHRASE if kind == "encrypted" else None
    with open_archive(file, secret) as archive:
        counts = [archive.manifest.counts[t] for t in archive.tables]
    shutil.rmtree(probe, ignore_errors=True)
    shutil.copytree(pristine, probe)
    vault = Vault.open(VaultPaths(probe / "vault"), passphrase=PASSPHRASE)
    try:
        import_vault(vault, file, passphrase=secret)
    finally:
        vault.close()
    after = _table_counts(probe / "vault")
    shutil.rmtree(probe, ignore_errors=True)
    return 2 * sum(c // 500 + 1 for c in counts), after


def _table_counts(vault_folder: Path) -> tuple[tuple[str, int], ...] | str:
    from reverie.core.paths import VaultPaths
    from reverie.core.vault import Vault

    vault = Vault.open(VaultPaths(vault_folder), passphrase=PASSPHRASE)
    try:
        with vault.read() as conn:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                return "corrupt"
            tables = ("conversations", "messages", "notes", "memories", "citations", "vectors", "history")
            return tuple((t, int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])) for t in tables)
    finally:
        vault.close()


def run_import_kills(
    trials: int, workdir: str | Path, *, notes_count: int = 400, messages: int = 200
) -> dict[str, int]:
    """Kill ``reverie import`` of a vault file at random moments; the vault must hold all of the
    file or none of it."""
    from reverie.core import notes
    from reverie.core.keys import KeyMode
    from reverie.core.paths import vault_paths
    from reverie.core.transfer import export_vault
    from reverie.core.vault import Vault

    work = Path(workdir)
    source = work / "import-source"
    _home_vault(source, notes_count, messages)
    files = {}
    vault = Vault.open(vault_paths(source), passphrase=PASSPHRASE)
    try:
        files["plain"] = export_vault(vault, work / "import-plain.reverie").path
        files["encrypted"] = export_vault(vault, work / "import-sealed.reverie", passphrase=EXPORT_PASSPHRASE).path
    finally:
        vault.close()
    pristine = work / "import-pristine"
    if not pristine.exists():
        v = Vault.create(vault_paths(pristine), KeyMode.NONE)  # all-or-nothing does not depend on the lock
        notes.create_note(v, "Already here before the import.", "Mine")
        v.close()
    before = _table_counts(pristine / "vault")
    rng = random.Random(4321 + trials)
    counts = dict.fromkeys(
        (
            "trials",
            "killed",
            "completed",
            "partial_imports",
            "integrity_failures",
            "litter",
            "tracebacks",
            "failed_runs",
        ),
        0,
    )
    steps: dict[str, tuple[int, Any]] = {}
    for i in range(trials):
        kind = ("plain", "encrypted")[i % 2]
        home = work / f"import-home-{i}"
        shutil.rmtree(home, ignore_errors=True)
        shutil.copytree(pristine, home)
        argv = ["--home", str(home), "import", str(files[kind])]
        if kind == "encrypted":
            argv += ["--passphrase-env", "EXPORT_PW"]
        if kind not in steps:
            steps[kind] = _import_steps(files[kind], pristine, work / f"import-probe-{kind}", kind)
            if steps[kind][1] == before:
                raise RuntimeError(f"the {kind} import changed nothing, so the drill would prove nothing")
        total, after = steps[kind]
        code, _, err = _run_until(argv, rng.randint(0, total + 1))
        counts["trials"] += 1
        counts["killed" if code is None else "completed"] += 1
        counts["failed_runs"] += code not in (None, 0)
        counts["tracebacks"] += "Traceback" in err
        now = _table_counts(home / "vault")
        counts["integrity_failures"] += now == "corrupt"
        counts["partial_imports"] += now not in (before, after)
        counts["litter"] += len(_leftovers(home / "vault"))
        shutil.rmtree(home, ignore_errors=True)
    return counts
