//! Sitting exams: a trainee's exams, starting or continuing an attempt,
//! saving each answer as it is given, submitting, and released results.
//!
//! The paper a trainee sees never carries the answer key: keys and
//! explanations travel only in an [`ExamResult`], after release.

use crate::api::catalogue::Localized;
use crate::domain::exam::{AnswerKey, Counting, QuestionKind};
use crate::error::{AppError, Problem};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamInfo {
    pub id: i64,
    pub class_id: i64,
    pub course_code: String,
    pub course_title: Localized,
    pub class_name: Localized,
    pub title: Localized,
    pub time_limit_minutes: i64,
    pub opens_at: i64,
    pub closes_at: i64,
    pub attempts_allowed: i64,
    pub counting: Counting,
    pub pass_percent: i64,
    pub shuffle: bool,
    /// `fixed` or `random`.
    pub selection: String,
    pub question_count: i64,
    pub released_at: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptState {
    InProgress,
    AwaitingGrading,
    Graded,
}

impl AttemptState {
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptState::InProgress => "in_progress",
            AttemptState::AwaitingGrading => "awaiting_grading",
            AttemptState::Graded => "graded",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "in_progress" => Some(AttemptState::InProgress),
            "awaiting_grading" => Some(AttemptState::AwaitingGrading),
            "graded" => Some(AttemptState::Graded),
            _ => None,
        }
    }
}

/// One question as the trainee sees it: options in this attempt's order,
/// each with its original index (what an answer names), and what they have
/// saved so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperQuestion {
    pub question_id: i64,
    pub kind: QuestionKind,
    pub prompt: Localized,
    pub options: Vec<(u32, Localized)>,
    pub points: i64,
    pub response: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paper {
    pub attempt_id: i64,
    pub number: i64,
    pub deadline_at: i64,
    /// Seconds left when the server answered; the page counts down from it.
    pub remaining_secs: i64,
    pub questions: Vec<PaperQuestion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptSummary {
    pub id: i64,
    pub number: i64,
    pub state: AttemptState,
    pub started_at: i64,
    pub submitted_at: Option<i64>,
    /// `trainee` or `deadline`.
    pub closed_by: Option<String>,
    pub score: Option<i64>,
    pub max_points: i64,
}

/// One question of a released attempt, with the key and the explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultItem {
    pub kind: QuestionKind,
    pub prompt: Localized,
    /// In the order written; `order` is the order the trainee saw them in.
    pub options: Vec<Localized>,
    pub order: Vec<u32>,
    pub key: AnswerKey,
    pub response: String,
    pub points: Option<i64>,
    pub max_points: i64,
    pub feedback: String,
    pub explanation: Localized,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamResult {
    pub attempt_number: i64,
    pub score: i64,
    pub max_points: i64,
    pub percent: i64,
    pub passed: bool,
    /// The reason when an instructor set the result by hand.
    pub override_reason: Option<String>,
    /// True while another attempt may still start: the questions, keys and
    /// explanations stay hidden until then.
    pub answers_withheld: bool,
    pub items: Vec<ResultItem>,
}

/// Where a trainee stands with one exam.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    NotOpenYet,
    Open,
    InProgress,
    AwaitingGrading,
    /// Everything is scored but the instructor has not released results.
    AwaitingRelease,
    Passed,
    Failed,
    /// Closed without an attempt, or no attempts left and nothing to show.
    Closed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyExam {
    pub exam: ExamInfo,
    pub standing: Standing,
    pub attempts_used: i64,
    pub percent: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamForMe {
    pub exam: ExamInfo,
    pub standing: Standing,
    pub attempts: Vec<AttemptSummary>,
    /// The attempt in progress, if any.
    pub paper: Option<Paper>,
    /// The counted result, once released.
    pub result: Option<ExamResult>,
    /// Why a new attempt cannot start now, if it cannot.
    pub cannot_start: Option<Problem>,
    pub server_time: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveReceipt {
    pub saved_at: i64,
    pub remaining_secs: i64,
}

/// The exams of the classes the caller is enrolled in, soonest first.
#[server(endpoint = "exams/mine")]
pub async fn my_exams() -> Result<Vec<MyExam>, AppError> {
    use crate::domain::Role;
    use crate::ssr::db::{self, exams};
    use crate::ssr::{auth, context, respond};
    respond(
        async {
            let state = context::state()?;
            let me = auth::require_role(&state, &[Role::Trainee]).await?;
            let now = db::now();
            exams::close_overdue(&state.db, now).await?;
            Ok(state.db.read(|db| exams::my_exams(db, me.id, now))?)
        }
        .await,
    )
}

/// The exam page: the exam, the caller's attempts, the paper in progress and
/// the released result.
#[server(endpoint = "exams/view")]
pub async fn exam_view(exam_id: i64) -> Result<ExamForMe, AppError> {
    use crate::domain::Role;
    use crate::ssr::db::{self, exams};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let me = auth::require_role(&state, &[Role::Trainee]).await?;
            exams::close_overdue(&state.db, db::now()).await?;
            exams::exam_for_trainee(&state.db.reader, me.id, exam_id, db::now()).await
        }
        .await,
    )
}

/// Starts a new attempt, or returns the one already in progress.
#[server(endpoint = "exams/start")]
pub async fn start_attempt(exam_id: i64) -> Result<i64, AppError> {
    use crate::domain::Role;
    use crate::ssr::db::{self, exams};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let me = auth::require_role(&state, &[Role::Trainee]).await?;
            let ip = context::client_address(&state.settings);
            exams::start(&state.db, me.id, exam_id, ip, db::now()).await
        }
        .await,
    )
}

/// Saves one answer (`0,2` for choices, `true`/`false`, or text); refused
/// once the attempt is closed.
#[server(endpoint = "exams/answer")]
pub async fn save_answer(
    attempt_id: i64,
    question_id: i64,
    answer: String,
) -> Result<SaveReceipt, AppError> {
    use crate::domain::Role;
    use crate::ssr::db::{self, exams};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let me = auth::require_role(&state, &[Role::Trainee]).await?;
            exams::save_answer(
                &state.db,
                me.id,
                attempt_id,
                question_id,
                &answer,
                db::now(),
            )
            .await
        }
        .await,
    )
}

/// Hands the attempt in. Submitting again changes nothing.
#[server(endpoint = "exams/submit")]
pub async fn submit_attempt(attempt_id: i64) -> Result<AttemptState, AppError> {
    use crate::domain::Role;
    use crate::ssr::db::{self, exams};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let me = auth::require_role(&state, &[Role::Trainee]).await?;
            exams::submit(&state.db, me.id, attempt_id, db::now()).await
        }
        .await,
    )
}
