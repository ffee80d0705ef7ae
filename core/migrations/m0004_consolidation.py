"""Consolidation: where a fact or a summary came from, and which units were consolidated.

``memory_sources`` links a consolidated memory (fact, summary) to the memories it stands on;
``consolidation_marks`` records which chat and note units a consolidation has already read, so
a second run over the same data adds nothing. Decay's archive test is a linear condition on
``(archived, pinned)``, helped by an index.
"""

SQL = """
CREATE TABLE memory_sources (
    memory_id         INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    source_memory_id  INTEGER NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    PRIMARY KEY (memory_id, source_memory_id)
) WITHOUT ROWID;
CREATE INDEX memory_sources_source ON memory_sources(source_memory_id);

CREATE TABLE consolidation_marks (
    memory_id  INTEGER PRIMARY KEY REFERENCES memories(id) ON DELETE CASCADE,
    run_id     INTEGER,
    at         REAL NOT NULL
);

CREATE INDEX memories_active_pinned ON memories(archived, pinned);
"""
