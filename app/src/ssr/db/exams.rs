//! SQL for exams, attempts, answers and grading.
//!
//! Every change is one write transaction. Deadlines need no job: any read or
//! write of an attempt past its deadline closes it first ([`close_overdue`],
//! also run periodically by the server), so the server, not the page,
//! decides when time is up.

use super::direct::direct_row;
use super::questions::{QuestionRow, StoredQuestion, QUESTION_COLUMNS};
use super::{audit, Db};
use crate::api::catalogue::Localized;
use crate::api::exams::{
    AttemptState, AttemptSummary, ExamForMe, ExamInfo, ExamResult, MyExam, Paper, PaperQuestion,
    ResultItem, SaveReceipt, Standing,
};
use crate::api::grading::{
    BankChoice, ClassExams, ExamOverview, ExamQuestion, ExamSummary, GradeCell, GradeRow,
    Gradebook, GradingQueue, ItemRow, OverrideRecord, QueueItem,
};
use crate::api::teaching::TaughtClass;
use crate::domain::catalogue::{parse_china_time, parse_count};
use crate::domain::exam::{
    self, Counting, QuestionKind, Response, Scored, ScoredAttempt, FEEDBACK_MAX_CHARS,
};
use crate::error::{AppError, FieldErrors, Problem};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};
use sqlx::{FromRow, SqliteConnection, SqlitePool};
use std::collections::HashMap;

/// Which questions an attempt shows, in order, and each one's option order
/// (original indexes in display order).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct LayoutItem {
    question: i64,
    options: Vec<u32>,
}

#[derive(FromRow)]
struct ExamRow {
    id: i64,
    class_id: i64,
    course_id: i64,
    course_code: String,
    course_title_zh: String,
    course_title_en: String,
    class_name_zh: String,
    class_name_en: String,
    title_zh: String,
    title_en: String,
    selection: String,
    time_limit_minutes: i64,
    opens_at: i64,
    closes_at: i64,
    attempts_allowed: i64,
    counting: String,
    pass_percent: i64,
    shuffle: bool,
    released_at: Option<i64>,
    question_count: i64,
}

direct_row!(ExamRow {
    id,
    class_id,
    course_id,
    course_code,
    course_title_zh,
    course_title_en,
    class_name_zh,
    class_name_en,
    title_zh,
    title_en,
    selection,
    time_limit_minutes,
    opens_at,
    closes_at,
    attempts_allowed,
    counting,
    pass_percent,
    shuffle,
    released_at,
    question_count,
});

const EXAM_SELECT: &str = "
    SELECT x.id, x.class_id, c.id AS course_id, c.code AS course_code,
           c.title_zh AS course_title_zh, c.title_en AS course_title_en,
           k.name_zh AS class_name_zh, k.name_en AS class_name_en,
           x.title_zh, x.title_en, x.selection, x.time_limit_minutes, x.opens_at, x.closes_at,
           x.attempts_allowed, x.counting, x.pass_percent, x.shuffle, x.released_at,
           CASE x.selection
             WHEN 'fixed' THEN (SELECT COUNT(*) FROM exam_questions q WHERE q.exam_id = x.id)
             ELSE (SELECT COALESCE(SUM(d.count), 0) FROM exam_draws d WHERE d.exam_id = x.id)
           END AS question_count
    FROM exams x JOIN classes k ON k.id = x.class_id JOIN courses c ON c.id = k.course_id";

impl ExamRow {
    fn counting(&self) -> Counting {
        Counting::parse(&self.counting).unwrap_or(Counting::Highest)
    }

    fn info(&self) -> ExamInfo {
        ExamInfo {
            id: self.id,
            class_id: self.class_id,
            course_code: self.course_code.clone(),
            course_title: Localized::new(&self.course_title_zh, &self.course_title_en),
            class_name: Localized::new(&self.class_name_zh, &self.class_name_en),
            title: Localized::new(&self.title_zh, &self.title_en),
            time_limit_minutes: self.time_limit_minutes,
            opens_at: self.opens_at,
            closes_at: self.closes_at,
            attempts_allowed: self.attempts_allowed,
            counting: self.counting(),
            pass_percent: self.pass_percent,
            shuffle: self.shuffle,
            selection: self.selection.clone(),
            question_count: self.question_count,
            released_at: self.released_at,
        }
    }
}

async fn exam_row(
    conn: &mut SqliteConnection,
    exam_id: i64,
) -> Result<Option<ExamRow>, sqlx::Error> {
    sqlx::query_as(&format!("{EXAM_SELECT} WHERE x.id = ?"))
        .bind(exam_id)
        .fetch_optional(conn)
        .await
}

pub async fn class_of_exam(pool: &SqlitePool, exam_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT class_id FROM exams WHERE id = ?")
        .bind(exam_id)
        .fetch_optional(pool)
        .await
}

pub async fn exam_of_attempt(
    pool: &SqlitePool,
    attempt_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT exam_id FROM attempts WHERE id = ?")
        .bind(attempt_id)
        .fetch_optional(pool)
        .await
}

#[derive(FromRow, Clone)]
struct AttemptRow {
    id: i64,
    exam_id: i64,
    trainee_id: i64,
    number: i64,
    state: String,
    layout: String,
    started_at: i64,
    deadline_at: i64,
    submitted_at: Option<i64>,
    closed_by: Option<String>,
    max_points: i64,
    score: Option<i64>,
}

direct_row!(AttemptRow {
    id,
    exam_id,
    trainee_id,
    number,
    state,
    layout,
    started_at,
    deadline_at,
    submitted_at,
    closed_by,
    max_points,
    score,
});

const ATTEMPT_COLUMNS: &str = "id, exam_id, trainee_id, number, state, layout, started_at, \
     deadline_at, submitted_at, closed_by, max_points, score";

impl AttemptRow {
    fn state(&self) -> AttemptState {
        AttemptState::parse(&self.state).unwrap_or(AttemptState::InProgress)
    }

    fn layout(&self) -> Result<Vec<LayoutItem>, sqlx::Error> {
        serde_json::from_str(&self.layout).map_err(|e| sqlx::Error::Decode(Box::new(e)))
    }

    /// The attempt as its trainee may see it: no score before release, and
    /// while another attempt may start, no hint whether everything was
    /// scored at hand-in (on a paper without essays that would tell which
    /// short answers matched the key).
    fn summary_for_trainee(&self, exam: &ExamRow, retry_possible: bool) -> AttemptSummary {
        let released = exam.released_at.is_some();
        AttemptSummary {
            id: self.id,
            number: self.number,
            state: masked_state(self.state(), released, retry_possible),
            started_at: self.started_at,
            submitted_at: self.submitted_at,
            closed_by: self.closed_by.clone(),
            score: self.score.filter(|_| released),
            max_points: self.max_points,
        }
    }
}

async fn attempt_row(
    conn: &mut SqliteConnection,
    attempt_id: i64,
) -> Result<Option<AttemptRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE id = ?"
    ))
    .bind(attempt_id)
    .fetch_optional(conn)
    .await
}

async fn attempts_of(
    conn: &mut SqliteConnection,
    exam_id: i64,
    trainee_id: i64,
) -> Result<Vec<AttemptRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE exam_id = ? AND trainee_id = ? ORDER BY number"
    ))
    .bind(exam_id)
    .bind(trainee_id)
    .fetch_all(conn)
    .await
}

// ---------------------------------------------------------------- scoring

