//! SQL for course question banks: stored questions as domain values.

use super::{audit, Db};
use crate::api::bank::{BankCourse, BankQuestion, SavedQuestion};
use crate::api::catalogue::Localized;
use crate::domain::exam::{AnswerKey, OptionText, Question, QuestionKind};
use crate::error::{AppError, Problem};
use sqlx::{FromRow, SqliteConnection, SqlitePool};

/// A question as stored, with its id and course.
#[derive(Debug, Clone)]
pub struct StoredQuestion {
    pub id: i64,
    pub course_id: i64,
    pub retired: bool,
    pub question: Question,
}

#[derive(FromRow)]
pub(super) struct QuestionRow {
    id: i64,
    course_id: i64,
    kind: String,
    prompt_zh: String,
    prompt_en: String,
    options: String,
    answer_key: String,
    points: i64,
    tags: String,
    explanation_zh: String,
    explanation_en: String,
    retired: bool,
}

pub(super) const QUESTION_COLUMNS: &str = "q.id, q.course_id, q.kind, q.prompt_zh, q.prompt_en, \
     q.options, q.answer_key, q.points, q.tags, q.explanation_zh, q.explanation_en, q.retired";

impl QuestionRow {
    /// The stored JSON columns were written by this code from checked
    /// values, so unreadable JSON is a damaged database: an error, not a panic.
    pub(super) fn into_stored(self) -> Result<StoredQuestion, sqlx::Error> {
        let decode = |e: serde_json::Error| sqlx::Error::Decode(Box::new(e));
        let kind = QuestionKind::parse(&self.kind)
            .ok_or_else(|| sqlx::Error::Decode(format!("question kind {}", self.kind).into()))?;
        let options: Vec<OptionText> = serde_json::from_str(&self.options).map_err(decode)?;
        let key: AnswerKey = serde_json::from_str(&self.answer_key).map_err(decode)?;
        let tags: Vec<String> = serde_json::from_str(&self.tags).map_err(decode)?;
        Ok(StoredQuestion {
            id: self.id,
            course_id: self.course_id,
            retired: self.retired,
            question: Question {
                kind,
                prompt_zh: self.prompt_zh,
                prompt_en: self.prompt_en,
                options,
                key,
                points: self.points,
                tags,
                explanation_zh: self.explanation_zh,
                explanation_en: self.explanation_en,
            },
        })
    }
}

pub async fn load(
    conn: &mut SqliteConnection,
    question_id: i64,
) -> Result<Option<StoredQuestion>, sqlx::Error> {
    let row: Option<QuestionRow> = sqlx::query_as(&format!(
        "SELECT {QUESTION_COLUMNS} FROM questions q WHERE q.id = ?"
    ))
    .bind(question_id)
    .fetch_optional(conn)
    .await?;
    row.map(QuestionRow::into_stored).transpose()
}

/// Every question of a course, retired ones included, in id order.
pub async fn of_course(
    conn: &mut SqliteConnection,
    course_id: i64,
) -> Result<Vec<StoredQuestion>, sqlx::Error> {
    let rows: Vec<QuestionRow> = sqlx::query_as(&format!(
        "SELECT {QUESTION_COLUMNS} FROM questions q WHERE q.course_id = ? ORDER BY q.id"
    ))
    .bind(course_id)
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(QuestionRow::into_stored).collect()
}

