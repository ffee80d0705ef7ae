"""The first schema: records, memories with provenance and state, vectors, FTS5, history,
job runs and settings. Times are Unix seconds (UTC) as REAL."""

SQL = """
CREATE TABLE schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  REAL NOT NULL
);

CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL              -- JSON
);

CREATE TABLE conversations (
    id          TEXT PRIMARY KEY,     -- uuid hex
    title       TEXT NOT NULL DEFAULT '',
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL,
    origin      TEXT,                 -- provenance of imported records, e.g. chatgpt:<id>
    meta        TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE messages (
    id               TEXT PRIMARY KEY,
    conversation_id  TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    seq              INTEGER NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    speaker          TEXT,            -- who said it, when it is not simply "you"/"Reverie"
    content          TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'complete'
                         CHECK (status IN ('complete', 'partial', 'error')),
    created_at       REAL NOT NULL,   -- recorded at
    happened_at      REAL NOT NULL,   -- when it was said (differs for imports)
    origin           TEXT,
    meta             TEXT NOT NULL DEFAULT '{}',
    UNIQUE (conversation_id, seq)
);
CREATE INDEX messages_conversation ON messages(conversation_id, seq);

CREATE TABLE notes (
    id           TEXT PRIMARY KEY,
    title        TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL DEFAULT '',
    tags         TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings
    created_at   REAL NOT NULL,
    updated_at   REAL NOT NULL,
    happened_at  REAL NOT NULL,
    origin       TEXT,
    meta         TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX notes_updated ON notes(updated_at);

-- A memory unit: a turn, a note passage, a fact or a summary, with its provenance and state.
CREATE TABLE memories (
    id                INTEGER PRIMARY KEY,
    uid               TEXT NOT NULL UNIQUE,
    kind              TEXT NOT NULL CHECK (kind IN ('chat', 'note', 'fact', 'summary')),
    source_kind       TEXT NOT NULL CHECK (source_kind IN ('message', 'note', 'consolidation', 'import')),
    source_id         TEXT,
    span_start        INTEGER,
    span_end          INTEGER,
    seq               INTEGER NOT NULL DEFAULT 0,   -- order within the source
    text              TEXT NOT NULL,
    context           TEXT NOT NULL DEFAULT '',     -- heading path or speaker line, indexed with the text
    speaker           TEXT,
    recorded_at       REAL NOT NULL,
    happened_at       REAL NOT NULL,
    valid_from        REAL,
    valid_to          REAL,
    content_hash      TEXT NOT NULL,
    trust             TEXT NOT NULL DEFAULT 'user' CHECK (trust IN ('user', 'assistant', 'imported')),
    importance        REAL NOT NULL DEFAULT 0.5 CHECK (importance >= 0 AND importance <= 1),
    strength          REAL NOT NULL DEFAULT 1.0 CHECK (strength > 0),
    last_recalled_at  REAL,
    recall_count      INTEGER NOT NULL DEFAULT 0,
    pinned            INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    archived          INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    archived_at       REAL,
    superseded_by     INTEGER REFERENCES memories(id) ON DELETE SET NULL,
    meta              TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX memories_source ON memories(source_kind, source_id, seq);
CREATE INDEX memories_kind_time ON memories(kind, happened_at);
CREATE INDEX memories_hash ON memories(content_hash);
CREATE INDEX memories_archived ON memories(archived);

-- Embeddings, compact (float16), tagged with the model that made them.
CREATE TABLE vectors (
    memory_id  INTEGER PRIMARY KEY REFERENCES memories(id) ON DELETE CASCADE,
    model_id   TEXT NOT NULL,
    dim        INTEGER NOT NULL,
    vec        BLOB NOT NULL
);
CREATE INDEX vectors_model ON vectors(model_id);

-- Words index; rowid = memories.id. Holds normalised text (CJK and emoji split into tokens).
CREATE VIRTUAL TABLE memories_fts USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');

-- Which memories an answer cited.
CREATE TABLE citations (
    message_id  TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    n           INTEGER NOT NULL,
    memory_uid  TEXT NOT NULL,
    PRIMARY KEY (message_id, n)
);

-- Audit trail: every change to a record or a memory.
CREATE TABLE history (
    id         INTEGER PRIMARY KEY,
    at         REAL NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    action     TEXT NOT NULL,
    actor      TEXT NOT NULL DEFAULT 'user',
    before     TEXT,                 -- JSON
    after      TEXT,                 -- JSON
    note       TEXT
);
CREATE INDEX history_entity ON history(entity, entity_id, at);

CREATE TABLE job_runs (
    id             INTEGER PRIMARY KEY,
    job            TEXT NOT NULL,
    scheduled_for  REAL,
    started_at     REAL NOT NULL,
    finished_at    REAL,
    status         TEXT NOT NULL DEFAULT 'running'
                      CHECK (status IN ('running', 'ok', 'failed', 'cancelled', 'skipped')),
    counts         TEXT NOT NULL DEFAULT '{}',   -- JSON
    error          TEXT,
    log            TEXT NOT NULL DEFAULT '[]'    -- JSON list of lines
);
CREATE INDEX job_runs_job ON job_runs(job, started_at);
"""
