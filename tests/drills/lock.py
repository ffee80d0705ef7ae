"""Lock drill: ``reverie lock`` changes how the vault is locked while another process keeps writing
(as an open window autosaving would), and some of the changes are killed with SIGKILL.

``run(trials, workdir)`` returns counts. Each trial makes an unencrypted vault with a sentinel note,
starts a writer process that adds a note and prints ``ACK n`` once each write returned, then runs
``reverie lock keyring``, ``reverie lock passphrase``, ``reverie lock none`` as real processes. With
``kill=True`` each change is, in turn: killed by itself at a named step (SIGKILL from inside, at an
exact point), killed from outside right after it reported a randomly chosen step (the signal lands
somewhere after it), or left alone. After each change a checker process opens the vault (which
finishes or undoes an interrupted change) after a killed change, and the folder is searched for the
sentinel after every change.

Counts: trials, changes, killed, acknowledged (writes the writer was told succeeded), lost (of those,
missing at the end), corrupt (a vault that does not open, or fails ``quick_check``, after a change),
plaintext_left (a plaintext copy of the vault beside it after it opened again, or an encrypted vault
whose files hold the sentinel), leftovers (files of a change still there after the vault opened),
writer_errors (writer failures that were not one clear sentence, i.e. tracebacks), writer_sentences
(clear refusals such as "busy" or "open it again with its passphrase", after which the writer opens
the vault again and goes on), lock_errors (a change that neither finished nor said why in a sentence),
not_changed (a change that was not killed but left the vault locked as before: refused because of the
writer, or undone).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
from pathlib import Path

PASSPHRASE = "drill passphrase, long enough"
SENTINEL = "LOCKDRILL-SENTINEL-6620"
STEPS = ("stored-new-key", "exported", "bumped", "committed", "copy-half", "copied", "header", "journal-removed")
CHANGES = ("keyring", "passphrase", "none")
KEEP = {"reverie.db", "reverie.db-wal", "reverie.db-shm", "vault.json", "vault.lock"}

# The writer: open the vault (with the passphrase only when it asks for one, as a window would),
# write notes until the stop file appears; ACK after each write returned, ERR for a clear sentence
# (then open again), TRACEBACK for anything else.
WRITER = r"""
import sys, time
from pathlib import Path
from reverie.core import notes
from reverie.core.errors import ReverieError, describe
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.vault import Vault, VaultHeader

home, passphrase, pause = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
paths = vault_paths(home)
stop = home / "stop-writer"

def open_vault():
    while not stop.exists():
        try:
            asks = VaultHeader.read(paths.header).key_mode is KeyMode.PASSPHRASE
            return Vault.open(paths, passphrase if asks else None)
        except ReverieError as exc:
            print("ERR", describe(exc), flush=True)
            time.sleep(pause)
    return None

vault = open_vault()
n = 0
while vault is not None and not stop.exists():
    n += 1
    try:
        notes.create_note(vault, f"drill note {n}")
    except ReverieError as exc:
        print("ERR", describe(exc), flush=True)
        if vault.closed:
            vault = open_vault()
        continue
    except Exception as exc:
        print("TRACEBACK", type(exc).__name__, str(exc).replace("\n", " "), flush=True)
        continue
    print("ACK", n, flush=True)
    time.sleep(pause)
if vault is not None:
    vault.close()
print("DONE", flush=True)
"""

# A change of lock through the real CLI; it prints each step it reaches and, given a step, kills
# itself there.
LOCK = r"""
import os, signal, sys
from reverie.app.cli.run import main

stop_at = sys.argv[1]
def hook(step):
    print("STEP", step, flush=True)
    if step == stop_at:
        os.kill(os.getpid(), signal.SIGKILL)
try:
    from reverie.core import lockjournal
    lockjournal.fault_hook = hook
except ImportError:  # a version without the journal: killed from outside only
    pass
sys.exit(main(sys.argv[2:]))
"""

# Open the vault (finishing or undoing an interrupted change) and report what is in it.
CHECK = r"""
import json, sys
from pathlib import Path
from reverie.core.errors import ReverieError, describe
from reverie.core.paths import vault_paths
from reverie.core.vault import Vault

paths = vault_paths(Path(sys.argv[1]))
try:
    vault = Vault.open(paths, sys.argv[2])
except ReverieError as exc:
    print(json.dumps({"error": describe(exc)}))
    sys.exit(0)
with vault.read() as conn:
    ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    bodies = [r[0] for r in conn.execute("SELECT body FROM notes")]
