-- On-call overrides (postgres): someone takes a schedule for a while (`/oncall cover`, a
-- swapped shift). Schedules are configuration, but overrides are recorded from chat, so they
-- are kept here where they survive a restart and every replica reads the same rota. Of two
-- overlapping overrides the one created later wins, which is the larger id: a BIGSERIAL's
-- sequence only grows and never hands an id out twice. A correction is a new override on top,
-- so rows are never rewritten or deleted: they are the record of who covered.

CREATE TABLE oncall_overrides (
    id          BIGSERIAL PRIMARY KEY,
    schedule    TEXT NOT NULL,
    -- The contact as written (slack:U0BOB, discord:user:123).
    who         TEXT NOT NULL,
    from_at     TIMESTAMPTZ NOT NULL,
    until_at    TIMESTAMPTZ NOT NULL,
    -- Who recorded it (a platform user id), and why, as said (cover, swap).
    recorded_by TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    CHECK (until_at > from_at)
);

-- The rota reads the overrides that have not ended.
CREATE INDEX oncall_overrides_until ON oncall_overrides (until_at);

CREATE FUNCTION oncall_overrides_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'on-call overrides are append-only';
END;
$$;

CREATE TRIGGER oncall_overrides_append_only
    BEFORE UPDATE OR DELETE ON oncall_overrides
    FOR EACH ROW EXECUTE FUNCTION oncall_overrides_append_only();
