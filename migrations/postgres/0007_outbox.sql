-- Everything warroom sends to a chat platform as the answer to a request, as a row (postgres).
--
-- A worker answers a request by writing its letters here in the same transaction that marks
-- the request done, so an accepted command's answer is never lost with a process. Senders
-- claim the first waiting letter of each lane (a channel, or one person's answers) under a
-- lease, so one channel's letters go out in order, one at a time on every replica, and a
-- letter whose sender died is sent again when the lease runs out. `coalesce_key` is set while
-- a letter waits and a later letter would only repeat it (a card redraw reads the incident
-- when it is sent): the later one is then not written. Sent letters are kept for a day with
-- their payloads emptied, since they carry response URLs and interaction tokens.

CREATE TABLE outbox (
    id           BIGSERIAL PRIMARY KEY,
    carrier      TEXT NOT NULL,
    lane         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    coalesce_key TEXT UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    state        TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    worker       TEXT,
    lease_until  TIMESTAMPTZ,
    attempts     BIGINT NOT NULL DEFAULT 0,
    finished_at  TIMESTAMPTZ,
    error        TEXT
);

CREATE INDEX outbox_lanes ON outbox (lane, id) WHERE state IN ('queued', 'sending');
CREATE INDEX outbox_waiting ON outbox (id) WHERE state IN ('queued', 'sending');
CREATE INDEX outbox_finished ON outbox (finished_at) WHERE state IN ('sent', 'failed');
