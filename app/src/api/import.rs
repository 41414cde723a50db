//! Bulk import of trainees from CSV (administrators), and the one-time link
//! an imported trainee opens to set their password.

use crate::domain::enrolment::EnrolmentState;
use crate::domain::import::ImportRow;
use crate::error::{AppError, Problem};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imported {
    pub name: String,
    pub email: String,
    /// The one-time "set your password" link to hand to the trainee.
    pub link: String,
    pub enrolment: Option<EnrolmentState>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOutcome {
    pub rows: Vec<ImportRow>,
    /// A problem with the whole file, and the line it concerns.
    pub file_problem: Option<(u32, Problem)>,
    pub valid: bool,
    /// Whether the rows were written (only ever all of them).
    pub committed: bool,
    pub created: Vec<Imported>,
}

/// Days a "set your password" link stays valid.
pub const LINK_DAYS: i64 = 14;

/// A class an import may enrol trainees in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportClass {
    pub id: i64,
    pub course_title: crate::api::catalogue::Localized,
    pub name: crate::api::catalogue::Localized,
    pub starts_on: String,
}

/// The classes an import may enrol trainees in (administrators only): those
/// not over yet, soonest first. A national body has thousands of classes
/// behind it; the ones trainees join are ahead.
#[server(endpoint = "admin/import_classes")]
pub async fn import_classes() -> Result<Vec<ImportClass>, AppError> {
    use crate::domain::Role;
    use crate::ssr::db::{self, teaching};
    use crate::ssr::{auth, context, respond};
    respond(
        async {
            let state = context::state()?;
            auth::require_role(&state, &[Role::Administrator]).await?;
            Ok(teaching::classes_not_over(&state.db.reader, &db::china_today()).await?)
        }
        .await,
    )
}

/// Checks a CSV of trainees and, with `commit`, imports every row in one
/// transaction — or none of them if any row has a problem.
#[server(endpoint = "admin/import_trainees")]
pub async fn import_trainees(
    csv: String,
    class_id: Option<String>,
    commit: Option<bool>,
) -> Result<ImportOutcome, AppError> {
    use crate::domain::{import, Role};
    use crate::ssr::db::{self, audit, enrolments, password_tokens, users};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let admin = auth::require_role(&state, &[Role::Administrator]).await?;
            let class_id = match class_id.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(id) => Some(
                    id.parse::<i64>()
                        .map_err(|_| AppError::field("class_id", Problem::NotInList))?,
                ),
            };
            let (mut rows, valid) = match import::check(&csv) {
                Ok(checked) => checked,
                Err((line, problem)) => {
                    return Ok(ImportOutcome {
                        rows: vec![],
                        file_problem: Some((line as u32, problem)),
                        valid: false,
                        committed: false,
                        created: vec![],
                    })
                }
            };
            // What only the database knows: taken emails and free seats.
            let mut room = match class_id {
                Some(id) => Some(
                    enrolments::room(&state.db.reader, id)
                        .await?
                        .ok_or_else(|| AppError::field("class_id", Problem::NotInList))?,
                ),
                None => None,
            };
            for (row, checked) in rows.iter_mut().zip(&valid) {
                let Some(checked) = checked else { continue };
                if users::id_by_email(&state.db.reader, checked.email.as_str())
                    .await?
                    .is_some()
                {
                    row.add("email", Problem::EmailTaken);
                }
                if let Some((free, waitlist)) = room.as_mut() {
                    if *free > 0 {
                        *free -= 1;
                    } else if !*waitlist {
                        row.add("class", Problem::ClassFull);
                    }
                }
            }
            let all_valid = rows.iter().all(ImportRow::is_valid);
            if !commit.unwrap_or(false) || !all_valid {
                return Ok(ImportOutcome {
                    rows,
                    file_problem: None,
                    valid: all_valid,
                    committed: false,
                    created: vec![],
                });
            }

            let now = db::now();
            let base = site_url(&state);
            let mut created = Vec::with_capacity(valid.len());
            let mut tx = state.db.begin_write().await?;
            for checked in valid.into_iter().flatten() {
                let user_id = users::insert(
                    &mut tx,
                    &users::NewUser {
                        email: checked.email.as_str(),
                        name: checked.name.as_str(),
                        // Not a PHC string: no password verifies until the link is used.
                        password_hash: "!",
                        role: Role::Trainee,
                        organisation: checked.organisation.as_str(),
                        province: Some(checked.province.code()),
                        industry: Some(checked.industry.code()),
                    },
                    now,
                )
                .await
                .map_err(|error| {
                    match db::unique_violation(&error).as_deref() {
                        // Registered between the check and now: the whole import stops.
                        Some("users.email") => AppError::Conflict(Problem::ImportHasErrors),
                        _ => error.into(),
                    }
                })?;
                let token = auth::new_token();
                password_tokens::insert(
                    &mut tx,
                    &auth::token_hash(&token),
                    user_id,
                    Some(admin.id),
                    now,
                    now + LINK_DAYS * 24 * 3600,
                )
                .await?;
                let enrolment = match class_id {
                    Some(class_id) => Some(
                        enrolments::admit_into(&mut tx, user_id, class_id, "", false, now)
                            .await?
                            .1,
                    ),
                    None => None,
                };
                created.push(Imported {
                    name: checked.name.as_str().to_owned(),
                    email: checked.email.as_str().to_owned(),
                    link: format!("{base}/set-password?token={token}"),
                    enrolment,
                });
            }
            audit::record(
                &mut tx,
                audit::Event {
                    actor_id: Some(admin.id),
                    action: "import_trainees",
                    subject: class_id
                        .map(|id| format!("class:{id}"))
                        .unwrap_or_else(|| "users".into()),
                    detail: serde_json::json!({ "count": created.len() }),
                    ip: context::client_address(&state.settings),
                },
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(ImportOutcome {
                rows,
                file_problem: None,
                valid: true,
                committed: true,
                created,
            })
        }
        .await,
    )
}

