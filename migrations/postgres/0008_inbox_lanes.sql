-- Requests that must run in the order they came, one after another (postgres).
--
-- `lane` names what such requests share: an incident channel's /incident commands, so a note
-- sent right after a declaration runs after it and finds the incident. A request is claimed
-- only when no earlier request of its lane is still waiting or running. Requests without a
-- lane (operations, clicks, events) run as soon as a worker is free, so a note never waits
-- behind a five-minute rollback.

ALTER TABLE inbox ADD COLUMN lane TEXT;

CREATE INDEX inbox_lanes ON inbox (lane, id) WHERE state IN ('queued', 'running');