/// Inserts a checked question into a course's bank; returns its id.
pub async fn insert(
    conn: &mut SqliteConnection,
    course_id: i64,
    question: &Question,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let json = |v: serde_json::Result<String>| v.map_err(|e| sqlx::Error::Encode(Box::new(e)));
    sqlx::query_scalar(
        "INSERT INTO questions (course_id, kind, prompt_zh, prompt_en, options, answer_key,
                                points, tags, explanation_zh, explanation_en, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(course_id)
    .bind(question.kind.as_str())
    .bind(&question.prompt_zh)
    .bind(&question.prompt_en)
    .bind(json(serde_json::to_string(&question.options))?)
    .bind(json(serde_json::to_string(&question.key))?)
    .bind(question.points)
    .bind(json(serde_json::to_string(&question.tags))?)
    .bind(&question.explanation_zh)
    .bind(&question.explanation_en)
    .bind(now)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// The course a bank page is about, by its code.
pub async fn course_by_code(
    pool: &SqlitePool,
    code: &str,
) -> Result<Option<BankCourse>, sqlx::Error> {
    let row: Option<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, code, title_zh, title_en FROM courses WHERE code = ?")
            .bind(code)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(id, code, zh, en)| BankCourse {
        id,
        code,
        title: Localized::new(zh, en),
    }))
}

/// The course whose bank holds `question_id`.
pub async fn course_of(pool: &SqlitePool, question_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT course_id FROM questions WHERE id = ?")
        .bind(question_id)
        .fetch_optional(pool)
        .await
}

#[derive(FromRow)]
struct ListedRow {
    #[sqlx(flatten)]
    question: QuestionRow,
    answered: i64,
}

/// What narrows a bank's list: words in either prompt, and one tag.
pub struct BankFilter<'a> {
    pub search: &'a str,
    pub tag: &'a str,
}

const FILTER: &str = "q.course_id = ?1
      AND (?2 = '' OR q.prompt_zh LIKE ?3 ESCAPE '\\' OR q.prompt_en LIKE ?3 ESCAPE '\\')
      AND (?4 = '' OR EXISTS (SELECT 1 FROM json_each(q.tags) WHERE json_each.value = ?4))";

