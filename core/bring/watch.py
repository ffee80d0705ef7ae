"""Watched folders: the list Reverie follows, and what changed in one of them since it last looked.

A watched folder (an Obsidian vault, a Documents folder) is brought in, then followed: files added,
edited, renamed and deleted while Reverie runs (``app/ui/watching.py`` feeds watchdog's events to
``watch_apply.apply_events``), and a catch-up ``scan`` at each start for what changed while it was
closed. Reverie never writes into the folder.

``scan`` compares the folder with the ``import_files`` ledger rows under it (``core/transfer/bringin``):
a file with no row is *new*; a file whose size or modification time differs from the last look is
hashed (SHA-256) and is *changed* only when its hash differs from the ledger's; a file that vanished
while a new one with the same hash appeared was *moved* (renamed); a vanished file without such a
twin is *missing* (its note's memories are archived, never deleted, and come back with the file).
The sizes and times of the last look are kept in the folder's row (``watched_folders.meta``), so a
catch-up over 10,000 unchanged files reads none of them.

Hidden files and folders (``.obsidian``, ``.git``, ``.trash``), editors' temporary and partial files
(``~$x.docx``, ``x.swp``, ``x.tmp``, ``x.part``, ``x.crdownload``, ``x~``) and files no reader reads
are not looked at.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reverie.core.bring.watch_files import (
    FILE_READERS,
    FileStat,
    file_sha,
    ignored,
    list_files,
    stat_of,
    storable,
)
from reverie.core.bring.write import ledger_value
from reverie.core.errors import InputError, NotFoundError
from reverie.core.sqltypes import Connection
from reverie.core.transfer.markdown_import import _mark_own
from reverie.core.vault import Vault

STATES = ("on", "paused")
MISSING_KEY = "missing"  # notes.meta: {"at": when the file was found gone, "file": its path, "archived": [uids]}
ACTOR = "watched folder"


@dataclass(frozen=True)
class WatchedFolder:
    path: str
    mine: bool
    added_at: float
    last_scan_at: float | None
    state: str  # "on" | "paused"
    files: int = 0  # notes brought in from it
    missing: int = 0  # of which the file is gone
    problem: str = ""  # why the last look changed nothing (a drive that is not connected), or ""

    @property
    def watching(self) -> bool:
        return self.state == "on"


@dataclass(frozen=True)
class Known:
    """A ledger row under a watched folder: the note a file became and the hash it had."""

    source: str
    path: str  # absolute
    sha: str  # hex SHA-256 of the bytes read (the ledger's value without its reader version)
    record_id: str
    missing: bool  # its note is marked missing (the file was gone at the last look)
    stale: bool = False  # read by an older version of its reader: read again once


@dataclass(frozen=True)
class ScanPlan:
    """What changed in a folder, as paths relative to ``root`` ("/"-separated)."""

    root: str
    new: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    moved: tuple[tuple[str, str], ...] = ()  # (old, new)
    missing: tuple[str, ...] = ()
    returned: tuple[str, ...] = ()  # files back whose note was marked missing
    unchanged: int = 0
    stats: Mapping[str, FileStat] = field(default_factory=dict)  # present files looked at, for the next look
    gone: tuple[str, ...] = ()  # vanished files: forgotten by the next look
    problem: str = ""
    known: Mapping[str, Known] = field(default_factory=dict)

    @property
    def changes_anything(self) -> bool:
        return bool(self.new or self.changed or self.moved or self.missing or self.returned)

    @property
    def files(self) -> int:
        """Files to read (new and changed)."""
        return len(self.new) + len(self.changed)

    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "changed": len(self.changed),
            "moved": len(self.moved),
            "missing": len(self.missing),
            "returned": len(self.returned),
            "unchanged": self.unchanged,
        }

    def split(self, size: int) -> list[ScanPlan]:
        """The plan in parts of at most ``size`` files to read (moves, missing and returned files go
        with the first part), each applied in turn so other work on the vault runs in between."""
        reads = [(r, False) for r in self.new] + [(r, True) for r in self.changed]
        if len(reads) <= size:
            return [self]
        read_names = {r for r, _ in reads}
        parts = []
        for i in range(0, len(reads), size):
            chunk = reads[i : i + size]
            names = {r for r, _ in chunk}
            first = i == 0
            parts.append(
                replace(
                    self,
                    new=tuple(r for r, c in chunk if not c),
                    changed=tuple(r for r, c in chunk if c),
                    moved=self.moved if first else (),
                    missing=self.missing if first else (),
                    returned=self.returned if first else (),
                    unchanged=self.unchanged if first else 0,
                    stats={r: s for r, s in self.stats.items() if r in names or (first and r not in read_names)},
                    gone=self.gone if first else (),
                )
            )
        return parts


# -- the list of folders ------------------------------------------------------------------------------
def normalise(path: str | Path) -> str:
    return str(Path(path).expanduser().resolve())


def meta_dict(raw: str | None) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _range(root: str) -> tuple[str, str]:
    """Bounds of the paths under ``root`` in an index range: ``root/`` <= path < ``root0``."""
    base = root.rstrip("/")
    return base + "/", base + "0"


def _folder(conn: Connection, row: Any) -> WatchedFolder:
    path = row[0]
    lo, hi = _range(path)
    sources = tuple(sorted(FILE_READERS))
    marks = ",".join("?" * len(sources))
    files, missing = conn.execute(
        "SELECT count(*), coalesce(sum(json_extract(n.meta, '$.missing') IS NOT NULL), 0) FROM import_files f "
        f"LEFT JOIN notes n ON n.id = f.record_id WHERE f.path >= ? AND f.path < ? AND f.source IN ({marks}) "
        "AND f.record_kind = 'note'",
        (lo, hi, *sources),
    ).fetchone()
    return WatchedFolder(
        path,
        bool(row[1]),
        row[2],
        row[3],
        row[4],
        int(files),
        int(missing),
        str(meta_dict(row[5]).get("problem") or ""),
    )


_COLUMNS = "path, mine, added_at, last_scan_at, state, meta"


def list_folders(vault: Vault) -> list[WatchedFolder]:
    with vault.read() as conn:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM watched_folders ORDER BY path").fetchall()
        return [_folder(conn, r) for r in rows]


def find_folder(vault: Vault, path: str | Path) -> WatchedFolder | None:
    with vault.read() as conn:
        row = conn.execute(f"SELECT {_COLUMNS} FROM watched_folders WHERE path = ?", (normalise(path),)).fetchone()
        return _folder(conn, row) if row else None


def get_folder(vault: Vault, path: str | Path) -> WatchedFolder:
    found = find_folder(vault, path)
    if found is None:
        raise NotFoundError(f"Reverie is not watching {path}.")
    return found


def _inside(child: str, parent: str) -> bool:
    return child == parent or child.startswith(parent.rstrip("/") + "/")


def add_folder(vault: Vault, path: str | Path, *, mine: bool = False) -> WatchedFolder:
    """Watch a folder (its files come in at the next look). Watching a folder already watched keeps
    it, and marks it as the user's own notes when ``mine``."""
    root = normalise(path)
    if not Path(root).is_dir():
        raise InputError(f"There is no folder at {path}; nothing is watched.")
    data = normalise(vault.paths.folder)
    if _inside(data, root) or _inside(root, data):
        raise InputError("Reverie cannot watch the folder that holds its own vault; choose another folder.")
    with vault.tx() as conn:
        for (other,) in conn.execute("SELECT path FROM watched_folders").fetchall():
            if other != root and (_inside(root, other) or _inside(other, root)):
                raise InputError(f"{root} overlaps {other}, which Reverie already watches; nothing was changed.")
        conn.execute(
            "INSERT INTO watched_folders(path, mine, added_at) VALUES (?,?,?) "
            "ON CONFLICT(path) DO UPDATE SET mine = max(mine, excluded.mine)",
            (root, int(mine), vault.now()),
        )
    return get_folder(vault, root)


