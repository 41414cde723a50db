//! Administrators manage certificate types, decide who from a class is
//! certified, and change certificates over their lifetime.

// A server function's arguments are its form's fields, one each; the
// `#[server]` expansion repeats them, so the lint cannot be silenced per fn.
#![allow(clippy::too_many_arguments)]

use crate::api::catalogue::Localized;
use crate::api::certificates::PublicCertificate;
use crate::domain::certificate::Shortfall;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateTypeView {
    pub id: i64,
    pub prefix: String,
    pub name: Localized,
    pub validity_months: i64,
    pub course_code: String,
    pub requires_exam: bool,
    /// Certificates of this type ever issued; the prefix is fixed after the first.
    pub issued: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseChoice {
    pub code: String,
    pub title: Localized,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypesPage {
    pub types: Vec<CertificateTypeView>,
    pub courses: Vec<CourseChoice>,
}

/// A class whose course leads to a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassToDecide {
    pub class_id: i64,
    pub course_code: String,
    pub name: Localized,
    pub ends_on: String,
    pub completed: i64,
    pub certified: i64,
    /// The asking administrator taught it, so may not decide for it.
    pub taught_by_me: bool,
}

/// A certificate that runs out soon or has run out (and was not renewed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct ExpiringCertificate {
    pub number: String,
    pub holder_name: String,
    pub prefix: String,
    pub expires_on: String,
    /// Days from today to the last valid day; negative once expired.
    pub days_left: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificationOverview {
    pub classes: Vec<ClassToDecide>,
    pub expiring: Vec<ExpiringCertificate>,
}

/// One trainee of a class, with the evidence the rule looks at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub trainee_id: i64,
    pub name: String,
    pub email: String,
    pub completed: bool,
    /// `None` when the type requires no exam.
    pub passed_exam: Option<bool>,
    /// The live certificate of this type from this class, if any.
    pub certificate: Option<String>,
    /// Empty when eligible.
    pub shortfalls: Vec<Shortfall>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeChoice {
    pub id: i64,
    pub prefix: String,
    pub name: Localized,
    pub requires_exam: bool,
    pub validity_months: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionPage {
    pub class_id: i64,
    pub class_name: Localized,
    pub course_code: String,
    pub centre: Localized,
    pub ends_on: String,
    pub types: Vec<TypeChoice>,
    /// The type candidates are judged against (the first when not chosen).
    pub type_id: Option<i64>,
    pub taught_by_me: bool,
    pub candidates: Vec<Candidate>,
    /// Today in China, the default issue date.
    pub today: String,
}

/// How far a bulk issue has got: steps done of steps in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueProgress {
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCertificate {
    pub name: String,
    pub number: String,
}

/// One entry of the history as administrators see it: who did it too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AdminHistoryEntry {
    pub action: String,
    pub reason: String,
    pub until: Option<String>,
    pub at: i64,
    pub actor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminCertificate {
    pub public: PublicCertificate,
    pub holder_email: String,
    pub class_name: Option<Localized>,
    pub class_id: Option<i64>,
    pub decided_by: Option<String>,
    pub history: Vec<AdminHistoryEntry>,
    /// The changes the certificate's status allows today (domain names).
    pub allowed: Vec<String>,
    pub today: String,
}

#[server(endpoint = "admin/certificate_types")]
pub async fn load_certificate_types() -> Result<TypesPage, AppError> {
    use crate::domain::Role;
    use crate::ssr::db::certificates;
    use crate::ssr::{auth, context, respond};
    respond(
        async {
            let state = context::state()?;
            auth::require_role(&state, &[Role::Administrator]).await?;
            let mut conn = state.db.reader.acquire().await?;
            Ok(TypesPage {
                types: certificates::types(&mut conn).await?,
                courses: certificates::course_choices(&mut conn).await?,
            })
        }
        .await,
    )
}

/// Creates a certificate type, or with `id` updates it. The prefix is part
/// of every number issued, so it cannot change once one has been.
#[server(endpoint = "admin/save_certificate_type")]
pub async fn save_certificate_type(
    id: Option<String>,
    prefix: String,
    name_zh: String,
    name_en: String,
    validity_months: String,
    course: String,
    requires_exam: Option<String>,
) -> Result<i64, AppError> {
    use crate::domain::account::bounded_text;
    use crate::domain::catalogue::parse_count;
    use crate::domain::certificate::parse_prefix;
    use crate::domain::Role;
    use crate::error::{FieldErrors, Problem};
    use crate::ssr::db::{self, audit, certificates};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let admin = auth::require_role(&state, &[Role::Administrator]).await?;
            let id = match id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                Some(text) => Some(text.parse::<i64>().map_err(|_| AppError::NotFound)?),
                None => None,
            };
            let mut errors = FieldErrors::new();
            let prefix = errors.check("prefix", parse_prefix(&prefix));
            let name_zh = errors.check("name_zh", bounded_text(&name_zh, 60, true));
            let name_en = errors.check("name_en", bounded_text(&name_en, 120, true));
            let months = errors.check("validity_months", parse_count(&validity_months, 1, 240));
            let mut tx = state.db.begin_write().await?;
            let course_id: Option<i64> =
                sqlx::query_scalar("SELECT id FROM courses WHERE code = ?")
                    .bind(course.trim().to_uppercase())
                    .fetch_optional(&mut *tx)
                    .await?;
            let course_id = errors.check(
                "course",
                course_id.ok_or(if course.trim().is_empty() {
                    Problem::Required
                } else {
                    Problem::NotInList
                }),
            );
            if let (Some(id), Some(prefix)) = (id, prefix.as_deref()) {
                let current = certificates::certificate_type(&mut tx, id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                if current.prefix != prefix && certificates::issued_count(&mut tx, id).await? > 0 {
                    errors.add("prefix", Problem::PrefixFixed);
                }
            }
            errors.into_result()?;
            let (Some(prefix), Some(name_zh), Some(name_en), Some(months), Some(course_id)) =
                (prefix, name_zh, name_en, months, course_id)
            else {
                return Err(AppError::internal("checked fields missing"));
            };
            let new = certificates::NewType {
                prefix: &prefix,
                name: (&name_zh, &name_en),
                validity_months: months,
                course_id,
                requires_exam: requires_exam.is_some(),
            };
            let now = db::now();
            let saved = match id {
                Some(id) => certificates::update_type(&mut tx, id, &new)
                    .await
                    .map(|_| id),
                None => certificates::insert_type(&mut tx, &new, now).await,
            };
            let saved = match saved {
                Ok(saved) => saved,
                Err(error) if db::unique_violation(&error).is_some() => {
                    return Err(AppError::field("prefix", Problem::PrefixTaken));
                }
                Err(error) => return Err(error.into()),
            };
            audit::record(
                &mut tx,
                audit::Event {
                    actor_id: Some(admin.id),
                    action: "save_certificate_type",
                    subject: format!("certificate_type:{saved}"),
                    detail: serde_json::json!({ "prefix": prefix, "months": months }),
                    ip: context::client_address(&state.settings),
                },
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(saved)
        }
        .await,
    )
}

/// Classes to decide for, and certificates expiring within 90 days or
/// already expired (and not renewed).
#[server(endpoint = "admin/certification")]
pub async fn load_certification() -> Result<CertificationOverview, AppError> {
    use crate::domain::Role;
    use crate::ssr::db::{self, certificates};
    use crate::ssr::{auth, context, respond};
    respond(
        async {
            let state = context::state()?;
            let admin = auth::require_role(&state, &[Role::Administrator]).await?;
            let mut conn = state.db.reader.acquire().await?;
            let today = db::china_today();
            Ok(CertificationOverview {
                classes: certificates::classes_to_decide(&mut conn, admin.id).await?,
                expiring: certificates::expiring(&mut conn, &today, 90).await?,
            })
        }
        .await,
    )
}

/// The class's trainees judged by the one eligibility rule against
/// `type_id` (or the course's first type).
#[server(endpoint = "admin/candidates")]
pub async fn certification_candidates(
    class_id: i64,
    type_id: Option<i64>,
) -> Result<DecisionPage, AppError> {
    use crate::domain::Role;
    use crate::ssr::db::{self, certificates};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let admin = auth::require_role(&state, &[Role::Administrator]).await?;
            let mut conn = state.db.reader.acquire().await?;
            certificates::decision_page(&mut conn, class_id, type_id, admin.id, db::now())
                .await?
                .ok_or(AppError::NotFound)
        }
        .await,
    )
}

