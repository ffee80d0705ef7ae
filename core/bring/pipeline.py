"""Bringing a source in: what it would do (``preview``, writing nothing) and doing it (``bring_in``).

Files are read one at a time (``worker``) outside any transaction and written in batches, each batch
one transaction with the ledger rows of its files, so a kill loses at most the batch in flight. The
run is recorded in ``bring_jobs`` until it finishes: a run that was cancelled, quit or killed is
offered again at the next start (``pending_jobs``), and running it again skips, by the ledger, what is
already in. A file whose bytes did not change since it was brought in is not read again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from reverie.core.bring.doc import Attachment, Doc, Skipped
from reverie.core.bring.plan import ATTACHMENT_SUFFIXES, FILE_READERS, Source, Unit, plan
from reverie.core.bring.worker import BoundedReader
from reverie.core.bring.write import (
    BringReport,
    Target,
    entry_target,
    file_sha,
    file_target,
    write_doc,
)
from reverie.core.errors import TransferCancelledError
from reverie.core.sources import clip
from reverie.core.sqltypes import Connection
from reverie.core.transfer.markdown_import import _mark_own, cancelled, is_own
from reverie.core.vault import Vault

__all__ = [
    "BringPreview",
    "BringReport",
    "PendingJob",
    "Source",
    "Unit",
    "bring_in",
    "bring_in_paths",
    "forget_job",
    "pending_jobs",
    "plan",
    "preview",
]

Progress = Callable[[str, int, int], None]
BATCH_FILES = 64  # files (or export entries) per transaction
READING = "reading files"
CHANGED_FILE = "the file changed since it was brought in"
CHANGED_ENTRY = "it changed since it was brought in"
READ_AGAIN = "Reverie now reads more of it"
MARK_OWN = "it will be marked as your own writing"
_MD_EMBED = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
Ledger = dict[tuple[str, str], tuple[str, str]]


@dataclass(frozen=True)
class BringPreview:
    """What bringing ``source`` in would do: keys (file paths, or export entries) that would become
    new notes, update notes (with why), stay as they are, or be left out (with why)."""

    source: Source
    new: tuple[str, ...]
    changed: tuple[tuple[str, str], ...]
    unchanged: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]
    mine: bool

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "skipped": len(self.skipped),
        }

    @property
    def changes_anything(self) -> bool:
        return bool(self.new or self.changed)


@dataclass(frozen=True)
class PendingJob:
    """A bring-in that has not finished: what was chosen, whether it is the user's own writing, and how far it got."""

    path: str
    mine: bool
    done: int
    total: int
    started_at: float


def _ledger(conn: Connection, source: Source) -> Ledger:
    """The ledger rows of the source's readers under its root (files) or its export (entries):
    (reader, path) -> (value, note id). Each is a range of the ledger's primary key, not a scan."""
    root = str(source.root).rstrip("/\\")
    ranges = [(root + "/", root + "0"), (source.path + "#", source.path + "$")]  # "0" and "$" follow "/" and "#"
    out: Ledger = {}
    for reader in sorted({u.reader for u in source.units}):
        for low, high in ranges:
            rows = conn.execute(
                "SELECT path, sha256, record_id FROM import_files WHERE source = ? AND path >= ? AND path < ? "
                "AND record_kind = 'note'",
                (reader, low, high),
            ).fetchall()
            out.update({(reader, r[0]): (r[1], r[2]) for r in rows})
    return out


def _display(unit: Unit, doc: Doc | Skipped) -> str:
    if _is_file_unit(unit) and not isinstance(doc, Skipped) and doc.key == unit.rel:
        return unit.rel
    if isinstance(doc, Skipped):  # an entry of an export: its key says where in the export it is
        return f"{unit.rel} › {clip(doc.key, 120)}"
    # An export's note is shown by its place in the export (a notebook, a Notion page's folder) and title.
    return " › ".join(part for part in (doc.folder.replace("/", " › "), clip(doc.title or doc.key, 120)) if part)