/// Scores every answer of a just-closed attempt: objective answers get their
/// points, the rest wait for a person. Then settles the attempt.
async fn score_attempt(
    conn: &mut SqliteConnection,
    attempt_id: i64,
    closed_by: &str,
    now: i64,
) -> Result<AttemptState, sqlx::Error> {
    let answers: Vec<(i64, String)> =
        sqlx::query_as("SELECT question_id, response FROM answers WHERE attempt_id = ?")
            .bind(attempt_id)
            .fetch_all(&mut *conn)
            .await?;
    for (question_id, response) in answers {
        let Some(stored) = super::questions::load(conn, question_id).await? else {
            continue;
        };
        let (points, needs_grading) = match score_response(&stored, &response) {
            Scored::Points(p) => (Some(p), false),
            Scored::NeedsGrading => (None, true),
        };
        sqlx::query(
            "UPDATE answers SET points = ?, needs_grading = ? WHERE attempt_id = ? AND question_id = ?",
        )
        .bind(points)
        .bind(needs_grading)
        .bind(attempt_id)
        .bind(question_id)
        .execute(&mut *conn)
        .await?;
    }
    // Closed by the clock: it closed at the deadline, whenever the server
    // noticed (after downtime the sweep may run late).
    sqlx::query(
        "UPDATE attempts SET submitted_at = CASE WHEN ? = 'deadline' THEN MIN(?, deadline_at) ELSE ? END,
                closed_by = ?, state = 'awaiting_grading'
         WHERE id = ?",
    )
    .bind(closed_by)
    .bind(now)
    .bind(now)
    .bind(closed_by)
    .bind(attempt_id)
    .execute(&mut *conn)
    .await?;
    settle(conn, attempt_id).await
}

fn score_response(stored: &StoredQuestion, response: &str) -> Scored {
    let q = &stored.question;
    // A stored response was checked when saved; if the question has changed
    // shape since, what no longer parses counts as unanswered.
    let parsed = Response::parse(q.kind, response, q.options.len())
        .ok()
        .flatten();
    exam::score(&q.key, q.points, parsed.as_ref())
}

/// Graded once every answer has points; the score is then their sum.
async fn settle(conn: &mut SqliteConnection, attempt_id: i64) -> Result<AttemptState, sqlx::Error> {
    let (open, total): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*) FILTER (WHERE points IS NULL), COALESCE(SUM(points), 0)
         FROM answers WHERE attempt_id = ?",
    )
    .bind(attempt_id)
    .fetch_one(&mut *conn)
    .await?;
    let state = if open == 0 {
        AttemptState::Graded
    } else {
        AttemptState::AwaitingGrading
    };
    sqlx::query("UPDATE attempts SET state = ?, score = ? WHERE id = ? AND state != 'in_progress'")
        .bind(state.as_str())
        .bind((open == 0).then_some(total))
        .bind(attempt_id)
        .execute(&mut *conn)
        .await?;
    Ok(state)
}

/// Closes every attempt whose time is up, as if its trainee had submitted.
pub async fn close_overdue(db: &Db, now: i64) -> Result<u64, AppError> {
    // Nearly always there is nothing to do: the earliest deadline of an open
    // attempt is kept while no attempt changes, and until it passes the
    // database is not asked (every trainee's page and exam asks this).
    use super::changes::Topic;
    let version = db.changes.version(Topic::Attempts);
    let kept = *db.open_deadline.lock().unwrap_or_else(|e| e.into_inner());
    let earliest = match kept {
        Some((at, earliest)) if at == version => earliest,
        _ => {
            let earliest: Option<i64> = sqlx::query_scalar(
                "SELECT MIN(deadline_at) FROM attempts WHERE state = 'in_progress'",
            )
            .fetch_one(&db.reader)
            .await?;
            if db.changes.unchanged_since(Topic::Attempts, version) {
                *db.open_deadline.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some((version, earliest));
            }
            earliest
        }
    };
    if earliest.is_none_or(|deadline| deadline > now) {
        return Ok(0);
    }
    let mut tx = db.begin_write().await?;
    let overdue: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM attempts WHERE state = 'in_progress' AND deadline_at <= ?",
    )
    .bind(now)
    .fetch_all(&mut *tx)
    .await?;
    for id in &overdue {
        score_attempt(&mut tx, *id, "deadline", now).await?;
    }
    tx.commit().await?;
    Ok(overdue.len() as u64)
}

/// One answer as a regrade reads it.
#[derive(FromRow)]
struct RegradeRow {
    attempt_id: i64,
    response: String,
    points: Option<i64>,
    needs_grading: bool,
    graded_by: Option<i64>,
}

/// Rescores the answers to one question after its key or points changed,
/// in every closed attempt; records the regrade. Objective answers are
/// rescored; short answers that now match get full points, and those that
/// no longer match go back to the queue unless a person graded them; a
/// person's grade stands, capped at the question's new maximum. Returns how
/// many attempts changed.
pub async fn regrade_question(
    conn: &mut SqliteConnection,
    question_id: i64,
    actor_id: i64,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let Some(stored) = super::questions::load(conn, question_id).await? else {
        return Ok(0);
    };
    let answers: Vec<RegradeRow> = sqlx::query_as(
        "SELECT a.attempt_id, a.response, a.points, a.needs_grading, a.graded_by
         FROM answers a JOIN attempts t ON t.id = a.attempt_id
         WHERE a.question_id = ? AND t.state != 'in_progress'",
    )
    .bind(question_id)
    .fetch_all(&mut *conn)
    .await?;
    let max = stored.question.points;
    let mut changed = Vec::new();
    for RegradeRow {
        attempt_id,
        response,
        points,
        needs_grading,
        graded_by,
    } in answers
    {
        let by_person = graded_by.is_some();
        let (new_points, new_needs) =
            match (score_response(&stored, &response), stored.question.kind) {
                (_, QuestionKind::Essay) | (Scored::NeedsGrading, _) if by_person => {
                    (points.map(|p| p.min(max)), needs_grading)
                }
                (_, QuestionKind::Essay) => continue,
                (Scored::Points(p), _) => (Some(p), needs_grading && by_person),
                (Scored::NeedsGrading, _) => (None, true),
            };
        if new_points == points && new_needs == needs_grading {
            continue;
        }
        // A capped grade is still the person's; a rescored one is not.
        let keep_grader = by_person && new_needs == needs_grading;
        sqlx::query(
            "UPDATE answers SET points = ?, needs_grading = ?,
                    graded_by = CASE WHEN ? THEN graded_by END,
                    graded_at = CASE WHEN ? THEN graded_at END
             WHERE attempt_id = ? AND question_id = ?",
        )
        .bind(new_points)
        .bind(new_needs)
        .bind(keep_grader)
        .bind(keep_grader)
        .bind(attempt_id)
        .bind(question_id)
        .execute(&mut *conn)
        .await?;
        changed.push(attempt_id);
    }
    // The maximum follows the question's points in every attempt that has it.
    sqlx::query(
        "UPDATE attempts SET max_points = (
             SELECT COALESCE(SUM(q.points), 0) FROM answers a JOIN questions q ON q.id = a.question_id
             WHERE a.attempt_id = attempts.id)
         WHERE id IN (SELECT attempt_id FROM answers WHERE question_id = ?)",
    )
    .bind(question_id)
    .execute(&mut *conn)
    .await?;
    for attempt_id in &changed {
        settle(conn, *attempt_id).await?;
    }
    let count = changed.len() as i64;
    sqlx::query(
        "INSERT INTO regrades (question_id, attempts_changed, done_by, done_at) VALUES (?, ?, ?, ?)",
    )
    .bind(question_id)
    .bind(count)
    .bind(actor_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        audit::Event {
            actor_id: Some(actor_id),
            action: "regrade_question",
            subject: format!("question:{question_id}"),
            detail: serde_json::json!({ "attempts_changed": changed }),
            ip: None,
        },
        now,
    )
    .await?;
    Ok(count)
}

// ---------------------------------------------------------------- trainees

