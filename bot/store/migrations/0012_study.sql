-- Study tools (bot/study/): each member's quiz history and score, review deck, reminder and
-- notes, keyed by server and member. Content is referred to by reading id and item id (text),
-- which a reload of the reading keeps, never by row.

CREATE TABLE quiz_questions (
    id INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    reading TEXT NOT NULL,
    item TEXT NOT NULL,                 -- the quote, concept or publication asked about
    question TEXT NOT NULL,             -- JSON: the prompt, the options and the answer
    asked_at INTEGER NOT NULL,          -- UTC epoch seconds
    chosen INTEGER,                     -- the option the member chose, once answered
    answered_at INTEGER
);
CREATE INDEX quiz_questions_by_member ON quiz_questions (guild_id, member_id);

CREATE TABLE quiz_scores (
    guild_id INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    answered INTEGER NOT NULL DEFAULT 0,
    correct INTEGER NOT NULL DEFAULT 0,
    streak INTEGER NOT NULL DEFAULT 0,
    best_streak INTEGER NOT NULL DEFAULT 0,
    on_board INTEGER NOT NULL DEFAULT 0,  -- the member chose to be on the server's leaderboard
    PRIMARY KEY (guild_id, member_id)
);
CREATE INDEX quiz_board ON quiz_scores (guild_id, correct DESC) WHERE on_board = 1;

CREATE TABLE review_cards (
    id INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    reading TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('concept', 'quote')),
    item TEXT NOT NULL,
    card TEXT NOT NULL,                 -- the FSRS card's state as JSON
    due INTEGER NOT NULL,               -- UTC epoch seconds
    reviews INTEGER NOT NULL DEFAULT 0, -- a rating button names the count it was shown at
    added_at INTEGER NOT NULL,
    chosen INTEGER NOT NULL DEFAULT 0,  -- 1: the member added it; 0: dealt from the syllabus
    UNIQUE (guild_id, member_id, reading, kind, item)
);
CREATE INDEX review_cards_due ON review_cards (guild_id, member_id, due);
CREATE INDEX review_cards_dealt ON review_cards (guild_id, member_id, added_at) WHERE chosen = 0;

CREATE TABLE review_reminders (
    guild_id INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    local_time TEXT NOT NULL,           -- HH:MM on the wall clock of `timezone`
    timezone TEXT NOT NULL,
    next_run INTEGER NOT NULL,          -- UTC epoch seconds of the next reminder
    next_date TEXT NOT NULL,            -- the local date that reminder belongs to
    last_date TEXT,                     -- the local date of the last reminder sent
    PRIMARY KEY (guild_id, member_id)
);
CREATE INDEX review_reminders_due ON review_reminders (next_run);

CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    readings TEXT NOT NULL,             -- JSON list of the ids of the readings it comes from
    title TEXT NOT NULL,
    body TEXT NOT NULL,                 -- what the member saw, as text
    digest TEXT NOT NULL,               -- of title and body: the same page is saved once
    saved_at INTEGER NOT NULL,
    UNIQUE (guild_id, member_id, digest)
);
CREATE INDEX notes_by_member ON notes (guild_id, member_id, saved_at DESC);