/// Issues `type_id` to the trainees of `class_id` listed in `trainees`
/// (comma-separated ids) and `chosen` (one id per ticked box of a plain
/// form post), dated `issued_on`: one transaction, all or nothing.
#[server(endpoint = "admin/issue_certificates")]
pub async fn issue_certificates(
    class_id: i64,
    type_id: i64,
    #[server(default)] trainees: String,
    #[server(default)] chosen: Option<Vec<i64>>,
    issued_on: String,
) -> Result<Vec<IssuedCertificate>, AppError> {
    use crate::domain::catalogue::parse_date;
    use crate::domain::Role;
    use crate::error::Problem;
    use crate::ssr::db::{self, certificates};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let admin = auth::require_role(&state, &[Role::Administrator]).await?;
            let (issued_on, _) =
                parse_date(&issued_on).map_err(|p| AppError::field("issued_on", p))?;
            if issued_on > db::china_today() {
                return Err(AppError::field("issued_on", Problem::DateInFuture));
            }
            let mut holders = Vec::new();
            for part in trainees.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let id: i64 = part
                    .parse()
                    .map_err(|_| AppError::field("trainees", Problem::NotInList))?;
                if !holders.contains(&id) {
                    holders.push(id);
                }
            }
            for id in chosen.unwrap_or_default() {
                if !holders.contains(&id) {
                    holders.push(id);
                }
            }
            if holders.is_empty() {
                return Err(AppError::field("trainees", Problem::NoCandidatesChosen));
            }
            let key = format!("{}:{class_id}", admin.id);
            let total = holders.len() as u64 * 2;
            state.progress.set(&key, 0, total);
            let outcome = async {
                let mut tx = state.db.begin_write().await?;
                let kind = certificates::certificate_type(&mut tx, type_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                let class_course: Option<i64> =
                    sqlx::query_scalar("SELECT course_id FROM classes WHERE id = ?")
                        .bind(class_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                if class_course != Some(kind.course_id) {
                    return Err(AppError::NotFound);
                }
                let step = |done: usize| state.progress.set(&key, done as u64, total);
                let issued = certificates::issue_in(
                    &mut tx,
                    &kind,
                    class_id,
                    &holders,
                    &issued_on,
                    admin.id,
                    context::client_address(&state.settings),
                    db::now(),
                    &step,
                )
                .await?;
                match issued {
                    Ok(issued) => {
                        let names = certificates::names(&mut tx, &holders).await?;
                        tx.commit().await?;
                        Ok(issued
                            .into_iter()
                            .map(|i| IssuedCertificate {
                                name: names.get(&i.holder_id).cloned().unwrap_or_default(),
                                number: i.number.to_string(),
                            })
                            .collect())
                    }
                    Err(refused) => Err(AppError::Conflict(Problem::NotEligible {
                        count: refused.len() as u32,
                    })),
                }
            }
            .await;
            state.progress.clear(&key);
            outcome
        }
        .await,
    )
}

