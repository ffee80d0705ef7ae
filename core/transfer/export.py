"""Export the whole vault to a ``.reverie`` file, streaming table by table.

The file is written in a private work folder inside the vault folder (``scratch.Job``, never in
the destination folder) and moved into place only when complete, so a failed, cancelled or killed
export never leaves half a file; what a killed export left is swept at the next start
(``sweep_stale_temps``). With a passphrase the zip is built in memory and sealed in an age
envelope, so no plaintext copy touches the disk. Exported files are 0600.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reverie import __version__
from reverie.core.clock import clamp, in_range
from reverie.core.errors import TransferCancelledError, TransferError
from reverie.core.sqltypes import Connection
from reverie.core.transfer.archive import ArchiveWriter, age_encrypt
from reverie.core.transfer.format import SIGNING_KEY, TABLES, TIME_FIELDS, attachment_member
from reverie.core.transfer.manifest import Manifest
from reverie.core.transfer.scratch import Job, sweep_stale_temps
from reverie.core.transfer.sqlrows import reader
from reverie.core.vault import Vault

__all__ = ["ExportSummary", "export_vault", "signing_key", "stored_signing_key", "sweep_stale_temps"]

Progress = Callable[[str, int, int], None]

_JSON_COLS = {"meta", "tags", "before", "after"}
QUERIES = {
    "conversations": "SELECT id, title, created_at, updated_at, origin, meta FROM conversations ORDER BY id",
    "messages": "SELECT id, conversation_id, seq, role, speaker, content, status, created_at, happened_at, "
    "origin, meta FROM messages ORDER BY conversation_id, seq, id",
    "notes": "SELECT id, title, body, tags, created_at, updated_at, happened_at, origin, meta FROM notes ORDER BY id",
    "memories": "SELECT m.uid, m.kind, m.source_kind, m.source_id, m.span_start, m.span_end, m.seq, m.text, "
    "m.context, m.speaker, m.recorded_at, m.happened_at, m.valid_from, m.valid_to, m.content_hash, "
    "m.trust, m.importance, m.strength, m.last_recalled_at, m.recall_count, m.pinned, m.archived, "
    "m.archived_at, s.uid AS superseded_by, m.meta FROM memories m "
    "LEFT JOIN memories s ON s.id = m.superseded_by ORDER BY m.uid",
    "citations": "SELECT message_id, n, memory_uid FROM citations ORDER BY message_id, n",
    "history": "SELECT at, entity, entity_id, action, actor, before, after, note FROM history ORDER BY at, id",
    "vectors": "SELECT m.uid AS memory_uid, v.model_id, v.dim, v.vec FROM vectors v "
    "JOIN memories m ON m.id = v.memory_id ORDER BY m.uid",
    "reminders": "SELECT uid, text, due_at, next_at, created_at, updated_at, source_kind, source_id, state, "
    "snoozed, fired_at, done_at, origin, meta FROM reminders ORDER BY uid",
    "attachments": "SELECT id, note_id, name, mime, size, sha256, created_at, meta FROM attachments ORDER BY id",
}


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    counts: dict[str, int]
    encrypted: bool
    size_bytes: int
    embedder_id: str | None


def _json_value(text: Any) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


def table_rows(conn: Connection, table: str) -> Iterator[dict[str, Any]]:
    """The records of one table as the vault file holds them (dicts of JSON values)."""
    for rec in reader(conn).query(QUERIES[table]):
        for col in _JSON_COLS.intersection(rec):
            rec[col] = _json_value(rec[col])
        for col in TIME_FIELDS.intersection(rec):
            # a time an older Reverie let in outside 1900-2200 is written clamped, so the file imports
            if rec[col] is not None and not in_range(rec[col]):
                rec[col] = clamp(rec[col])
        if "vec" in rec:
            rec["vec"] = base64.b64encode(bytes(rec["vec"])).decode("ascii")
        yield rec


def _lines(
    rows: Iterator[dict[str, Any]], table: str, total: int, progress: Progress | None, cancel: Any
) -> Iterator[bytes]:
    for i, rec in enumerate(rows, 1):
        yield (json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        if i % 2000 == 0:
            if cancel is not None and _is_set(cancel):
                raise TransferCancelledError("The export was cancelled; no file was written.")
            if progress:
                progress(table, i, total)
    if progress:
        progress(table, total, total)


def _write_attachments(
    conn: Connection, writer: ArchiveWriter, total: int, progress: Progress | None, cancel: Any
) -> None:
    """Each attachment's bytes as its own member, ``attachments/<id>`` (one at a time in memory)."""
    for i, (aid, data) in enumerate(conn.execute("SELECT id, data FROM attachments ORDER BY id"), 1):
        if cancel is not None and _is_set(cancel):
            raise TransferCancelledError("The export was cancelled; no file was written.")
        writer.write_bytes(attachment_member(aid), bytes(data))
        if progress:
            progress("attachment files", i, total)


