//! Accounts: one's own profile, and the administrators' user management.

use crate::api::auth::SessionUser;
use crate::domain::Role;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub user: SessionUser,
    pub organisation: String,
    /// Province and industry codes (see `domain::places`).
    pub province: Option<String>,
    pub industry: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub organisation: String,
    pub active: bool,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    pub users: Vec<UserSummary>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

impl UserPage {
    pub fn pages(&self) -> u32 {
        let per_page = i64::from(self.per_page.max(1));
        ((self.total + per_page - 1) / per_page).max(1) as u32
    }
}

pub const USERS_PER_PAGE: u32 = 25;

/// The signed-in user's own profile.
#[server(endpoint = "users/my_profile")]
pub async fn my_profile() -> Result<Profile, AppError> {
    use crate::ssr::db::users;
    use crate::ssr::{auth, context, respond};
    respond(
        async {
            let state = context::state()?;
            let me = auth::require_user(&state).await?;
            state
                .db
                .read(|db| users::profile(db, me.id))?
                .ok_or(AppError::Unauthorized)
        }
        .await,
    )
}

/// Everything `/me` shows: the profile and, for a trainee, their
/// certificates, exams and classes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyAccount {
    pub profile: Profile,
    pub trainee: Option<TraineeRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraineeRecord {
    pub certificates: Vec<crate::api::certificates::MyCertificate>,
    pub exams: Vec<crate::api::exams::MyExam>,
    pub enrolments: Vec<crate::api::enrolment::MyEnrolment>,
}

/// `/me` in one call, read in place in one snapshot: a section each would
/// ask for the session and a connection four times over, one after the other.
#[server(endpoint = "users/my_page")]
pub async fn my_page() -> Result<MyAccount, AppError> {
    use crate::ssr::db::{self, certificates, enrolments, exams, users};
    use crate::ssr::{auth, context, respond};
    respond(
        async {
            let state = context::state()?;
            let me = auth::require_user(&state).await?;
            let now = db::now();
            if me.role == Role::Trainee {
                exams::close_overdue(&state.db, now).await?;
            }
            let today = db::china_today();
            // No account (deleted meanwhile) is not a failed read: the
            // connection goes back.
            state
                .db
                .read(|db| -> rusqlite::Result<_> {
                    let Some(profile) = users::profile(db, me.id)? else {
                        return Ok(None);
                    };
                    let trainee = match profile.user.role {
                        Role::Trainee => Some(TraineeRecord {
                            certificates: certificates::of_holder(db, me.id, &today)?,
                            exams: exams::my_exams(db, me.id, now)?,
                            enrolments: enrolments::mine(db, me.id)?,
                        }),
                        _ => None,
                    };
                    Ok(Some(MyAccount { profile, trainee }))
                })?
                .ok_or(AppError::Unauthorized)
        }
        .await,
    )
}

#[server(endpoint = "admin/list_users")]
pub async fn list_users(
    search: String,
    role: Option<String>,
    page: u32,
) -> Result<UserPage, AppError> {
    use crate::ssr::db::users;
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            auth::require_role(&state, &[Role::Administrator]).await?;
            let role = role.as_deref().and_then(Role::parse);
            let search: String = search.chars().take(100).collect();
            Ok(users::list(
                &state.db.reader,
                &search,
                role,
                page.clamp(1, 100_000),
                USERS_PER_PAGE,
            )
            .await?)
        }
        .await,
    )
}

