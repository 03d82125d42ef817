-- A reading's source text in its own column, so reading its metadata does not parse past it.
ALTER TABLE readings ADD COLUMN source_text TEXT NOT NULL DEFAULT '';
DELETE FROM meta WHERE key = 'content_hash';