def remove_folder(vault: Vault, path: str | Path) -> WatchedFolder:
    """Stop watching a folder. Its notes stay (and stay where they are when its files change)."""
    found = get_folder(vault, path)
    with vault.tx() as conn:
        conn.execute("DELETE FROM watched_folders WHERE path = ?", (found.path,))
    return found


def set_state(vault: Vault, path: str | Path, state: str) -> WatchedFolder:
    """Pause ("paused") or resume ("on") watching a folder."""
    if state not in STATES:
        raise InputError(f"A watched folder is either on or paused, not {state!r}.")
    found = get_folder(vault, path)
    with vault.tx() as conn:
        conn.execute("UPDATE watched_folders SET state = ? WHERE path = ?", (state, found.path))
    return get_folder(vault, found.path)


def set_mine(vault: Vault, path: str | Path, mine: bool) -> WatchedFolder:
    """Whether a folder's files are the user's own notes. Marking it marks the notes already brought in
    from it too (facts about the user may be drawn from them); unmarking applies to files read from
    now on and leaves earlier marks alone, as an import without the mark does."""
    found = get_folder(vault, path)
    now = vault.now()
    with vault.tx() as conn:
        conn.execute("UPDATE watched_folders SET mine = ? WHERE path = ?", (int(mine), found.path))
        if mine:
            for k in known_files(conn, found.path).values():
                _mark_own(conn, now, k.record_id)
    return get_folder(vault, found.path)