def _flavour(source: Source) -> str:
    return "obsidian" if source.kind == "obsidian" else "markdown"


def _is_file_unit(unit: Unit) -> bool:
    return unit.reader in FILE_READERS


def _extra(source: Source, unit: Unit, doc: Doc) -> dict[str, Any]:
    """The note meta a doc gets from where it came from."""
    if _is_file_unit(unit):
        flavour = {"markdown": _flavour(source), "text": "text"}.get(unit.reader, unit.reader)
        extra: dict[str, Any] = {"source": flavour, "path": unit.rel}
    else:
        extra = {"source": unit.reader, "export": unit.abspath, "entry": doc.key}
    extra["bring"] = {"kind": source.kind, "label": source.label}
    return extra


def _embedded(source: Source, doc: Doc) -> list[Attachment]:
    """Files a Markdown note embeds or links to (``![[photo.png]]``, ``![](scans/a.pdf)``) found in the folder."""
    if not source.attachments or doc.kind != "markdown":
        return []
    by_rel = dict(source.attachments)
    by_name: dict[str, str] = {}
    for rel, abspath in source.attachments:
        by_name.setdefault(PurePosixPath(rel).name.casefold(), abspath)
    here = PurePosixPath(doc.key).parent
    out: list[Attachment] = []
    targets = [*doc.links, *_MD_EMBED.findall(doc.body)]
    for target in dict.fromkeys(t.split("|")[0].split("#")[0].strip() for t in targets):
        if PurePosixPath(target).suffix.lower() not in ATTACHMENT_SUFFIXES:
            continue
        rel = (here / target).as_posix()
        found = by_rel.get(rel) or by_rel.get(target) or by_name.get(PurePosixPath(target).name.casefold())
        if found:
            out.append(Attachment(name=target, path=found))
    return out


def preview(
    vault: Vault, source: Source, progress: Progress | None = None, cancel: Any = None, *, mine: bool = False
) -> BringPreview:
    """Say what ``bring_in(vault, source, mine=mine)`` would do, writing nothing."""
    new: list[str] = []
    changed: list[tuple[str, str]] = []
    unchanged: list[str] = []
    skipped: list[tuple[str, str]] = [(key, _would(why)) for key, why in source.skipped]
    with vault.read() as conn, BoundedReader() as reading:
        ledger = _ledger(conn, source)
        total = len(source.units)
        for i, unit in enumerate(source.units):
            if cancelled(cancel):
                raise TransferCancelledError("The preview was cancelled; the vault was not changed.")
            if progress:
                progress(READING, i, total)
            targets: list[tuple[str, Target, Doc | None]] = []
            if _is_file_unit(unit):
                try:
                    target = file_target(unit.reader, unit.abspath, file_sha(unit.abspath), ledger)
                except OSError as exc:
                    skipped.append((unit.rel, f"{clip(unit.rel, 120)} could not be read ({exc.strerror or exc})."))
                    continue
                seen = ledger.get((target.source, target.path))
                if seen and seen[0] == target.value:
                    if mine and not is_own(conn, target.note_id):
                        changed.append((unit.rel, MARK_OWN))
                    else:
                        unchanged.append(unit.rel)
                    continue
            result = reading.read(unit, _flavour(source))
            if isinstance(result, str):
                skipped.append((unit.rel, _would(result)))
                continue
            for doc in result:
                if isinstance(doc, Skipped):
                    skipped.append((_display(unit, doc), _would(doc.reason)))
                    continue
                t = target if _is_file_unit(unit) else entry_target(unit.reader, unit.abspath, doc, ledger)
                targets.append((_display(unit, doc), t, doc))
            for shown, t, _doc in targets:
                seen = ledger.get((t.source, t.path))
                if seen and seen[0] == t.value:
                    if mine and not is_own(conn, t.note_id):
                        changed.append((shown, MARK_OWN))
                    else:
                        unchanged.append(shown)
                elif conn.execute("SELECT 1 FROM notes WHERE id = ?", (t.note_id,)).fetchone() is None:
                    new.append(shown)
                elif seen and seen[0].split("+")[0] == t.value.split("+")[0]:
                    changed.append((shown, READ_AGAIN))
                else:
                    changed.append((shown, CHANGED_FILE if _is_file_unit(unit) else CHANGED_ENTRY))
        if progress:
            progress(READING, total, total)
    return BringPreview(source, tuple(new), tuple(changed), tuple(unchanged), tuple(skipped), mine)


