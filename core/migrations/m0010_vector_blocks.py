"""The vector index saved inside the vault, in large blocks, so that opening a vault loads it in a
few big reads instead of decoding every vector (``core.vectorblocks``).

A block holds up to 16,384 consecutive rows of the in-memory index: memory ids, 8-bit codes of the
vectors, and the filter columns (kind, date, archived/deleted state). ``vector_index_meta`` says
which generation of blocks is complete and up to which ``vector_changes`` entry it reflects; the
entries after it are applied on load. Everything here is derived from ``vectors`` and
``memories``: deleting these rows only makes the next open slower.
"""

SQL = """
CREATE TABLE IF NOT EXISTS vector_index_meta (
    model_id   TEXT PRIMARY KEY,
    dim        INTEGER NOT NULL,
    gen        INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    quantizer  BLOB NOT NULL
);

CREATE TABLE IF NOT EXISTS vector_index_blocks (
    model_id   TEXT NOT NULL,
    gen        INTEGER NOT NULL,
    block      INTEGER NOT NULL,
    rows       INTEGER NOT NULL,
    ids        BLOB NOT NULL,
    codes      BLOB NOT NULL,
    kinds      BLOB NOT NULL,
    happened   BLOB NOT NULL,
    state      BLOB NOT NULL,
    PRIMARY KEY (model_id, gen, block)
);
"""