/// Whether the trainee holds an approved (or completed) place in the class.
async fn approved_in(
    conn: &mut SqliteConnection,
    trainee_id: i64,
    class_id: i64,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM enrolments WHERE trainee_id = ? AND class_id = ?
           AND state IN ('approved', 'completed')",
    )
    .bind(trainee_id)
    .bind(class_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

fn masked_state(state: AttemptState, released: bool, retry_possible: bool) -> AttemptState {
    if state == AttemptState::Graded && !released && retry_possible {
        AttemptState::AwaitingGrading
    } else {
        state
    }
}

/// Whether the trainee may still start another attempt (now or later).
fn retry_possible(exam: &ExamRow, attempts: &[AttemptRow], now: i64) -> bool {
    now < exam.closes_at && (attempts.len() as i64) < exam.attempts_allowed
}

/// Why a new attempt cannot start now, if it cannot.
fn start_refusal(exam: &ExamRow, attempts: &[AttemptRow], now: i64) -> Option<Problem> {
    if attempts
        .iter()
        .any(|a| a.state() == AttemptState::InProgress)
    {
        return None;
    }
    if now < exam.opens_at {
        Some(Problem::ExamNotOpenYet)
    } else if now >= exam.closes_at {
        Some(Problem::ExamClosed)
    } else if attempts.len() as i64 >= exam.attempts_allowed {
        Some(Problem::NoAttemptsLeft)
    } else {
        None
    }
}

/// Where the trainee stands, from their attempts (oldest first).
fn standing(
    exam: &ExamRow,
    attempts: &[AttemptRow],
    override_percent: Option<i64>,
    now: i64,
) -> (Standing, Option<i64>) {
    if attempts
        .iter()
        .any(|a| a.state() == AttemptState::InProgress)
    {
        return (Standing::InProgress, None);
    }
    // A result set by hand stands whether or not there is an attempt.
    if let Some(percent) = override_percent {
        if exam.released_at.is_none() {
            return (Standing::AwaitingRelease, None);
        }
        let passed = percent >= exam.pass_percent;
        return (
            if passed {
                Standing::Passed
            } else {
                Standing::Failed
            },
            Some(percent),
        );
    }
    let finished: Vec<(i64, Option<i64>)> = attempts.iter().map(|a| (a.number, a.score)).collect();
    if let Some(i) = exam::counted_attempt(exam.counting(), &finished) {
        let counted = &attempts[i];
        if counted.state() == AttemptState::AwaitingGrading && override_percent.is_none() {
            return (Standing::AwaitingGrading, None);
        }
        if exam.released_at.is_none() {
            return if retry_possible(exam, attempts, now) {
                (Standing::AwaitingGrading, None)
            } else {
                (Standing::AwaitingRelease, None)
            };
        }
        let percent = override_percent
            .unwrap_or_else(|| exam::percent(counted.score.unwrap_or(0), counted.max_points));
        let passed = match override_percent {
            Some(p) => p >= exam.pass_percent,
            None => exam::passes(
                counted.score.unwrap_or(0),
                counted.max_points,
                exam.pass_percent,
            ),
        };
        return (
            if passed {
                Standing::Passed
            } else {
                Standing::Failed
            },
            Some(percent),
        );
    }
    if now < exam.opens_at {
        (Standing::NotOpenYet, None)
    } else if now >= exam.closes_at {
        (Standing::Closed, None)
    } else {
        (Standing::Open, None)
    }
}

async fn override_of(
    conn: &mut SqliteConnection,
    exam_id: i64,
    trainee_id: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT percent, reason FROM grade_overrides WHERE exam_id = ? AND trainee_id = ?
         ORDER BY id DESC LIMIT 1",
    )
    .bind(exam_id)
    .bind(trainee_id)
    .fetch_optional(conn)
    .await
}

