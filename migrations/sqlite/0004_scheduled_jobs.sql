-- Due work for escalation and reminders: one row per thing the scheduler will do at a time
-- (sqlite). Rows are never deleted: how each ended (fired, stood down, failed, cancelled) is
-- the record of what warroom did on its own.

CREATE TABLE scheduled_jobs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL CHECK (kind IN ('escalate', 'update-reminder', 'postmortem-due', 'digest')),
    incident_id INTEGER REFERENCES incidents (id),
    severity    TEXT CHECK (severity IN ('p1', 'p2', 'p3', 'p4')),
    level       INTEGER NOT NULL DEFAULT 0,
    due_at      DATETIME NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'claimed', 'fired', 'stood-down', 'failed', 'cancelled')),
    -- Who claimed it and until when; a claim that runs out makes the job due again.
    worker      TEXT,
    lease_until DATETIME,
    finished_at DATETIME,
    -- Whom an escalation paged, or why a job stood down or failed.
    note        TEXT NOT NULL DEFAULT ''
);

-- At most one pending job per incident and kind (the digest has no incident).
CREATE UNIQUE INDEX scheduled_jobs_one_pending
    ON scheduled_jobs (kind, COALESCE(incident_id, 0)) WHERE state = 'pending';

CREATE INDEX scheduled_jobs_due ON scheduled_jobs (due_at) WHERE state IN ('pending', 'claimed');
