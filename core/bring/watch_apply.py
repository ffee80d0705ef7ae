"""Carry a watched folder's changes (``watch.ScanPlan``) into the vault; never into the folder.

* new and changed files are read by the bring-in pipeline (``pipeline.bring_in_paths``), in parts;
* a renamed or moved file keeps its note (id, history, memories): the ledger row and the note's
  origin and path follow the file, and the note's history says "moved from a.md to b.md" (a title
  that was the file's name follows the new name);
* a deleted file's note stays; its memories are archived (never deleted) and the note is marked
  missing (``notes.meta["missing"]``) so the window can say the file is gone. When the file comes
  back (or turns up elsewhere in the folder) those memories are restored.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from reverie.core import history, ingest
from reverie.core.bring.doc import MAX_DOCUMENT_BYTES
from reverie.core.bring.plan import LABELS, Source, Unit
from reverie.core.bring.watch import (
    ACTOR,
    MISSING_KEY,
    Known,
    ScanPlan,
    cached_stats,
    get_folder,
    meta_dict,
    normalise,
    scan_paths,
)
from reverie.core.bring.watch_files import list_attachments, reader_for, too_big
from reverie.core.consolidation.planner import OWN_NOTE_KEY
from reverie.core.errors import TransferError
from reverie.core.sqltypes import Connection
from reverie.core.transfer.bringin import BringInSummary
from reverie.core.vault import Vault

Progress = Callable[[int, int], None]


class BringPaths(Protocol):
    def __call__(self, vault: Vault, root: Path, paths: list[str], *, mine: bool = False) -> BringInSummary: ...


@dataclass
class WatchReport:
    """What a look at a watched folder changed in the vault."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    moved: int = 0
    archived: int = 0  # notes whose file is gone (their memories archived)
    restored: int = 0  # notes whose file came back
    files: int = 0  # files read
    stopped: bool = False  # cancelled between parts: the rest comes in at the next look
    problems: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.moved or self.archived or self.restored)

    def sentence(self) -> str:
        parts = [
            f"{n:,} {what}"
            for n, what in (
                (self.added, "new"),
                (self.updated, "changed"),
                (self.moved, "moved"),
                (self.archived, "gone (memories archived)"),
                (self.restored, "back"),
            )
            if n
        ]
        return ", ".join(parts) if parts else "up to date"


class PipelineBring:
    """Reads a watched folder's files with the bring-in pipeline: the files named, as one source
    (notes' embedded images and PDFs found among the folder's files, listed once per look)."""

    def __init__(self) -> None:
        self._attachments: dict[str, tuple[tuple[str, str], ...]] = {}

    def __call__(self, vault: Vault, root: Path, paths: list[str], *, mine: bool = False) -> BringInSummary:
        from reverie.core.bring.pipeline import bring_in

        base = str(root)
        units: list[Unit] = []
        skipped: list[tuple[str, str]] = []
        for path in paths:
            rel = os.path.relpath(path, base).replace(os.sep, "/")
            try:
                st = os.stat(path)
            except OSError:
                continue  # gone meanwhile: the next look sees it missing
            if st.st_size > MAX_DOCUMENT_BYTES:
                skipped.append((rel, too_big(rel, st.st_size)))
                continue
            units.append(Unit(path, rel, reader_for(rel), st.st_size, st.st_mtime))
        if base not in self._attachments:
            self._attachments[base] = list_attachments(base)
        kind = "obsidian" if (root / ".obsidian").is_dir() else "folder"
        source = Source(
            root,
            kind,
            LABELS[kind],
            tuple(units),
            tuple(skipped),
            path=f"{base}#changes",
            attachments=self._attachments[base],
        )
        return bring_in(vault, source, mine=mine)


def cancelled(cancel: Any) -> bool:
    return cancel is not None and bool(cancel.is_set() if hasattr(cancel, "is_set") else cancel())


