"""The vector index saved inside the vault in large blocks (migration 0010).

Opening a vault of a million memories used to decode a million ``vectors`` rows (13 s). The index
is saved instead as blocks of ``BLOCK_ROWS`` consecutive rows (ids, 8-bit codes, filter columns):
loading is some sixty big reads. Nothing leaves the vault: the blocks are rows of the encrypted
database, like the vectors they are made from (an index file beside an encrypted vault would leak
what the vectors say).

A save writes each block in its own short transaction, so other work on the vault goes on between
blocks; ``vector_index_meta`` is written last and names the generation of blocks that is whole and
the change-log entry it reflects. Rows keep their block while the index only grows and changes in
place; a compaction or a new quantizer starts a new generation, and the old one is deleted when
the new one is whole. Blocks of the current generation rewritten after the meta row are newer than
it, which is harmless: applying the change log from the meta row's entry is idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from reverie.core.vault import Vault

BLOCK_ROWS = 16_384


@dataclass
class Block:
    """Rows ``[number * BLOCK_ROWS, number * BLOCK_ROWS + len(ids))`` of an index."""

    number: int
    ids: np.ndarray
    codes: np.ndarray
    kinds: np.ndarray
    happened: np.ndarray
    state: np.ndarray


def blocks_of(numbers: Iterable[int], n: int, *arrays: np.ndarray) -> list[Block]:
    """Blocks ``numbers`` of the first ``n`` rows of an index's arrays (ids, codes, kinds, happened, state)."""
    out = []
    for b in numbers:
        s, e = b * BLOCK_ROWS, min(n, (b + 1) * BLOCK_ROWS)
        ids, codes, kinds, happened, state = (a[s:e] for a in arrays)
        out.append(Block(b, ids, codes, kinds, happened, state))
    return out


@dataclass
class Saved:
    gen: int
    seq: int
    quantizer: np.ndarray  # float32: per-dimension lower bounds, then ranges
    rows: int
    blocks: list[Block]


def load(vault: Vault, model_id: str, dim: int) -> Saved | None:
    """The saved index of ``model_id``, or None when there is none (or it is not whole)."""
    with vault.read() as conn:
        meta = conn.execute(
            "SELECT dim, gen, seq, quantizer FROM vector_index_meta WHERE model_id = ?", (model_id,)
        ).fetchone()
        if meta is None or int(meta[0]) != dim:
            return None
        gen = int(meta[1])
        numbers = [
            (int(r[0]), int(r[1]))
            for r in conn.execute(
                "SELECT block, rows FROM vector_index_blocks WHERE model_id = ? AND gen = ? ORDER BY block",
                (model_id, gen),
            ).fetchall()
        ]
    if [b for b, _ in numbers] != list(range(len(numbers))) or any(n != BLOCK_ROWS for _, n in numbers[:-1]):
        return None
    blocks: list[Block] = []
    for number, rows in numbers:
        with vault.read() as conn:  # the vault's lock is let go between blocks
            r = conn.execute(
                "SELECT rows, ids, codes, kinds, happened, state FROM vector_index_blocks "
                "WHERE model_id = ? AND gen = ? AND block = ?",
                (model_id, gen, number),
            ).fetchone()
        if r is None or int(r[0]) != rows or len(r[2]) != rows * dim:
            return None  # a new generation replaced this one meanwhile
        blocks.append(
            Block(
                number,
                np.frombuffer(r[1], dtype="<i8"),
                np.frombuffer(r[2], dtype=np.uint8).reshape(rows, dim),
                np.frombuffer(r[3], dtype=np.int8),
                np.frombuffer(r[4], dtype="<f8"),
                np.frombuffer(r[5], dtype=np.uint8),
            )
        )
    quantizer = np.frombuffer(meta[3], dtype="<f4").copy()
    return Saved(gen, int(meta[2]), quantizer, sum(len(b.ids) for b in blocks), blocks)


def save(
    vault: Vault, model_id: str, dim: int, *, gen: int | None, seq: int, quantizer: np.ndarray, blocks: list[Block]
) -> int:
    """Write ``blocks`` of generation ``gen``, then the meta row saying the generation reflects the
    change log up to ``seq``; returns the generation. ``gen`` None: these are all the blocks of a
    new generation (the older ones, and every other model's, are deleted once it is written)."""
    whole = gen is None
    if gen is None:
        with vault.tx() as conn:
            row = conn.execute("SELECT max(gen) FROM vector_index_meta").fetchone()
            gen = int(row[0] or 0) + 1
            # A new generation interrupted earlier left blocks that no meta row names.
            conn.execute("DELETE FROM vector_index_blocks WHERE gen >= ?", (gen,))
    for b in blocks:
        with vault.tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO vector_index_blocks(model_id, gen, block, rows, ids, codes, kinds, happened, "
                "state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    model_id,
                    gen,
                    b.number,
                    len(b.ids),
                    np.ascontiguousarray(b.ids, dtype="<i8").tobytes(),
                    np.ascontiguousarray(b.codes, dtype=np.uint8).tobytes(),
                    np.ascontiguousarray(b.kinds, dtype=np.int8).tobytes(),
                    np.ascontiguousarray(b.happened, dtype="<f8").tobytes(),
                    np.ascontiguousarray(b.state, dtype=np.uint8).tobytes(),
                ),
            )
    with vault.tx() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO vector_index_meta(model_id, dim, gen, seq, quantizer) VALUES (?, ?, ?, ?, ?)",
            (model_id, dim, gen, seq, np.ascontiguousarray(quantizer, dtype="<f4").tobytes()),
        )
        if whole:
            conn.execute("DELETE FROM vector_index_blocks WHERE model_id != ? OR gen != ?", (model_id, gen))
            conn.execute("DELETE FROM vector_index_meta WHERE model_id != ?", (model_id,))
    return gen