def _would(problem: str) -> str:
    """A reader's sentence about what it left out, said of a bring-in that has not happened yet."""
    return re.sub(r"\bit was left out\.", "it would be left out.", problem)


class _Run:
    """One bring-in: parsed docs waiting to be written, flushed a batch at a time."""

    def __init__(self, vault: Vault, source: Source, mine: bool, report: BringReport, reading: BoundedReader) -> None:
        self.vault, self.source, self.mine, self.report = vault, source, mine, report
        self.cancel: Any = None
        self.reading = reading
        self.pending: list[tuple[Doc, Target, dict[str, Any]]] = []
        self.own_marks: list[str] = []
        self.units_done = 0
        self.linked: dict[str, list[str]] = {}  # note id -> link targets
        self.titles: dict[str, str] = {}  # casefolded title / file stem -> note id

    def add(self, doc: Doc, target: Target, extra: dict[str, Any]) -> None:
        self.pending.append((doc, target, extra))

    def flush(self) -> None:
        now = self.vault.now()
        with self.vault.tx() as conn:
            for note_id in self.own_marks:
                if _mark_own(conn, now, note_id):
                    self.report.updated += 1
                    self.report.unchanged -= 1
            for doc, target, extra in self.pending:
                if write_doc(conn, now, doc, target, mine=self.mine, extra=extra, report=self.report):
                    self.titles[doc.title.casefold()] = target.note_id
                    self.titles.setdefault(PurePosixPath(doc.key).stem.casefold(), target.note_id)
                    if doc.links:
                        self.linked[target.note_id] = doc.links
            conn.execute(
                "UPDATE bring_jobs SET done = ?, updated_at = ? WHERE path = ?",
                (self.units_done, now, self.source.path),
            )
        self.pending.clear()
        self.own_marks.clear()

    def resolve_links(self) -> None:
        if not self.linked:
            return
        with self.vault.tx() as conn:
            for note_id, links in self.linked.items():
                row = conn.execute("SELECT meta FROM notes WHERE id = ?", (note_id,)).fetchone()
                if row is None:
                    continue
                meta = json.loads(row[0] or "{}")
                meta["link_ids"] = {t: self.titles[t.casefold()] for t in links if t.casefold() in self.titles}
                conn.execute("UPDATE notes SET meta = ? WHERE id = ?", (json.dumps(meta, ensure_ascii=False), note_id))


