-- On-call overrides (sqlite): someone takes a schedule for a while (`/oncall cover`, a swapped
-- shift). Schedules are configuration, but overrides are recorded from chat, so they are kept
-- here where they survive a restart and every replica reads the same rota. Of two overlapping
-- overrides the one created later wins, which is the larger id: AUTOINCREMENT keeps ids
-- growing and never hands out the id of a removed row. A correction is a new override on top,
-- so rows are never rewritten or deleted: they are the record of who covered.

CREATE TABLE oncall_overrides (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    schedule    TEXT NOT NULL,
    -- The contact as written (slack:U0BOB, discord:user:123).
    who         TEXT NOT NULL,
    from_at     DATETIME NOT NULL,
    until_at    DATETIME NOT NULL,
    -- Who recorded it (a platform user id), and why, as said (cover, swap).
    recorded_by TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_at  DATETIME NOT NULL,
    CHECK (until_at > from_at)
);

-- The rota reads the overrides that have not ended.
CREATE INDEX oncall_overrides_until ON oncall_overrides (until_at);

CREATE TRIGGER oncall_overrides_no_update BEFORE UPDATE ON oncall_overrides
BEGIN
    SELECT RAISE(ABORT, 'on-call overrides are append-only');
END;

CREATE TRIGGER oncall_overrides_no_delete BEFORE DELETE ON oncall_overrides
BEGIN
    SELECT RAISE(ABORT, 'on-call overrides are append-only');
END;
