"""Bringing in other formats (``core/bring``): the runs that have not finished yet, so that a quit or a
crash in the middle of 10,000 files continues where it stopped at the next start, and the folders
Reverie keeps watching."""

SQL = """
CREATE TABLE IF NOT EXISTS bring_jobs (
    path        TEXT PRIMARY KEY,             -- what was brought in: a folder, an export file
    mine        INTEGER NOT NULL DEFAULT 0,   -- the user's own writing
    started_at  REAL NOT NULL,
    updated_at  REAL NOT NULL,
    done        INTEGER NOT NULL DEFAULT 0,   -- files (or exports) read and saved so far
    total       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS watched_folders (
    path          TEXT PRIMARY KEY,
    mine          INTEGER NOT NULL DEFAULT 0,
    added_at      REAL NOT NULL,
    last_scan_at  REAL,
    state         TEXT NOT NULL DEFAULT 'on' CHECK (state IN ('on', 'paused')),
    meta          TEXT NOT NULL DEFAULT '{}'
);
"""
