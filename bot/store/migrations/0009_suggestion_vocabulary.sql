-- "Did you mean" now spells out the words one typo from a typed word and looks them up in the
-- vocabulary it keeps in memory: the words of each kind are all it needs.
DROP TABLE suggestion_vocabulary;
CREATE TABLE suggestion_vocabulary (
    kind TEXT NOT NULL,
    word TEXT NOT NULL,                -- folded by normalize.words
    PRIMARY KEY (kind, word)
) WITHOUT ROWID;

DELETE FROM meta WHERE key = 'content_hash';
