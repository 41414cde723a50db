-- Question banks, exams, attempts, answers and grading.
-- Points are whole numbers; instants are Unix seconds.

-- A course's question bank. `options` is a JSON array of {"zh", "en"};
-- `answer_key` is the JSON of domain::exam::AnswerKey; `tags` a JSON array
-- of strings. Questions are retired, never deleted: attempts refer to them.
CREATE TABLE questions (
    id             INTEGER PRIMARY KEY,
    course_id      INTEGER NOT NULL REFERENCES courses (id),
    kind           TEXT    NOT NULL CHECK (kind IN ('single', 'multiple', 'true_false', 'short_answer', 'essay')),
    prompt_zh      TEXT    NOT NULL,
    prompt_en      TEXT    NOT NULL,
    options        TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(options)),
    answer_key     TEXT    NOT NULL CHECK (json_valid(answer_key)),
    points         INTEGER NOT NULL CHECK (points BETWEEN 1 AND 100),
    tags           TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
    explanation_zh TEXT    NOT NULL DEFAULT '',
    explanation_en TEXT    NOT NULL DEFAULT '',
    retired        INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;

CREATE INDEX questions_course ON questions (course_id, retired, id);

-- An exam for one class. Questions are either the fixed list in
-- exam_questions or drawn per attempt from the course's bank, `count` per
-- tag (exam_draws).
CREATE TABLE exams (
    id                 INTEGER PRIMARY KEY,
    class_id           INTEGER NOT NULL REFERENCES classes (id),
    title_zh           TEXT    NOT NULL,
    title_en           TEXT    NOT NULL,
    selection          TEXT    NOT NULL CHECK (selection IN ('fixed', 'random')),
    time_limit_minutes INTEGER NOT NULL CHECK (time_limit_minutes BETWEEN 1 AND 600),
    opens_at           INTEGER NOT NULL,
    closes_at          INTEGER NOT NULL CHECK (closes_at > opens_at),
    attempts_allowed   INTEGER NOT NULL CHECK (attempts_allowed BETWEEN 1 AND 10),
    counting           TEXT    NOT NULL CHECK (counting IN ('highest', 'last')),
    pass_percent       INTEGER NOT NULL CHECK (pass_percent BETWEEN 0 AND 100),
    shuffle            INTEGER NOT NULL CHECK (shuffle IN (0, 1)),
    released_at        INTEGER,
    released_by        INTEGER REFERENCES users (id),
    created_by         INTEGER NOT NULL REFERENCES users (id),
    created_at         INTEGER NOT NULL
) STRICT;

CREATE INDEX exams_class ON exams (class_id, opens_at);

CREATE TABLE exam_questions (
    exam_id     INTEGER NOT NULL REFERENCES exams (id),
    question_id INTEGER NOT NULL REFERENCES questions (id),
    position    INTEGER NOT NULL,
    PRIMARY KEY (exam_id, question_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE exam_draws (
    exam_id INTEGER NOT NULL REFERENCES exams (id),
    tag     TEXT    NOT NULL,
    count   INTEGER NOT NULL CHECK (count BETWEEN 1 AND 200),
    PRIMARY KEY (exam_id, tag)
) STRICT, WITHOUT ROWID;

-- Extra time for a trainee, applied to every exam they start afterwards
-- (150 = half as much time again).
CREATE TABLE accommodations (
    trainee_id          INTEGER PRIMARY KEY REFERENCES users (id),
    time_factor_percent INTEGER NOT NULL CHECK (time_factor_percent BETWEEN 100 AND 300),
    set_by              INTEGER NOT NULL REFERENCES users (id),
    set_at              INTEGER NOT NULL
) STRICT;

-- A sitting. `layout` fixes, per attempt, which questions appear in which
-- order and the order of each question's options: a JSON array of
-- {"question": id, "options": [original indexes in display order]}.
-- State: in_progress → awaiting_grading (something needs a person) or
-- graded. `score` is set once every answer has points.
CREATE TABLE attempts (
    id           INTEGER PRIMARY KEY,
    exam_id      INTEGER NOT NULL REFERENCES exams (id),
    trainee_id   INTEGER NOT NULL REFERENCES users (id),
    number       INTEGER NOT NULL CHECK (number >= 1),
    state        TEXT    NOT NULL CHECK (state IN ('in_progress', 'awaiting_grading', 'graded')),
    layout       TEXT    NOT NULL CHECK (json_valid(layout)),
    started_at   INTEGER NOT NULL,
    deadline_at  INTEGER NOT NULL,
    submitted_at INTEGER,
    closed_by    TEXT    CHECK (closed_by IN ('trainee', 'deadline')),
    max_points   INTEGER NOT NULL,
    score        INTEGER,
    UNIQUE (exam_id, trainee_id, number)
) STRICT;

-- At most one open sitting per trainee and exam, so two tabs pressing
-- "start" at once continue the same attempt.
CREATE UNIQUE INDEX attempts_one_open ON attempts (exam_id, trainee_id) WHERE state = 'in_progress';
CREATE INDEX attempts_trainee ON attempts (trainee_id, exam_id);
CREATE INDEX attempts_open_deadline ON attempts (deadline_at) WHERE state = 'in_progress';

-- One row per question of an attempt, created when the attempt starts, so
-- an unanswered question is a row with an empty response. `points` is
-- NULL until scored (automatically at submission) or graded by a person.
CREATE TABLE answers (
    attempt_id    INTEGER NOT NULL REFERENCES attempts (id),
    question_id   INTEGER NOT NULL REFERENCES questions (id),
    response      TEXT    NOT NULL DEFAULT '',
    saved_at      INTEGER,
    needs_grading INTEGER NOT NULL DEFAULT 0 CHECK (needs_grading IN (0, 1)),
    points        INTEGER CHECK (points >= 0),
    feedback      TEXT    NOT NULL DEFAULT '',
    graded_by     INTEGER REFERENCES users (id),
    graded_at     INTEGER,
    PRIMARY KEY (attempt_id, question_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX answers_question_queue ON answers (question_id, needs_grading);

-- Manual changes to a counted result: the latest row wins, earlier ones
-- stay as the record of who changed what, when and why.
CREATE TABLE grade_overrides (
    id         INTEGER PRIMARY KEY,
    exam_id    INTEGER NOT NULL REFERENCES exams (id),
    trainee_id INTEGER NOT NULL REFERENCES users (id),
    percent    INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
    reason     TEXT    NOT NULL CHECK (length(reason) > 0),
    set_by     INTEGER NOT NULL REFERENCES users (id),
    set_at     INTEGER NOT NULL
) STRICT;

CREATE INDEX grade_overrides_exam ON grade_overrides (exam_id, trainee_id, id);

-- Every regrade after an answer key changed.
CREATE TABLE regrades (
    id               INTEGER PRIMARY KEY,
    question_id      INTEGER NOT NULL REFERENCES questions (id),
    attempts_changed INTEGER NOT NULL,
    done_by          INTEGER NOT NULL REFERENCES users (id),
    done_at          INTEGER NOT NULL
) STRICT;
