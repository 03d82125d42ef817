-- Curated content (rebuilt whenever the data files change) and the store's own metadata.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE readings (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    item TEXT NOT NULL                 -- the reading's metadata and sections as JSON
);

CREATE TABLE speakers (
    rowid INTEGER PRIMARY KEY,
    reading INTEGER NOT NULL REFERENCES readings(rowid),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    item TEXT NOT NULL,
    UNIQUE (reading, id)
);

CREATE TABLE passages (
    rowid INTEGER PRIMARY KEY,         -- reading order
    reading INTEGER NOT NULL REFERENCES readings(rowid),
    id TEXT NOT NULL,
    section TEXT NOT NULL,
    item TEXT NOT NULL,
    UNIQUE (reading, id)
);

CREATE TABLE quotes (
    rowid INTEGER PRIMARY KEY,
    reading INTEGER NOT NULL REFERENCES readings(rowid),
    speaker INTEGER NOT NULL REFERENCES speakers(rowid),
    passage INTEGER NOT NULL REFERENCES passages(rowid),
    id TEXT NOT NULL,
    item TEXT NOT NULL,
    UNIQUE (reading, id)
);
CREATE INDEX quotes_by_speaker ON quotes (speaker);

CREATE TABLE concepts (
    rowid INTEGER PRIMARY KEY,
    reading INTEGER NOT NULL REFERENCES readings(rowid),
    id TEXT NOT NULL,
    term TEXT NOT NULL,
    item TEXT NOT NULL,
    UNIQUE (reading, id)
);

CREATE TABLE publications (
    rowid INTEGER PRIMARY KEY,
    reading INTEGER NOT NULL REFERENCES readings(rowid),
    id TEXT NOT NULL,
    date TEXT NOT NULL,
    type_key TEXT NOT NULL,
    item TEXT NOT NULL,
    UNIQUE (reading, id)
);
CREATE INDEX publications_by_date ON publications (date DESC);

-- Folded spellings that find a concept (its term and aliases) or a speaker (name and surname).
CREATE TABLE lookup_keys (
    kind TEXT NOT NULL,                -- 'concept' or 'speaker'
    key TEXT NOT NULL,
    target INTEGER NOT NULL,
    PRIMARY KEY (kind, key, target)
) WITHOUT ROWID;

-- Topic tags of quotes, concepts and publications.
CREATE TABLE topics (
    kind TEXT NOT NULL,                -- 'quote', 'concept' or 'publication'
    key TEXT NOT NULL,
    target INTEGER NOT NULL,
    PRIMARY KEY (kind, key, target)
) WITHOUT ROWID;

-- What autocomplete offers: one row a label, word-prefix searchable.
CREATE VIRTUAL TABLE suggestions USING fts5 (
    label,
    kind UNINDEXED,                    -- 'term', 'speaker', 'quote_topic', 'publication_topic', 'publication_type'
    value UNINDEXED,
    tokenize = "unicode61 remove_diacritics 2",
    prefix = '1 2 3'
);

-- Full-text search across everything a reader can look up.
CREATE VIRTUAL TABLE search_index USING fts5 (
    title,
    body,
    kind UNINDEXED,                    -- 'concept', 'quote', 'passage', 'publication'
    target UNINDEXED,
    tokenize = "porter unicode61 remove_diacritics 2"
);
