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

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

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


# -- fuzz -----------------------------------------------------------------------------------


def _mutate(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.random()
        at = rng.randrange(len(buf)) if buf else 0
        if op < 0.4 and buf:
            buf[at] = rng.randrange(256)
        elif op < 0.6:
            buf[at:at] = rng.choice(
                (
                    b"\xff",
                    b"\x00",
                    b'"',
                    b"\\ud800",
                    b"1e300",
                    b"-1e12",
                    b"{",
                    b"]",
                    b"9" * 30,
                    bytes([rng.randrange(256)]),
                )
            )
        elif op < 0.8 and buf:
            del buf[at : at + rng.randint(1, 16)]
        elif buf:
            del buf[at:]  # truncated
    return bytes(buf)


BAD_TIMES = (1e300, -1e300, 2**70, -(2**70), -1e12, 1e12, 7_289_654_400.0, -2_208_988_801.0)
BAD_DATES = ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "1899-12-31", "2201-01-01", "[[0002-02-02]]")


def _json_mutate(value: Any, rng: random.Random, depth: int = 0) -> Any:
    """A structural mutation of a JSON value: a field replaced by a hostile value, dropped or added."""
    hostile = (
        1e300,
        -(2**70),
        -1e12,
        None,
        [],
        {},
        "x" * 300,
        "\ud800",
        "",
        "user",
        True,
        "0001-01-01T00:00:00+14:00",
    )
    if isinstance(value, dict) and value:
        key = rng.choice(list(value))
        roll = rng.random()
        if roll < 0.5 and depth < 6:
            value[key] = _json_mutate(value[key], rng, depth + 1)
        elif roll < 0.7:
            value[key] = rng.choice(hostile)
        elif roll < 0.85:
            del value[key]
        else:
            value["F" * rng.randint(1, 200)] = rng.choice(hostile)
        return value
    if isinstance(value, list) and value:
        i = rng.randrange(len(value))
        if rng.random() < 0.7 and depth < 6:
            value[i] = _json_mutate(value[i], rng, depth + 1)
        else:
            value.append(value[i] if rng.random() < 0.5 else rng.choice(hostile))  # a duplicate
        return value
    return rng.choice(hostile)


def _rezip(members: dict[str, bytes], manifest: dict[str, Any]) -> bytes:
    import hashlib
    import io

    manifest = dict(manifest)
    manifest["members"] = {n: {"sha256": hashlib.sha256(d).hexdigest(), "bytes": len(d)} for n, d in members.items()}
    manifest["counts"] = {n[:-6]: d.count(b"\n") for n, d in members.items()}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        zf.writestr("manifest.json", json.dumps(manifest))
    return buf.getvalue()


