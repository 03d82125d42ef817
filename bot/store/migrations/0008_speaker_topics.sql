-- The topics of each speaker's quotes, gathered at build time so /expert need not scan them.
ALTER TABLE speakers ADD COLUMN topics TEXT NOT NULL DEFAULT '[]';
DELETE FROM meta WHERE key = 'content_hash';
