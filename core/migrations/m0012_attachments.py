"""Attachments (``core/attachments.py``): the files a note carries (an image of an Obsidian vault, an
Evernote resource, a Day One photo, a PDF a note links to), kept as BLOBs inside the vault, so they
are encrypted with it and never lie beside it in plaintext.

One row per note and name (the id is derived from both, see ``attachments.attachment_id``); deleting
the note deletes its attachments (foreign keys are on, ``core.vault``). The same bytes in two notes
are stored twice: see docs/decisions.md ("Attachments").
"""

SQL = """
CREATE TABLE IF NOT EXISTS attachments (
    id          TEXT PRIMARY KEY,              -- stable: derived from note id + name
    note_id     TEXT NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,                 -- as the note refers to it ("photo.jpg", "assets/scan.pdf")
    mime        TEXT NOT NULL DEFAULT 'application/octet-stream',
    size        INTEGER NOT NULL CHECK (size >= 0),
    sha256      TEXT NOT NULL,
    data        BLOB NOT NULL,
    created_at  REAL NOT NULL,                 -- when these bytes were stored
    meta        TEXT NOT NULL DEFAULT '{}',
    UNIQUE (note_id, name)                     -- its index also serves "the attachments of a note"
);
CREATE INDEX IF NOT EXISTS attachments_sha ON attachments(sha256);
"""