# -- what changed ---------------------------------------------------------------------------------------
def known_files(conn: Connection, root: str) -> dict[str, Known]:
    """The ledger rows of files under ``root`` (relative path -> row)."""
    lo, hi = _range(root)
    sources = tuple(sorted(FILE_READERS))
    marks = ",".join("?" * len(sources))
    rows = conn.execute(
        "SELECT f.source, f.path, f.sha256, f.record_id, json_extract(n.meta, '$.missing') IS NOT NULL "
        f"FROM import_files f LEFT JOIN notes n ON n.id = f.record_id "
        f"WHERE f.path >= ? AND f.path < ? AND f.source IN ({marks}) AND f.record_kind = 'note'",
        (lo, hi, *sources),
    ).fetchall()
    start = len(lo)
    return {
        r[1][start:]: Known(
            r[0], r[1], str(r[2]).split("+", 1)[0], r[3], bool(r[4]), not str(r[2]).endswith(ledger_value(r[0], ""))
        )
        for r in rows
    }


def cached_stats(conn: Connection, root: str) -> dict[str, FileStat]:
    """The sizes and times of the files at the last look."""
    row = conn.execute("SELECT meta FROM watched_folders WHERE path = ?", (root,)).fetchone()
    stats = meta_dict(row[0] if row else None).get("stats") or {}
    out: dict[str, FileStat] = {}
    if isinstance(stats, dict):
        for rel, value in stats.items():
            if isinstance(value, list) and len(value) == 2:
                out[rel] = FileStat(int(value[0]), int(value[1]))
    return out


