-- Training centres, the course catalogue, classes (one run of a course) and
-- enrolments. Dates of a class are calendar dates (TEXT, YYYY-MM-DD);
-- enrolment windows are instants (Unix seconds).

CREATE TABLE centres (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL UNIQUE,
    kind        TEXT    NOT NULL CHECK (kind IN ('national', 'industry', 'provincial')),
    name_zh     TEXT    NOT NULL,
    name_en     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE courses (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL UNIQUE,
    centre_id   INTEGER NOT NULL REFERENCES centres (id),
    category    TEXT    NOT NULL CHECK (category IN ('auditor_training', 'post_certification', 'lecture')),
    title_zh    TEXT    NOT NULL,
    title_en    TEXT    NOT NULL,
    summary_zh  TEXT    NOT NULL DEFAULT '',
    summary_en  TEXT    NOT NULL DEFAULT '',
    hours       INTEGER NOT NULL CHECK (hours > 0),
    published   INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1)),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX courses_centre ON courses (centre_id);
CREATE INDEX courses_published_category ON courses (published, category);

CREATE TABLE classes (
    id              INTEGER PRIMARY KEY,
    course_id       INTEGER NOT NULL REFERENCES courses (id),
    name_zh         TEXT    NOT NULL,
    name_en         TEXT    NOT NULL,
    starts_on       TEXT    NOT NULL CHECK (date(starts_on) IS starts_on),
    ends_on         TEXT    NOT NULL CHECK (date(ends_on) IS ends_on AND ends_on >= starts_on),
    city_zh         TEXT    NOT NULL,
    city_en         TEXT    NOT NULL,
    venue           TEXT    NOT NULL DEFAULT '',
    capacity        INTEGER NOT NULL CHECK (capacity > 0),
    -- Whether a full class puts new applicants on a waiting list (1) or refuses them (0).
    waitlist        INTEGER NOT NULL DEFAULT 1 CHECK (waitlist IN (0, 1)),
    approval        TEXT    NOT NULL CHECK (approval IN ('automatic', 'manual')),
    enrol_opens_at  INTEGER NOT NULL,
    enrol_closes_at INTEGER NOT NULL CHECK (enrol_closes_at > enrol_opens_at),
    created_at      INTEGER NOT NULL
) STRICT;

CREATE INDEX classes_course_start ON classes (course_id, starts_on);
CREATE INDEX classes_city ON classes (city_en, city_zh);

CREATE TABLE class_instructors (
    class_id      INTEGER NOT NULL REFERENCES classes (id),
    instructor_id INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (class_id, instructor_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX class_instructors_instructor ON class_instructors (instructor_id);

-- A trainee in a class. Pending, approved and completed enrolments hold a
-- seat; waitlisted ones queue in id order (the order they arrived at the
-- single writer); rejected and withdrawn ones are history.
CREATE TABLE enrolments (
    id              INTEGER PRIMARY KEY,
    class_id        INTEGER NOT NULL REFERENCES classes (id),
    trainee_id      INTEGER NOT NULL REFERENCES users (id),
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'approved', 'waitlisted', 'rejected', 'withdrawn', 'completed')),
    note            TEXT    NOT NULL DEFAULT '',
    decision_reason TEXT    NOT NULL DEFAULT '',
    decided_by      INTEGER REFERENCES users (id),
    attended        INTEGER NOT NULL DEFAULT 0 CHECK (attended IN (0, 1)),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;

-- One live enrolment per trainee and class; after a withdrawal or a
-- rejection the trainee may apply again.
CREATE UNIQUE INDEX enrolments_one_live ON enrolments (class_id, trainee_id)
    WHERE state IN ('pending', 'approved', 'waitlisted', 'completed');
CREATE INDEX enrolments_class_state ON enrolments (class_id, state, id);
CREATE INDEX enrolments_trainee ON enrolments (trainee_id, created_at);
