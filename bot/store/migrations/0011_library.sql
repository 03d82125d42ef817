-- A library of many readings, each built on its own: what each reading was built from and
-- where its rows lie, so one reading is replaced without touching the others.
ALTER TABLE readings ADD COLUMN hash TEXT NOT NULL DEFAULT '';
ALTER TABLE readings ADD COLUMN first_passage INTEGER NOT NULL DEFAULT 0;  -- rows are contiguous
ALTER TABLE readings ADD COLUMN passage_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE readings ADD COLUMN first_quote INTEGER NOT NULL DEFAULT 0;
ALTER TABLE readings ADD COLUMN quote_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE readings ADD COLUMN first_indexed INTEGER NOT NULL DEFAULT 0;  -- search_index rowids
ALTER TABLE readings ADD COLUMN last_indexed INTEGER NOT NULL DEFAULT -1;
-- Deleting a reading's passages checks that no quote refers to them: by index, not a scan.
CREATE INDEX quotes_by_passage ON quotes (passage);

-- Lookup keys, topics and suggestions carry their reading: a lookup is scoped to a server's
-- readings, and a reading's rows are deleted by it.
DROP TABLE lookup_keys;
CREATE TABLE lookup_keys (
    kind TEXT NOT NULL,                -- 'concept' or 'speaker'
    key TEXT NOT NULL,
    target INTEGER NOT NULL,
    reading INTEGER NOT NULL,
    PRIMARY KEY (kind, key, target)
) WITHOUT ROWID;
CREATE INDEX lookup_keys_by_reading ON lookup_keys (reading);

DROP INDEX topics_by_position;
DROP TABLE topics;
CREATE TABLE topics (
    kind TEXT NOT NULL,                -- 'quote', 'concept' or 'publication'
    key TEXT NOT NULL,
    target INTEGER NOT NULL,
    reading INTEGER NOT NULL,
    position INTEGER NOT NULL,         -- the topic's items of this kind in this reading, numbered
    PRIMARY KEY (kind, key, target)
) WITHOUT ROWID;
CREATE INDEX topics_by_position ON topics (kind, key, reading, position);
CREATE INDEX topics_by_reading ON topics (reading);

DROP TABLE suggestion_words;
CREATE TABLE suggestion_words (
    kind TEXT NOT NULL,
    word TEXT NOT NULL,                -- folded by normalize.words
    label TEXT NOT NULL,
    value TEXT NOT NULL,
    key TEXT NOT NULL,                 -- all the label's folded words, space-separated
    reading INTEGER NOT NULL,
    PRIMARY KEY (kind, word, label, value, reading)
) WITHOUT ROWID;
CREATE INDEX suggestion_words_by_reading ON suggestion_words (reading, kind);

-- Each server's syllabus: the readings it studies, in order.
CREATE TABLE syllabus (
    guild_id INTEGER NOT NULL,
    reading TEXT NOT NULL,             -- a reading id; kept while the reading is out of the library
    position INTEGER NOT NULL,
    added_by INTEGER NOT NULL,
    PRIMARY KEY (guild_id, reading)
);
CREATE UNIQUE INDEX syllabus_order ON syllabus (guild_id, position);

-- A schedule's place is (reading, item): the next item's id in that reading, and its index
-- there (`position`) should the item be gone. '' is the first reading of the walk, by index.
ALTER TABLE schedules ADD COLUMN reading TEXT NOT NULL DEFAULT '';
ALTER TABLE schedules ADD COLUMN item TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN reading TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN item TEXT NOT NULL DEFAULT '';

-- A schedule's place before: an index into all the library's passages (or quotes) in row order,
-- numbered from 1 by the build. Pinned now to that excerpt's reading, id and index there, so a
-- syllabus made later never moves it (the content tables still hold what the place counted).
UPDATE schedules SET
    reading = coalesce((
        SELECT r.id FROM passages p JOIN readings r ON r.rowid = p.reading
        WHERE p.rowid = 1 + schedules.position % max(1, (SELECT count(*) FROM passages))
    ), ''),
    item = coalesce((
        SELECT p.id FROM passages p
        WHERE p.rowid = 1 + schedules.position % max(1, (SELECT count(*) FROM passages))
    ), ''),
    position = coalesce((
        SELECT p.rowid - (SELECT min(o.rowid) FROM passages o WHERE o.reading = p.reading)
        FROM passages p
        WHERE p.rowid = 1 + schedules.position % max(1, (SELECT count(*) FROM passages))
    ), position)
WHERE source = 'passages'
    AND (at_end = 'wrap' OR position < (SELECT count(*) FROM passages));
UPDATE schedules SET
    reading = coalesce((
        SELECT r.id FROM quotes q JOIN readings r ON r.rowid = q.reading
        WHERE q.rowid = 1 + schedules.position % max(1, (SELECT count(*) FROM quotes))
    ), ''),
    item = coalesce((
        SELECT q.id FROM quotes q
        WHERE q.rowid = 1 + schedules.position % max(1, (SELECT count(*) FROM quotes))
    ), ''),
    position = coalesce((
        SELECT q.rowid - (SELECT min(o.rowid) FROM quotes o WHERE o.reading = q.reading)
        FROM quotes q
        WHERE q.rowid = 1 + schedules.position % max(1, (SELECT count(*) FROM quotes))
    ), position)
WHERE source = 'quotes'
    AND (at_end = 'wrap' OR position < (SELECT count(*) FROM quotes));

-- What each reading folder's files looked like (names, sizes, modification times) when their
-- hash was last taken: a folder that still looks so is not read again to be hashed.
CREATE TABLE reading_files (
    reading TEXT PRIMARY KEY,          -- the folder's name
    look TEXT NOT NULL,
    hash TEXT NOT NULL
);

-- The bot processes serving this database, which `python -m bot reload` signals.
CREATE TABLE bot_processes (
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started INTEGER NOT NULL,
    identity TEXT NOT NULL DEFAULT '',  -- when the process began, as the system counts it
    PRIMARY KEY (host, pid)
);

DELETE FROM meta WHERE key IN ('content_hash', 'content_format');
