"""The in-memory vector index: every vector of one embedder, searched by brute force in NumPy.

The vault stores vectors as float16 BLOBs (half the bytes of float32). In memory they are one
contiguous float32 matrix: NumPy has no half-precision BLAS, and a float32 matrix-vector product
over a million 384-dimensional rows is one memory-bound BLAS call (tens of milliseconds), exact,
at 1.0x the raw float32 matrix, within the 1.5x memory target. Beside it live small arrays for the
filters (memory id, kind, date, archived/deleted state), so a search is a handful of whole-array
operations and never loops over rows in Python.

The index follows the vault through ``vector_changes`` (migration 0002): ``refresh`` reads the
entries after the last one it saw and reloads only those memories; when the log has been pruned
past that point, or most rows changed, it reloads everything.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

import numpy as np

from reverie.core.sqltypes import Connection
from reverie.core.vault import Vault

KINDS = ("chat", "note", "fact", "summary")
_KIND_CODE = {k: i for i, k in enumerate(KINDS)}
DEAD, ARCHIVED = 1, 2  # state bits
LOAD_CHUNK = 20_000
LOG_KEEP = 200_000  # change-log entries kept by prune_changes


def _rows_to_arrays(rows: list[Any], dim: int) -> tuple[np.ndarray, ...]:
    """(ids, float32 vectors, kind codes, happened_at, state) from rows of
    (memory_id, dim, vec blob, kind, happened_at, archived); rows of another dim are skipped."""
    rows = [r for r in rows if r[1] == dim and len(r[2]) == dim * 2]
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    vecs = np.frombuffer(b"".join(r[2] for r in rows), dtype="<f2").reshape(len(rows), dim)
    kinds = np.fromiter((_KIND_CODE.get(r[3], 0) for r in rows), dtype=np.int8, count=len(rows))
    happened = np.fromiter((r[4] for r in rows), dtype=np.float64, count=len(rows))
    state = np.fromiter((ARCHIVED if r[5] else 0 for r in rows), dtype=np.uint8, count=len(rows))
    return ids, vecs, kinds, happened, state


_SELECT = (
    "SELECT v.memory_id, v.dim, v.vec, m.kind, m.happened_at, m.archived FROM vectors v "
    "JOIN memories m ON m.id = v.memory_id WHERE v.model_id = ? "
)


class VectorIndex:
    """All vectors of one model, in memory. Thread-safe; ``search`` refreshes nothing by itself."""

    def __init__(self, model_id: str, dim: int) -> None:
        self.model_id = model_id
        self.dim = dim
        self._lock = threading.RLock()
        self._n = 0
        self._alloc(0)
        self._last_seq: int | None = None  # None: never loaded
        self._n_dead = 0
        self._sorted = True  # ids[:n] ascending (then lookups need no extra arrays)

    # -- storage --------------------------------------------------------------------------
    def _alloc(self, cap: int) -> None:
        self.ids = np.zeros(cap, dtype=np.int64)
        self.mat = np.zeros((cap, self.dim), dtype=np.float32)
        self.kinds = np.zeros(cap, dtype=np.int8)
        self.happened = np.zeros(cap, dtype=np.float64)
        self.state = np.zeros(cap, dtype=np.uint8)

    def _grow(self, need: int) -> None:
        cap = len(self.ids)
        if need <= cap:
            return
        new_cap = max(need, int(cap * 1.25) + 1024)
        old: tuple[np.ndarray, ...] = (self.ids, self.mat, self.kinds, self.happened, self.state)
        self._alloc(new_cap)
        n = self._n
        new: tuple[np.ndarray, ...] = (self.ids, self.mat, self.kinds, self.happened, self.state)
        for dst, src in zip(new, old, strict=True):
            dst[:n] = src[:n]

    def __len__(self) -> int:
        return self._n - self._n_dead

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.ids, self.mat, self.kinds, self.happened, self.state))

    # -- keeping up with the vault -----------------------------------------------------------
    def refresh(self, vault: Vault) -> int:
        """Bring the index up to date with the vault; returns how many memories were (re)loaded."""
        with self._lock:
            with vault.read() as conn:
                hi, lo = conn.execute(
                    "SELECT (SELECT max(seq) FROM vector_changes), (SELECT min(seq) FROM vector_changes)"
                ).fetchone()
            hi = int(hi or 0)
            if self._last_seq is not None and hi == self._last_seq:
                return 0
            if self._last_seq is None or (lo is not None and int(lo) > self._last_seq + 1) or hi < self._last_seq:
                return self._full_load(vault, hi)
            return self._apply_changes(vault, hi)

    def _full_load(self, vault: Vault, seq: int) -> int:
        with vault.read() as conn:
            count = int(conn.execute("SELECT count(*) FROM vectors WHERE model_id = ?", (self.model_id,)).fetchone()[0])
        self._n = self._n_dead = 0
        self._alloc(count + 256)
        last = -1
        while True:
            with vault.read() as conn:  # the lock is let go between chunks
                rows = conn.execute(
                    _SELECT + "AND v.memory_id > ? ORDER BY v.memory_id LIMIT ?", (self.model_id, last, LOAD_CHUNK)
                ).fetchall()
            if not rows:
                break
            last = int(rows[-1][0])
            self._append(*_rows_to_arrays(rows, self.dim))
        self._sorted = True
        self._last_seq = seq
        # Changes made while loading are applied (idempotently) by the next refresh.
        return self._n

    def _append(
        self, ids: np.ndarray, vecs: np.ndarray, kinds: np.ndarray, happened: np.ndarray, state: np.ndarray
    ) -> None:
        m = len(ids)
        if not m:
            return
        self._grow(self._n + m)
        n = self._n
        if n and ids[0] <= self.ids[n - 1] or not bool(np.all(ids[1:] > ids[:-1])):
            self._sorted = False
        self.ids[n : n + m] = ids
        self.mat[n : n + m] = vecs  # float16 -> float32
        self.kinds[n : n + m] = kinds
        self.happened[n : n + m] = happened
        self.state[n : n + m] = state
        self._n += m

    def _positions(self, ids: np.ndarray) -> np.ndarray:
        """Row of each id in the index, -1 where absent."""
        n = self._n
        if not self._sorted:
            self._sort()
        pos = np.searchsorted(self.ids[:n], ids)
        pos = np.minimum(pos, max(n - 1, 0))
        found = (n > 0) & (self.ids[pos] == ids) if n else np.zeros(len(ids), dtype=bool)
        return np.where(found, pos, -1)

    def _sort(self) -> None:
        n = self._n
        order = np.argsort(self.ids[:n], kind="stable")
        for arr in (self.ids, self.mat, self.kinds, self.happened, self.state):
            arr[:n] = arr[:n][order]
        self._sorted = True

    def _apply_changes(self, vault: Vault, hi: int) -> int:
        assert self._last_seq is not None
        if hi - self._last_seq > max(50_000, self._n // 4):  # most rows changed: reload
            return self._full_load(vault, hi)
        with vault.read() as conn:
            changed = [
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT memory_id FROM vector_changes WHERE seq > ? AND seq <= ?", (self._last_seq, hi)
                ).fetchall()
            ]
        rows: list[Any] = []
        with vault.read() as conn:
            for i in range(0, len(changed), 500):
                chunk = changed[i : i + 500]
                marks = ",".join("?" * len(chunk))
                rows += conn.execute(_SELECT + f"AND v.memory_id IN ({marks})", (self.model_id, *chunk)).fetchall()
        ids, vecs, kinds, happened, state = _rows_to_arrays(rows, self.dim)
        all_changed = np.array(sorted(set(changed)), dtype=np.int64)
        pos = self._positions(all_changed)
        # Memories that lost their vector (or it is now another model's): mark dead.
        gone = np.isin(all_changed, ids, invert=True) & (pos >= 0)
        dead_rows = pos[gone]
        newly_dead = dead_rows[(self.state[dead_rows] & DEAD) == 0]
        self.state[newly_dead] |= DEAD
        self._n_dead += len(newly_dead)
        # Memories with a vector: update in place, or append.
        if len(ids):
            order = np.argsort(ids)
            ids, vecs, kinds, happened, state = ids[order], vecs[order], kinds[order], happened[order], state[order]
            p = self._positions(ids)
            have = p >= 0
            rows_in = p[have]
            self._n_dead -= int(np.count_nonzero(self.state[rows_in] & DEAD))
            self.mat[rows_in] = vecs[have]
            self.kinds[rows_in] = kinds[have]
            self.happened[rows_in] = happened[have]
            self.state[rows_in] = state[have]
            new = ~have
            self._append(ids[new], vecs[new], kinds[new], happened[new], state[new])
        self._last_seq = hi
        if self._n_dead > max(1024, self._n // 10):
            self._compact()
        return len(changed)

    def _compact(self) -> None:
        keep = np.flatnonzero((self.state[: self._n] & DEAD) == 0)
        for arr in (self.ids, self.mat, self.kinds, self.happened, self.state):
            arr[: len(keep)] = arr[keep]
        self._n = len(keep)
        self._n_dead = 0

    # -- search --------------------------------------------------------------------------
    def search(
        self,
        query: np.ndarray,
        k: int,
        *,
        kinds: tuple[str, ...] = (),
        since: float | None = None,
        until: float | None = None,
        archived: str = "exclude",
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` most similar memories (ids, cosine similarities), best first, among those that
        pass the filters. ``query`` must be a unit vector of this index's dimension."""
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(-1)
        if q.shape[0] != self.dim:
            raise ValueError(f"query has dimension {q.shape[0]}, index has {self.dim}")
        with self._lock:
            n = self._n
            if n == 0 or k <= 0:
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
            ok = self._mask(n, kinds, since, until, archived)
            if ok is None:
                scores = self.mat[:n] @ q
                rows = None
            else:
                rows = np.flatnonzero(ok)
                if len(rows) > n // 4:
                    scores = self.mat[:n] @ q
                    scores[~ok] = -np.inf
                    rows = None
                else:
                    scores = self.mat[rows] @ q
            k = min(k, len(scores))
            if k == 0:
                return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
            top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
            top = top[np.argsort(-scores[top], kind="stable")]
            top = top[np.isfinite(scores[top])]
            idx = top if rows is None else rows[top]
            return self.ids[idx].copy(), scores[top].astype(np.float32)

    def _mask(
        self, n: int, kinds: tuple[str, ...], since: float | None, until: float | None, archived: str
    ) -> np.ndarray | None:
        state = self.state[:n]
        ok: np.ndarray | None = None
        if archived == "only":
            ok = state == ARCHIVED
        elif archived == "include":
            ok = (state & DEAD) == 0 if self._n_dead else None
        elif self._n_dead or np.any(state):
            ok = state == 0
        if kinds and set(kinds) != set(KINDS):
            codes = [_KIND_CODE[k] for k in kinds if k in _KIND_CODE]
            m = np.isin(self.kinds[:n], codes)
            ok = m if ok is None else ok & m
        if since is not None:
            m = self.happened[:n] >= since
            ok = m if ok is None else ok & m
        if until is not None:
            m = self.happened[:n] < until
            ok = m if ok is None else ok & m
        return ok


# One index per open vault and model, shared by every Retriever of that vault.
_INDEXES: weakref.WeakKeyDictionary[Any, dict[str, VectorIndex]] = weakref.WeakKeyDictionary()
_INDEXES_LOCK = threading.Lock()


def index_for(vault: Vault, model_id: str, dim: int) -> VectorIndex:
    with _INDEXES_LOCK:
        per_vault = _INDEXES.setdefault(vault, {})
        index = per_vault.get(model_id)
        if index is None or index.dim != dim:
            per_vault.clear()  # one model at a time: the previous model's matrix is let go
            index = per_vault[model_id] = VectorIndex(model_id, dim)
        return index


def prune_changes(conn: Connection, keep: int = LOG_KEEP) -> None:
    """Drop old change-log entries (an index that missed them reloads fully)."""
    conn.execute("DELETE FROM vector_changes WHERE seq <= (SELECT max(seq) FROM vector_changes) - ?", (keep,))
