"""Files brought in from outside (Markdown, text, ChatGPT exports): which record each became and the
SHA-256 it had, so a re-import skips what did not change."""

SQL = """
CREATE TABLE import_files (
    source       TEXT NOT NULL,   -- 'markdown' | 'text' | 'chatgpt'
    path         TEXT NOT NULL,   -- absolute file path, or the ChatGPT conversation id
    sha256       TEXT NOT NULL,
    record_kind  TEXT NOT NULL CHECK (record_kind IN ('note', 'conversation')),
    record_id    TEXT NOT NULL,
    imported_at  REAL NOT NULL,
    PRIMARY KEY (source, path)
);
"""
