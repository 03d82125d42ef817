-- Autocomplete from ordinary per-kind indexes: the FTS table matched word prefixes of every
-- kind before filtering by kind.
DROP TABLE suggestions;
DROP TABLE suggestion_labels;

-- Each distinct word of each label, for word-prefix ranges and "did you mean".
CREATE TABLE suggestion_words (
    kind TEXT NOT NULL,                -- 'term', 'speaker', 'quote_topic', 'publication_topic', 'publication_type'
    word TEXT NOT NULL,                -- folded by normalize.words
    label TEXT NOT NULL,
    value TEXT NOT NULL,
    key TEXT NOT NULL,                 -- all the label's folded words, space-separated
    PRIMARY KEY (kind, word, label, value)
) WITHOUT ROWID;

-- The answers for empty input (prefix '') and for one typed word of 1-3 letters.
CREATE TABLE suggestion_prefixes (
    kind TEXT NOT NULL,
    prefix TEXT NOT NULL,
    answer TEXT NOT NULL,              -- JSON list of [label, value], best first
    PRIMARY KEY (kind, prefix)
) WITHOUT ROWID;

-- The distinct words of each kind, by length, forwards and backwards: a word one typo from a
-- typed word shares its first half or its last half with it.
CREATE TABLE suggestion_vocabulary (
    kind TEXT NOT NULL,
    length INTEGER NOT NULL,
    word TEXT NOT NULL,
    backwards TEXT NOT NULL,           -- the word reversed
    PRIMARY KEY (kind, length, word)
) WITHOUT ROWID;
CREATE INDEX suggestion_endings ON suggestion_vocabulary (kind, length, backwards);

DELETE FROM meta WHERE key = 'content_hash';
