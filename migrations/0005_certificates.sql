-- Certificate types, certificates, their history, and gapless numbering.
-- Dates of validity are calendar dates (TEXT, YYYY-MM-DD); instants are
-- Unix seconds. Nothing here is ever deleted.

CREATE TABLE certificate_types (
    id              INTEGER PRIMARY KEY,
    -- The number prefix, e.g. CPA in CPA-2000-00070.
    prefix          TEXT    NOT NULL UNIQUE,
    name_zh         TEXT    NOT NULL,
    name_en         TEXT    NOT NULL,
    validity_months INTEGER NOT NULL CHECK (validity_months BETWEEN 1 AND 240),
    -- Requirements: a completed enrolment in a class of this course, and
    -- (when set) a passed exam of that class.
    course_id       INTEGER NOT NULL REFERENCES courses (id),
    requires_exam   INTEGER NOT NULL DEFAULT 1 CHECK (requires_exam IN (0, 1)),
    created_at      INTEGER NOT NULL
) STRICT;

-- The last number given per prefix and year: taken and written in the same
-- write transaction as the certificate, so numbers never repeat and a
-- rolled-back issue leaves no gap.
CREATE TABLE certificate_sequences (
    prefix TEXT    NOT NULL,
    year   INTEGER NOT NULL,
    last   INTEGER NOT NULL CHECK (last >= 1),
    PRIMARY KEY (prefix, year)
) STRICT, WITHOUT ROWID;

-- Status as stored; "expired" is never stored: it follows from expires_on.
-- A correction supersedes the old record (superseded_by); a renewal is a
-- new record that names the one it renews.
CREATE TABLE certificates (
    id              INTEGER PRIMARY KEY,
    number          TEXT    NOT NULL UNIQUE,
    type_id         INTEGER NOT NULL REFERENCES certificate_types (id),
    holder_id       INTEGER NOT NULL REFERENCES users (id),
    -- The holder's name as printed: a correction changes it on a new record.
    holder_name     TEXT    NOT NULL,
    class_id        INTEGER REFERENCES classes (id),
    centre_id       INTEGER NOT NULL REFERENCES centres (id),
    issued_on       TEXT    NOT NULL CHECK (date(issued_on) IS issued_on),
    expires_on      TEXT    NOT NULL CHECK (date(expires_on) IS expires_on AND expires_on > issued_on),
    status          TEXT    NOT NULL CHECK (status IN ('valid', 'suspended', 'revoked', 'superseded')),
    suspended_until TEXT    CHECK (suspended_until IS NULL OR date(suspended_until) IS suspended_until),
    renews_id       INTEGER REFERENCES certificates (id),
    superseded_by   INTEGER REFERENCES certificates (id),
    decided_by      INTEGER NOT NULL REFERENCES users (id),
    created_at      INTEGER NOT NULL
) STRICT;

CREATE INDEX certificates_holder ON certificates (holder_id, issued_on);
CREATE INDEX certificates_type_class ON certificates (type_id, class_id);
CREATE INDEX certificates_expiry ON certificates (status, expires_on);
CREATE INDEX certificates_holder_name ON certificates (holder_name);

-- Every change of status, with its reason: the public history.
CREATE TABLE certificate_events (
    id             INTEGER PRIMARY KEY,
    certificate_id INTEGER NOT NULL REFERENCES certificates (id),
    action         TEXT    NOT NULL CHECK (action IN ('issued', 'suspended', 'reinstated', 'revoked', 'renewed', 'corrected')),
    reason         TEXT    NOT NULL DEFAULT '',
    until          TEXT,
    actor_id       INTEGER NOT NULL REFERENCES users (id),
    at             INTEGER NOT NULL
) STRICT;

CREATE INDEX certificate_events_certificate ON certificate_events (certificate_id, id);

CREATE TRIGGER certificate_events_append_only_update BEFORE UPDATE ON certificate_events
BEGIN
    SELECT RAISE(ABORT, 'certificate history is append-only');
END;

CREATE TRIGGER certificate_events_append_only_delete BEFORE DELETE ON certificate_events
BEGIN
    SELECT RAISE(ABORT, 'certificate history is append-only');
END;

CREATE TRIGGER certificates_never_deleted BEFORE DELETE ON certificates
BEGIN
    SELECT RAISE(ABORT, 'certificates are never deleted');
END;
