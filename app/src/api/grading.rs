//! Instructors' side of exams: creating them, the grading queue, releasing
//! results, the gradebook with overrides, item analysis and extra time.
//!
//! Every function checks that the caller teaches the exam's class (or is an
//! administrator); an unknown exam and someone else's exam look the same.
#![allow(clippy::too_many_arguments)]

use crate::api::catalogue::Localized;
use crate::api::exams::{AttemptState, ExamInfo};
use crate::api::teaching::TaughtClass;
use crate::domain::exam::{AnswerKey, QuestionKind};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamSummary {
    pub exam: ExamInfo,
    pub in_progress: i64,
    pub awaiting_grading: i64,
    pub graded: i64,
}

/// A bank question offered when an exam is put together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankChoice {
    pub id: i64,
    pub kind: QuestionKind,
    pub prompt: Localized,
    pub points: i64,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassExams {
    pub class: TaughtClass,
    pub course_id: i64,
    pub exams: Vec<ExamSummary>,
    pub bank: Vec<BankChoice>,
    /// The server's clock, for the new-exam form's default window.
    pub now: i64,
}

/// A question of an exam with how many answers still wait for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamQuestion {
    pub question_id: i64,
    pub kind: QuestionKind,
    pub prompt: Localized,
    pub points: i64,
    pub waiting: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemRow {
    pub question_id: i64,
    pub prompt: Localized,
    pub answered: i64,
    pub facility: f64,
    pub discrimination: Option<f64>,
    pub weak: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExamOverview {
    pub summary: ExamSummary,
    pub questions: Vec<ExamQuestion>,
    pub items: Vec<ItemRow>,
    /// The server's clock: whether the exam is still open.
    pub now: i64,
}

/// One answer waiting for (or given) a grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub attempt_id: i64,
    pub question_id: i64,
    /// `None` when the instructor grades anonymously.
    pub trainee: Option<String>,
    pub response: String,
    pub points: Option<i64>,
    pub feedback: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradingQueue {
    pub exam: ExamInfo,
    pub questions: Vec<ExamQuestion>,
    /// The question being graded, with its accepted answers if any.
    pub question: Option<ExamQuestion>,
    pub key: Option<AnswerKey>,
    pub items: Vec<QueueItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeCell {
    pub exam_id: i64,
    /// `None`: no finished attempt yet.
    pub state: Option<AttemptState>,
    pub percent: Option<i64>,
    pub passed: Option<bool>,
    pub overridden: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeRow {
    pub trainee_id: i64,
    pub name: String,
    pub email: String,
    pub cells: Vec<GradeCell>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverrideRecord {
    pub exam_title: Localized,
    pub trainee: String,
    pub percent: i64,
    pub reason: String,
    pub set_by: String,
    pub set_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gradebook {
    pub class: TaughtClass,
    pub exams: Vec<ExamInfo>,
    pub rows: Vec<GradeRow>,
    pub overrides: Vec<OverrideRecord>,
}

/// The exams of a class, and the bank to build a new one from.
#[server(endpoint = "teach/exams")]
pub async fn list_class_exams(class_id: i64) -> Result<ClassExams, AppError> {
    use crate::ssr::db::{self, exams, teaching};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let me = auth::require_user(&state).await?;
            auth::require_teacher_of(&state, &me, class_id).await?;
            exams::close_overdue(&state.db, db::now()).await?;
            let class = state
                .db
                .read(|db| teaching::class(db, class_id))?
                .ok_or(AppError::NotFound)?;
            exams::class_exams(&state.db.reader, class, db::now()).await
        }
        .await,
    )
}

/// Creates an exam. `questions` lists bank question ids (fixed selection);
/// `draws` has one `tag: count` per line (random selection). Times are
/// China time, `YYYY-MM-DD HH:MM`.
#[server(endpoint = "teach/exams/create")]
pub async fn create_exam(
    class_id: i64,
    title_zh: String,
    title_en: String,
    selection: String,
    questions: Option<Vec<i64>>,
    draws: Option<String>,
    time_limit_minutes: String,
    opens_at: String,
    closes_at: String,
    attempts_allowed: String,
    counting: String,
    pass_percent: String,
    shuffle: Option<String>,
) -> Result<i64, AppError> {
    use crate::ssr::db::{self, exams};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let me = auth::require_user(&state).await?;
            auth::require_teacher_of(&state, &me, class_id).await?;
            let form = exams::ExamForm {
                title_zh,
                title_en,
                selection,
                questions: questions.unwrap_or_default(),
                draws: draws.unwrap_or_default(),
                time_limit_minutes,
                opens_at,
                closes_at,
                attempts_allowed,
                counting,
                pass_percent,
                shuffle: shuffle.is_some_and(|s| s != "false"),
            };
            let ip = context::client_address(&state.settings);
            exams::create(&state.db, me.id, class_id, form, ip, db::now()).await
        }
        .await,
    )
}

/// The class an exam belongs to, after checking the caller teaches it.
#[cfg(feature = "ssr")]
async fn authorise_exam(
    state: &crate::ssr::context::AppState,
    exam_id: i64,
) -> Result<crate::api::auth::SessionUser, AppError> {
    use crate::ssr::auth;
    use crate::ssr::db::exams;
    let me = auth::require_user(state).await?;
    let class_id = exams::class_of_exam(&state.db.reader, exam_id).await?;
    let Some(class_id) = class_id else {
        return Err(AppError::Forbidden);
    };
    auth::require_teacher_of(state, &me, class_id).await?;
    Ok(me)
}

#[server(endpoint = "teach/exams/overview")]
pub async fn exam_report(exam_id: i64) -> Result<ExamOverview, AppError> {
    use crate::ssr::db::{self, exams};
    use crate::ssr::{context, respond};
    respond(
        async move {
            let state = context::state()?;
            authorise_exam(&state, exam_id).await?;
            exams::close_overdue(&state.db, db::now()).await?;
            exams::overview(&state.db.reader, exam_id, db::now()).await
        }
        .await,
    )
}

/// Answers to grade, one question at a time across every trainee.
#[server(endpoint = "teach/exams/queue")]
pub async fn answers_to_grade(
    exam_id: i64,
    question_id: Option<i64>,
    anonymous: bool,
) -> Result<GradingQueue, AppError> {
    use crate::ssr::db::{self, exams};
    use crate::ssr::{context, respond};
    respond(
        async move {
            let state = context::state()?;
            authorise_exam(&state, exam_id).await?;
            exams::close_overdue(&state.db, db::now()).await?;
            exams::queue(&state.db.reader, exam_id, question_id, anonymous).await
        }
        .await,
    )
}

/// Grades one answer; returns the points now recorded.
#[server(endpoint = "teach/exams/grade")]
pub async fn grade_answer(
    attempt_id: i64,
    question_id: i64,
    points: String,
    feedback: Option<String>,
) -> Result<i64, AppError> {
    use crate::ssr::db::{self, exams};
    use crate::ssr::{context, respond};
    respond(
        async move {
            let state = context::state()?;
            let exam_id = exams::exam_of_attempt(&state.db.reader, attempt_id)
                .await?
                .ok_or(AppError::Forbidden)?;
            let me = authorise_exam(&state, exam_id).await?;
            exams::grade(
                &state.db,
                me.id,
                attempt_id,
                question_id,
                &points,
                feedback.as_deref().unwrap_or_default(),
                db::now(),
            )
            .await
        }
        .await,
    )
}

/// Lets the trainees of the class see their results.
#[server(endpoint = "teach/exams/release")]
pub async fn release_results(exam_id: i64) -> Result<(), AppError> {
    use crate::ssr::db::{self, exams};
    use crate::ssr::{context, respond};
    respond(
        async move {
            let state = context::state()?;
            let me = authorise_exam(&state, exam_id).await?;
            let ip = context::client_address(&state.settings);
            exams::release(&state.db, me.id, exam_id, ip, db::now()).await
        }
        .await,
    )
}

#[server(endpoint = "teach/gradebook")]
pub async fn class_gradebook(class_id: i64) -> Result<Gradebook, AppError> {
    use crate::ssr::db::{self, exams};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let me = auth::require_user(&state).await?;
            auth::require_teacher_of(&state, &me, class_id).await?;
            exams::close_overdue(&state.db, db::now()).await?;
            state
                .db
                .read(|db| exams::gradebook(db, class_id))?
                .ok_or(AppError::NotFound)
        }
        .await,
    )
}

