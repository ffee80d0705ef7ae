"""Import a ``.reverie`` vault file: a preview, then an all-or-nothing merge.

Trust: a record of a vault file keeps the trust it was exported with only when the file is this
vault's own export (its manifest is signed with this vault's secret, see ``export.signing_key``) or
the user says the file is theirs (``mine=True``: ``reverie import --mine``, "These are my own
notes" in the window); otherwise every memory it brings is ``imported`` and no note comes marked
as the user's own writing, so a foreign file cannot forge trust.

Both run member by member without loading the file: a first pass checks every record (fields,
duplicates, references, checksums, counts) and classifies it against the vault; the merge runs
the same checks again inside ONE write transaction and writes as it goes, so any problem rolls
everything back. Records carry stable ids, so importing the same file twice changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlite

from reverie.core import history
from reverie.core.consolidation.planner import OWN_NOTE_KEY
from reverie.core.errors import TransferCancelledError, TransferError
from reverie.core.transfer import merge as mg
from reverie.core.transfer import merge_attachments as att
from reverie.core.transfer import merge_refs as refs
from reverie.core.transfer import merge_reminders as rem
from reverie.core.transfer.archive import Archive, open_archive
from reverie.core.transfer.export import stored_signing_key
from reverie.core.transfer.format import DEFAULT_LIMITS, KEY, Limits, echo, echo_id
from reverie.core.vault import Vault

Progress = Callable[[str, int, int], None]
CHECK_EVERY = 500  # records between progress reports and cancel checks
_PARENT = {
    "messages": ("conversation_id", "conversations", "conversation"),
    "citations": ("message_id", "messages", "message"),
    "vectors": ("memory_uid", "memories", "memory"),
    "attachments": ("note_id", "notes", "note"),
}
_CLASSIFY = {
    "conversations": mg.classify_conversation,
    "messages": mg.classify_message,
    "notes": mg.classify_note,
    "citations": refs.classify_citation,
    "history": refs.classify_history,
    "reminders": rem.classify_reminder,
    "attachments": att.classify_attachment,
}
_ID_COL = {"conversations": "id", "messages": "id", "notes": "id", "memories": "uid"}


@dataclass(frozen=True)
class TableCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicting: int = 0


@dataclass(frozen=True)
class ImportPreview:
    tables: dict[str, TableCounts]
    format_version: int
    app_version: str
    created_at: float
    embedder_id: str | None
    encrypted: bool
    vectors_usable: bool  # False: the file was made with another embedder; memories will be re-embedded
    own_export: bool = False  # this vault's own export (signed by it): trust is kept as recorded

    def total(self, status: str) -> int:
        return sum(getattr(c, status) for c in self.tables.values())


@dataclass(frozen=True)
class ImportSummary:
    policy: str
    added: dict[str, int] = field(default_factory=dict)
    replaced: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    kept_mine: dict[str, int] = field(default_factory=dict)
    skipped_memories: int = 0
    vectors_skipped: int = 0
    needs_embedding: int = 0
    trust_kept: bool = False  # False: every memory came in as ``imported``

    @property
    def changed(self) -> bool:
        return any(self.added.values()) or any(self.replaced.values())


def _tick(i: int, stage: str, total: int, progress: Progress | None, cancel: Any) -> None:
    if i % CHECK_EVERY == 0:
        if cancel is not None and bool(cancel.is_set() if hasattr(cancel, "is_set") else cancel()):
            raise TransferCancelledError("The import was cancelled; the vault was not changed.")
        if progress:
            progress(stage, i, total)


def _current_model(conn: Any, embedder_id: str | None) -> str | None:
    if embedder_id:
        return embedder_id
    row = conn.execute("SELECT model_id FROM vectors GROUP BY model_id ORDER BY count(*) DESC LIMIT 1").fetchone()
    return row[0] if row else None


class _Pass:
    """One walk over the file: checks each record and classifies it (and, when applying, writes it)."""

    def __init__(
        self, conn: Any, archive: Archive, policy: str, now: float, model: str | None, keep_trust: bool
    ) -> None:
        self.conn, self.archive, self.policy, self.now, self.model = conn, archive, policy, now, model
        self.keep_trust = keep_trust
        self.st = mg.MergeState(policy=policy, trusted=keep_trust)
        self.ids: dict[str, set[Any]] = {
            t: set()
            for t in (
                "conversations",
                "messages",
                "notes",
                "memories",
                "citations",
                "vectors",
                "reminders",
                "attachments",
            )
        }
        self.data: dict[str, bytes] = {}  # the current attachment's bytes, checked
        self.counts: dict[str, Counter[str]] = {}
        self.vectors_skipped = 0

    def _in_vault(self, table: str, value: Any) -> bool:
        col = _ID_COL[table]
        return self.conn.execute(f"SELECT 1 FROM {table} WHERE {col} = ?", (value,)).fetchone() is not None

    def _known(self, table: str, value: Any) -> bool:
        return value in self.ids[table] or self._in_vault(table, value)

    def check(self, table: str, where: str, r: dict[str, Any]) -> None:
        if table in KEY:
            key = KEY[table](r)
            if key in self.ids[table]:
                raise TransferError(
                    f"{where} repeats the id {echo(key)} of an earlier record; the vault was not changed."
                )
            self.ids[table].add(key)
        if table in _PARENT:
            col, parent, what = _PARENT[table]
            if not self._known(parent, r[col]):
                raise TransferError(
                    f"{where} refers to a {what} ({echo_id(r[col])}) that is neither in the file nor in "
                    "the vault; the vault was not changed."
                )
        if table == "attachments":
            self._check_attachment(where, r)
        if table == "memories" and r["source_kind"] in ("note", "message"):
            parent = "notes" if r["source_kind"] == "note" else "messages"
            if not self._known(parent, r["source_id"]):
                raise TransferError(
                    f"{where} belongs to a {r['source_kind']} ({echo_id(r['source_id'])}) that is neither "
                    "in the file nor in the vault; the vault was not changed."
                )

    def _check_attachment(self, where: str, r: dict[str, Any]) -> None:
        """The record's bytes are in the file, of its size and checksum (read and checked here)."""
        if r["id"] not in self.archive.attachment_ids:
            raise TransferError(f"{where} names an attachment whose bytes the file lacks; the vault was not changed.")
        data = self.archive.attachment_data(r["id"])
        if len(data) != r["size"] or att.sha256_hex(data) != r["sha256"]:
            raise TransferError(
                f"In {where}, the attachment's size or checksum is not that of its bytes; the vault was not changed."
            )
        self.data = {r["id"]: data}

    def run(self, apply: bool, progress: Progress | None, cancel: Any) -> None:
        pending_supersede: list[tuple[str, str]] = []
        for table in self.archive.tables:
            counter: Counter[str] = Counter()
            total = self.archive.manifest.counts.get(table, 0)
            stage = ("importing " if apply else "checking ") + table
            for i, (where, r) in enumerate(self.archive.records(table), 1):
                if not self.keep_trust:
                    _distrust(table, r)
                self.check(table, where, r)
                if table == "memories" and r["superseded_by"]:
                    pending_supersede.append((where, r["superseded_by"]))
                counter[self.record(table, r, apply)] += 1
                _tick(i, stage, total, progress, cancel)
            if table == "memories":
                for where, target in pending_supersede:
                    if not self._known("memories", target):
                        raise TransferError(
                            f"{where} says it was superseded by a memory ({echo_id(target)}) that is "
                            "neither in the file nor in the vault; the vault was not changed."
                        )
                if apply:
                    mg.finish_memories(self.conn, self.st)
            self.counts[table] = counter
            if progress:
                progress(stage, total, total)
        stray = self.archive.attachment_ids - self.ids["attachments"]
        if stray:
            raise TransferError(
                f"{self.archive.label} holds the bytes of an attachment ({echo_id(min(stray))}) that no record "
                "names; the vault was not changed."
            )

    def record(self, table: str, r: dict[str, Any], apply: bool) -> str:
        """Classify one record; when applying, write it. Returns its status (or 'kept' / 'skipped')."""
        conn, st = self.conn, self.st
        mid: int | None = None
        if table == "memories":
            status, mid = mg.classify_memory(conn, r, st)
            if status == mg.UNCHANGED:
                st.vector_ok.add(r["uid"])
        elif table == "vectors":
            status, mid = refs.classify_vector(conn, r, st)
            if self.model is not None and r["model_id"] != self.model:
                self.vectors_skipped += 1
                return "skipped" if apply else status
        else:
            status = _CLASSIFY[table](conn, r, st)
        if not apply or status == mg.UNCHANGED:
            return status
        if not mg.takes(status, self.policy):
            return "kept"
        if table == "conversations":
            mg.apply_conversation(conn, r, status)
        elif table == "messages":
            mg.apply_message(conn, r, status, self.now, None if self.keep_trust else "imported")
        elif table == "notes":
            mg.apply_note(conn, r, status, self.now, "user" if self.keep_trust else "imported")
        elif table == "memories":
            if not mg.apply_memory(conn, r, status, mid, self.now, st):
                return "skipped"
        elif table == "citations":
            refs.apply_citation(conn, r, status)
        elif table == "history":
            refs.apply_history(conn, r, st)
        elif table == "vectors":
            if r["memory_uid"] not in st.vector_ok or mid is None:
                self.vectors_skipped += 1
                return "skipped"
            refs.apply_vector(conn, r, mid)
        elif table == "reminders":
            rem.apply_reminder(conn, r, status)
        elif table == "attachments":
            att.apply_attachment(conn, r, self.data.pop(r["id"]), status)
        return status