print(json.dumps({"mode": vault.key_mode.value, "ok": ok, "bodies": bodies}))
vault.close()
"""


def _setup(home: Path, filler: int) -> None:
    """An unencrypted vault (no keyring needed) with the sentinel in ``filler`` notes."""
    from reverie.core import notes
    from reverie.core.keys import KeyMode
    from reverie.core.paths import vault_paths
    from reverie.core.vault import Vault

    vault = Vault.create(vault_paths(home), KeyMode.NONE)
    for i in range(filler):
        notes.create_note(vault, f"{SENTINEL} filler {i}: " + "lorem ipsum dolor sit amet " * 20)
    vault.close()


def _header_mode(folder: Path) -> str:
    try:
        return str(json.loads((folder / "vault.json").read_text(encoding="utf-8"))["key_mode"])
    except (OSError, ValueError, KeyError):
        return "unreadable"


def _env(home: Path) -> dict[str, str]:
    """The children import the same ``reverie`` as this process and share a file keyring in ``home``."""
    import reverie

    env = dict(os.environ)
    holder = str(Path(reverie.__file__).parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (holder, env.get("PYTHONPATH", "")) if p)
    env["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
    env["XDG_DATA_HOME"] = str(home / "xdg-data")
    env["REVERIE_HOME"] = str(home)
    env["REVERIE_PASSPHRASE"] = PASSPHRASE
    env["DRILL_PASSPHRASE"] = PASSPHRASE
    env.pop("REVERIE_DEBUG", None)
    return env


def _python(code: str, *args: str, env: dict[str, str], **kw: object) -> subprocess.Popen[str]:
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-c", code, *args], env=env, text=True, **kw
    )


class _Writer:
    def __init__(self, home: Path, env: dict[str, str], pause: float) -> None:
        self.acked: set[int] = set()
        self.errors: list[str] = []
        self.sentences: list[str] = []
        self.proc = _python(WRITER, str(home), PASSPHRASE, str(pause), env=env, stdout=subprocess.PIPE)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            word, _, rest = line.strip().partition(" ")
            if word == "ACK":
                self.acked.add(int(rest))
            elif word == "ERR":
                self.sentences.append(rest)
            elif word == "TRACEBACK":
                self.errors.append(rest)

    def stop(self, home: Path) -> None:
        (home / "stop-writer").touch()
        try:
            self.proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.errors.append("the writer did not stop")
        self.thread.join(timeout=10)
        if self.proc.returncode not in (0, None):
            self.errors.append(f"the writer exited with {self.proc.returncode}")


def _change(home: Path, env: dict[str, str], mode: str, how: str, step: str) -> tuple[bool, bool]:
    """Run one ``reverie lock``; (killed, failed without a sentence)."""
    args = ["--home", str(home), "lock", mode]
    if mode == "passphrase":
        args += ["--passphrase-env", "DRILL_PASSPHRASE"]
    proc = _python(
        LOCK,
        step if how == "self" else "-",
        *args,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    killed = False
    for line in proc.stdout:
        if how == "outside" and line.strip() == f"STEP {step}":
            proc.send_signal(signal.SIGKILL)  # lands somewhere after this step
            killed = True
            break
    _, err = proc.communicate(timeout=300)
    if proc.returncode == -signal.SIGKILL:
        return True, False
    unexplained = proc.returncode != 0 and (proc.returncode == 1 or not err.strip().startswith("reverie: "))
    return killed, unexplained


def _check(home: Path, env: dict[str, str]) -> dict[str, object]:
    proc = _python(CHECK, str(home), PASSPHRASE, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate(timeout=300)
    try:
        return dict(json.loads(out.strip().splitlines()[-1]))
    except (ValueError, IndexError):
        return {"error": f"the checker failed: {err.strip()[-300:]}"}


def _plaintext_left(folder: Path, mode: str) -> tuple[int, int]:
    """(plaintext copies or an encrypted vault holding the sentinel, leftover files of a change)."""
    plain = leftovers = 0
    for f in folder.iterdir():
        if f.name not in KEEP:
            leftovers += 1
        data = f.read_bytes() if f.is_file() else b""
        if SENTINEL.encode() in data and (f.name not in KEEP or mode != "none"):
            plain += 1
    return plain, leftovers


def run(
    trials: int, workdir: Path, *, kill: bool = True, seed: int = 7, filler: int = 100, pause: float = 0.05
) -> dict[str, int]:
    """Run ``trials`` trials (each: none -> keyring -> passphrase -> none under a live writer)."""
    rng = random.Random(seed)
    counts = dict.fromkeys(
        (
            "trials",
            "changes",
            "killed",
            "acknowledged",
            "lost",
            "corrupt",
            "plaintext_left",
            "leftovers",
            "writer_errors",
            "writer_sentences",
            "lock_errors",
            "not_changed",
        ),
        0,
    )
    for t in range(trials):
        home = Path(workdir) / f"lock-trial-{t}"
        home.mkdir(parents=True)
        env = _env(home)
        _setup(home, filler)
        writer = _Writer(home, env, pause=pause)
        folder = home / "vault"
        for i, mode in enumerate(CHANGES):
            how = ("self", "outside", "none")[(t * len(CHANGES) + i) % 3] if kill else "none"
            killed, unexplained = _change(home, env, mode, how, rng.choice(STEPS))
            counts["changes"] += 1
            counts["killed"] += int(killed)
            counts["lock_errors"] += int(unexplained)
            # A killed change is repaired by whoever opens the vault next: the checker does, and
            # says what it found. After a change that ran to its end, vault.json tells the mode.
            state = _check(home, env) if killed or unexplained else {"ok": True, "mode": _header_mode(folder)}
            if "error" in state or not state.get("ok"):
                counts["corrupt"] += 1
            elif not killed and state.get("mode") != mode:
                counts["not_changed"] += 1  # refused (e.g. "did not match" under the writer) or silently undone
            plain, left = _plaintext_left(folder, str(state.get("mode", "none")))
            counts["plaintext_left"] += plain
            counts["leftovers"] += left
        writer.stop(home)
        final = _check(home, env)
        bodies = set(final.get("bodies", []) or [])  # type: ignore[call-overload]
        counts["trials"] += 1
        counts["acknowledged"] += len(writer.acked)
        counts["lost"] += sum(1 for n in writer.acked if f"drill note {n}" not in bodies)
        counts["corrupt"] += int("error" in final)
        counts["writer_errors"] += len(writer.errors)
        counts["writer_sentences"] += len(writer.sentences)
    return counts


if __name__ == "__main__":  # python tests/drills/lock.py TRIALS WORKDIR
    import tempfile

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    where = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp(prefix="lock-drill-"))
    print(json.dumps(run(n, where), indent=2))
