//! Trainees enrolling in classes, withdrawing, and seeing their enrolments.

use crate::api::catalogue::Localized;
use crate::domain::enrolment::EnrolmentState;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyEnrolment {
    pub id: i64,
    pub course_code: String,
    pub course_title: Localized,
    pub class_name: Localized,
    pub starts_on: String,
    pub ends_on: String,
    pub city: Localized,
    pub state: EnrolmentState,
    /// 1-based position on the waiting list, when waitlisted.
    pub position: Option<i64>,
    pub decision_reason: String,
}

/// The longest note a trainee may leave for the reviewer.
pub const NOTE_MAX_CHARS: usize = 500;

#[server(endpoint = "enrolment/enrol")]
pub async fn enrol(class_id: i64, note: Option<String>) -> Result<MyEnrolment, AppError> {
    use crate::domain::Role;
    use crate::error::Problem;
    use crate::ssr::db::{self, enrolments};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let me = auth::require_user(&state).await?;
            if me.role != Role::Trainee {
                return Err(AppError::Conflict(Problem::OnlyTraineesEnrol));
            }
            let note = note.unwrap_or_default().trim().to_owned();
            if note.chars().count() > NOTE_MAX_CHARS {
                return Err(AppError::field(
                    "note",
                    Problem::TooLong {
                        max: NOTE_MAX_CHARS as u32,
                    },
                ));
            }
            let ip = context::client_address(&state.settings);
            let id = enrolments::enrol(&state.db, me.id, class_id, &note, ip, db::now()).await?;
            enrolments::one_of_mine(&state.db.reader, me.id, id)
                .await?
                .ok_or(AppError::NotFound)
        }
        .await,
    )
}

/// The trainee leaves a class; a seat they held goes to the first on the waiting list.
#[server(endpoint = "enrolment/withdraw")]
pub async fn withdraw(enrolment_id: i64) -> Result<(), AppError> {
    use crate::ssr::db::{self, enrolments};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let me = auth::require_user(&state).await?;
            let ip = context::client_address(&state.settings);
            enrolments::withdraw(&state.db, me.id, enrolment_id, ip, db::now()).await
        }
        .await,
    )
}

#[server(endpoint = "enrolment/mine")]
pub async fn my_enrolments() -> Result<Vec<MyEnrolment>, AppError> {
    use crate::ssr::db::enrolments;
    use crate::ssr::{auth, context, respond};
    respond(
        async {
            let state = context::state()?;
            let me = auth::require_user(&state).await?;
            Ok(state.db.read(|db| enrolments::mine(db, me.id))?)
        }
        .await,
    )
}
