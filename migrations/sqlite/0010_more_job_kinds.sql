-- Two more kinds of scheduled job (sqlite): 'auto-resolve', an alert route resolving an
-- incident once its alerts have been quiet for a while, and 'handoff', announcing who takes
-- over an on-call schedule. SQLite cannot change a CHECK constraint in place, so the table is
-- built again with the new kinds allowed and every row, id and index kept.

CREATE TABLE scheduled_jobs_next (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL
                CHECK (kind IN ('escalate', 'update-reminder', 'postmortem-due', 'digest', 'auto-resolve', 'handoff')),
    incident_id INTEGER REFERENCES incidents (id),
    severity    TEXT CHECK (severity IN ('p1', 'p2', 'p3', 'p4')),
    level       INTEGER NOT NULL DEFAULT 0,
    due_at      DATETIME NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'claimed', 'fired', 'stood-down', 'failed', 'cancelled')),
    worker      TEXT,
    lease_until DATETIME,
    finished_at DATETIME,
    note        TEXT NOT NULL DEFAULT '',
    firing_at   DATETIME
);

INSERT INTO scheduled_jobs_next
    (id, kind, incident_id, severity, level, due_at, state, worker, lease_until, finished_at, note, firing_at)
SELECT id, kind, incident_id, severity, level, due_at, state, worker, lease_until, finished_at, note, firing_at
FROM scheduled_jobs;

DROP TABLE scheduled_jobs;
ALTER TABLE scheduled_jobs_next RENAME TO scheduled_jobs;

CREATE UNIQUE INDEX scheduled_jobs_one_pending
    ON scheduled_jobs (kind, COALESCE(incident_id, 0)) WHERE state = 'pending';

CREATE INDEX scheduled_jobs_due ON scheduled_jobs (due_at) WHERE state IN ('pending', 'claimed');