def _vault_mutant(original: bytes, rng: random.Random) -> bytes:
    """Half raw byte mutations of the file, half mutations of one record with checksums fixed, so
    the record checks are reached."""
    if rng.random() < 0.5:
        return _mutate(original, rng)
    import io

    with zipfile.ZipFile(io.BytesIO(original)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(members.pop("manifest.json"))
    name = rng.choice(sorted(members))
    lines = members[name].splitlines(keepends=True)
    if lines:
        i = rng.randrange(len(lines))
        roll = rng.random()
        if roll < 0.4:
            lines[i] = _mutate(lines[i], rng)
        elif roll < 0.6:  # a time out of range in a record that is otherwise right
            rec = json.loads(lines[i])
            times = [k for k in rec if k.endswith("_at") or k in ("at", "valid_from", "valid_to")]
            if times:
                rec[rng.choice(times)] = rng.choice(BAD_TIMES)
            lines[i] = (json.dumps(rec) + "\n").encode("utf-8")
        else:
            rec = _json_mutate(json.loads(lines[i]), rng)
            lines[i] = (json.dumps(rec, ensure_ascii=rng.random() < 0.5) + "\n").encode("utf-8", "surrogatepass")
    members[name] = b"".join(lines)
    return _rezip(members, manifest)


def _signature(vault: Any) -> tuple[int, ...]:
    with vault.read() as conn:
        tables = ("conversations", "messages", "notes", "memories", "citations", "history", "import_files")
        return tuple(int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables)


def _stored_bad_times(vault: Any) -> int:
    from reverie.core.clock import in_range

    cols = {
        "notes": ("created_at", "updated_at", "happened_at"),
        "messages": ("created_at", "happened_at"),
        "conversations": ("created_at", "updated_at"),
        "memories": ("recorded_at", "happened_at"),
    }
    bad = 0
    with vault.read() as conn:
        for table, names in cols.items():
            for row in conn.execute(f"SELECT {', '.join(names)} FROM {table}"):
                bad += sum(not in_range(v) for v in row)
    return bad


def _chatgpt_sample() -> list[Any]:
    def node(nid: str, parent: str | None, children: list[str], role: str | None = None, text: str = "") -> Any:
        msg = None
        if role:
            msg = {
                "id": nid,
                "author": {"role": role, "name": None},
                "create_time": 1_700_000_000 + len(nid),
                "content": {"content_type": "text", "parts": [text]},
                "metadata": {"is_visually_hidden_from_conversation": role == "system"},
            }
        return {"id": nid, "message": msg, "parent": parent, "children": children}

    mapping = {
        "root": node("root", None, ["sys"]),
        "sys": node("sys", "root", ["u1"], "system", "be brief"),
        "u1": node("u1", "sys", ["a1"], "user", "What is the capital of Portugal?"),
        "a1": node("a1", "u1", [], "assistant", "Lisbon."),
    }
    conv = {
        "title": "Portugal",
        "create_time": 1_700_000_000,
        "update_time": 1_700_000_100,
        "mapping": mapping,
        "current_node": "a1",
        "conversation_id": "conv-1",
    }
    other = json.loads(json.dumps(conv))
    other["conversation_id"], other["title"] = "conv-2", "Trams"
    return [conv, other]


MARKDOWN_SAMPLE = {
    "trip.md": "---\ntitle: Trip\ntags: [travel]\ndate: 2023-05-04\nrating: 5\n---\nWe met [[Anna]]. #summer\n",
    "Anna.md": "# Anna\n\nBirthday March 3.\n",
    "todo.txt": "buy milk\n",
}


def run_fuzz(mutations: int, workdir: str | Path, *, seed: int = 99) -> dict[str, int]:
    """Mutate a real export, Markdown files and a ChatGPT export; import each mutant as a dry run
    and for real. Returns counts; ``tracebacks``, ``partial_imports`` and ``bad_times_stored``
    must be 0."""
    from reverie.core.clock import FixedClock
    from reverie.core.errors import ReverieError
    from reverie.core.keys import KeyMode
    from reverie.core.paths import vault_paths
    from reverie.core.transfer import export_vault, import_preview, import_vault
    from reverie.core.transfer.chatgpt_import import import_chatgpt
    from reverie.core.transfer.markdown_import import import_markdown_folder
    from reverie.core.transfer.markdown_preview import preview_markdown_folder
    from reverie.core.vault import Vault

    work = Path(workdir) / "fuzz"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    clock = FixedClock()
    source = Vault.create(vault_paths(work / "source"), KeyMode.NONE, clock=clock)
    _fuzz_source(source, clock)
    real = export_vault(source, work / "real.reverie").path.read_bytes()
    source.close()
    target = Vault.create(vault_paths(work / "target"), KeyMode.NONE, clock=clock)
    chatgpt = json.dumps(_chatgpt_sample()).encode("utf-8")
    rng = random.Random(seed)
    counts = dict.fromkeys(("mutations", "imported", "refused", "tracebacks", "partial_imports", "bad_times_stored"), 0)
    examples: list[str] = []
    bad_seen = 0
    try:
        for i in range(mutations):
            kind = ("vault", "markdown", "chatgpt")[i % 3]
            case = work / f"case-{i % 7}"
            shutil.rmtree(case, ignore_errors=True)
            case.mkdir()
            if kind == "vault":
                path = case / "m.reverie"
                path.write_bytes(_vault_mutant(real, rng))
                calls = [lambda p=path: import_preview(target, p), lambda p=path: import_vault(target, p)]
            elif kind == "markdown":
                folder = case / "notes"
                folder.mkdir()
                for name, text in MARKDOWN_SAMPLE.items():
                    data = text.encode("utf-8")
                    if rng.random() < 0.25:
                        field = rng.choice(("date", "created", "updated", "modified"))
                        data = f"---\n{field}: {rng.choice(BAD_DATES)}\n---\n".encode() + data
                    if rng.random() < 0.5:
                        data = _mutate(data, rng)
                    fname = os.fsencode(name)
                    if rng.random() < 0.2:
                        fname = _mutate(fname[:-3], rng).replace(b"/", b"_").replace(b"\x00", b"_") + fname[-3:]
                    with open(os.path.join(os.fsencode(folder), fname or b"x.md"), "wb") as fh:
                        fh.write(data)
                calls = [
                    lambda f=folder: preview_markdown_folder(target, f),
                    lambda f=folder: import_markdown_folder(target, f, mine=rng.random() < 0.5),
                ]
            else:
                path = case / "conversations.json"
                if rng.random() < 0.5:
                    path.write_bytes(_mutate(chatgpt, rng))
                else:
                    data = _json_mutate(_chatgpt_sample(), rng)
                    path.write_bytes(json.dumps(data).encode("utf-8", "surrogatepass"))
                calls = [lambda p=path: import_chatgpt(target, p)]
            counts["mutations"] += 1
            for call in calls:
                before = _signature(target)
                try:
                    call()
                except ReverieError:
                    counts["refused"] += 1
                    if _signature(target) != before:
                        counts["partial_imports"] += 1
                except Exception as exc:  # noqa: BLE001 - anything else is a traceback the user would see
                    counts["tracebacks"] += 1
                    if len(examples) < 5:
                        examples.append(f"{kind}: {type(exc).__name__}: {str(exc)[:200]}")
                else:
                    counts["imported"] += 1
            if i % 10 == 9 or i == mutations - 1:
                bad = _stored_bad_times(target)
                if bad > bad_seen:
                    counts["bad_times_stored"] += bad - bad_seen
                    examples.append(f"{kind}: a time outside 1900-2200 was stored")
                bad_seen = bad
    finally:
        target.close()
    if examples:
        (Path(workdir) / "fuzz-examples.txt").write_text("\n".join(examples), encoding="utf-8")
    return counts


def _fuzz_source(vault: Any, clock: Any) -> None:
    """A small vault with every kind of record (notes, a conversation, facts, citations, history)."""
    from reverie.core import conversations, ingest, notes

    notes.create_note(vault, "# Trip\n\nWe went to Lisbon in May.", tags=["travel"])
    notes.create_note(vault, "Anna's birthday is March 3.", "Anna", ["people"], properties={"rating": "5"})
    conv = conversations.create_conversation(vault, "First chat")
    conversations.add_message(vault, conv.id, "user", "When is Anna's birthday?")
    answer = conversations.add_message(vault, conv.id, "assistant", "March 3 [1].", meta={"remembered": True})
    now = clock.advance(60)
    with vault.tx() as conn:
        fact = ingest.insert_memory(
            conn, now, kind="fact", source_kind="consolidation", source_id=None, text="Anna's birthday is March 3."
        )
        uid = conn.execute("SELECT uid FROM memories WHERE id = ?", (fact,)).fetchone()[0]
        conn.execute("INSERT INTO citations(message_id, n, memory_uid) VALUES (?, 1, ?)", (answer.id, uid))