def _distrust(table: str, r: dict[str, Any]) -> None:
    """A record of a file that is not the user's: its memories are ``imported``, and a note does
    not come marked as the user's own writing."""
    if table == "memories":
        r["trust"] = "imported"
    elif table == "notes" and OWN_NOTE_KEY in r["meta"]:
        r["meta"] = {k: v for k, v in r["meta"].items() if k != OWN_NOTE_KEY}


def own_export(vault: Vault, conn: Any, archive: Archive) -> bool:
    """Whether the file is this vault's own export (signed with its secret)."""
    return archive.manifest.signed_by(vault.header.vault_id, stored_signing_key(conn))


def _preview(p: _Pass, archive: Archive, own: bool) -> ImportPreview:
    m = archive.manifest
    tables = {t: TableCounts(c[mg.NEW], c[mg.UPDATED], c[mg.UNCHANGED], c[mg.CONFLICTING]) for t, c in p.counts.items()}
    usable = p.model is None or m.embedder_id is None or m.embedder_id == p.model
    return ImportPreview(tables, m.version, m.app_version, m.created_at, m.embedder_id, archive.encrypted, usable, own)


def import_preview(
    vault: Vault,
    path: str | Path,
    *,
    passphrase: str | None = None,
    embedder_id: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    mine: bool = False,
) -> ImportPreview:
    """Check the whole file and say what importing it would do, table by table. Writes nothing."""
    with open_archive(path, passphrase, limits) as archive, vault.read() as conn:
        conn.execute("BEGIN")
        try:
            own = own_export(vault, conn, archive)
            p = _Pass(conn, archive, "newer", vault.now(), _current_model(conn, embedder_id), mine or own)
            p.run(False, progress, None)
        finally:
            conn.execute("ROLLBACK")
    return _preview(p, archive, own)