/// Creates an instructor or administrator account.
#[server(endpoint = "admin/create_staff_account")]
pub async fn create_staff_account(
    name: String,
    email: String,
    role: String,
    password: String,
) -> Result<UserSummary, AppError> {
    use crate::domain::{Email, Password, PersonName};
    use crate::error::{FieldErrors, Problem};
    use crate::ssr::db::{self, audit, users};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let admin = auth::require_role(&state, &[Role::Administrator]).await?;
            let mut errors = FieldErrors::new();
            let name = errors.check("name", PersonName::parse(&name));
            let email = errors.check("email", Email::parse(&email));
            let role = errors.check(
                "role",
                Role::parse(&role)
                    .filter(|r| r.is_staff())
                    .ok_or(if role.is_empty() {
                        Problem::Required
                    } else {
                        Problem::NotInList
                    }),
            );
            let password = errors.check("password", Password::parse(&password, email.as_ref()));
            errors.into_result()?;
            let (name, email, role, password) = (
                name.expect("checked"),
                email.expect("checked"),
                role.expect("checked"),
                password.expect("checked"),
            );
            if users::id_by_email(&state.db.reader, email.as_str())
                .await?
                .is_some()
            {
                return Err(AppError::field("email", Problem::EmailTaken));
            }
            let password_hash = state.hasher.hash(password.expose().to_owned()).await?;
            let now = db::now();
            let mut tx = state.db.begin_write().await?;
            let inserted = users::insert(
                &mut tx,
                &users::NewUser {
                    email: email.as_str(),
                    name: name.as_str(),
                    password_hash: &password_hash,
                    role,
                    organisation: "",
                    province: None,
                    industry: None,
                },
                now,
            )
            .await;
            let user_id = match inserted {
                Ok(id) => id,
                Err(error) if db::unique_violation(&error).as_deref() == Some("users.email") => {
                    return Err(AppError::field("email", Problem::EmailTaken));
                }
                Err(error) => return Err(error.into()),
            };
            audit::record(
                &mut tx,
                audit::Event {
                    actor_id: Some(admin.id),
                    action: "create_account",
                    subject: format!("user:{user_id}"),
                    detail: serde_json::json!({ "role": role.as_str() }),
                    ip: context::client_address(&state.settings),
                },
                now,
            )
            .await?;
            tx.commit().await?;
            users::summary(&state.db.reader, user_id)
                .await?
                .ok_or(AppError::NotFound)
        }
        .await,
    )
}

/// Deactivates (ending every session at once) or reactivates an account.
#[server(endpoint = "admin/set_user_active")]
pub async fn set_user_active(user_id: i64, active: bool) -> Result<(), AppError> {
    use crate::error::Problem;
    use crate::ssr::db::{self, audit, sessions, users};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let admin = auth::require_role(&state, &[Role::Administrator]).await?;
            if admin.id == user_id {
                return Err(AppError::field("user_id", Problem::CannotChangeOwnAccount));
            }
            let now = db::now();
            let mut tx = state.db.begin_write().await?;
            if !users::set_active(&mut tx, user_id, active, now).await? {
                return Err(AppError::NotFound);
            }
            if !active {
                sessions::delete_for_user(&mut tx, user_id).await?;
            }
            audit::record(
                &mut tx,
                audit::Event {
                    actor_id: Some(admin.id),
                    action: if active {
                        "reactivate_account"
                    } else {
                        "deactivate_account"
                    },
                    subject: format!("user:{user_id}"),
                    detail: serde_json::json!({}),
                    ip: context::client_address(&state.settings),
                },
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}

/// Sets a new password for an account and ends its sessions.
#[server(endpoint = "admin/set_user_password")]
pub async fn set_user_password(user_id: i64, password: String) -> Result<(), AppError> {
    use crate::domain::{Email, Password};
    use crate::ssr::db::{self, audit, sessions, users};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let admin = auth::require_role(&state, &[Role::Administrator]).await?;
            let target = users::summary(&state.db.reader, user_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let email = Email::parse(&target.email).ok();
            let password = Password::parse(&password, email.as_ref())
                .map_err(|problem| AppError::field("password", problem))?;
            let password_hash = state.hasher.hash(password.expose().to_owned()).await?;
            let now = db::now();
            let mut tx = state.db.begin_write().await?;
            users::set_password_hash(&mut tx, user_id, &password_hash, now).await?;
            sessions::delete_for_user(&mut tx, user_id).await?;
            audit::record(
                &mut tx,
                audit::Event {
                    actor_id: Some(admin.id),
                    action: "set_password",
                    subject: format!("user:{user_id}"),
                    detail: serde_json::json!({}),
                    ip: context::client_address(&state.settings),
                },
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await,
    )
}