/// How far the asking administrator's bulk issue for `class_id` has got;
/// `None` when none is running.
#[server(endpoint = "admin/issue_progress")]
pub async fn bulk_issue_progress(class_id: i64) -> Result<Option<IssueProgress>, AppError> {
    use crate::domain::Role;
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let admin = auth::require_role(&state, &[Role::Administrator]).await?;
            Ok(state
                .progress
                .get(&format!("{}:{class_id}", admin.id))
                .map(|(done, total)| IssueProgress { done, total }))
        }
        .await,
    )
}

/// A certificate as administrators see it, with what may be done to it.
#[server(endpoint = "admin/certificate")]
pub async fn load_admin_certificate(number: String) -> Result<AdminCertificate, AppError> {
    use crate::domain::certificate::CertificateNumber;
    use crate::domain::Role;
    use crate::ssr::db::{self, certificates};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            auth::require_role(&state, &[Role::Administrator]).await?;
            let number = CertificateNumber::parse(&number).map_err(|_| AppError::NotFound)?;
            let mut conn = state.db.reader.acquire().await?;
            certificates::admin_view(&mut conn, &number.to_string(), &db::china_today())
                .await?
                .ok_or(AppError::NotFound)
        }
        .await,
    )
}

/// The longest reason for a certificate change (it is shown on /verify).
pub const CHANGE_REASON_MAX_CHARS: usize = 300;