/// Sets a trainee's result for an exam by hand; the reason is required and
/// kept with who set it and when.
#[server(endpoint = "teach/gradebook/override")]
pub async fn override_grade(
    exam_id: String,
    trainee_id: String,
    percent: String,
    reason: String,
) -> Result<(), AppError> {
    use crate::error::{FieldErrors, Problem};
    use crate::ssr::db::{self, exams};
    use crate::ssr::{context, respond};
    respond(
        async move {
            let state = context::state()?;
            // Both come from lists on the page; an empty choice is a field
            // error, not a malformed call.
            let mut errors = FieldErrors::new();
            let mut pick = |field: &str, value: &str| {
                let parsed = value.trim().parse::<i64>().ok();
                if parsed.is_none() {
                    errors.add(field, Problem::Required);
                }
                parsed
            };
            let (trainee_id, exam_id) =
                (pick("trainee_id", &trainee_id), pick("exam_id", &exam_id));
            let (Some(trainee_id), Some(exam_id)) = (trainee_id, exam_id) else {
                return Err(AppError::Validation(errors));
            };
            let me = authorise_exam(&state, exam_id).await?;
            let ip = context::client_address(&state.settings);
            exams::override_grade(
                &state.db,
                me.id,
                exam_id,
                trainee_id,
                &percent,
                &reason,
                ip,
                db::now(),
            )
            .await
        }
        .await,
    )
}

/// Extra time for the trainee of an enrolment in a class the caller teaches,
/// as a percentage of the time limit (100 = none). It applies to every exam
/// the trainee starts afterwards, in any class.
#[server(endpoint = "teach/extra-time")]
pub async fn set_extra_time(enrolment_id: i64, percent: String) -> Result<(), AppError> {
    use crate::ssr::db::{self, exams, teaching};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let me = auth::require_user(&state).await?;
            let Some(class_id) = teaching::class_of(&state.db.reader, enrolment_id).await? else {
                return Err(AppError::Forbidden);
            };
            auth::require_teacher_of(&state, &me, class_id).await?;
            let ip = context::client_address(&state.settings);
            exams::set_extra_time(&state.db, me.id, enrolment_id, &percent, ip, db::now()).await
        }
        .await,
    )
}
