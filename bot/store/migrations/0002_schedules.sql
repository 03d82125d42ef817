-- Daily excerpt schedules (one per guild) and the posts they made, keyed by local date.
CREATE TABLE schedules (
    guild_id INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL,
    local_time TEXT NOT NULL,           -- HH:MM on the wall clock of `timezone`
    timezone TEXT NOT NULL,             -- IANA name
    mention_role_id INTEGER,            -- the one role pinged, if a moderator chose one
    open_thread INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT 'passages' CHECK (source IN ('passages', 'quotes')),
    at_end TEXT NOT NULL DEFAULT 'wrap' CHECK (at_end IN ('wrap', 'stop')),
    position INTEGER NOT NULL DEFAULT 0,  -- index of the next excerpt in the sequence
    next_run INTEGER NOT NULL,          -- UTC epoch seconds of the next post
    next_date TEXT NOT NULL,            -- the local date that post belongs to
    paused INTEGER NOT NULL DEFAULT 0,
    pause_reason TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    retry_at INTEGER,                   -- UTC epoch seconds of the next retry after a failure
    last_result TEXT,
    last_error TEXT,
    last_run INTEGER,
    updated_by INTEGER NOT NULL
);
CREATE INDEX schedules_due ON schedules (next_run) WHERE paused = 0;

CREATE TABLE posts (
    guild_id INTEGER NOT NULL,
    local_date TEXT NOT NULL,
    position INTEGER NOT NULL,
    nonce TEXT NOT NULL,                -- sent with enforce_nonce so a resend cannot duplicate
    status TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'missed', 'failed')),
    claimed_at INTEGER NOT NULL,
    message_id INTEGER,
    PRIMARY KEY (guild_id, local_date)
);
