"""The vector index's rows as the vault holds them (each memory's float16 vector with the columns the
filters need: kind, date, archived), the ranges of its 8-bit codes, and the filters as a mask."""

from __future__ import annotations

from typing import Any

import numpy as np

KINDS = ("chat", "note", "fact", "summary")
KIND_CODE = {k: i for i, k in enumerate(KINDS)}
DEAD, ARCHIVED = 1, 2  # state bits

SELECT = (
    "SELECT v.memory_id, v.dim, v.vec, m.kind, m.happened_at, m.archived FROM vectors v "
    "JOIN memories m ON m.id = v.memory_id WHERE v.model_id = ? "
)
# The same, for rows looked up by id ("AND v.memory_id IN (...)" follows): "+" keeps SQLite from
# going through the model_id index first, a second lookup an id.
SELECT_BY_ID = SELECT.replace("v.model_id = ?", "+v.model_id = ?")


def rows_to_arrays(rows: list[Any], dim: int) -> tuple[np.ndarray, ...]:
    """(ids, float16 vectors, kind codes, happened_at, state) from rows of
    (memory_id, dim, vec blob, kind, happened_at, archived); rows of another dim are skipped."""
    rows = [r for r in rows if r[1] == dim and len(r[2]) == dim * 2]
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    vecs = np.frombuffer(b"".join(r[2] for r in rows), dtype="<f2").reshape(len(rows), dim)
    kinds = np.fromiter((KIND_CODE.get(r[3], 0) for r in rows), dtype=np.int8, count=len(rows))
    happened = np.fromiter((r[4] for r in rows), dtype=np.float64, count=len(rows))
    state = np.fromiter((ARCHIVED if r[5] else 0 for r in rows), dtype=np.uint8, count=len(rows))
    return ids, vecs, kinds, happened, state


def code_bounds(vecs: np.ndarray) -> np.ndarray:
    """The quantizer's per-dimension ranges (lower bounds, then widths) for vectors like ``vecs``:
    half as wide again as the largest component seen, or the whole unit range for a small sample.
    A component outside is clipped; the exact re-score puts any order right."""
    dim = vecs.shape[1]
    if len(vecs) < 1000:
        m = np.ones(dim, dtype=np.float32)
    else:
        m = np.minimum(1.0, np.abs(vecs.astype(np.float32)).max(axis=0) * 1.5).astype(np.float32)
        m = np.maximum(m, 1e-3)
    return np.concatenate([-m, 2 * m]).astype(np.float32)


def filter_mask(
    state: np.ndarray,
    kind_codes: np.ndarray,
    happened: np.ndarray,
    n_dead: int,
    *,
    kinds: tuple[str, ...],
    since: float | None,
    until: float | None,
    archived: str,
) -> np.ndarray | None:
    """Which rows pass the filters (None: all of them)."""
    ok: np.ndarray | None = None
    if archived == "only":
        ok = state == ARCHIVED
    elif archived == "include":
        ok = (state & DEAD) == 0 if n_dead else None
    elif n_dead or np.any(state):
        ok = state == 0
    if kinds and set(kinds) != set(KINDS):
        codes = [KIND_CODE[k] for k in kinds if k in KIND_CODE]
        m = np.isin(kind_codes, codes)
        ok = m if ok is None else ok & m
    if since is not None:
        m = happened >= since
        ok = m if ok is None else ok & m
    if until is not None:
        m = happened < until
        ok = m if ok is None else ok & m
    return ok
