-- Accounts, sessions, login throttling and the audit log: the foundation
-- every later feature builds on. Timestamps are Unix seconds (INTEGER) so
-- that comparisons and indexes are cheap and time-zone free.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    -- Stored trimmed and lower-cased by the Email type, so UNIQUE is enough.
    email         TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    -- argon2id PHC string.
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('trainee', 'instructor', 'administrator')),
    organisation  TEXT    NOT NULL DEFAULT '',
    province      TEXT,
    industry      TEXT,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX users_role_name ON users (role, name);
CREATE INDEX users_name ON users (name);

-- A session is found by the SHA-256 of its cookie value: a leaked database
-- copy does not hand out working cookies.
CREATE TABLE sessions (
    token_hash   TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    ip           TEXT,
    user_agent   TEXT
) STRICT;

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Failed logins per key ('account:<email>' or 'address:<ip>'); see
-- domain::throttle for the waits they impose.
CREATE TABLE login_failures (
    key             TEXT    PRIMARY KEY,
    failures        INTEGER NOT NULL,
    first_failed_at INTEGER NOT NULL,
    last_failed_at  INTEGER NOT NULL
) STRICT;

-- Who did what to which record, when and from where. Append-only: the
-- triggers refuse any change to a written event.
CREATE TABLE audit_events (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor_id  INTEGER REFERENCES users (id),
    action    TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    detail    TEXT    NOT NULL DEFAULT '{}',
    ip        TEXT
) STRICT;

CREATE INDEX audit_events_subject ON audit_events (subject, at);
CREATE INDEX audit_events_actor ON audit_events (actor_id, at);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

-- Small facts about this database, e.g. whether the demo world is loaded.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
