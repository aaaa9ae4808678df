-- Pending confirmations and the append-only audit log (SQLite).

CREATE TABLE pending_actions (
    token            TEXT PRIMARY KEY,
    platform         TEXT NOT NULL,
    workspace        TEXT NOT NULL,
    channel          TEXT NOT NULL,
    requested_by     TEXT NOT NULL,
    requested_at     DATETIME NOT NULL,
    expires_at       DATETIME NOT NULL,
    command_text     TEXT NOT NULL,
    command          TEXT NOT NULL,
    service          TEXT NOT NULL,
    environment      TEXT NOT NULL,
    risk             TEXT NOT NULL CHECK (risk IN ('read', 'operate', 'destructive')),
    approval         TEXT NOT NULL CHECK (approval IN ('self', 'other')),
    plan_summary     TEXT NOT NULL,
    plan_details     TEXT NOT NULL,
    plan_fingerprint TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'confirmed', 'cancelled', 'expired')),
    decided_by       TEXT,
    decided_at       DATETIME
);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            DATETIME NOT NULL,
    event         TEXT NOT NULL,
    platform      TEXT NOT NULL,
    workspace     TEXT NOT NULL,
    channel       TEXT NOT NULL,
    actor         TEXT NOT NULL,
    text          TEXT NOT NULL,
    command       TEXT NOT NULL,
    service       TEXT,
    environment   TEXT,
    risk          TEXT,
    plan          TEXT,
    token         TEXT,
    requested_by  TEXT,
    requested_at  DATETIME,
    approved_by   TEXT,
    approved_at   DATETIME,
    started_at    DATETIME,
    finished_at   DATETIME,
    outcome       TEXT NOT NULL,
    output_sha256 TEXT
);

CREATE INDEX audit_log_by_time ON audit_log (at);
CREATE INDEX audit_log_by_service ON audit_log (service, at);

-- The audit log is never rewritten.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
