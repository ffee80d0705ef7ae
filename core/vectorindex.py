"""The in-memory vector index: every vector of one embedder as 8-bit codes, scanned in full, and the
best candidates scored again exactly from the vault's own vectors.

The vault stores vectors as float16 BLOBs. In memory each is 384 bytes of codes (faiss'
``IndexScalarQuantizer``, 8 bits a dimension over a per-dimension range): a quarter of a float32
matrix, and a scan of all of them reads a quarter of the bytes. The scan is exact over the codes;
its top candidates (``candidates(k)``: a quarter more than asked, at least 32 more) are read back
from ``vectors`` by id and scored in float32, so a result's order and similarities are those of an
exact float32 search whenever the true top ``k`` are among the candidates (recall is measured in
``tests/benchmarks/bench_search.py``). Beside the codes live small arrays for the filters
(memory id, kind, date, archived/deleted state), passed to the scan as a bitmap.

The index follows the vault through ``vector_changes`` (migration 0002): ``refresh`` reads the
entries after the last one it saw and reloads only those memories; when the log has been pruned
past that point, or most rows changed, it reloads everything. Large indexes are saved inside the
vault in blocks (``core.vectorblocks``, migration 0010), so that the next open reads a few dozen
blocks and then the log entries after them, instead of every vector.
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from concurrent.futures import wait
from typing import Any

import numpy as np

from reverie.core import vectorblocks
from reverie.core.pools import LazyPool
from reverie.core.sqltypes import Connection
from reverie.core.vault import Vault
from reverie.core.vectorrows import (
    ARCHIVED,
    DEAD,
    KINDS,
    SELECT,
    SELECT_BY_ID,
    code_bounds,
    filter_mask,
    rows_to_arrays,
)

log = logging.getLogger(__name__)

__all__ = ["ARCHIVED", "DEAD", "KINDS", "VectorIndex", "candidates", "index_for", "prune_changes"]

LOAD_CHUNK = 20_000
LOG_KEEP = 200_000  # change-log entries kept by prune_changes
SAVE_MIN_ROWS = 20_000  # smaller indexes load from the vectors as fast as from blocks: not saved
SAVE_EVERY = 20_000  # change-log entries after which the changed blocks are saved again
SPLIT_MIN = 100_000  # rows from which one query's scan is split between the cores (below: a few ms)
PARTS = max(1, min(4, os.cpu_count() or 1))

# Threads that scan parts of the codes for the thread that asked (which scans the first part).
_scan_pool = LazyPool("reverie-scan", lambda: PARTS - 1)


def candidates(k: int) -> int:
    """How many rows the 8-bit scan hands to the exact re-score for a top ``k`` (each is one row
    read back from the vault, some 0.1 ms)."""
    return k + max(32, k // 4)


class VectorIndex:
    """All vectors of one model, in memory. Thread-safe; ``search`` refreshes nothing by itself."""

    def __init__(self, model_id: str, dim: int, *, saved: bool = True) -> None:
        self.model_id = model_id
        self.dim = dim
        self.saved = saved  # load from and save to the vault's blocks (core.vectorblocks)
        self._lock = threading.RLock()
        self._n = 0
        self._quantizer(np.concatenate([-np.ones(dim), 2 * np.ones(dim)]).astype(np.float32))
        self._alloc(0)
        self._last_seq: int | None = None  # None: never loaded
        self._n_dead = 0
        self._sorted = True  # ids[:n] ascending (then lookups need no extra arrays)
        # What the vault's saved copy lacks: blocks changed since, or a new generation is due.
        self._gen: int | None = None
        self._saved_seq = 0
        self._dirty: set[int] = set()
        self._whole = True

    # -- storage --------------------------------------------------------------------------
    def _quantizer(self, bounds: np.ndarray) -> None:
        import faiss  # here, not at the top: the app imports this module at start, faiss takes ~0.4 s

        sq = faiss.IndexScalarQuantizer(self.dim, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
        faiss.copy_array_to_vector(np.ascontiguousarray(bounds, dtype=np.float32), sq.sq.trained)
        sq.is_trained = True
        self._sq = sq
        self._bounds = np.ascontiguousarray(bounds, dtype=np.float32)
        self._cap = 0

    def _codes_view(self, cap: int) -> None:
        """Size the quantizer's own code array to ``cap`` rows (contents kept) and view it."""
        import faiss

        self._sq.codes.resize(max(cap, 1) * self.dim)
        self._cap = cap
        flat = faiss.rev_swig_ptr(self._sq.codes.data(), max(cap, 1) * self.dim)
        self.codes: np.ndarray = flat.reshape(max(cap, 1), self.dim)

    def _alloc(self, cap: int) -> None:
        self._codes_view(cap)
        self.ids = np.zeros(cap, dtype=np.int64)
        self.kinds = np.zeros(cap, dtype=np.int8)
        self.happened = np.zeros(cap, dtype=np.float64)
        self.state = np.zeros(cap, dtype=np.uint8)

    def _grow(self, need: int) -> None:
        cap = len(self.ids)
        if need <= cap:
            return
        new_cap = max(need, int(cap * 1.25) + 1024)
        self._codes_view(new_cap)
        n = self._n
        for name in ("ids", "kinds", "happened", "state"):
            old = getattr(self, name)
            new = np.zeros(new_cap, dtype=old.dtype)
            new[:n] = old[:n]
            setattr(self, name, new)

    def _encode(self, vecs: np.ndarray) -> np.ndarray:
        out: np.ndarray = self._sq.sa_encode(np.ascontiguousarray(vecs, dtype=np.float32))
        return out

    def __len__(self) -> int:
        return self._n - self._n_dead

    @property
    def nbytes(self) -> int:
        return self._cap * self.dim + sum(a.nbytes for a in (self.ids, self.kinds, self.happened, self.state))

    # -- keeping up with the vault -----------------------------------------------------------
    def refresh(self, vault: Vault) -> int:
        """Bring the index up to date with the vault; returns how many memories were (re)loaded."""
        with self._lock:
            with vault.read() as conn:
                hi, lo = conn.execute(
                    "SELECT (SELECT max(seq) FROM vector_changes), (SELECT min(seq) FROM vector_changes)"
                ).fetchone()
            hi = int(hi or 0)
            loaded = 0
            if self._last_seq is None and self.saved:
                saved = vectorblocks.load(vault, self.model_id, self.dim)
                if saved is not None and saved.seq <= hi and (lo is None or int(lo) <= saved.seq + 1):
                    self._from_saved(saved)
                    loaded = self._n
            if self._last_seq is not None and hi == self._last_seq:
                return loaded
            if self._last_seq is None or (lo is not None and int(lo) > self._last_seq + 1) or hi < self._last_seq:
                done = self._full_load(vault, hi)
            else:
                done = self._apply_changes(vault, hi)
            self._maybe_save(vault)
            return loaded + done

    def _from_saved(self, saved: vectorblocks.Saved) -> None:
        self._quantizer(saved.quantizer)
        self._n = self._n_dead = 0
        self._alloc(saved.rows + 256)
        for b in saved.blocks:
            m = len(b.ids)
            s = b.number * vectorblocks.BLOCK_ROWS
            self.ids[s : s + m] = b.ids
            self.codes[s : s + m] = b.codes
            self.kinds[s : s + m] = b.kinds
            self.happened[s : s + m] = b.happened
            self.state[s : s + m] = b.state
        self._n = saved.rows
        n = self._n
        self._n_dead = int(np.count_nonzero(self.state[:n] & DEAD))
        self._sorted = bool(np.all(self.ids[1:n] > self.ids[: n - 1])) if n > 1 else True
        self._last_seq = self._saved_seq = saved.seq
        self._gen, self._dirty, self._whole = saved.gen, set(), False

    def _full_load(self, vault: Vault, seq: int) -> int:
        with vault.read() as conn:
            count = int(conn.execute("SELECT count(*) FROM vectors WHERE model_id = ?", (self.model_id,)).fetchone()[0])
        self._n = self._n_dead = 0
        last = -1
        first = True
        while True:
            with vault.read() as conn:  # the lock is let go between chunks
                rows = conn.execute(
                    SELECT + "AND v.memory_id > ? ORDER BY v.memory_id LIMIT ?", (self.model_id, last, LOAD_CHUNK)
                ).fetchall()
            if first:  # the ranges of the 8-bit codes come from the first rows
                arrays = rows_to_arrays(rows, self.dim)
                self._quantizer(code_bounds(arrays[1]))
                self._alloc(count + 256)
                first = False
            if not rows:
                break
            last = int(rows[-1][0])
            self._append(*rows_to_arrays(rows, self.dim))
        self._sorted = True
        self._last_seq = seq
        self._whole, self._dirty = True, set()
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
        self.codes[n : n + m] = self._encode(vecs)
        self.kinds[n : n + m] = kinds
        self.happened[n : n + m] = happened
        self.state[n : n + m] = state
        self._n += m
        self._dirty.update(range(n // vectorblocks.BLOCK_ROWS, (n + m - 1) // vectorblocks.BLOCK_ROWS + 1))

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
        for arr in (self.ids, self.codes, self.kinds, self.happened, self.state):
            arr[:n] = arr[:n][order]
        self._sorted = True
        self._whole = True  # rows moved between blocks

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
                rows += conn.execute(
                    SELECT_BY_ID + f"AND v.memory_id IN ({marks})",
                    (self.model_id, *chunk),
                ).fetchall()
        ids, vecs, kinds, happened, state = rows_to_arrays(rows, self.dim)
        all_changed = np.array(sorted(set(changed)), dtype=np.int64)
        pos = self._positions(all_changed)
        # Memories that lost their vector (or it is now another model's): mark dead.
        gone = np.isin(all_changed, ids, invert=True) & (pos >= 0)
        dead_rows = pos[gone]
        newly_dead = dead_rows[(self.state[dead_rows] & DEAD) == 0]
        self.state[newly_dead] |= DEAD
        self._n_dead += len(newly_dead)
        self._dirty.update((newly_dead // vectorblocks.BLOCK_ROWS).tolist())
        # Memories with a vector: update in place, or append.
        if len(ids):
            order = np.argsort(ids)
            ids, vecs, kinds, happened, state = ids[order], vecs[order], kinds[order], happened[order], state[order]
            p = self._positions(ids)
            have = p >= 0
            rows_in = p[have]
            self._n_dead -= int(np.count_nonzero(self.state[rows_in] & DEAD))
            if len(rows_in):
                self.codes[rows_in] = self._encode(vecs[have])
            self.kinds[rows_in] = kinds[have]
            self.happened[rows_in] = happened[have]
            self.state[rows_in] = state[have]
            self._dirty.update((rows_in // vectorblocks.BLOCK_ROWS).tolist())
            new = ~have
            self._append(ids[new], vecs[new], kinds[new], happened[new], state[new])
        self._last_seq = hi
        if self._n_dead > max(1024, self._n // 10):
            self._compact()
        return len(changed)

    def _compact(self) -> None:
        keep = np.flatnonzero((self.state[: self._n] & DEAD) == 0)
        for arr in (self.ids, self.codes, self.kinds, self.happened, self.state):
            arr[: len(keep)] = arr[keep]
        self._n = len(keep)
        self._n_dead = 0
        self._whole = True  # rows moved between blocks

    def _maybe_save(self, vault: Vault) -> None:
        """Save the index inside the vault: whole after a reload or a move of rows, else the
        changed blocks once ``SAVE_EVERY`` log entries have gone by. A vault that cannot be
        written (a read-only copy) only loses the speed-up."""
        assert self._last_seq is not None
        n, seq = self._n, self._last_seq
        if n < SAVE_MIN_ROWS or not self.saved:
            return
        if not self._whole and (not self._dirty or seq - self._saved_seq < SAVE_EVERY):
            return
        numbers = (
            range((n + vectorblocks.BLOCK_ROWS - 1) // vectorblocks.BLOCK_ROWS) if self._whole else sorted(self._dirty)
        )
        blocks = vectorblocks.blocks_of(numbers, n, self.ids, self.codes, self.kinds, self.happened, self.state)
        try:
            self._gen = vectorblocks.save(
                vault,
                self.model_id,
                self.dim,
                gen=None if self._whole else self._gen,
                seq=seq,
                quantizer=self._bounds,
                blocks=blocks,
            )
        except Exception as exc:  # noqa: BLE001 - the index works without its saved copy; logged
            log.warning("could not save the vector index in the vault: %s", exc)
            return
        self._saved_seq, self._dirty, self._whole = seq, set(), False

    # -- search --------------------------------------------------------------------------
    def search(
        self,
        query: np.ndarray,
        k: int,
        vault: Vault | None = None,
        *,
        kinds: tuple[str, ...] = (),
        since: float | None = None,
        until: float | None = None,
        archived: str = "exclude",
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` most similar memories (ids, cosine similarities), best first, among those that
        pass the filters. ``query`` must be a unit vector of this index's dimension. With ``vault``
        the candidates are scored exactly from its vectors (``rescore``); without it the order and
        similarities are those of the 8-bit codes."""
        want = candidates(k) if vault is not None else k
        ids, approx = self.scan(query, want, kinds=kinds, since=since, until=until, archived=archived)
        if vault is None:
            return ids[:k], approx[:k]
        return self.rescore(vault, query, ids, k)

    def scan(
        self,
        query: np.ndarray,
        want: int,
        *,
        kinds: tuple[str, ...] = (),
        since: float | None = None,
        until: float | None = None,
        archived: str = "exclude",
    ) -> tuple[np.ndarray, np.ndarray]:
        """The best ``want`` rows by their 8-bit codes (ids, approximate similarities) among those
        that pass the filters. Reads no vault: a helper thread may run it."""
        import faiss

        q = np.ascontiguousarray(query, dtype=np.float32).reshape(-1)
        if q.shape[0] != self.dim:
            raise ValueError(f"query has dimension {q.shape[0]}, index has {self.dim}")
        none = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        with self._lock:
            n = self._n
            if n == 0 or want <= 0:
                return none
            ok = filter_mask(
                self.state[:n],
                self.kinds[:n],
                self.happened[:n],
                self._n_dead,
                kinds=kinds,
                since=since,
                until=until,
                archived=archived,
            )
            want = min(n, want)
            params = None
            if ok is not None:
                passing = int(np.count_nonzero(ok))
                if passing == 0:
                    return none
                want = min(want, passing)
                bits = np.packbits(ok, bitorder="little")
                sel = faiss.IDSelectorBitmap(n, faiss.swig_ptr(bits))  # bits and sel live until the scan is done
                params = faiss.SearchParameters()
                params.sel = sel
            self._sq.ntotal = n
            dist, pos = self._scan_parts(q, want, n, params)
            found = pos >= 0
            return self.ids[pos[found]], dist[found].astype(np.float32)

    def _scan_parts(self, q: np.ndarray, want: int, n: int, params: Any) -> tuple[np.ndarray, np.ndarray]:
        """(Holding the lock) the best ``want`` positions and their similarities. faiss scans one query
        on one thread (OpenMP parallelises across queries, and its idle workers spin: on a busy
        machine two of them made the scan four times slower), so a large index is cut into one
        part a core, each scanned by a plain thread (faiss lets go of the GIL), and the parts' best
        merged: the same result, in about half the time on two free cores (83 against 48 ms at 1M)."""
        import faiss

        parts = PARTS if n >= SPLIT_MIN else 1
        bounds = [n * i // parts for i in range(parts + 1)]

        def part(i: int) -> tuple[np.ndarray, np.ndarray]:
            faiss.omp_set_num_threads(1)  # per calling thread
            if parts == 1:
                d, p = self._sq.search(q.reshape(1, -1), want, params=params)
                return d[0], p[0]
            span = faiss.IDSelectorRange(bounds[i], bounds[i + 1])
            sel = span if params is None else faiss.IDSelectorAnd(span, params.sel)
            own = faiss.SearchParameters()
            own.sel = sel
            d, p = self._sq.search(q.reshape(1, -1), min(want, bounds[i + 1] - bounds[i]), params=own)
            return d[0], p[0]

        others = [_scan_pool().submit(part, i) for i in range(1, parts)]
        try:
            results = [part(0)] + [f.result() for f in others]
        finally:  # no part may outlive the lock, the filter's bitmap or the codes it reads
            wait(others)
        if parts == 1:
            return results[0]
        dist = np.concatenate([r[0] for r in results])
        pos = np.concatenate([r[1] for r in results])
        keep = pos >= 0
        dist, pos = dist[keep], pos[keep]
        best = np.argsort(-dist, kind="stable")[:want]
        return dist[best], pos[best]

    def rescore(self, vault: Vault, query: np.ndarray, ids: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The best ``k`` of ``ids`` by the float32 similarity of their stored vectors (a memory whose
        vector is gone since the last refresh drops out)."""
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(-1)
        ids = np.sort(ids)  # in id order: neighbouring rows of the vectors table, and ties go to the older
        rows: list[Any] = []
        with vault.read() as conn:
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500].tolist()
                rows += conn.execute(rescore_sql(len(chunk)), (*chunk, self.model_id)).fetchall()
        rows = [r for r in rows if len(r[1]) == self.dim * 2]
        got = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        vecs = np.frombuffer(b"".join(r[1] for r in rows), dtype="<f2").reshape(len(rows), self.dim)
        sims = vecs.astype(np.float32) @ q
        top = np.argsort(-sims, kind="stable")[:k]
        return got[top], sims[top].astype(np.float32)


def rescore_sql(n: int) -> str:
    """The stored vectors of ``n`` ids (then the model id), by one primary-key lookup an id: "+" keeps
    SQLite from going through the model_id index first, a second lookup an id (twice the pages read;
    cold, from disk, 80 against 45 ms for 132 rows of a million)."""
    marks = ",".join("?" * n)
    return f"SELECT memory_id, vec FROM vectors WHERE memory_id IN ({marks}) AND +model_id = ? ORDER BY memory_id"


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
