//! A course's question bank, for its instructors and administrators: the
//! list, adding and editing questions (an edited key regrades), retiring,
//! and importing a whole file at once. Export is a plain download route.

// A server function's arguments are its form's fields, one each; the
// `#[server]` expansion repeats them, so the lint cannot be silenced per fn.
#![allow(clippy::too_many_arguments)]

use crate::api::catalogue::Localized;
use crate::domain::bank::BankRow;
use crate::domain::exam::Question;
use crate::error::{AppError, Problem};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Questions per page of the bank's list.
pub const PAGE_SIZE: i64 = 25;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankCourse {
    pub id: i64,
    pub code: String,
    pub title: Localized,
}

/// A question of the bank with its key: only its course's instructors and
/// administrators ever receive one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankQuestion {
    pub id: i64,
    pub question: Question,
    pub retired: bool,
    /// Answers given to it in attempts (an edit of its key regrades them).
    pub answered: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankPage {
    pub questions: Vec<BankQuestion>,
    /// Every tag in the course's bank, for the filter.
    pub tags: Vec<String>,
    /// Questions matching the filter, on every page.
    pub total: i64,
    pub page: u32,
    pub pages: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedQuestion {
    pub id: i64,
    /// Attempts whose score changed, when the edit changed the key or points.
    pub regraded: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankImportOutcome {
    pub rows: Vec<BankRow>,
    /// A problem with the whole file, and the line it concerns.
    pub file_problem: Option<(u32, Problem)>,
    pub valid: bool,
    /// Whether the questions were added (only ever all of them).
    pub committed: bool,
    pub imported: usize,
}

/// The course `code` names, if `user` may edit its bank. An unknown course
/// and someone else's look the same, except to an administrator.
#[cfg(feature = "ssr")]
pub async fn authorised_course(
    state: &crate::ssr::AppState,
    user: &crate::api::auth::SessionUser,
    code: &str,
) -> Result<BankCourse, AppError> {
    use crate::domain::Role;
    use crate::ssr::{auth, db::questions};
    if user.role == Role::Trainee {
        return Err(AppError::Forbidden);
    }
    let code = code.trim().to_uppercase();
    match questions::course_by_code(&state.db.reader, &code).await? {
        Some(course) => {
            auth::require_teacher_of_course(state, user, course.id).await?;
            Ok(course)
        }
        None if user.role == Role::Administrator => Err(AppError::NotFound),
        None => Err(AppError::Forbidden),
    }
}

/// The course of a bank page (and the page's authorisation check).
#[server(endpoint = "teach/bank_course")]
pub async fn load_bank_course(course_code: String) -> Result<BankCourse, AppError> {
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let me = auth::require_user(&state).await?;
            authorised_course(&state, &me, &course_code).await
        }
        .await,
    )
}

/// One page of a course's bank, narrowed by words in a prompt and a tag.
#[server(endpoint = "teach/bank_questions")]
pub async fn bank_questions(
    course_code: String,
    search: Option<String>,
    tag: Option<String>,
    page: Option<u32>,
) -> Result<BankPage, AppError> {
    use crate::ssr::db::questions::{self, BankFilter};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let me = auth::require_user(&state).await?;
            let course = authorised_course(&state, &me, &course_code).await?;
            let filter = BankFilter {
                search: search.as_deref().unwrap_or_default(),
                tag: tag.as_deref().unwrap_or_default(),
            };
            let page = page.unwrap_or(1).max(1);
            let offset = (i64::from(page) - 1) * PAGE_SIZE;
            let pool = &state.db.reader;
            let (questions, total) =
                questions::page(pool, course.id, &filter, PAGE_SIZE, offset).await?;
            Ok(BankPage {
                questions,
                tags: questions::tags(pool, course.id).await?,
                total,
                page,
                pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1) as u32,
            })
        }
        .await,
    )
}

