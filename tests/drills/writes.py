"""Write drills: an acknowledged write is never lost, and two writers never see "database is locked".

``run(trials, workdir)`` runs both drills and returns their counts:

* the kill drill: a child process adds notes and messages to a real (passphrase-encrypted) vault
  and prints an acknowledgement after each one returns; the drill kills it with SIGKILL after a
  random number of acknowledgements (0 included: while it opens the vault), then checks that every
  acknowledged write is in the vault, word for word, and that ``PRAGMA integrity_check`` says ok.
* the concurrency drill: two child processes write to the same vault at once; every write must
  succeed (the vault's busy timeout waits for the other writer) and every one must be there after.

A drill never sleeps: the kill moment is "right after the k-th acknowledgement", which lands the
signal somewhere inside the next write. ``python tests/benchmarks/bench_drills.py`` runs it at scale.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

PASSPHRASE = "drill passphrase, long enough"

# The child: open (or create) the vault, then write until killed or done. One JSON line per write,
# printed only after the write returned (its transaction committed).
WRITER = r"""
import json, sys
from pathlib import Path
from reverie.core import conversations, notes
from reverie.core.errors import is_busy
from reverie.core.paths import vault_paths
from reverie.core.vault import Vault

home, tag, count, passphrase = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
paths = vault_paths(home)
vault = Vault.open(paths, passphrase=passphrase)
print(json.dumps({"ready": True}), flush=True)
cid = conversations.create_conversation(vault, f"drill {tag}").id
print(json.dumps({"kind": "conversation", "id": cid}), flush=True)
for i in range(count):
    text = f"{tag} write {i}: the quick brown fox {i * 7919 % 1000}"
    try:
        if i % 2 == 0:
            note = notes.create_note(vault, text, f"{tag} {i}")
            ack = {"kind": "note", "id": note.id, "text": text}
        else:
            msg = conversations.add_message(vault, cid, "user", text)
            ack = {"kind": "message", "id": msg.id, "text": text}
    except Exception as exc:
        print(json.dumps({"error": "locked" if is_busy(exc) else type(exc).__name__, "detail": str(exc)}), flush=True)
        continue
    print(json.dumps(ack), flush=True)
vault.close()
print(json.dumps({"done": True}), flush=True)
"""


def _env() -> dict[str, str]:
    """The children import the same ``reverie`` as this process (a checkout on PYTHONPATH or the
    installed package)."""
    import reverie

    env = dict(os.environ)
    holder = str(Path(reverie.__file__).parent.parent)  # not resolved: a symlinked checkout stays one
    env["PYTHONPATH"] = os.pathsep.join(p for p in (holder, env.get("PYTHONPATH", "")) if p)
    return env


def _create_vault(home: Path) -> None:
    from reverie.core.keys import KeyMode
    from reverie.core.paths import vault_paths
    from reverie.core.vault import Vault

    Vault.create(vault_paths(home), KeyMode.PASSPHRASE, PASSPHRASE).close()


def _writer(home: Path, tag: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(home), tag, str(count), PASSPHRASE],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )


def _lines(text: str) -> list[dict[str, object]]:
    out = []
    for line in text.splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue  # a line cut short by the kill was never an acknowledgement
    return out


def check_vault(home: Path, acked: list[dict[str, object]]) -> tuple[int, bool]:
    """(how many acknowledged writes are missing or changed, whether the integrity check passed)."""
    from reverie.core.paths import vault_paths
    from reverie.core.vault import Vault

    vault = Vault.open(vault_paths(home), passphrase=PASSPHRASE)
    try:
        with vault.read() as conn:
            ok = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()] == ["ok"]
            lost = 0
            for ack in acked:
                if ack["kind"] == "note":
                    row = conn.execute("SELECT body FROM notes WHERE id = ?", (ack["id"],)).fetchone()
                elif ack["kind"] == "message":
                    row = conn.execute("SELECT content FROM messages WHERE id = ?", (ack["id"],)).fetchone()
                else:
                    row = conn.execute("SELECT id FROM conversations WHERE id = ?", (ack["id"],)).fetchone()
                    row = (ack.get("text"),) if row else None
                lost += row is None or row[0] != ack.get("text")
    finally:
        vault.close()
    return lost, ok


def run_kills(trials: int, workdir: Path, *, seed: int = 7, max_acks: int = 40) -> dict[str, int]:
    """``trials`` writers killed with SIGKILL at random moments, one vault carried across all."""
    rng = random.Random(seed)
    home = Path(workdir) / "kills"
    _create_vault(home)
    counts = {"kill_trials": 0, "acknowledged": 0, "lost": 0, "integrity_failures": 0, "writer_errors": 0}
    all_acked: list[dict[str, object]] = []
    for trial in range(trials):
        kill_after = rng.randint(0, max_acks)
        proc = _writer(home, f"t{trial}", max_acks + 1)
        assert proc.stdout is not None
        seen = 0
        acked: list[dict[str, object]] = []
        for line in proc.stdout:
            msg = _lines(line)
            if not msg:
                continue
            if "id" in msg[0]:
                acked.append(msg[0])
            elif "error" in msg[0]:
                counts["writer_errors"] += 1
            seen += 1
            if seen > kill_after:
                proc.send_signal(signal.SIGKILL)
                break
        rest, _ = proc.communicate(timeout=120)
        acked += [m for m in _lines(rest) if "id" in m]  # flushed before the signal landed
        all_acked += acked
        counts["kill_trials"] += 1
        counts["acknowledged"] += len(acked)
        lost, ok = check_vault(home, all_acked)  # everything acknowledged so far, in every trial
        counts["lost"] = max(counts["lost"], lost)
        counts["integrity_failures"] += not ok
    return counts


def run_concurrent(writes: int, workdir: Path) -> dict[str, int]:
    """Two processes each making ``writes`` writes to one vault at the same time."""
    home = Path(workdir) / "concurrent"
    _create_vault(home)
    procs = [_writer(home, tag, writes) for tag in ("a", "b")]
    acked: list[dict[str, object]] = []
    errors: list[dict[str, object]] = []
    crashed = 0
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        lines = _lines(out)
        acked += [m for m in lines if "id" in m]
        errors += [m for m in lines if "error" in m]
        crashed += proc.returncode != 0 or not any(m.get("done") for m in lines)
    lost, ok = check_vault(home, acked)
    return {
        "concurrent_writes": sum(1 for m in acked if m["kind"] != "conversation"),
        "locked_errors": sum(1 for e in errors if e["error"] == "locked"),
        "other_errors": sum(1 for e in errors if e["error"] != "locked") + crashed,
        "concurrent_lost": lost,
        "concurrent_integrity_failures": int(not ok),
    }


def run(trials: int, workdir: Path | str, *, concurrent_writes: int | None = None) -> dict[str, int]:
    """Both drills: ``trials`` kills, then two writers making ``concurrent_writes`` writes each
    (default: 5 per trial, at least 20)."""
    workdir = Path(workdir)
    counts = run_kills(trials, workdir)
    counts.update(run_concurrent(concurrent_writes or max(20, 5 * trials), workdir))
    return counts