def apply(
    vault: Vault,
    root: str | Path,
    plan: ScanPlan,
    *,
    bring: BringPaths | None = None,
    progress: Progress | None = None,
    cancel: Any = None,
    batch: int = 100,
) -> WatchReport:
    """Carry ``plan`` into the vault: moves, returns and missing files in one transaction, then the
    files to read in parts of ``batch`` (each part is the pipeline's own transactions). Records the
    look (sizes and times of the files, its time) in the folder's row."""
    base = normalise(root)
    folder = get_folder(vault, base)
    report = WatchReport(unchanged=plan.unchanged)
    if plan.problem:
        _remember(vault, base, plan, set(), problem=plan.problem)
        report.problems.append(plan.problem)
        return report
    now = vault.now()
    if plan.moved or plan.missing or plan.returned:
        with vault.tx() as conn:
            for old, new in plan.moved:
                report.moved += _move(conn, now, base, plan.known[old], old, new)
            for rel in plan.returned:
                report.restored += _restore(conn, now, plan.known[rel].record_id, rel)
            for rel in plan.missing:
                report.archived += _archive(conn, now, base, plan.known[rel], rel)
    reads = list(plan.new) + list(plan.changed)
    read: set[str] = set()
    fn = bring or PipelineBring()
    for i in range(0, len(reads), max(1, batch)):
        if cancelled(cancel):
            report.stopped = True
            break
        chunk = reads[i : i + batch]
        try:
            summary = fn(vault, Path(base), [os.path.join(base, r) for r in chunk], mine=folder.mine)
        except TransferError as exc:  # nothing in this part could be read (too big, gone meanwhile)
            summary = BringInSummary(problems=[str(exc)])
        report.added += summary.added
        report.updated += summary.updated
        report.unchanged += summary.unchanged
        report.problems.extend(summary.problems)
        report.files += len(chunk)
        read.update(chunk)
        if progress is not None:
            progress(report.files, len(reads))
    _remember(vault, base, plan, set(reads) - read)
    return report


def apply_events(
    vault: Vault, root: str | Path, paths: Iterable[str], *, bring: BringPaths | None = None, batch: int = 100
) -> WatchReport:
    """Carry a batch of file events into the vault: ``paths`` are every path the events named
    (absolute; both ends of a move; a folder stands for what it holds). Paths outside ``root`` are
    left alone."""
    base = normalise(root)
    rels = []
    for p in paths:
        full = os.path.abspath(p)
        if full.startswith(base.rstrip("/") + "/"):
            rels.append(full[len(base.rstrip("/")) + 1 :].replace(os.sep, "/"))
    if not rels:
        return WatchReport()
    return apply(vault, base, scan_paths(vault, base, rels), bring=bring, batch=batch)


def _remember(vault: Vault, root: str, plan: ScanPlan, unread: set[str], *, problem: str = "") -> None:
    """Keep the sizes and times of the files looked at (not those left unread by a cancel), forget the
    vanished ones, and the time of the look (or the problem that stopped it)."""
    with vault.tx() as conn:
        row = conn.execute("SELECT meta FROM watched_folders WHERE path = ?", (root,)).fetchone()
        if row is None:
            return  # removed meanwhile
        meta = meta_dict(row[0])
        if problem:
            meta["problem"] = problem
            conn.execute("UPDATE watched_folders SET meta = ? WHERE path = ?", (json.dumps(meta), root))
            return
        stats = cached_stats(conn, root)
        for rel in plan.gone:
            stats.pop(rel, None)
        for rel, st in plan.stats.items():
            if rel not in unread:
                stats[rel] = st
        meta["stats"] = {rel: [st.size, st.mtime_ns] for rel, st in sorted(stats.items())}
        meta.pop("problem", None)
        conn.execute(
            "UPDATE watched_folders SET meta = ?, last_scan_at = ? WHERE path = ?",
            (json.dumps(meta, ensure_ascii=False), vault.now(), root),
        )


def _note(conn: Connection, note_id: str) -> tuple[str, str, float, dict[str, Any]] | None:
    row = conn.execute("SELECT title, body, happened_at, meta FROM notes WHERE id = ?", (note_id,)).fetchone()
    return None if row is None else (row[0], row[1], row[2], meta_dict(row[3]))


def _save_meta(conn: Connection, note_id: str, meta: dict[str, Any]) -> None:
    conn.execute("UPDATE notes SET meta = ? WHERE id = ?", (json.dumps(meta, ensure_ascii=False), note_id))