def diff(
    root: str, listed: Mapping[str, FileStat], known: Mapping[str, Known], cache: Mapping[str, FileStat]
) -> ScanPlan:
    """Compare the files present (``listed``) with the ledger (``known``); reads only files whose size
    or time changed since the last look (``cache``), and new files when some file vanished (a rename)."""
    new: list[str] = []
    changed: list[str] = []
    returned: list[str] = []
    unchanged = 0
    for rel in sorted(listed):
        st = listed[rel]
        k = known.get(rel)
        if k is None:
            if cache.get(rel) == st:
                unchanged += 1  # looked at before and left out (unreadable): not again until it changes
            else:
                new.append(rel)
            continue
        if k.missing:
            returned.append(rel)
        if not k.stale and (cache.get(rel) == st or file_sha(os.path.join(root, rel)) == k.sha):
            unchanged += 1
        else:
            changed.append(rel)
    vanished = [rel for rel in sorted(known) if rel not in listed]
    moved: list[tuple[str, str]] = []
    if vanished and new:
        by_sha: dict[str, list[str]] = {}
        for rel in vanished:
            by_sha.setdefault(known[rel].sha, []).append(rel)
        for rel in list(new):
            twins = by_sha.get(file_sha(os.path.join(root, rel)) or "")
            if twins:
                moved.append((twins.pop(0), rel))
                new.remove(rel)
    moved_from = {old for old, _ in moved}
    missing = [rel for rel in vanished if rel not in moved_from and not known[rel].missing]
    return ScanPlan(
        root,
        new=tuple(new),
        changed=tuple(changed),
        moved=tuple(moved),
        missing=tuple(missing),
        returned=tuple(returned),
        unchanged=unchanged,
        stats=dict(listed),
        gone=tuple(vanished),
        known=dict(known),
    )


def unavailable(root: str) -> str:
    return (
        f"{root} is not there (on a drive that is not connected?); nothing was archived. "
        "Reverie looks again at the next start."
    )


def folder_state(vault: Vault, root: str | Path) -> tuple[dict[str, Known], dict[str, FileStat]]:
    """What the vault knows of a folder: its ledger rows and the sizes and times of the last look."""
    base = normalise(root)
    with vault.read() as conn:
        return known_files(conn, base), cached_stats(conn, base)


def look(root: str, known: Mapping[str, Known], cache: Mapping[str, FileStat]) -> ScanPlan:
    """``scan`` without the vault (any thread): the folder against what ``folder_state`` read."""
    if not Path(root).is_dir():
        return ScanPlan(root, problem=unavailable(root))
    listed = list_files(root)
    if not listed and any(not k.missing for k in known.values()):
        return ScanPlan(root, problem=unavailable(root))
    return diff(root, listed, known, cache)


def scan(vault: Vault, root: str | Path) -> ScanPlan:
    """What changed in a watched folder since its last look (reads nothing in the vault but the
    ledger; writes nothing anywhere). A folder that is gone, or empty while notes came from it (a
    drive that is not connected), gives a plan with its ``problem`` and no change."""
    base = normalise(root)
    known, cache = folder_state(vault, base)
    return look(base, known, cache)


def scan_paths(vault: Vault, root: str | Path, touched: Iterable[str]) -> ScanPlan:
    """``scan`` restricted to some paths under ``root`` (relative; a folder stands for what it holds):
    what a batch of file events changed, without looking at the rest of the folder."""
    base = normalise(root)
    rels = {r.strip("/") for r in touched if r.strip("/") and r.strip("/") != "."}
    with vault.read() as conn:
        known_all = known_files(conn, base)
        cache = cached_stats(conn, base)
    listed: dict[str, FileStat] = {}
    for rel in rels:
        full = os.path.join(base, rel)
        if any(p.startswith(".") for p in rel.split("/")):
            continue
        if os.path.isdir(full) and not os.path.islink(full):
            listed.update(list_files(base, rel))
        elif not ignored(rel) and storable(rel):
            st = stat_of(full)
            if st is not None:
                listed[rel] = st

    def hit(rel: str) -> bool:
        return any(rel == r or rel.startswith(r + "/") for r in rels)

    known = {rel: k for rel, k in known_all.items() if hit(rel)}
    if any(rel not in known_all for rel in listed):
        # A new file may be one that moved from a path these events did not name (its deletion
        # comes in another batch): files of the ledger that are gone count as vanished too.
        for rel, k in known_all.items():
            if rel not in known and not os.path.lexists(os.path.join(base, rel)):
                known[rel] = k
    return diff(base, listed, known, cache)
