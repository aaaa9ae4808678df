-- Where each incident's card was posted on each chat platform, so it is edited in place on
-- every change instead of posted again (SQLite).

CREATE TABLE incident_cards (
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    platform    TEXT NOT NULL,
    workspace   TEXT NOT NULL,
    channel     TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    -- warroom created the channel for this incident, so it keeps the channel's topic too.
    own_channel BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (incident_id, platform)
);
