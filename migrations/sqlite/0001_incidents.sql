-- Incidents and their append-only timeline (SQLite).
-- Times are stored by sqlx as RFC 3339 text in DATETIME columns.

CREATE TABLE incidents (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    platform        TEXT NOT NULL,
    workspace       TEXT NOT NULL,
    channel         TEXT NOT NULL,
    title           TEXT NOT NULL,
    severity        TEXT NOT NULL CHECK (severity IN ('p1', 'p2', 'p3', 'p4')),
    status          TEXT NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
    lead            TEXT,
    declared_by     TEXT NOT NULL,
    declared_at     DATETIME NOT NULL,
    acknowledged_by TEXT,
    acknowledged_at DATETIME,
    resolved_at     DATETIME,
    summary         TEXT,
    version         INTEGER NOT NULL DEFAULT 1
);

-- One open incident per channel, enforced where two declarations can race.
CREATE UNIQUE INDEX incidents_one_open_per_channel
    ON incidents (platform, workspace, channel) WHERE status <> 'resolved';
CREATE INDEX incidents_by_channel ON incidents (platform, workspace, channel, id);

CREATE TABLE timeline_entries (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    at          DATETIME NOT NULL,
    actor       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL,
    from_value  TEXT,
    to_value    TEXT
);

CREATE INDEX timeline_entries_by_incident ON timeline_entries (incident_id, seq);

-- The timeline is never rewritten: a correction is a new entry.
CREATE TRIGGER timeline_entries_no_update BEFORE UPDATE ON timeline_entries
BEGIN
    SELECT RAISE(ABORT, 'the incident timeline is append-only');
END;

CREATE TRIGGER timeline_entries_no_delete BEFORE DELETE ON timeline_entries
BEGIN
    SELECT RAISE(ABORT, 'the incident timeline is append-only');
END;
