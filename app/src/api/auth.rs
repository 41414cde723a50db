//! Signing in and out, registering, and the current user.

use crate::domain::Role;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in user as every page sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
}

/// The signed-in user, or `None` for a visitor.
#[server(endpoint = "auth/current_user")]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    use crate::ssr::{auth, context, respond};
    respond(
        async {
            let state = context::state()?;
            auth::allow_visitors();
            auth::current_user(&state).await
        }
        .await,
    )
}

#[server(endpoint = "auth/login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::domain::{redirect, throttle, Email};
    use crate::error::{FieldErrors, Problem};
    use crate::ssr::db::{self, audit, users};
    use crate::ssr::{auth, context, respond};

    respond(
        async move {
            let state = context::state()?;
            auth::allow_visitors();
            let mut errors = FieldErrors::new();
            let email = errors.check("email", Email::parse(&email));
            if password.is_empty() {
                errors.add("password", Problem::Required);
            }
            errors.into_result()?;
            let email = email.expect("checked above");

            let now = db::now();
            let ip = context::client_address(&state.settings);
            // Waits are kept per account *and* address: guesses from one
            // address slow that address down, and never keep the account's
            // owner, at their own address, out.
            let pair_key = format!("login:{email}|{}", ip.as_deref().unwrap_or("-"));
            let address_key = ip.as_ref().map(|ip| format!("address:{ip}"));

            // One write transaction decides whether this attempt may go on
            // and counts it as a failure before the hash is checked, so
            // parallel guesses cannot all pass the check at once.
            let mut tx = state.db.begin_write().await?;
            let mut wait = {
                let f = db::throttle::failures(&mut tx, &pair_key, now).await?;
                throttle::retry_after(
                    f.failures,
                    throttle::FREE_FAILURES_PER_ACCOUNT,
                    f.last_failed_at,
                    now,
                )
            };
            if let Some(key) = &address_key {
                let f = db::throttle::failures(&mut tx, key, now).await?;
                wait = wait.max(throttle::retry_after(
                    f.failures,
                    throttle::FREE_FAILURES_PER_ADDRESS,
                    f.last_failed_at,
                    now,
                ));
            }
            if wait > 0 {
                return Err(AppError::Throttled {
                    retry_after_secs: wait as u64,
                });
            }
            db::throttle::record_failure(&mut tx, &pair_key, now).await?;
            if let Some(key) = &address_key {
                db::throttle::record_failure(&mut tx, key, now).await?;
            }
            tx.commit().await?;

            let credentials = users::credentials(&state.db.reader, email.as_str()).await?;
            let matches = state
                .hasher
                .verify(
                    password,
                    credentials.as_ref().map(|c| c.password_hash.clone()),
                )
                .await?;

            let mut tx = state.db.begin_write().await?;
            let outcome = match credentials {
                Some(account) if matches && account.active => {
                    // The right password: this attempt was no failure.
                    db::throttle::clear(&mut tx, &pair_key).await?;
                    if let Some(key) = &address_key {
                        db::throttle::forgive_one(&mut tx, key).await?;
                    }
                    auth::start_session(&state, &mut tx, account.id).await?;
                    Ok(account.id)
                }
                Some(account) if matches => Err((AppError::AccountDisabled, Some(account.id))),
                other => Err((AppError::BadCredentials, other.map(|a| a.id))),
            };
            let (action, actor_id) = match &outcome {
                Ok(id) => ("login", Some(*id)),
                Err((_, id)) => ("login_failed", *id),
            };
            audit::record(
                &mut tx,
                audit::Event {
                    actor_id,
                    action,
                    subject: format!("account:{email}"),
                    detail: serde_json::json!({}),
                    ip,
                },
                now,
            )
            .await?;
            tx.commit().await?;
            outcome.map_err(|(error, _)| error)?;

            let target = next
                .as_deref()
                .and_then(redirect::local_path)
                .unwrap_or("/me");
            leptos_axum::redirect(target);
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "auth/register")]
pub async fn register(
    name: String,
    email: String,
    password: String,
    organisation: String,
    province: String,
    industry: String,
) -> Result<(), AppError> {
    use crate::domain::{Email, Industry, Organisation, Password, PersonName, Province};
    use crate::error::{FieldErrors, Problem};
    use crate::ssr::db::{self, audit, users};
    use crate::ssr::{auth, context, respond};

    respond(
        async move {
            let state = context::state()?;
            auth::allow_visitors();
            // Each call costs a hash and says whether an address has an
            // account: a few per address and hour.
            crate::ssr::rate_limit::admit(&state, &state.registrations)?;
            let mut errors = FieldErrors::new();
            let name = errors.check("name", PersonName::parse(&name));
            let email = errors.check("email", Email::parse(&email));
            let password = errors.check("password", Password::parse(&password, email.as_ref()));
            let organisation = errors.check("organisation", Organisation::parse(&organisation));
            let province = errors.check("province", Province::parse(&province));
            let industry = errors.check("industry", Industry::parse(&industry));
            errors.into_result()?;
            let (name, email, password, organisation, province, industry) = (
                name.expect("checked"),
                email.expect("checked"),
                password.expect("checked"),
                organisation.expect("checked"),
                province.expect("checked"),
                industry.expect("checked"),
            );

            // Cheap early answer for a taken address; the UNIQUE constraint
            // below still decides when two registrations race.
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
                    role: Role::Trainee,
                    organisation: organisation.as_str(),
                    province: Some(province.code()),
                    industry: Some(industry.code()),
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
                    actor_id: Some(user_id),
                    action: "register",
                    subject: format!("user:{user_id}"),
                    detail: serde_json::json!({ "role": "trainee" }),
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

/// Ends every session of the signed-in user — on this device and every
/// other — and goes to the sign-in page.
#[server(endpoint = "auth/sign_out_everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    use crate::ssr::db::{self, audit};
    use crate::ssr::{auth, context, respond};
    respond(
        async {
            let state = context::state()?;
            let user = auth::require_user(&state).await?;
            let now = db::now();
            let mut tx = state.db.begin_write().await?;
            let ended = auth::end_all_sessions(&state, &mut tx, user.id).await?;
            audit::record(
                &mut tx,
                audit::Event {
                    actor_id: Some(user.id),
                    action: "sign_out_everywhere",
                    subject: format!("user:{}", user.id),
                    detail: serde_json::json!({ "sessions": ended }),
                    ip: context::client_address(&state.settings),
                },
                now,
            )
            .await?;
            tx.commit().await?;
            leptos_axum::redirect("/login");
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::ssr::{auth, context, respond};
    respond(
        async {
            let state = context::state()?;
            auth::allow_visitors();
            auth::end_session(&state).await?;
            leptos_axum::redirect("/");
            Ok(())
        }
        .await,
    )
}