def bring_in(
    vault: Vault, source: Source, progress: Progress | None = None, cancel: Any = None, *, mine: bool = False
) -> BringReport:
    """Bring everything in ``source`` in as notes. Stops after the batch in flight when ``cancel`` is
    set (``report.stopped``); what was saved stays, and running it again continues."""
    report = BringReport()
    report.skipped.extend(source.skipped)
    now = vault.now()
    with vault.tx() as conn:
        ledger = _ledger(conn, source)
        conn.execute(
            "INSERT INTO bring_jobs(path, mine, started_at, updated_at, done, total) VALUES (?,?,?,?,0,?) "
            "ON CONFLICT(path) DO UPDATE SET mine = max(mine, excluded.mine), updated_at = excluded.updated_at, "
            "total = excluded.total",
            (source.path, int(mine), now, now, len(source.units)),
        )
    with BoundedReader() as reading:
        run = _Run(vault, source, mine, report, reading)
        run.cancel = cancel
        total = len(source.units)
        for i, unit in enumerate(source.units):
            if cancelled(cancel):
                report.stopped = True
                break
            if progress:
                progress(READING, i, total)
            try:
                _take(run, unit, ledger)
            except TransferCancelledError:  # stopped while a slow file was being read: it comes in next time
                report.stopped = True
                break
            run.units_done = i + 1
            report.files += 1
            if len(run.pending) + len(run.own_marks) >= BATCH_FILES or (i + 1) % BATCH_FILES == 0:
                run.flush()
    run.flush()
    run.resolve_links()
    if not report.stopped:
        with vault.tx() as conn:
            conn.execute("DELETE FROM bring_jobs WHERE path = ?", (source.path,))
    if progress:
        progress(READING, run.units_done, total)
    # A sentence that names no file (a missing library: "Reading PDF files needs pypdf: …") is said once.
    report.problems[:] = list(dict.fromkeys([*report.problems, *(reason for _, reason in report.skipped)]))
    return report


def _take(run: _Run, unit: Unit, ledger: Ledger) -> None:
    """Read one unit and queue what changed; writes a batch when the queue is full."""
    report = run.report
    target: Target | None = None
    if _is_file_unit(unit):
        try:
            target = file_target(unit.reader, unit.abspath, file_sha(unit.abspath), ledger)
        except OSError as exc:
            report.skipped.append(
                (unit.rel, f"{clip(unit.rel, 120)} could not be read ({exc.strerror or exc}); it was left out.")
            )
            return
        seen = ledger.get((target.source, target.path))
        if seen and seen[0] == target.value:
            report.unchanged += 1
            if run.mine:
                run.own_marks.append(target.note_id)
            return
    for doc in run.reading.stream(unit, _flavour(run.source), run.cancel):
        if isinstance(doc, str):
            report.skipped.append((unit.rel, doc))
            continue
        if isinstance(doc, Skipped):
            report.skipped.append((_display(unit, doc), doc.reason))
            continue
        t = target if target is not None else entry_target(unit.reader, unit.abspath, doc, ledger)
        seen = ledger.get((t.source, t.path))
        if seen and seen[0] == t.value:
            report.unchanged += 1
            if run.mine:
                run.own_marks.append(t.note_id)
            continue
        doc.attachments.extend(_embedded(run.source, doc))
        extra = _extra(run.source, unit, doc)
        extra["fallback_time"] = unit.mtime if _is_file_unit(unit) else run.vault.now()
        run.add(doc, t, extra)
        if len(run.pending) >= BATCH_FILES:
            run.flush()


def bring_in_paths(vault: Vault, root: str | Path, paths: Iterable[str | Path], *, mine: bool = False) -> BringReport:
    """Bring in (or update) only these files under ``root`` (a watched folder's changes)."""
    base = plan(root)
    wanted = {str(Path(p).resolve()) for p in paths}
    units = tuple(u for u in base.units if u.abspath in wanted or str(Path(u.abspath).resolve()) in wanted)
    source = Source(
        base.root, base.kind, base.label, units, (), path=f"{base.path}#changes", attachments=base.attachments
    )
    return bring_in(vault, source, mine=mine)


def pending_jobs(vault: Vault) -> list[PendingJob]:
    """Bring-ins that stopped before the end (cancelled, quit, killed), oldest first."""
    with vault.read() as conn:
        rows = conn.execute("SELECT path, mine, done, total, started_at FROM bring_jobs ORDER BY started_at").fetchall()
    return [
        PendingJob(r[0], bool(r[1]), int(r[2]), int(r[3]), float(r[4])) for r in rows if not r[0].endswith("#changes")
    ]


def forget_job(vault: Vault, path: str) -> None:
    """The user chose not to continue this bring-in (what was saved stays)."""
    with vault.tx() as conn:
        conn.execute("DELETE FROM bring_jobs WHERE path = ?", (path,))