/// Sets a password from a one-time link and signs the trainee in.
#[server(endpoint = "auth/set_password")]
pub async fn set_password_with_token(token: String, password: String) -> Result<(), AppError> {
    use crate::domain::{Email, Password};
    use crate::ssr::db::{self, audit, password_tokens, users};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            auth::allow_visitors();
            // Guessing links, or hashing at will: a few per address and hour.
            crate::ssr::rate_limit::admit(&state, &state.password_links)?;
            let token_hash = auth::token_hash(token.trim());
            // Check the password before using up the link.
            let user_id =
                password_tokens::live_user(&state.db.reader, &token_hash, db::now()).await?;
            let Some(user_id) = user_id else {
                return Err(AppError::field("token", Problem::LinkInvalid));
            };
            let email = users::summary(&state.db.reader, user_id)
                .await?
                .and_then(|u| Email::parse(&u.email).ok());
            let password = Password::parse(&password, email.as_ref())
                .map_err(|p| AppError::field("password", p))?;
            let hash = state.hasher.hash(password.expose().to_owned()).await?;
            let now = db::now();
            let mut tx = state.db.begin_write().await?;
            let Some(user_id) = password_tokens::consume(&mut tx, &token_hash, now).await? else {
                return Err(AppError::field("token", Problem::LinkInvalid));
            };
            users::set_password_hash(&mut tx, user_id, &hash, now).await?;
            audit::record(
                &mut tx,
                audit::Event {
                    actor_id: Some(user_id),
                    action: "set_password_from_link",
                    subject: format!("user:{user_id}"),
                    detail: serde_json::json!({}),
                    ip: context::client_address(&state.settings),
                },
                now,
            )
            .await?;
            auth::start_session(&state, &mut tx, user_id).await?;
            tx.commit().await?;
            leptos_axum::redirect("/me");
            Ok(())
        }
        .await,
    )
}

/// `scheme://host` of the request, for links the administrator hands out.
#[cfg(feature = "ssr")]
fn site_url(state: &crate::ssr::AppState) -> String {
    let host = crate::ssr::context::parts()
        .and_then(|p| {
            p.headers
                .get(http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| state.leptos_options.site_addr.to_string());
    let scheme = if state.settings.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}