/// Suspends, reinstates, revokes, renews or corrects a certificate, with a
/// reason; returns the new record's number for a renewal or a correction.
#[server(endpoint = "admin/change_certificate")]
pub async fn change_certificate(
    number: String,
    change: String,
    reason: String,
    until: Option<String>,
    corrected_name: Option<String>,
    renewed_on: Option<String>,
) -> Result<Option<String>, AppError> {
    use crate::domain::account::bounded_text;
    use crate::domain::catalogue::parse_date;
    use crate::domain::certificate::{CertificateNumber, Change};
    use crate::domain::Role;
    use crate::error::{FieldErrors, Problem};
    use crate::ssr::db::{self, certificates};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let admin = auth::require_role(&state, &[Role::Administrator]).await?;
            let number = CertificateNumber::parse(&number).map_err(|_| AppError::NotFound)?;
            let change = Change::parse(&change).ok_or(AppError::NotFound)?;
            let mut errors = FieldErrors::new();
            // Shown publicly on /verify: one line, and not a novel.
            let reason = errors
                .check(
                    "reason",
                    bounded_text(&reason, CHANGE_REASON_MAX_CHARS, true),
                )
                .unwrap_or_default();
            let blank = |v: &Option<String>| {
                v.as_deref()
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
            };
            let until = match blank(&until) {
                Some(text) if change == Change::Suspend => errors
                    .check("until", parse_date(&text))
                    .map(|(date, _)| date),
                _ => None,
            };
            let renewed_on = match blank(&renewed_on) {
                Some(text) if change == Change::Renew => errors
                    .check("renewed_on", parse_date(&text))
                    .map(|(date, _)| date),
                _ => None,
            };
            // A name as it will be printed: one line, spaces collapsed.
            let corrected_name = match change {
                Change::Correct => errors.check(
                    "corrected_name",
                    bounded_text(corrected_name.as_deref().unwrap_or_default(), 60, true),
                ),
                _ => None,
            };
            let today = db::china_today();
            if let Some(until) = &until {
                if until.as_str() < today.as_str() {
                    errors.add("until", Problem::DateInPast);
                }
            }
            errors.into_result()?;
            let mut tx = state.db.begin_write().await?;
            let row = certificates::by_number(&mut tx, &number.to_string())
                .await?
                .ok_or(AppError::NotFound)?;
            let created = certificates::change_in(
                &mut tx,
                row.id,
                &certificates::ChangeRequest {
                    change,
                    reason: reason.trim(),
                    until: until.as_deref(),
                    corrected_name: corrected_name.as_deref(),
                    renewed_on: renewed_on.as_deref(),
                    ip: context::client_address(&state.settings),
                },
                admin.id,
                &today,
                db::now(),
            )
            .await?;
            tx.commit().await?;
            Ok(created.map(|c| c.number.to_string()))
        }
        .await,
    )
}
