-- Every signed request warroom accepted, recorded before it is acknowledged (postgres).
--
-- `key` is what makes a request unique on its platform (a Slack signature and timestamp, a
-- Slack event_id, a Discord interaction id), so a replay or a platform retry finds its key
-- taken on every replica and never runs twice. Workers claim rows under a lease; a row whose
-- worker died is claimed again when the lease runs out. `applied_at` is written in the same
-- transaction as the incident change the request made, so a request whose change committed is
-- never run again. Finished rows are kept for a day (the replay window is five minutes) and
-- their payloads emptied, since they carry response URLs and interaction tokens.

CREATE TABLE inbox (
    id          BIGSERIAL PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    source      TEXT NOT NULL,
    payload     TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    state       TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done')),
    worker      TEXT,
    lease_until TIMESTAMPTZ,
    attempts    BIGINT NOT NULL DEFAULT 0,
    started_at  TIMESTAMPTZ,
    applied_at  TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    -- How it ended: ran, recovered (its change had committed before a restart), interrupted.
    outcome     TEXT
);

CREATE INDEX inbox_waiting ON inbox (id) WHERE state IN ('queued', 'running');
CREATE INDEX inbox_finished ON inbox (finished_at) WHERE state = 'done';
