"""A change log for the in-memory vector index, and a vocabulary view of the words index.

Every vector written, replaced or deleted, and every change to a memory's kind, date or archive
flag, appends the memory's id to ``vector_changes``. A search process that holds the vectors in
memory reads the entries after the last one it saw and reloads only those memories, so the
window, the command line and the background embedder can share one vault file.
"""

SQL = """
CREATE TABLE vector_changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    memory_id  INTEGER NOT NULL
);

CREATE TRIGGER vectors_log_insert AFTER INSERT ON vectors BEGIN
    INSERT INTO vector_changes(memory_id) VALUES (NEW.memory_id);
END;

CREATE TRIGGER vectors_log_update AFTER UPDATE ON vectors BEGIN
    INSERT INTO vector_changes(memory_id) VALUES (NEW.memory_id);
END;

CREATE TRIGGER vectors_log_delete AFTER DELETE ON vectors BEGIN
    INSERT INTO vector_changes(memory_id) VALUES (OLD.memory_id);
END;

CREATE TRIGGER memories_log_filters AFTER UPDATE OF kind, happened_at, archived ON memories
WHEN OLD.kind IS NOT NEW.kind OR OLD.happened_at IS NOT NEW.happened_at OR OLD.archived IS NOT NEW.archived
BEGIN
    INSERT INTO vector_changes(memory_id) VALUES (NEW.id);
END;
"""

# Also: document frequencies of the words index, so a search can leave out words that are in a
# large share of all memories (they cost the most time and rank almost nothing; see retrieval.py).
SQL += """
CREATE VIRTUAL TABLE memories_fts_vocab USING fts5vocab(memories_fts, 'row');
"""