/// Adds a question to a course's bank, or with `question_id` edits one of
/// its questions (the kind stays). Problems come back per field.
#[server(endpoint = "teach/save_question")]
pub async fn save_question(
    course_code: String,
    question_id: Option<String>,
    kind: String,
    prompt_zh: String,
    prompt_en: String,
    options: Option<String>,
    answer: Option<String>,
    points: String,
    tags: Option<String>,
    explanation_zh: Option<String>,
    explanation_en: Option<String>,
) -> Result<SavedQuestion, AppError> {
    use crate::domain::exam::QuestionDraft;
    use crate::ssr::db::{self, questions};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let me = auth::require_user(&state).await?;
            let course = authorised_course(&state, &me, &course_code).await?;
            let question_id = match question_id.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(id) => Some(id.parse::<i64>().map_err(|_| AppError::NotFound)?),
            };
            let question = QuestionDraft {
                kind,
                prompt_zh,
                prompt_en,
                options: options.unwrap_or_default(),
                answer: answer.unwrap_or_default(),
                points,
                tags: tags.unwrap_or_default(),
                explanation_zh: explanation_zh.unwrap_or_default(),
                explanation_en: explanation_en.unwrap_or_default(),
            }
            .check()
            .map_err(AppError::Validation)?;
            questions::save(
                &state.db,
                me.id,
                course.id,
                question_id,
                &question,
                context::client_address(&state.settings),
                db::now(),
            )
            .await
        }
        .await,
    )
}

/// Retires a question (past attempts keep it; new exams leave it out), or
/// with `retired = false` brings it back.
#[server(endpoint = "teach/retire_question")]
pub async fn retire_question(question_id: i64, retired: bool) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::ssr::db::{self, questions};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let me = auth::require_user(&state).await?;
            let course_id = questions::course_of(&state.db.reader, question_id).await?;
            let Some(course_id) = course_id else {
                return Err(if me.role == Role::Administrator {
                    AppError::NotFound
                } else {
                    AppError::Forbidden
                });
            };
            auth::require_teacher_of_course(&state, &me, course_id).await?;
            questions::set_retired(
                &state.db,
                me.id,
                question_id,
                retired,
                context::client_address(&state.settings),
                db::now(),
            )
            .await
        }
        .await,
    )
}

/// Checks a CSV or JSON bank file and, with `commit`, adds every question in
/// one transaction — or none if any row has a problem.
#[server(endpoint = "teach/import_bank")]
pub async fn import_bank(
    course_code: String,
    format: String,
    text: String,
    commit: Option<bool>,
) -> Result<BankImportOutcome, AppError> {
    use crate::domain::bank::{self, BankFormat};
    use crate::ssr::db::{self, questions};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let me = auth::require_user(&state).await?;
            let course = authorised_course(&state, &me, &course_code).await?;
            let format = BankFormat::parse(&format)
                .ok_or_else(|| AppError::field("format", Problem::NotInList))?;
            let (mut rows, mut valid) = match bank::check(format, &text) {
                Ok(checked) => checked,
                Err((line, problem)) => {
                    return Ok(BankImportOutcome {
                        rows: vec![],
                        file_problem: Some((line as u32, problem)),
                        valid: false,
                        committed: false,
                        imported: 0,
                    })
                }
            };
            let existing = questions::prompts_in_use(&state.db.reader, course.id).await?;
            bank::mark_already_in_bank(&mut rows, &mut valid, &existing);
            let all_valid = rows.iter().all(BankRow::is_valid);
            if !commit.unwrap_or(false) || !all_valid {
                return Ok(BankImportOutcome {
                    rows,
                    file_problem: None,
                    valid: all_valid,
                    committed: false,
                    imported: 0,
                });
            }
            let checked: Vec<Question> = valid.into_iter().flatten().collect();
            let imported = questions::import(
                &state.db,
                me.id,
                course.id,
                &checked,
                context::client_address(&state.settings),
                db::now(),
            )
            .await?;
            Ok(BankImportOutcome {
                rows,
                file_problem: None,
                valid: true,
                committed: true,
                imported,
            })
        }
        .await,
    )
}
