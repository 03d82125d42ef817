-- Autocomplete labels in an ordinary index, for empty input and whole-label prefixes;
-- the FTS table `suggestions` still finds a word inside a label.
CREATE TABLE suggestion_labels (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,                 -- the label, case-folded
    label TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (kind, key, value)
) WITHOUT ROWID;
CREATE INDEX suggestion_values ON suggestion_labels (kind, value);
DELETE FROM meta WHERE key = 'content_hash';
