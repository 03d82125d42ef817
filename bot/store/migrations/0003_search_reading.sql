-- Search hits carry their reading, so a result needs no second query.
DROP TABLE search_index;
CREATE VIRTUAL TABLE search_index USING fts5 (
    title,
    body,
    kind UNINDEXED,                    -- 'concept', 'quote', 'passage', 'publication'
    target UNINDEXED,
    reading UNINDEXED,
    tokenize = "porter unicode61 remove_diacritics 2"
);
DELETE FROM meta WHERE key = 'content_hash';