/// The exams of the classes a trainee is in, with their standing, read in
/// place (`Db::read`).
pub fn my_exams(
    db: &rusqlite::Connection,
    trainee_id: i64,
    now: i64,
) -> rusqlite::Result<Vec<MyExam>> {
    let exams: Vec<ExamRow> = db
        .prepare_cached(&format!(
            "{EXAM_SELECT}
             WHERE x.class_id IN (SELECT class_id FROM enrolments WHERE trainee_id = ?
                                  AND state IN ('approved', 'completed'))
             ORDER BY x.closes_at < ? ASC, x.opens_at, x.id"
        ))?
        .query_map([trainee_id, now], ExamRow::from_direct)?
        .collect::<rusqlite::Result<_>>()?;
    // Every attempt and override of the trainee's exams in one query each,
    // not two per exam.
    let ids = serde_json::to_string(&exams.iter().map(|e| e.id).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".into());
    let mut attempts_by_exam: HashMap<i64, Vec<AttemptRow>> = HashMap::new();
    let mut statement = db.prepare_cached(&format!(
        "SELECT {ATTEMPT_COLUMNS} FROM attempts
         WHERE trainee_id = ? AND exam_id IN (SELECT value FROM json_each(?))
         ORDER BY exam_id, number"
    ))?;
    for attempt in
        statement.query_map(rusqlite::params![trainee_id, ids], AttemptRow::from_direct)?
    {
        let attempt = attempt?;
        attempts_by_exam
            .entry(attempt.exam_id)
            .or_default()
            .push(attempt);
    }
    // The latest override of each exam wins (rows in id order).
    let overrides: HashMap<i64, i64> = db
        .prepare_cached(
            "SELECT exam_id, percent FROM grade_overrides
             WHERE trainee_id = ? AND exam_id IN (SELECT value FROM json_each(?))
             ORDER BY id",
        )?
        .query_map(rusqlite::params![trainee_id, ids], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut list = Vec::with_capacity(exams.len());
    for exam in exams {
        let attempts = attempts_by_exam.remove(&exam.id).unwrap_or_default();
        let override_percent = overrides.get(&exam.id).copied();
        let (standing, percent) = standing(&exam, &attempts, override_percent, now);
        list.push(MyExam {
            exam: exam.info(),
            standing,
            attempts_used: attempts.len() as i64,
            percent,
        });
    }
    Ok(list)
}

pub async fn exam_for_trainee(
    pool: &SqlitePool,
    trainee_id: i64,
    exam_id: i64,
    now: i64,
) -> Result<ExamForMe, AppError> {
    let mut conn = pool.acquire().await?;
    let exam = exam_row(&mut conn, exam_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // An exam of a class the trainee is not in does not exist for them.
    if !approved_in(&mut conn, trainee_id, exam.class_id).await? {
        return Err(AppError::NotFound);
    }
    let attempts = attempts_of(&mut conn, exam_id, trainee_id).await?;
    let override_row = override_of(&mut conn, exam_id, trainee_id).await?;
    let (standing, _) = standing(&exam, &attempts, override_row.as_ref().map(|o| o.0), now);
    let paper = match attempts
        .iter()
        .find(|a| a.state() == AttemptState::InProgress)
    {
        Some(open) => Some(paper(&mut conn, open, now).await?),
        None => None,
    };
    let result = if matches!(standing, Standing::Passed | Standing::Failed) {
        result(&mut conn, &exam, &attempts, override_row, now).await?
    } else {
        None
    };
    Ok(ExamForMe {
        standing,
        cannot_start: start_refusal(&exam, &attempts, now),
        exam: exam.info(),
        attempts: {
            let retry = retry_possible(&exam, &attempts, now);
            attempts
                .iter()
                .map(|a| a.summary_for_trainee(&exam, retry))
                .collect()
        },
        paper,
        result,
        server_time: now,
    })
}

/// The questions of an open attempt without their keys, with saved answers.
async fn paper(
    conn: &mut SqliteConnection,
    attempt: &AttemptRow,
    now: i64,
) -> Result<Paper, AppError> {
    let saved: HashMap<i64, String> = sqlx::query_as::<_, (i64, String)>(
        "SELECT question_id, response FROM answers WHERE attempt_id = ?",
    )
    .bind(attempt.id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect();
    let mut questions = Vec::new();
    for item in attempt.layout()? {
        let Some(stored) = super::questions::load(conn, item.question).await? else {
            continue;
        };
        let q = stored.question;
        let options = item
            .options
            .iter()
            .filter_map(|&i| {
                q.options
                    .get(i as usize)
                    .map(|o| (i, Localized::new(&o.zh, &o.en)))
            })
            .collect();
        questions.push(PaperQuestion {
            question_id: stored.id,
            kind: q.kind,
            prompt: Localized::new(q.prompt_zh, q.prompt_en),
            options,
            points: q.points,
            response: saved.get(&stored.id).cloned().unwrap_or_default(),
        });
    }
    Ok(Paper {
        attempt_id: attempt.id,
        number: attempt.number,
        deadline_at: attempt.deadline_at,
        remaining_secs: (attempt.deadline_at - now).max(0),
        questions,
    })
}

/// The counted attempt of a released exam, question by question (or the
/// result set by hand). The keys and explanations are withheld while the
/// trainee may still start another attempt: they would answer its questions.
async fn result(
    conn: &mut SqliteConnection,
    exam: &ExamRow,
    attempts: &[AttemptRow],
    override_row: Option<(i64, String)>,
    now: i64,
) -> Result<Option<ExamResult>, AppError> {
    let finished: Vec<(i64, Option<i64>)> = attempts.iter().map(|a| (a.number, a.score)).collect();
    let counted = exam::counted_attempt(exam.counting(), &finished).map(|i| &attempts[i]);
    if counted.is_none() && override_row.is_none() {
        return Ok(None);
    }
    let withheld = retry_possible(exam, attempts, now);
    let mut items = Vec::new();
    if let (Some(counted), false) = (counted, withheld) {
        let answers: HashMap<i64, (String, Option<i64>, String)> =
            sqlx::query_as::<_, (i64, String, Option<i64>, String)>(
                "SELECT question_id, response, points, feedback FROM answers WHERE attempt_id = ?",
            )
            .bind(counted.id)
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|(q, r, p, f)| (q, (r, p, f)))
            .collect();
        for item in counted.layout()? {
            let Some(stored) = super::questions::load(conn, item.question).await? else {
                continue;
            };
            let q = stored.question;
            let (response, points, feedback) = answers.get(&stored.id).cloned().unwrap_or_default();
            items.push(ResultItem {
                kind: q.kind,
                prompt: Localized::new(q.prompt_zh, q.prompt_en),
                options: q
                    .options
                    .iter()
                    .map(|o| Localized::new(&o.zh, &o.en))
                    .collect(),
                order: item.options.clone(),
                key: q.key,
                response,
                points,
                max_points: q.points,
                feedback,
                explanation: Localized::new(q.explanation_zh, q.explanation_en),
            });
        }
    }
    let (score, max_points) = counted
        .map(|c| (c.score.unwrap_or(0), c.max_points))
        .unwrap_or((0, 0));
    let (percent, passed) = match &override_row {
        Some((p, _)) => (*p, *p >= exam.pass_percent),
        None => (
            exam::percent(score, max_points),
            exam::passes(score, max_points, exam.pass_percent),
        ),
    };
    Ok(Some(ExamResult {
        attempt_number: counted.map(|c| c.number).unwrap_or(0),
        score,
        max_points,
        percent,
        passed,
        override_reason: override_row.map(|o| o.1),
        answers_withheld: withheld,
        items,
    }))
}

/// Starts an attempt (or returns the open one): checks the place, the window
/// and the attempts left, draws and shuffles the questions, and creates an
/// empty answer for each, all in one transaction.
pub async fn start(
    db: &Db,
    trainee_id: i64,
    exam_id: i64,
    ip: Option<String>,
    now: i64,
) -> Result<i64, AppError> {
    close_overdue(db, now).await?;
    let mut tx = db.begin_write().await?;
    let attempt_id = start_in(&mut tx, trainee_id, exam_id, ip, now).await?;
    tx.commit().await?;
    Ok(attempt_id)
}

pub async fn start_in(
    tx: &mut SqliteConnection,
    trainee_id: i64,
    exam_id: i64,
    ip: Option<String>,
    now: i64,
) -> Result<i64, AppError> {
    let exam = exam_row(tx, exam_id).await?.ok_or(AppError::NotFound)?;
    if !approved_in(tx, trainee_id, exam.class_id).await? {
        return Err(AppError::Conflict(Problem::NotApprovedForClass));
    }
    let attempts = attempts_of(tx, exam_id, trainee_id).await?;
    if let Some(open) = attempts
        .iter()
        .find(|a| a.state() == AttemptState::InProgress)
    {
        return Ok(open.id);
    }
    if let Some(problem) = start_refusal(&exam, &attempts, now) {
        return Err(AppError::Conflict(problem));
    }
    let questions = draw(tx, &exam).await?;
    // StdRng, not thread_rng: the future must stay Send across awaits.
    let mut rng = rand::rngs::StdRng::from_entropy();
    let mut layout: Vec<LayoutItem> = questions
        .iter()
        .map(|q| {
            let mut options: Vec<u32> = (0..q.question.options.len() as u32).collect();
            if exam.shuffle {
                options.shuffle(&mut rng);
            }
            LayoutItem {
                question: q.id,
                options,
            }
        })
        .collect();
    if exam.shuffle {
        layout.shuffle(&mut rng);
    }
    let factor: i64 =
        sqlx::query_scalar("SELECT time_factor_percent FROM accommodations WHERE trainee_id = ?")
            .bind(trainee_id)
            .fetch_optional(&mut *tx)
            .await?
            .unwrap_or(100);
    let deadline = exam::deadline(now, exam.time_limit_minutes, factor, exam.closes_at);
    let max_points: i64 = questions.iter().map(|q| q.question.points).sum();
    let layout_json =
        serde_json::to_string(&layout).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let attempt_id: i64 = sqlx::query_scalar(
        "INSERT INTO attempts (exam_id, trainee_id, number, state, layout, started_at, deadline_at, max_points)
         VALUES (?, ?, ?, 'in_progress', ?, ?, ?, ?) RETURNING id",
    )
    .bind(exam_id)
    .bind(trainee_id)
    .bind(attempts.len() as i64 + 1)
    .bind(layout_json)
    .bind(now)
    .bind(deadline)
    .bind(max_points)
    .fetch_one(&mut *tx)
    .await?;
    for item in &layout {
        sqlx::query("INSERT INTO answers (attempt_id, question_id) VALUES (?, ?)")
            .bind(attempt_id)
            .bind(item.question)
            .execute(&mut *tx)
            .await?;
    }
    audit::record(
        tx,
        audit::Event {
            actor_id: Some(trainee_id),
            action: "start_attempt",
            subject: format!("attempt:{attempt_id}"),
            detail: serde_json::json!({ "exam": exam_id, "deadline_at": deadline, "time_factor_percent": factor }),
            ip,
        },
        now,
    )
    .await?;
    Ok(attempt_id)
}

/// The questions of a new attempt: the fixed list, or `count` drawn at
/// random per tag (a question never twice).
async fn draw(
    conn: &mut SqliteConnection,
    exam: &ExamRow,
) -> Result<Vec<StoredQuestion>, AppError> {
    let rows: Vec<QuestionRow> = if exam.selection == "fixed" {
        sqlx::query_as(&format!(
            "SELECT {QUESTION_COLUMNS} FROM exam_questions e JOIN questions q ON q.id = e.question_id
             WHERE e.exam_id = ? ORDER BY e.position"
        ))
        .bind(exam.id)
        .fetch_all(&mut *conn)
        .await?
    } else {
        let draws: Vec<(String, i64)> =
            sqlx::query_as("SELECT tag, count FROM exam_draws WHERE exam_id = ? ORDER BY tag")
                .bind(exam.id)
                .fetch_all(&mut *conn)
                .await?;
        let bank: Vec<QuestionRow> = sqlx::query_as(&format!(
            "SELECT {QUESTION_COLUMNS} FROM questions q WHERE q.course_id = ? AND q.retired = 0"
        ))
        .bind(exam.course_id)
        .fetch_all(&mut *conn)
        .await?;
        let stored = bank
            .into_iter()
            .map(QuestionRow::into_stored)
            .collect::<Result<Vec<_>, _>>()?;
        let plan = exam::plan_draw(&draws_of(&stored, &draws), |c| {
            c.shuffle(&mut rand::thread_rng())
        })
        .map_err(|(_, left)| {
            AppError::Conflict(Problem::NotEnoughQuestions {
                tag_available: left as u32,
            })
        })?;
        return Ok(plan
            .iter()
            .filter_map(|id| stored.iter().find(|q| q.id == *id).cloned())
            .collect());
    };
    let questions = rows
        .into_iter()
        .map(QuestionRow::into_stored)
        .collect::<Result<Vec<_>, _>>()?;
    if questions.is_empty() {
        return Err(AppError::Conflict(Problem::NoQuestions));
    }
    Ok(questions)
}

/// Each `(tag, count)` with the live bank questions carrying the tag.
fn draws_of(bank: &[StoredQuestion], draws: &[(String, i64)]) -> Vec<exam::Draw> {
    draws
        .iter()
        .map(|(tag, count)| exam::Draw {
            tag: tag.clone(),
            count: (*count).max(0) as usize,
            pool: bank
                .iter()
                .filter(|q| !q.retired && q.question.tags.contains(tag))
                .map(|q| q.id)
                .collect(),
        })
        .collect()
}

/// The trainee's own open attempt, closed first if its time is up.
async fn own_open_attempt(
    conn: &mut SqliteConnection,
    trainee_id: i64,
    attempt_id: i64,
    now: i64,
) -> Result<Result<AttemptRow, AppError>, AppError> {
    let attempt = attempt_row(conn, attempt_id).await?;
    // Someone else's attempt and no attempt look the same.
    let Some(attempt) = attempt.filter(|a| a.trainee_id == trainee_id) else {
        return Err(AppError::NotFound);
    };
    if attempt.state() != AttemptState::InProgress {
        return Ok(Err(AppError::Conflict(Problem::AttemptClosed)));
    }
    if now >= attempt.deadline_at {
        score_attempt(conn, attempt.id, "deadline", now).await?;
        return Ok(Err(AppError::Conflict(Problem::AttemptClosed)));
    }
    Ok(Ok(attempt))
}

pub async fn save_answer(
    db: &Db,
    trainee_id: i64,
    attempt_id: i64,
    question_id: i64,
    raw: &str,
    now: i64,
) -> Result<SaveReceipt, AppError> {
    let mut tx = db.begin_write().await?;
    match save_in(&mut tx, trainee_id, attempt_id, question_id, raw, now).await {
        Ok(receipt) => {
            tx.commit().await?;
            Ok(receipt)
        }
        Err(refusal @ AppError::Conflict(Problem::AttemptClosed)) => {
            // Keep the closing (the deadline may just have passed), refuse the answer.
            tx.commit().await?;
            Err(refusal)
        }
        Err(error) => Err(error),
    }
}

pub async fn save_in(
    tx: &mut SqliteConnection,
    trainee_id: i64,
    attempt_id: i64,
    question_id: i64,
    raw: &str,
    now: i64,
) -> Result<SaveReceipt, AppError> {
    let attempt = own_open_attempt(tx, trainee_id, attempt_id, now).await??;
    let in_paper = attempt.layout()?.iter().any(|i| i.question == question_id);
    let stored = match super::questions::load(tx, question_id).await? {
        Some(stored) if in_paper => stored,
        _ => return Err(AppError::NotFound),
    };
    let response = Response::parse(stored.question.kind, raw, stored.question.options.len())
        .map_err(|p| AppError::field("answer", p))?;
    let encoded = response.map(|r| r.encode()).unwrap_or_default();
    sqlx::query(
        "UPDATE answers SET response = ?, saved_at = ? WHERE attempt_id = ? AND question_id = ?",
    )
    .bind(&encoded)
    .bind(now)
    .bind(attempt_id)
    .bind(question_id)
    .execute(&mut *tx)
    .await?;
    Ok(SaveReceipt {
        saved_at: now,
        remaining_secs: (attempt.deadline_at - now).max(0),
    })
}

pub async fn submit(
    db: &Db,
    trainee_id: i64,
    attempt_id: i64,
    now: i64,
) -> Result<AttemptState, AppError> {
    let mut tx = db.begin_write().await?;
    let state = submit_in(&mut tx, trainee_id, attempt_id, now).await?;
    tx.commit().await?;
    Ok(state)
}

pub async fn submit_in(
    tx: &mut SqliteConnection,
    trainee_id: i64,
    attempt_id: i64,
    now: i64,
) -> Result<AttemptState, AppError> {
    let attempt = attempt_row(tx, attempt_id)
        .await?
        .filter(|a| a.trainee_id == trainee_id)
        .ok_or(AppError::NotFound)?;
    let exam = exam_row(tx, attempt.exam_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Submitting twice (two tabs, a double click, a retry) counts once.
    let state = if attempt.state() != AttemptState::InProgress {
        attempt.state()
    } else {
        let closed_by = if now >= attempt.deadline_at {
            "deadline"
        } else {
            "trainee"
        };
        let state = score_attempt(tx, attempt_id, closed_by, now).await?;
        audit::record(
            tx,
            audit::Event {
                actor_id: Some(trainee_id),
                action: "submit_attempt",
                subject: format!("attempt:{attempt_id}"),
                detail: serde_json::json!({ "exam": attempt.exam_id, "state": state.as_str(), "closed_by": closed_by }),
                ip: None,
            },
            now,
        )
        .await?;
        state
    };
    let attempts = attempts_of(tx, exam.id, trainee_id).await?;
    Ok(masked_state(
        state,
        exam.released_at.is_some(),
        retry_possible(&exam, &attempts, now),
    ))
}

// ---------------------------------------------------------------- instructors

pub struct ExamForm {
    pub title_zh: String,
    pub title_en: String,
    pub selection: String,
    pub questions: Vec<i64>,
    pub draws: String,
    pub time_limit_minutes: String,
    pub opens_at: String,
    pub closes_at: String,
    pub attempts_allowed: String,
    pub counting: String,
    pub pass_percent: String,
    pub shuffle: bool,
}

/// `tag: count` lines (either colon width) into pairs.
fn parse_draws(input: &str) -> Result<Vec<(String, i64)>, Problem> {
    let mut draws: Vec<(String, i64)> = Vec::new();
    for line in input.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (tag, count) = line.rsplit_once([':', '：']).ok_or(Problem::DrawInvalid)?;
        let tag = tag.trim();
        let count = parse_count(count, 1, 200).map_err(|_| Problem::DrawInvalid)?;
        if tag.is_empty() || draws.iter().any(|(t, _)| t == tag) {
            return Err(Problem::DrawInvalid);
        }
        draws.push((tag.to_owned(), count));
    }
    if draws.is_empty() {
        return Err(Problem::Required);
    }
    Ok(draws)
}

pub async fn create(
    db: &Db,
    actor_id: i64,
    class_id: i64,
    form: ExamForm,
    ip: Option<String>,
    now: i64,
) -> Result<i64, AppError> {
    let mut tx = db.begin_write().await?;
    let exam_id = create_in(&mut tx, actor_id, class_id, form, ip, now).await?;
    tx.commit().await?;
    Ok(exam_id)
}

pub async fn create_in(
    tx: &mut SqliteConnection,
    actor_id: i64,
    class_id: i64,
    form: ExamForm,
    ip: Option<String>,
    now: i64,
) -> Result<i64, AppError> {
    let mut errors = FieldErrors::new();
    let text = |value: &str| crate::domain::account::bounded_text(value, 200, true);
    let title_zh = errors.check("title_zh", text(&form.title_zh));
    let title_en = errors.check("title_en", text(&form.title_en));
    let limit = errors.check(
        "time_limit_minutes",
        parse_count(&form.time_limit_minutes, 1, 600),
    );
    let opens = errors.check("opens_at", parse_china_time(&form.opens_at));
    let closes = errors.check("closes_at", parse_china_time(&form.closes_at));
    if let (Some(o), Some(c)) = (opens, closes) {
        if c <= o {
            errors.add("closes_at", Problem::ClosesBeforeOpens);
        }
    }
    let attempts = errors.check(
        "attempts_allowed",
        parse_count(&form.attempts_allowed, 1, 10),
    );
    let counting = errors.check(
        "counting",
        Counting::parse(&form.counting).ok_or(Problem::NotInList),
    );
    let pass = errors.check("pass_percent", parse_count(&form.pass_percent, 0, 100));
    let fixed = match form.selection.as_str() {
        "fixed" => Some(true),
        "random" => Some(false),
        _ => {
            errors.add("selection", Problem::NotInList);
            None
        }
    };
    let draws = match fixed {
        Some(false) => errors.check("draws", parse_draws(&form.draws)),
        _ => None,
    };
    if fixed == Some(true) && form.questions.is_empty() {
        errors.add("questions", Problem::NoQuestions);
    }

    let course_id: i64 = sqlx::query_scalar("SELECT course_id FROM classes WHERE id = ?")
        .bind(class_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let bank = super::questions::of_course(tx, course_id).await?;
    let live = |id: &i64| bank.iter().any(|q| q.id == *id && !q.retired);
    if fixed == Some(true) && !form.questions.iter().all(live) {
        errors.add("questions", Problem::NotInList);
    }
    if let Some(draws) = &draws {
        // The same plan a sitting makes, so an exam that saves can be sat.
        if let Err((_, left)) = exam::plan_draw(&draws_of(&bank, draws), |_| {}) {
            errors.add(
                "draws",
                Problem::NotEnoughQuestions {
                    tag_available: left as u32,
                },
            );
        }
    }
    errors.clone().into_result()?;
    let (
        Some(title_zh),
        Some(title_en),
        Some(limit),
        Some(opens),
        Some(closes),
        Some(attempts),
        Some(counting),
        Some(pass),
        Some(fixed),
    ) = (
        title_zh, title_en, limit, opens, closes, attempts, counting, pass, fixed,
    )
    else {
        return Err(AppError::Validation(errors));
    };
    let exam_id: i64 = sqlx::query_scalar(
        "INSERT INTO exams (class_id, title_zh, title_en, selection, time_limit_minutes, opens_at,
                            closes_at, attempts_allowed, counting, pass_percent, shuffle, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(class_id)
    .bind(title_zh)
    .bind(title_en)
    .bind(if fixed { "fixed" } else { "random" })
    .bind(limit)
    .bind(opens)
    .bind(closes)
    .bind(attempts)
    .bind(counting.as_str())
    .bind(pass)
    .bind(form.shuffle)
    .bind(actor_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    if fixed {
        let mut seen = std::collections::HashSet::new();
        for (position, question_id) in form
            .questions
            .iter()
            .filter(|q| seen.insert(**q))
            .enumerate()
        {
            sqlx::query(
                "INSERT INTO exam_questions (exam_id, question_id, position) VALUES (?, ?, ?)",
            )
            .bind(exam_id)
            .bind(question_id)
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
        }
    } else {
        for (tag, count) in draws.unwrap_or_default() {
            sqlx::query("INSERT INTO exam_draws (exam_id, tag, count) VALUES (?, ?, ?)")
                .bind(exam_id)
                .bind(tag)
                .bind(count)
                .execute(&mut *tx)
                .await?;
        }
    }
    audit::record(
        tx,
        audit::Event {
            actor_id: Some(actor_id),
            action: "create_exam",
            subject: format!("exam:{exam_id}"),
            detail: serde_json::json!({ "class": class_id }),
            ip,
        },
        now,
    )
    .await?;
    Ok(exam_id)
}

#[derive(FromRow)]
struct StateCounts {
    in_progress: i64,
    awaiting_grading: i64,
    graded: i64,
}

async fn summary(conn: &mut SqliteConnection, exam: &ExamRow) -> Result<ExamSummary, sqlx::Error> {
    let counts: StateCounts = sqlx::query_as(
        "SELECT COUNT(*) FILTER (WHERE state = 'in_progress') AS in_progress,
                COUNT(*) FILTER (WHERE state = 'awaiting_grading') AS awaiting_grading,
                COUNT(*) FILTER (WHERE state = 'graded') AS graded
         FROM attempts WHERE exam_id = ?",
    )
    .bind(exam.id)
    .fetch_one(conn)
    .await?;
    Ok(ExamSummary {
        exam: exam.info(),
        in_progress: counts.in_progress,
        awaiting_grading: counts.awaiting_grading,
        graded: counts.graded,
    })
}

pub async fn class_exams(
    pool: &SqlitePool,
    class: TaughtClass,
    now: i64,
) -> Result<ClassExams, AppError> {
    let mut conn = pool.acquire().await?;
    let rows: Vec<ExamRow> = sqlx::query_as(&format!(
        "{EXAM_SELECT} WHERE x.class_id = ? ORDER BY x.opens_at, x.id"
    ))
    .bind(class.id)
    .fetch_all(&mut *conn)
    .await?;
    let mut exams = Vec::new();
    for row in &rows {
        exams.push(summary(&mut conn, row).await?);
    }
    let course_id: i64 = sqlx::query_scalar("SELECT course_id FROM classes WHERE id = ?")
        .bind(class.id)
        .fetch_one(&mut *conn)
        .await?;
    let bank = super::questions::of_course(&mut conn, course_id)
        .await?
        .into_iter()
        .filter(|q| !q.retired)
        .map(|q| BankChoice {
            id: q.id,
            kind: q.question.kind,
            prompt: Localized::new(q.question.prompt_zh, q.question.prompt_en),
            points: q.question.points,
            tags: q.question.tags,
        })
        .collect();
    Ok(ClassExams {
        class,
        course_id,
        exams,
        bank,
        now,
    })
}

/// The questions an exam can show: its fixed list, or everything answered
/// in its attempts (random draws), with how many answers await a person.
async fn exam_questions(
    conn: &mut SqliteConnection,
    exam_id: i64,
) -> Result<Vec<ExamQuestion>, AppError> {
    let rows: Vec<QuestionRow> = sqlx::query_as(&format!(
        "SELECT {QUESTION_COLUMNS} FROM questions q
         WHERE q.id IN (SELECT question_id FROM exam_questions WHERE exam_id = ?1
                        UNION SELECT a.question_id FROM answers a JOIN attempts t ON t.id = a.attempt_id
                              WHERE t.exam_id = ?1)
         ORDER BY COALESCE((SELECT position FROM exam_questions e WHERE e.exam_id = ?1 AND e.question_id = q.id), 1000000), q.id"
    ))
    .bind(exam_id)
    .fetch_all(&mut *conn)
    .await?;
    let waiting: HashMap<i64, i64> = sqlx::query_as::<_, (i64, i64)>(
        "SELECT a.question_id, COUNT(*) FROM answers a JOIN attempts t ON t.id = a.attempt_id
         WHERE t.exam_id = ? AND a.needs_grading = 1 AND a.points IS NULL GROUP BY a.question_id",
    )
    .bind(exam_id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect();
    rows.into_iter()
        .map(|row| {
            let stored = row.into_stored()?;
            Ok(ExamQuestion {
                question_id: stored.id,
                kind: stored.question.kind,
                prompt: Localized::new(stored.question.prompt_zh, stored.question.prompt_en),
                points: stored.question.points,
                waiting: waiting.get(&stored.id).copied().unwrap_or(0),
            })
        })
        .collect()
}

/// Finished attempts of an exam, by trainee and number: what
/// [`counted_of`] chooses from.
fn finished_attempts_sql() -> String {
    format!(
        "SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE exam_id = ? AND state != 'in_progress'
         ORDER BY trainee_id, number"
    )
}

/// Each trainee's counted, closed attempt of an exam.
async fn counted_attempts(
    conn: &mut SqliteConnection,
    exam: &ExamRow,
) -> Result<HashMap<i64, AttemptRow>, sqlx::Error> {
    let rows: Vec<AttemptRow> = sqlx::query_as(&finished_attempts_sql())
        .bind(exam.id)
        .fetch_all(conn)
        .await?;
    Ok(counted_of(exam, rows))
}

/// Each trainee's attempt that counts, of an exam's finished `attempts`.
fn counted_of(exam: &ExamRow, attempts: Vec<AttemptRow>) -> HashMap<i64, AttemptRow> {
    let mut by_trainee: HashMap<i64, Vec<AttemptRow>> = HashMap::new();
    for row in attempts {
        by_trainee.entry(row.trainee_id).or_default().push(row);
    }
    by_trainee
        .into_iter()
        .filter_map(|(trainee, attempts)| {
            let finished: Vec<(i64, Option<i64>)> =
                attempts.iter().map(|a| (a.number, a.score)).collect();
            exam::counted_attempt(exam.counting(), &finished)
                .map(|i| (trainee, attempts[i].clone()))
        })
        .collect()
}

pub async fn overview(pool: &SqlitePool, exam_id: i64, now: i64) -> Result<ExamOverview, AppError> {
    let mut conn = pool.acquire().await?;
    let exam = exam_row(&mut conn, exam_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let summary = summary(&mut conn, &exam).await?;
    let questions = exam_questions(&mut conn, exam_id).await?;
    // Item analysis over each trainee's counted attempt, fully graded ones only.
    let counted = counted_attempts(&mut conn, &exam).await?;
    let mut scored = Vec::new();
    for attempt in counted
        .values()
        .filter(|a| a.state() == AttemptState::Graded)
    {
        let items: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT a.question_id, COALESCE(a.points, 0), q.points FROM answers a
             JOIN questions q ON q.id = a.question_id WHERE a.attempt_id = ?",
        )
        .bind(attempt.id)
        .fetch_all(&mut *conn)
        .await?;
        scored.push(ScoredAttempt {
            total: attempt.score.unwrap_or(0),
            items,
        });
    }
    let ids: Vec<i64> = questions.iter().map(|q| q.question_id).collect();
    let stats = exam::item_analysis(&ids, &scored);
    let items = questions
        .iter()
        .zip(stats)
        .map(|(q, s)| ItemRow {
            question_id: q.question_id,
            prompt: q.prompt.clone(),
            answered: s.answered as i64,
            facility: s.facility,
            discrimination: s.discrimination,
            weak: s.answered > 0 && s.is_weak(),
        })
        .collect();
    Ok(ExamOverview {
        summary,
        questions,
        items,
        now,
    })
}

pub async fn queue(
    pool: &SqlitePool,
    exam_id: i64,
    question_id: Option<i64>,
    anonymous: bool,
) -> Result<GradingQueue, AppError> {
    let mut conn = pool.acquire().await?;
    let exam = exam_row(&mut conn, exam_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let questions = exam_questions(&mut conn, exam_id).await?;
    // By default the first question with work waiting, else the first.
    let question = question_id
        .and_then(|id| questions.iter().find(|q| q.question_id == id))
        .or_else(|| questions.iter().find(|q| q.waiting > 0))
        .or_else(|| {
            questions
                .iter()
                .find(|q| matches!(q.kind, QuestionKind::Essay | QuestionKind::ShortAnswer))
        })
        .cloned();
    let mut items = Vec::new();
    let mut key = None;
    if let Some(question) = &question {
        key = super::questions::load(&mut conn, question.question_id)
            .await?
            .map(|q| q.question.key);
        // Answers a person must grade or has graded: waiting ones first.
        let rows: Vec<(i64, String, String, Option<i64>, String)> = sqlx::query_as(
            "SELECT a.attempt_id, u.name, a.response, a.points, a.feedback
             FROM answers a JOIN attempts t ON t.id = a.attempt_id JOIN users u ON u.id = t.trainee_id
             WHERE t.exam_id = ? AND a.question_id = ? AND t.state != 'in_progress'
               AND (a.needs_grading = 1 OR a.graded_by IS NOT NULL)
             ORDER BY a.points IS NOT NULL, t.id",
        )
        .bind(exam_id)
        .bind(question.question_id)
        .fetch_all(&mut *conn)
        .await?;
        items = rows
            .into_iter()
            .map(|(attempt_id, name, response, points, feedback)| QueueItem {
                attempt_id,
                question_id: question.question_id,
                trainee: (!anonymous).then_some(name),
                response,
                points,
                feedback,
            })
            .collect();
    }
    Ok(GradingQueue {
        exam: exam.info(),
        questions,
        question,
        key,
        items,
    })
}

pub async fn grade(
    db: &Db,
    actor_id: i64,
    attempt_id: i64,
    question_id: i64,
    points: &str,
    feedback: &str,
    now: i64,
) -> Result<i64, AppError> {
    let mut tx = db.begin_write().await?;
    let points = grade_in(
        &mut tx,
        actor_id,
        attempt_id,
        question_id,
        points,
        feedback,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(points)
}

pub async fn grade_in(
    tx: &mut SqliteConnection,
    actor_id: i64,
    attempt_id: i64,
    question_id: i64,
    points: &str,
    feedback: &str,
    now: i64,
) -> Result<i64, AppError> {
    let attempt = attempt_row(tx, attempt_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if attempt.state() == AttemptState::InProgress {
        return Err(AppError::Conflict(Problem::NotGradable));
    }
    let row: Option<(bool, Option<i64>, i64)> = sqlx::query_as(
        "SELECT a.needs_grading, a.graded_by, q.points FROM answers a JOIN questions q ON q.id = a.question_id
         WHERE a.attempt_id = ? AND a.question_id = ?",
    )
    .bind(attempt_id)
    .bind(question_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((needs_grading, graded_by, max)) = row else {
        return Err(AppError::NotFound);
    };
    if !needs_grading && graded_by.is_none() {
        return Err(AppError::Conflict(Problem::NotGradable));
    }
    let mut errors = FieldErrors::new();
    let points = errors.check("points", parse_count(points, 0, max));
    let feedback = errors.check(
        "feedback",
        exam::long_text(feedback, FEEDBACK_MAX_CHARS, false),
    );
    errors.clone().into_result()?;
    let (Some(points), Some(feedback)) = (points, feedback) else {
        return Err(AppError::Validation(errors));
    };
    sqlx::query(
        "UPDATE answers SET points = ?, feedback = ?, graded_by = ?, graded_at = ?
         WHERE attempt_id = ? AND question_id = ?",
    )
    .bind(points)
    .bind(&feedback)
    .bind(actor_id)
    .bind(now)
    .bind(attempt_id)
    .bind(question_id)
    .execute(&mut *tx)
    .await?;
    let state = settle(tx, attempt_id).await?;
    audit::record(
        tx,
        audit::Event {
            actor_id: Some(actor_id),
            action: "grade_answer",
            subject: format!("attempt:{attempt_id}"),
            detail: serde_json::json!({ "question": question_id, "points": points, "state": state.as_str() }),
            ip: None,
        },
        now,
    )
    .await?;
    Ok(points)
}

pub async fn release(
    db: &Db,
    actor_id: i64,
    exam_id: i64,
    ip: Option<String>,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    release_in(&mut tx, actor_id, exam_id, ip, now).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn release_in(
    tx: &mut SqliteConnection,
    actor_id: i64,
    exam_id: i64,
    ip: Option<String>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE exams SET released_at = COALESCE(released_at, ?), released_by = COALESCE(released_by, ?) WHERE id = ?")
        .bind(now)
        .bind(actor_id)
        .bind(exam_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        tx,
        audit::Event {
            actor_id: Some(actor_id),
            action: "release_results",
            subject: format!("exam:{exam_id}"),
            detail: serde_json::json!({}),
            ip,
        },
        now,
    )
    .await?;
    Ok(())
}

/// A class's gradebook: each trainee's counted result of each exam, and the
/// overrides set by hand; `None` if there is no such class. Read in place
/// (`Db::read`).
pub fn gradebook(db: &rusqlite::Connection, class_id: i64) -> rusqlite::Result<Option<Gradebook>> {
    let Some(class) = super::teaching::class(db, class_id)? else {
        return Ok(None);
    };
    let exams: Vec<ExamRow> = db
        .prepare_cached(&format!(
            "{EXAM_SELECT} WHERE x.class_id = ? ORDER BY x.opens_at, x.id"
        ))?
        .query_map([class.id], ExamRow::from_direct)?
        .collect::<rusqlite::Result<_>>()?;
    let trainees: Vec<(i64, String, String)> = db
        .prepare_cached(
            "SELECT u.id, u.name, u.email FROM enrolments e JOIN users u ON u.id = e.trainee_id
             WHERE e.class_id = ? AND e.state IN ('approved', 'completed') ORDER BY u.name, u.id",
        )?
        .query_map([class.id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut counted_by_exam = Vec::new();
    let mut overrides_by_exam = Vec::new();
    for exam in &exams {
        let finished = db
            .prepare_cached(&finished_attempts_sql())?
            .query_map([exam.id], AttemptRow::from_direct)?
            .collect::<rusqlite::Result<_>>()?;
        counted_by_exam.push(counted_of(exam, finished));
        let latest: HashMap<i64, i64> = db
            .prepare_cached(
                "SELECT trainee_id, percent FROM grade_overrides o WHERE exam_id = ?
                   AND id = (SELECT MAX(id) FROM grade_overrides p
                             WHERE p.exam_id = o.exam_id AND p.trainee_id = o.trainee_id)",
            )?
            .query_map([exam.id], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        overrides_by_exam.push(latest);
    }
    let rows = trainees
        .into_iter()
        .map(|(trainee_id, name, email)| {
            let cells = exams
                .iter()
                .enumerate()
                .map(|(i, exam)| {
                    let counted = counted_by_exam[i].get(&trainee_id);
                    let overridden = overrides_by_exam[i].get(&trainee_id).copied();
                    let graded = counted.filter(|a| a.state() == AttemptState::Graded);
                    let percent = overridden.or_else(|| {
                        graded.map(|a| exam::percent(a.score.unwrap_or(0), a.max_points))
                    });
                    let passed = match overridden {
                        Some(p) => Some(p >= exam.pass_percent),
                        None => graded.map(|a| {
                            exam::passes(a.score.unwrap_or(0), a.max_points, exam.pass_percent)
                        }),
                    };
                    GradeCell {
                        exam_id: exam.id,
                        state: counted.map(AttemptRow::state),
                        percent,
                        passed,
                        overridden: overridden.is_some(),
                    }
                })
                .collect();
            GradeRow {
                trainee_id,
                name,
                email,
                cells,
            }
        })
        .collect();
    let overrides = db
        .prepare_cached(
            "SELECT x.title_zh, x.title_en, t.name, o.percent, o.reason, b.name, o.set_at
             FROM grade_overrides o JOIN exams x ON x.id = o.exam_id
             JOIN users t ON t.id = o.trainee_id JOIN users b ON b.id = o.set_by
             WHERE x.class_id = ? ORDER BY o.id DESC",
        )?
        .query_map([class.id], |row| {
            Ok(OverrideRecord {
                exam_title: Localized::new(row.get::<_, String>(0)?, row.get::<_, String>(1)?),
                trainee: row.get(2)?,
                percent: row.get(3)?,
                reason: row.get(4)?,
                set_by: row.get(5)?,
                set_at: row.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(Gradebook {
        class,
        exams: exams.iter().map(ExamRow::info).collect(),
        rows,
        overrides,
    }))
}

#[allow(clippy::too_many_arguments)]
pub async fn override_grade(
    db: &Db,
    actor_id: i64,
    exam_id: i64,
    trainee_id: i64,
    percent: &str,
    reason: &str,
    ip: Option<String>,
    now: i64,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    let percent = errors.check("percent", parse_count(percent, 0, 100));
    let reason = errors.check(
        "reason",
        exam::long_text(reason, crate::api::teaching::REASON_MAX_CHARS, true),
    );
    errors.clone().into_result()?;
    let (Some(percent), Some(reason)) = (percent, reason) else {
        return Err(AppError::Validation(errors));
    };
    let mut tx = db.begin_write().await?;
    let class_id: i64 = sqlx::query_scalar("SELECT class_id FROM exams WHERE id = ?")
        .bind(exam_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if !approved_in(&mut tx, trainee_id, class_id).await? {
        return Err(AppError::field("trainee_id", Problem::NotInList));
    }
    sqlx::query(
        "INSERT INTO grade_overrides (exam_id, trainee_id, percent, reason, set_by, set_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(exam_id)
    .bind(trainee_id)
    .bind(percent)
    .bind(&reason)
    .bind(actor_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        audit::Event {
            actor_id: Some(actor_id),
            action: "override_grade",
            subject: format!("exam:{exam_id}"),
            detail: serde_json::json!({ "trainee": trainee_id, "percent": percent, "reason": reason }),
            ip,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn set_extra_time(
    db: &Db,
    actor_id: i64,
    enrolment_id: i64,
    percent: &str,
    ip: Option<String>,
    now: i64,
) -> Result<(), AppError> {
    let percent = parse_count(percent, 100, 300).map_err(|p| AppError::field("percent", p))?;
    let mut tx = db.begin_write().await?;
    // Only for a trainee who sits this class's exams: the setting follows
    // them into every class, so an applicant's teacher may not set it.
    let trainee_id: i64 = sqlx::query_scalar(
        "SELECT trainee_id FROM enrolments WHERE id = ? AND state IN ('approved', 'completed')",
    )
    .bind(enrolment_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::Conflict(Problem::TransitionNotAllowed))?;
    if percent == 100 {
        sqlx::query("DELETE FROM accommodations WHERE trainee_id = ?")
            .bind(trainee_id)
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query(
            "INSERT INTO accommodations (trainee_id, time_factor_percent, set_by, set_at)
             VALUES (?, ?, ?, ?)
             ON CONFLICT (trainee_id) DO UPDATE SET time_factor_percent = excluded.time_factor_percent,
                 set_by = excluded.set_by, set_at = excluded.set_at",
        )
        .bind(trainee_id)
        .bind(percent)
        .bind(actor_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        audit::Event {
            actor_id: Some(actor_id),
            action: "set_extra_time",
            subject: format!("user:{trainee_id}"),
            detail: serde_json::json!({ "time_factor_percent": percent }),
            ip,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Answers waiting for a person in an exam: (attempt, question, response).
pub async fn waiting_answers(
    conn: &mut SqliteConnection,
    exam_id: i64,
) -> Result<Vec<(i64, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.attempt_id, a.question_id, a.response FROM answers a
         JOIN attempts t ON t.id = a.attempt_id
         WHERE t.exam_id = ? AND a.needs_grading = 1 AND a.points IS NULL
         ORDER BY a.attempt_id, a.question_id",
    )
    .bind(exam_id)
    .fetch_all(conn)
    .await
}

/// Whether `trainee_id` has a released pass in any exam of `class_id` (their
/// counted result, or one set by hand): the exam requirement of a
/// certificate.
pub async fn passed_in_class(
    conn: &mut SqliteConnection,
    class_id: i64,
    trainee_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let exams: Vec<ExamRow> = sqlx::query_as(&format!(
        "{EXAM_SELECT} WHERE x.class_id = ? AND x.released_at IS NOT NULL"
    ))
    .bind(class_id)
    .fetch_all(&mut *conn)
    .await?;
    for exam in exams {
        let attempts = attempts_of(conn, exam.id, trainee_id).await?;
        let override_percent = override_of(conn, exam.id, trainee_id).await?.map(|o| o.0);
        if standing(&exam, &attempts, override_percent, now).0 == Standing::Passed {
            return Ok(true);
        }
    }
    Ok(false)
}
