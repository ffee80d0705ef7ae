"""Apps connected over MCP (``reverie mcp``): each client that used the vault, with what it may do,
and the log of its calls (``core/connected.py``)."""

SQL = """
CREATE TABLE IF NOT EXISTS mcp_clients (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,        -- the client's name from the MCP initialize request
    version     TEXT NOT NULL DEFAULT '',
    permission  TEXT NOT NULL DEFAULT 'remember' CHECK (permission IN ('off', 'read', 'remember')),
    may_forget  INTEGER NOT NULL DEFAULT 0 CHECK (may_forget IN (0, 1)),
    first_seen  REAL NOT NULL,
    last_seen   REAL NOT NULL,
    calls       INTEGER NOT NULL DEFAULT 0   -- every call, also those pruned from the log
);

CREATE TABLE IF NOT EXISTS mcp_calls (
    id         INTEGER PRIMARY KEY,
    client_id  INTEGER NOT NULL REFERENCES mcp_clients(id) ON DELETE CASCADE,
    tool       TEXT NOT NULL,
    at         REAL NOT NULL,
    outcome    TEXT NOT NULL CHECK (outcome IN ('ok', 'refused', 'failed')),
    results    INTEGER NOT NULL DEFAULT 0,
    query      TEXT                          -- only when the user chose to record query text
);

CREATE INDEX IF NOT EXISTS mcp_calls_at ON mcp_calls(at);
CREATE INDEX IF NOT EXISTS mcp_calls_client ON mcp_calls(client_id, at);
"""
