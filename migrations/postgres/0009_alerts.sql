-- Alerts from monitoring (postgres): one row per alert a source keeps sending (its fingerprint,
-- dedup key or alarm ARN), updated each time it is sent again, so a repeat never makes a second
-- incident or post. Every alert is kept, routed or not, silenced or not, with the route that
-- matched and the sentence saying why it opened, joined or stayed out of an incident, which
-- `/alerts why` shows.

CREATE TABLE alerts (
    id          BIGSERIAL PRIMARY KEY,
    source      TEXT NOT NULL,
    key         TEXT NOT NULL,
    group_key   TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('firing', 'acknowledged', 'resolved')),
    name        TEXT NOT NULL,
    summary     TEXT NOT NULL,
    -- JSON objects and a JSON list of {label, url}, as the source sent them (redacted).
    labels      TEXT NOT NULL,
    annotations TEXT NOT NULL,
    links       TEXT NOT NULL,
    -- The route that matched ('' when none did), and what warroom did and why.
    route       TEXT NOT NULL,
    incident_id BIGINT REFERENCES incidents (id),
    decision    TEXT NOT NULL,
    starts_at   TIMESTAMPTZ,
    ends_at     TIMESTAMPTZ,
    first_seen  TIMESTAMPTZ NOT NULL,
    last_seen   TIMESTAMPTZ NOT NULL,
    times_seen  BIGINT NOT NULL DEFAULT 1,
    UNIQUE (source, key)
);

CREATE INDEX alerts_incident ON alerts (incident_id, state);
CREATE INDEX alerts_group ON alerts (source, group_key, last_seen);

-- Silences: while one holds, alerts of its route or service are stored and shown but declare
-- and page nothing.
CREATE TABLE alert_silences (
    id         BIGSERIAL PRIMARY KEY,
    target     TEXT NOT NULL,
    until_at   TIMESTAMPTZ NOT NULL,
    reason     TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    lifted_at  TIMESTAMPTZ
);