def _move(conn: Connection, now: float, root: str, k: Known, old: str, new: str) -> int:
    new_abs = os.path.join(root, new)
    source = reader_for(new) or k.source
    conn.execute("DELETE FROM import_files WHERE source = ? AND path = ?", (source, new_abs))
    conn.execute(
        "UPDATE import_files SET source = ?, path = ? WHERE source = ? AND path = ?",
        (source, new_abs, k.source, k.path),
    )
    note = _note(conn, k.record_id)
    if note is None:
        return 0
    title, body, happened, meta = note
    meta["path"] = new
    meta["folder"] = new.rpartition("/")[0]
    if "source_file" in meta:
        meta["source_file"] = new_abs
    missing = meta.pop(MISSING_KEY, None)
    retitle = title == Path(old).stem and Path(new).stem != title
    if retitle:
        title = Path(new).stem
    conn.execute(
        "UPDATE notes SET title = ?, origin = ?, meta = ? WHERE id = ?",
        (title, f"file:{new_abs}", json.dumps(meta, ensure_ascii=False), k.record_id),
    )
    history.log(
        conn,
        now,
        "note",
        k.record_id,
        "move",
        actor=ACTOR,
        before={"file": k.path},
        after={"file": new_abs},
        note=f"moved from {old} to {new}",
    )
    if isinstance(missing, dict):
        _unarchive(conn, now, missing, new)
    if retitle:
        ingest.index_note(
            conn,
            now,
            k.record_id,
            title,
            body,
            happened,
            trust="user" if meta.get(OWN_NOTE_KEY) is True else "imported",
            actor=ACTOR,
            properties=meta.get("properties"),
        )
    return 1


def _archive(conn: Connection, now: float, root: str, k: Known, rel: str) -> int:
    note = _note(conn, k.record_id)
    if note is None:  # the note was deleted in Reverie: nothing to keep
        conn.execute("DELETE FROM import_files WHERE source = ? AND path = ?", (k.source, k.path))
        return 0
    meta = note[3]
    why = f"the file {rel} is gone from {root}"
    rows = conn.execute(
        "SELECT id, uid FROM memories WHERE source_kind = 'note' AND source_id = ? AND archived = 0", (k.record_id,)
    ).fetchall()
    for mid, uid in rows:
        conn.execute("UPDATE memories SET archived = 1, archived_at = ? WHERE id = ?", (now, mid))
        history.log(
            conn,
            now,
            "memory",
            uid,
            "archive",
            actor=ACTOR,
            note=why,
            before={"archived": False},
            after={"archived": True, "archived_at": now},
        )
    meta[MISSING_KEY] = {"at": now, "file": k.path, "archived": [uid for _, uid in rows]}
    _save_meta(conn, k.record_id, meta)
    history.log(
        conn, now, "note", k.record_id, "archive", actor=ACTOR, note=f"{why}; its memories were archived", after=None
    )
    return 1


def _restore(conn: Connection, now: float, note_id: str, rel: str) -> int:
    note = _note(conn, note_id)
    if note is None:
        return 0
    meta = note[3]
    missing = meta.pop(MISSING_KEY, None)
    if not isinstance(missing, dict):
        return 0
    _save_meta(conn, note_id, meta)
    _unarchive(conn, now, missing, rel)
    history.log(conn, now, "note", note_id, "restore", actor=ACTOR, note=f"the file {rel} is back; its memories too")
    return 1


def _unarchive(conn: Connection, now: float, missing: dict[str, Any], rel: str) -> None:
    uids = [u for u in missing.get("archived") or [] if isinstance(u, str)]
    for uid in uids:
        row = conn.execute("SELECT id, archived_at FROM memories WHERE uid = ? AND archived = 1", (uid,)).fetchone()
        if row is None:
            continue  # deleted, or restored by hand meanwhile
        conn.execute(
            "UPDATE memories SET archived = 0, archived_at = NULL, last_recalled_at = ? WHERE id = ?", (now, row[0])
        )
        history.log(
            conn,
            now,
            "memory",
            uid,
            "restore",
            actor=ACTOR,
            note=f"the file {rel} is back",
            before={"archived": True, "archived_at": row[1]},
            after={"archived": False},
        )
