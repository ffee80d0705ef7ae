"""Helpers for the transfer tests: a vault with one of everything, a full dump, file surgery."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from reverie.core import conversations, ingest, notes, recall
from reverie.core.transfer.format import MANIFEST

FAKE_MODEL = "fake-embedder-v1"
DIM = 8


def populate(vault: Any, clock: Any, sentinel: str = "Lisbon") -> None:
    """Notes, a conversation, a cited answer, a fact with a validity interval that supersedes another,
    pinned, archived and recalled memories, vectors and history."""
    notes.create_note(
        vault,
        f"# Trip\n\nWe went to {sentinel} in May.\n\n## Food\n\nPasteis de nata, every day. 🍮 中文 too.",
        tags=["travel", "food"],
    )
    notes.create_note(vault, "Anna's birthday is March 3.", "Anna", ["people"])
    conv = conversations.create_conversation(vault, "First chat")
    q = conversations.add_message(vault, conv.id, "user", "When is Anna's birthday?")
    clock.advance(60)
    # a reply the user kept ("Remember this"): Reverie's other replies are not memories
    a = conversations.add_message(vault, conv.id, "assistant", "It is on March 3 [1].", meta={"remembered": True})
    conversations.add_message(vault, conv.id, "system", "system line, not indexed")
    now = clock.advance(3600)
    with vault.tx() as conn:
        old = ingest.insert_memory(
            conn,
            now,
            kind="fact",
            source_kind="consolidation",
            source_id=None,
            text="Anna's birthday is in spring.",
            valid_from=now - 9000,
        )
        new = ingest.insert_memory(
            conn,
            now,
            kind="fact",
            source_kind="consolidation",
            source_id=None,
            text="Anna's birthday is March 3.",
            importance=0.9,
        )
        conn.execute("UPDATE memories SET valid_to = ?, superseded_by = ? WHERE id = ?", (now, new, old))
        uid = conn.execute("SELECT uid FROM memories WHERE id = ?", (new,)).fetchone()[0]
        conn.execute("INSERT INTO citations(message_id, n, memory_uid) VALUES (?, 1, ?)", (a.id, uid))
        ids = [r[0] for r in conn.execute("SELECT id FROM memories ORDER BY id")]
        conn.execute("UPDATE memories SET pinned = 1 WHERE id = ?", (ids[0],))
        conn.execute("UPDATE memories SET archived = 1, archived_at = ? WHERE id = ?", (now, ids[1]))
        rng = np.random.default_rng(7)
        for mid in ids[:-1]:  # the last one is left for the embedding worker
            vec = rng.standard_normal(DIM).astype(np.float16).tobytes()
            conn.execute(
                "INSERT INTO vectors(memory_id, model_id, dim, vec) VALUES (?, ?, ?, ?)", (mid, FAKE_MODEL, DIM, vec)
            )
    recall.reinforce(vault, [ids[2], ids[3]], clock.advance(86400), reason="cited")
    assert q.id


TABLES = (
    "conversations",
    "messages",
    "notes",
    "memories",
    "vectors",
    "memories_fts",
    "citations",
    "history",
    "settings",
    "job_runs",
)


def dump(vault: Any) -> dict[str, list[tuple]]:
    """Every row of every table (to check that a refused import changed nothing)."""
    with vault.read() as conn:
        return {t: sorted(map(tuple, conn.execute(f"SELECT * FROM {t}").fetchall()), key=repr) for t in TABLES}


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def rebuild(
    src: Path,
    dst: Path,
    *,
    edit: dict[str, bytes | None] | None = None,
    fix_manifest: bool = True,
    manifest_edit: Any = None,
    extra: list[tuple[str, bytes]] | None = None,
) -> Path:
    """Write a copy of a vault file with members replaced (None removes one); the manifest's checksums
    and counts are recomputed unless ``fix_manifest`` is False."""
    import hashlib

    parts = members(src)
    for name, data in (edit or {}).items():
        if data is None:
            parts.pop(name, None)
        else:
            parts[name] = data
    manifest = json.loads(parts.pop(MANIFEST))
    if fix_manifest:
        manifest["members"] = {n: {"sha256": hashlib.sha256(d).hexdigest()} for n, d in parts.items()}
        manifest["counts"] = {n[:-6]: d.count(b"\n") for n, d in parts.items()}
    if manifest_edit:
        manifest_edit(manifest)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        zf.writestr(MANIFEST, json.dumps(manifest))
        for name, data in extra or []:
            zf.writestr(name, data)
    dst.write_bytes(buf.getvalue())
    return dst


def records(path: Path, table: str) -> list[dict[str, Any]]:
    data = members(path).get(f"{table}.jsonl", b"")
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def age_decrypt(src: Path, dst: Path, passphrase: str, timeout: float = 120.0) -> int:
    """Run the standard ``age`` tool on a terminal (it reads passphrases only from one); its exit code."""
    import os
    import pty
    import select
    import time

    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execvp("age", ["age", "--decrypt", "-o", str(dst), str(src)])
    out, sent = b"", False
    deadline = time.monotonic() + timeout  # a guard against a hung child, not a timing assertion
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            if not sent and b"passphrase" in out.lower():
                os.write(fd, passphrase.encode() + b"\n")
                sent = True
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status)