def _is_set(cancel: Any) -> bool:
    return bool(cancel.is_set() if hasattr(cancel, "is_set") else cancel())


def _embedder(conn: Any) -> tuple[str | None, int | None]:
    row = conn.execute(
        "SELECT model_id, dim FROM vectors GROUP BY model_id, dim ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    return (row[0], int(row[1])) if row else (None, None)


def export_vault(
    vault: Vault,
    path: str | Path,
    *,
    passphrase: str | None = None,
    include_vectors: bool = True,
    progress: Progress | None = None,
    cancel: Any = None,
) -> ExportSummary:
    """Write everything in the vault to ``path`` (a ``.reverie`` file); see docs/vault-format.md."""
    path = Path(path)
    if passphrase is not None and len(passphrase) < 8:
        raise TransferError("The export passphrase is too short; use at least 8 characters. No file was written.")
    folder = path.parent
    if not folder.is_dir():
        raise TransferError(f"The folder {folder} does not exist; no file was written.")
    if path.is_dir():
        raise TransferError(f"{path} is a folder; choose a file name for the export. No file was written.")
    tables = [t for t in TABLES if include_vectors or t != "vectors"]
    sweep_stale_temps(vault.paths.folder)
    try:
        with Job(vault.paths.folder) as job:
            tmp, out = job.new_file("export.reverie")
            with out:
                # With a passphrase the zip is built in memory: only ciphertext reaches the disk.
                target: Any = io.BytesIO() if passphrase else out
                secret = signing_key(vault)  # a write: before the zip is open, so a busy vault leaves no open zip
                writer = ArchiveWriter(target)
                with vault.read() as conn:
                    conn.execute("BEGIN")  # one snapshot for every table
                    try:
                        emb_id, emb_dim = _embedder(conn)
                        totals = {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables}
                        for table in tables:
                            writer.write_member(
                                table, _lines(table_rows(conn, table), table, totals[table], progress, cancel)
                            )
                        _write_attachments(conn, writer, totals.get("attachments", 0), progress, cancel)
                    except BaseException:
                        writer.abort()
                        raise
                    finally:
                        conn.execute("COMMIT")
                manifest = Manifest(
                    __version__,
                    vault.now(),
                    emb_id if include_vectors else None,
                    emb_dim if include_vectors else None,
                    vault_id=vault.header.vault_id,
                    version=2 if totals.get("attachments") else 1,  # older readers read a file without them
                )
                writer.finish(manifest, secret)
                if passphrase:
                    out.write(age_encrypt(target.getvalue(), passphrase))
                    target = None
                out.flush()
                os.fsync(out.fileno())
            job.place(tmp, path)
    except OSError as exc:
        raise TransferError(f"Reverie could not write {path}: {exc.strerror or exc}; no file was written.") from None
    return ExportSummary(path, dict(writer.counts), bool(passphrase), path.stat().st_size, manifest.embedder_id)


def signing_key(vault: Vault) -> bytes:
    """This vault's secret for signing its exports (made on first use, kept in the vault's settings,
    never exported): an import keeps the recorded trust only of a file this vault signed."""
    with vault.tx() as conn:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (SIGNING_KEY,)).fetchone()
        if row is not None:
            with contextlib.suppress(TypeError, ValueError):
                return bytes.fromhex(json.loads(row[0]))
        key = secrets.token_bytes(32)
        conn.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (SIGNING_KEY, json.dumps(key.hex())),
        )
        return key


def stored_signing_key(conn: Connection) -> bytes | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (SIGNING_KEY,)).fetchone()
    if row is None:
        return None
    try:
        return bytes.fromhex(json.loads(row[0]))
    except (TypeError, ValueError):
        return None
