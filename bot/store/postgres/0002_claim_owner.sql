-- Which process claimed a post ("host:pid:start"), so that a claim left by a process that is
-- gone from its machine is taken over at once rather than after it goes stale.
ALTER TABLE posts ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