def import_vault(
    vault: Vault,
    path: str | Path,
    *,
    policy: str = "newer",
    passphrase: str | None = None,
    progress: Progress | None = None,
    cancel: Any = None,
    embedder_id: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    mine: bool = False,
) -> ImportSummary:
    """Merge a vault file into the vault, all or nothing. ``policy`` decides records both sides changed:
    ``newer`` takes the file's record when it is newer, ``mine`` keeps the vault's, ``theirs`` takes the file's.

    ``embedder_id`` is the current embedder; vectors made by another model are not imported and their
    memories are left for the embedding worker (``ImportSummary.needs_embedding``).

    ``mine``: the user says the file is theirs, so its records keep the trust they were exported
    with (as this vault's own export always does); otherwise its memories come in as ``imported``."""
    if policy not in mg.POLICIES:
        raise TransferError(f"The merge policy must be one of {', '.join(mg.POLICIES)}, not {policy!r}.")
    now = vault.now()
    with open_archive(path, passphrase, limits) as archive:
        try:
            with vault.tx() as conn:
                model = _current_model(conn, embedder_id)
                keep = mine or own_export(vault, conn, archive)
                _Pass(conn, archive, policy, now, model, keep).run(False, progress, cancel)  # check all first
                p = _Pass(conn, archive, policy, now, model, keep)
                p.st.first_new_memory = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM memories").fetchone()[0])
                p.run(True, progress, cancel)
                summary = _summary(p, conn)
                if summary.changed:
                    history.log(
                        conn,
                        now,
                        "vault",
                        Path(path).name,
                        "import",
                        actor="import",
                        after={"policy": policy, "added": summary.added, "replaced": summary.replaced},
                    )
        except sqlite.DatabaseError as exc:
            raise TransferError(
                f"{archive.label} could not be merged into the vault ({exc}); the vault was not changed."
            ) from None
    return summary


def _summary(p: _Pass, conn: Any) -> ImportSummary:
    def pick(*statuses: str) -> dict[str, int]:
        return {t: sum(c[s] for s in statuses) for t, c in p.counts.items()}

    if p.model is None:
        missing = conn.execute(
            "SELECT count(*) FROM memories m WHERE NOT EXISTS (SELECT 1 FROM vectors v WHERE v.memory_id = m.id)"
        ).fetchone()[0]
    else:
        missing = conn.execute(
            "SELECT count(*) FROM memories m WHERE NOT EXISTS (SELECT 1 FROM vectors v "
            "WHERE v.memory_id = m.id AND v.model_id = ?)",
            (p.model,),
        ).fetchone()[0]
    return ImportSummary(
        p.policy,
        pick(mg.NEW),
        pick(mg.UPDATED, mg.CONFLICTING),
        pick(mg.UNCHANGED),
        pick("kept"),
        p.st.skipped_memories,
        p.vectors_skipped,
        int(missing),
        p.keep_trust,
    )
