"""Reminders (``core/reminders.py``): what to be reminded of, when (UTC), where it was said, and
every firing, claimed before the notification is shown and acknowledged after it, so that a crash in
between neither loses a reminder nor shows it twice."""

SQL = """
CREATE TABLE IF NOT EXISTS reminders (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE,         -- kept by exports and imports
    text         TEXT NOT NULL,
    due_at       REAL NOT NULL,                -- the time asked for, Unix seconds (UTC)
    next_at      REAL NOT NULL,                -- when it fires next: due_at, or the end of a snooze
    created_at   REAL NOT NULL,
    updated_at   REAL NOT NULL,
    source_kind  TEXT NOT NULL DEFAULT 'user'
                     CHECK (source_kind IN ('user', 'message', 'note', 'memory')),
    source_id    TEXT,
    state        TEXT NOT NULL DEFAULT 'upcoming'
                     CHECK (state IN ('upcoming', 'firing', 'fired', 'missed', 'done', 'cancelled')),
    snoozed      INTEGER NOT NULL DEFAULT 0,   -- how many times it was snoozed
    fired_at     REAL,                         -- the last firing's time
    done_at      REAL,
    origin       TEXT,
    meta         TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS reminders_next ON reminders(state, next_at);

CREATE TABLE IF NOT EXISTS reminder_firings (
    id           INTEGER PRIMARY KEY,
    reminder_id  INTEGER NOT NULL REFERENCES reminders(id) ON DELETE CASCADE,
    round        INTEGER NOT NULL,             -- the reminder's snooze count when it fired
    due_at       REAL NOT NULL,                -- the next_at it fired for
    claimed_at   REAL NOT NULL,
    acked_at     REAL,                         -- when the notification (or the missed notice) was shown
    outcome      TEXT NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'shown', 'missed')),
    late         INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    UNIQUE (reminder_id, round)
);
CREATE INDEX IF NOT EXISTS reminder_firings_open ON reminder_firings(outcome, acked_at);
"""
