-- Words found in so many documents that ranking by them costs much and tells little;
-- filled from the index's vocabulary whenever the content is rebuilt.
CREATE VIRTUAL TABLE search_vocabulary USING fts5vocab(search_index, 'row');
CREATE TABLE common_words (term TEXT PRIMARY KEY) WITHOUT ROWID;
