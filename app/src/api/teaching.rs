//! Instructors' side of a class: their classes, the roster, decisions on
//! applications, attendance and completion.

use crate::api::catalogue::Localized;
use crate::domain::enrolment::EnrolmentState;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaughtClass {
    pub id: i64,
    pub course_code: String,
    pub course_title: Localized,
    pub name: Localized,
    pub starts_on: String,
    pub ends_on: String,
    pub city: Localized,
    pub capacity: i64,
    pub seats_taken: i64,
    pub waiting: i64,
    pub pending: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterEntry {
    pub enrolment_id: i64,
    pub name: String,
    pub email: String,
    pub organisation: String,
    pub province: Option<String>,
    pub industry: Option<String>,
    pub state: EnrolmentState,
    pub position: Option<i64>,
    pub note: String,
    pub decision_reason: String,
    pub attended: bool,
    pub applied_at: i64,
    /// Extra exam time as a percentage of the limit, when granted.
    pub extra_time_percent: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roster {
    pub class: TaughtClass,
    pub entries: Vec<RosterEntry>,
}

/// The longest reason a reviewer may give.
pub const REASON_MAX_CHARS: usize = 300;

/// The classes the caller teaches; every class for an administrator.
#[server(endpoint = "teach/classes")]
pub async fn taught_classes() -> Result<Vec<TaughtClass>, AppError> {
    use crate::domain::Role;
    use crate::ssr::db::teaching;
    use crate::ssr::{auth, context, respond};
    respond(
        async {
            let state = context::state()?;
            let me = auth::require_role(&state, &[Role::Instructor]).await?;
            let only = (me.role != Role::Administrator).then_some(me.id);
            Ok(teaching::classes(&state.db.reader, only).await?)
        }
        .await,
    )
}

#[server(endpoint = "teach/roster")]
pub async fn class_roster(class_id: i64) -> Result<Roster, AppError> {
    use crate::ssr::db::teaching;
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let me = auth::require_user(&state).await?;
            auth::require_teacher_of(&state, &me, class_id).await?;
            let class = state
                .db
                .read(|db| teaching::class(db, class_id))?
                .ok_or(AppError::NotFound)?;
            let entries = teaching::roster(&state.db.reader, class_id).await?;
            Ok(Roster { class, entries })
        }
        .await,
    )
}

/// Approves or rejects an application (a rejection needs a reason), or marks
/// an enrolment completed.
#[server(endpoint = "teach/decide")]
pub async fn decide_enrolment(
    enrolment_id: i64,
    decision: String,
    reason: Option<String>,
) -> Result<EnrolmentState, AppError> {
    use crate::domain::enrolment::Transition;
    use crate::error::Problem;
    use crate::ssr::db::{self, teaching};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let me = auth::require_user(&state).await?;
            let class_id = teaching::class_of(&state.db.reader, enrolment_id).await?;
            // An unknown enrolment and someone else's class look the same.
            let Some(class_id) = class_id else {
                return Err(AppError::Forbidden);
            };
            auth::require_teacher_of(&state, &me, class_id).await?;
            let reason = reason.unwrap_or_default().trim().to_owned();
            if reason.chars().count() > REASON_MAX_CHARS {
                return Err(AppError::field(
                    "reason",
                    Problem::TooLong {
                        max: REASON_MAX_CHARS as u32,
                    },
                ));
            }
            let transition = match decision.as_str() {
                "approve" => Transition::Approve,
                "reject" if reason.is_empty() => {
                    return Err(AppError::field("reason", Problem::Required))
                }
                "reject" => Transition::Reject,
                "complete" => Transition::Complete,
                _ => return Err(AppError::field("decision", Problem::NotInList)),
            };
            let ip = context::client_address(&state.settings);
            teaching::transition(
                &state.db,
                me.id,
                enrolment_id,
                transition,
                &reason,
                ip,
                db::now(),
            )
            .await
        }
        .await,
    )
}

#[server(endpoint = "teach/attendance")]
pub async fn set_attendance(enrolment_id: i64, attended: bool) -> Result<(), AppError> {
    use crate::ssr::db::{self, teaching};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let me = auth::require_user(&state).await?;
            let Some(class_id) = teaching::class_of(&state.db.reader, enrolment_id).await? else {
                return Err(AppError::Forbidden);
            };
            auth::require_teacher_of(&state, &me, class_id).await?;
            teaching::set_attended(&state.db, me.id, enrolment_id, attended, db::now()).await
        }
        .await,
    )
}
