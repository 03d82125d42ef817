-- Each topic's items numbered in reading order, so a random one is found by its number.
ALTER TABLE topics ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
CREATE INDEX topics_by_position ON topics (kind, key, position);
DELETE FROM meta WHERE key = 'content_hash';
