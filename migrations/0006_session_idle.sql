-- Sessions end after a spell of not being used, as well as at their
-- expiry: `last_seen_at` is when the session last made a request (updated
-- at most once a minute, so reading pages does not become writing).
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen_at = created_at;
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);