/// One page of a course's bank, questions in use first, newest first, each
/// with how many answers it has; and how many questions match in all.
pub async fn page(
    pool: &SqlitePool,
    course_id: i64,
    filter: &BankFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<BankQuestion>, i64), sqlx::Error> {
    let search = filter.search.trim();
    let pattern = super::like_pattern(search);
    let tag = filter.tag.trim();
    let rows: Vec<ListedRow> = sqlx::query_as(&format!(
        "SELECT {QUESTION_COLUMNS},
                (SELECT COUNT(*) FROM answers a WHERE a.question_id = q.id) AS answered
         FROM questions q WHERE {FILTER}
         ORDER BY q.retired, q.id DESC LIMIT ?5 OFFSET ?6"
    ))
    .bind(course_id)
    .bind(search)
    .bind(&pattern)
    .bind(tag)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    let total: i64 =
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM questions q WHERE {FILTER}"))
            .bind(course_id)
            .bind(search)
            .bind(&pattern)
            .bind(tag)
            .fetch_one(pool)
            .await?;
    let questions = rows
        .into_iter()
        .map(|row| {
            let stored = row.question.into_stored()?;
            Ok(BankQuestion {
                id: stored.id,
                retired: stored.retired,
                answered: row.answered,
                question: stored.question,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok((questions, total))
}

/// Every tag used in a course's bank, in order.
pub async fn tags(pool: &SqlitePool, course_id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT t.value FROM questions q, json_each(q.tags) t
         WHERE q.course_id = ? AND t.type = 'text' ORDER BY t.value",
    )
    .bind(course_id)
    .fetch_all(pool)
    .await
}

/// The questions in use in a course's bank, oldest first (for export).
pub async fn in_use(pool: &SqlitePool, course_id: i64) -> Result<Vec<Question>, sqlx::Error> {
    let rows: Vec<QuestionRow> = sqlx::query_as(&format!(
        "SELECT {QUESTION_COLUMNS} FROM questions q WHERE q.course_id = ? AND q.retired = 0 ORDER BY q.id"
    ))
    .bind(course_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|row| Ok(row.into_stored()?.question))
        .collect()
}

/// Both prompts of every question in use in a course, to spot an import
/// that would add a question twice.
pub async fn prompts_in_use(
    pool: &SqlitePool,
    course_id: i64,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT prompt_zh, prompt_en FROM questions WHERE course_id = ? AND retired = 0")
        .bind(course_id)
        .fetch_all(pool)
        .await
}

fn encode<T: serde::Serialize>(value: &T) -> Result<String, sqlx::Error> {
    serde_json::to_string(value).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

/// Overwrites a question's text, options, key, points, tags and
/// explanations (never its kind or course).
pub async fn update(
    conn: &mut SqliteConnection,
    question_id: i64,
    question: &Question,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE questions SET prompt_zh = ?, prompt_en = ?, options = ?, answer_key = ?, points = ?,
                tags = ?, explanation_zh = ?, explanation_en = ?, updated_at = ?
         WHERE id = ?",
    )
    .bind(&question.prompt_zh)
    .bind(&question.prompt_en)
    .bind(encode(&question.options)?)
    .bind(encode(&question.key)?)
    .bind(question.points)
    .bind(encode(&question.tags)?)
    .bind(&question.explanation_zh)
    .bind(&question.explanation_en)
    .bind(now)
    .bind(question_id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Creates a question, or with `question_id` edits one of `course_id`'s,
/// in one transaction with its audit event. An edit that changes the key or
/// the points regrades every attempt that has the question.
pub async fn save(
    db: &Db,
    actor_id: i64,
    course_id: i64,
    question_id: Option<i64>,
    question: &Question,
    ip: Option<String>,
    now: i64,
) -> Result<SavedQuestion, AppError> {
    let mut tx = db.begin_write().await?;
    let (id, regraded) = match question_id {
        None => (insert(&mut tx, course_id, question, now).await?, None),
        Some(id) => {
            let stored = load(&mut tx, id).await?.ok_or(AppError::NotFound)?;
            // Someone else's question looks the same as a missing one.
            if stored.course_id != course_id {
                return Err(AppError::NotFound);
            }
            if stored.question.kind != question.kind {
                return Err(AppError::field("kind", Problem::KindCannotChange));
            }
            update(&mut tx, id, question, now).await?;
            let rescore =
                stored.question.key != question.key || stored.question.points != question.points;
            let regraded = if rescore {
                Some(super::exams::regrade_question(&mut tx, id, actor_id, now).await?)
            } else {
                None
            };
            (id, regraded)
        }
    };
    audit::record(
        &mut tx,
        audit::Event {
            actor_id: Some(actor_id),
            action: if question_id.is_some() {
                "update_question"
            } else {
                "create_question"
            },
            subject: format!("question:{id}"),
            detail: serde_json::json!({ "course": course_id, "regraded": regraded }),
            ip,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(SavedQuestion { id, regraded })
}

/// Retires a question (it stays in past attempts, out of new exams) or
/// brings it back.
pub async fn set_retired(
    db: &Db,
    actor_id: i64,
    question_id: i64,
    retired: bool,
    ip: Option<String>,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let changed = sqlx::query("UPDATE questions SET retired = ?, updated_at = ? WHERE id = ?")
        .bind(retired)
        .bind(now)
        .bind(question_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut tx,
        audit::Event {
            actor_id: Some(actor_id),
            action: if retired {
                "retire_question"
            } else {
                "restore_question"
            },
            subject: format!("question:{question_id}"),
            detail: serde_json::json!({}),
            ip,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Adds every question of a checked file to a course's bank in one
/// transaction; returns how many.
pub async fn import(
    db: &Db,
    actor_id: i64,
    course_id: i64,
    questions: &[Question],
    ip: Option<String>,
    now: i64,
) -> Result<usize, AppError> {
    let mut tx = db.begin_write().await?;
    for question in questions {
        insert(&mut tx, course_id, question, now).await?;
    }
    audit::record(
        &mut tx,
        audit::Event {
            actor_id: Some(actor_id),
            action: "import_questions",
            subject: format!("course:{course_id}"),
            detail: serde_json::json!({ "count": questions.len() }),
            ip,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(questions.len())
}
