//! SQL for certificate types, issuing with gapless numbers, and the
//! history of every change.
//!
//! A number is taken from `certificate_sequences` in the same write
//! transaction that inserts the certificate: under BEGIN IMMEDIATE only one
//! issuer runs at a time, and a rolled-back issue gives its number back.

use super::direct::direct_row;
use super::{audit, status_lists};
use crate::api::auth::SessionUser;
use crate::api::catalogue::Localized;
use crate::api::certificates::{HistoryEntry, MyCertificate, PublicCertificate, RegisterEntry};
use crate::api::certification::{
    AdminCertificate, AdminHistoryEntry, Candidate, CertificateTypeView, ClassToDecide,
    CourseChoice, DecisionPage, ExpiringCertificate, TypeChoice,
};
use crate::domain::certificate::{self, CertificateNumber, Evidence, Shortfall};
use crate::domain::Role;
use crate::error::AppError;
use sqlx::{FromRow, SqliteConnection};
use std::collections::HashMap;

pub struct NewType<'a> {
    pub prefix: &'a str,
    pub name: (&'a str, &'a str),
    pub validity_months: i64,
    pub course_id: i64,
    pub requires_exam: bool,
}

pub async fn insert_type(
    conn: &mut SqliteConnection,
    new: &NewType<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO certificate_types (prefix, name_zh, name_en, validity_months, course_id,
                                        requires_exam, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(new.prefix)
    .bind(new.name.0)
    .bind(new.name.1)
    .bind(new.validity_months)
    .bind(new.course_id)
    .bind(new.requires_exam)
    .bind(now)
    .fetch_one(conn)
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct TypeRow {
    pub id: i64,
    pub prefix: String,
    pub name_zh: String,
    pub name_en: String,
    pub validity_months: i64,
    pub course_id: i64,
    pub requires_exam: bool,
}

pub async fn certificate_type(
    conn: &mut SqliteConnection,
    type_id: i64,
) -> Result<Option<TypeRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, prefix, name_zh, name_en, validity_months, course_id, requires_exam
         FROM certificate_types WHERE id = ?",
    )
    .bind(type_id)
    .fetch_optional(conn)
    .await
}

/// The next number for `prefix` in `year`; call inside the write
/// transaction that stores the certificate.
pub async fn next_number(
    conn: &mut SqliteConnection,
    prefix: &str,
    year: i64,
) -> Result<CertificateNumber, sqlx::Error> {
    let sequence: i64 = sqlx::query_scalar(
        "INSERT INTO certificate_sequences (prefix, year, last) VALUES (?, ?, 1)
         ON CONFLICT (prefix, year) DO UPDATE SET last = last + 1
         RETURNING last",
    )
    .bind(prefix)
    .bind(year)
    .fetch_one(conn)
    .await?;
    Ok(CertificateNumber::new(prefix, year, sequence))
}

/// What a candidate has done towards `kind` in `class_id`.
pub async fn evidence(
    conn: &mut SqliteConnection,
    kind: &TypeRow,
    class_id: i64,
    holder_id: i64,
    now: i64,
) -> Result<Evidence, sqlx::Error> {
    let completed: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM enrolments e JOIN classes k ON k.id = e.class_id
         WHERE e.class_id = ? AND e.trainee_id = ? AND e.state = 'completed' AND k.course_id = ?",
    )
    .bind(class_id)
    .bind(holder_id)
    .bind(kind.course_id)
    .fetch_optional(&mut *conn)
    .await?;
    let passed_exam = if kind.requires_exam {
        Some(super::exams::passed_in_class(conn, class_id, holder_id, now).await?)
    } else {
        None
    };
    // Any certificate from the class counts, revoked or expired too: a
    // revocation is final and an expired one is renewed, not issued again.
    // A superseded record is counted through the correction replacing it.
    let certified: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM certificates WHERE type_id = ? AND class_id = ? AND holder_id = ?
           AND status != 'superseded'",
    )
    .bind(kind.id)
    .bind(class_id)
    .bind(holder_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(Evidence {
        completed: completed.is_some(),
        passed_exam,
        already_certified: certified.is_some(),
    })
}

/// One certificate issued: its id and number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub holder_id: i64,
    pub certificate_id: i64,
    pub number: CertificateNumber,
}

/// A candidate the rule refused, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub holder_id: i64,
    pub shortfalls: Vec<Shortfall>,
}

/// Issues `kind` to each of `holders` for `class_id`, dated `issued_on`,
/// in the caller's write transaction: all or nothing. Every holder must meet
/// the eligibility rule; otherwise nothing is issued and the refusals say
/// why.
#[allow(clippy::too_many_arguments)]
pub async fn issue_in(
    conn: &mut SqliteConnection,
    kind: &TypeRow,
    class_id: i64,
    holders: &[i64],
    issued_on: &str,
    decided_by: i64,
    ip: Option<String>,
    now: i64,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Result<Vec<Issued>, Vec<Refused>>, AppError> {
    // ISO/IEC 17024 keeps training and certification apart: whoever taught
    // the class may not decide who from it is certified.
    let taught: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM class_instructors WHERE class_id = ? AND instructor_id = ?",
    )
    .bind(class_id)
    .bind(decided_by)
    .fetch_optional(&mut *conn)
    .await?;
    if taught.is_some() {
        return Err(AppError::Conflict(
            crate::error::Problem::DeciderTaughtClass,
        ));
    }
    // Progress counts two steps per holder: checked, then numbered.
    let mut refused = Vec::new();
    for (step, &holder) in holders.iter().enumerate() {
        progress(step + 1);
        if let Err(shortfalls) =
            certificate::eligibility(evidence(conn, kind, class_id, holder, now).await?)
        {
            refused.push(Refused {
                holder_id: holder,
                shortfalls,
            });
        }
    }
    if !refused.is_empty() {
        return Ok(Err(refused));
    }
    let year: i64 = issued_on
        .get(..4)
        .and_then(|y| y.parse().ok())
        .ok_or_else(|| AppError::field("issued_on", crate::error::Problem::DateInvalid))?;
    let expires_on = certificate::expiry(issued_on, kind.validity_months)
        .ok_or_else(|| AppError::field("issued_on", crate::error::Problem::DateInvalid))?;
    let centre_id: i64 = sqlx::query_scalar("SELECT centre_id FROM courses WHERE id = ?")
        .bind(kind.course_id)
        .fetch_one(&mut *conn)
        .await?;
    let mut issued = Vec::with_capacity(holders.len());
    for (step, &holder) in holders.iter().enumerate() {
        progress(holders.len() + step + 1);
        let name: String = sqlx::query_scalar("SELECT name FROM users WHERE id = ?")
            .bind(holder)
            .fetch_one(&mut *conn)
            .await?;
        let number = next_number(conn, &kind.prefix, year).await?;
        let (status_list, status_index) = status_lists::allocate(conn, now).await?;
        let certificate_id: i64 = sqlx::query_scalar(
            "INSERT INTO certificates (number, type_id, holder_id, holder_name, class_id, centre_id,
                                       issued_on, expires_on, status, decided_by, created_at,
                                       status_list, status_index)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'valid', ?, ?, ?, ?) RETURNING id",
        )
        .bind(number.to_string())
        .bind(kind.id)
        .bind(holder)
        .bind(&name)
        .bind(class_id)
        .bind(centre_id)
        .bind(issued_on)
        .bind(&expires_on)
        .bind(decided_by)
        .bind(now)
        .bind(status_list)
        .bind(status_index)
        .fetch_one(&mut *conn)
        .await?;
        sqlx::query(
            "INSERT INTO certificate_events (certificate_id, action, actor_id, at)
             VALUES (?, 'issued', ?, ?)",
        )
        .bind(certificate_id)
        .bind(decided_by)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        issued.push(Issued {
            holder_id: holder,
            certificate_id,
            number,
        });
    }
    audit::record(
        conn,
        audit::Event {
            actor_id: Some(decided_by),
            action: "issue_certificates",
            subject: format!("class:{class_id}"),
            detail: serde_json::json!({
                "type": kind.prefix,
                "numbers": issued.iter().map(|i| i.number.to_string()).collect::<Vec<_>>(),
            }),
            ip,
        },
        now,
    )
    .await?;
    Ok(Ok(issued))
}

#[derive(Debug, Clone, FromRow)]
pub struct CertificateRow {
    pub id: i64,
    pub number: String,
    pub type_id: i64,
    pub holder_id: i64,
    pub holder_name: String,
    pub class_id: Option<i64>,
    pub centre_id: i64,
    pub issued_on: String,
    pub expires_on: String,
    pub status: String,
    pub suspended_until: Option<String>,
    pub renews_id: Option<i64>,
    pub superseded_by: Option<i64>,
}

direct_row!(CertificateRow {
    id,
    number,
    type_id,
    holder_id,
    holder_name,
    class_id,
    centre_id,
    issued_on,
    expires_on,
    status,
    suspended_until,
    renews_id,
    superseded_by,
});

const CERTIFICATE_COLUMNS: &str = "id, number, type_id, holder_id, holder_name, class_id, \
     centre_id, issued_on, expires_on, status, suspended_until, renews_id, superseded_by";
/// [`CERTIFICATE_COLUMNS`] of a certificate named `x` in a join.
const CERTIFICATE_COLUMNS_OF_X: &str = "x.id, x.number, x.type_id, x.holder_id, x.holder_name, \
     x.class_id, x.centre_id, x.issued_on, x.expires_on, x.status, x.suspended_until, \
     x.renews_id, x.superseded_by";

impl CertificateRow {
    /// The status shown on `today` (YYYY-MM-DD).
    pub fn shown(&self, today: &str) -> certificate::Status {
        let stored =
            certificate::Status::parse(&self.status).unwrap_or(certificate::Status::Revoked);
        certificate::shown_status(
            stored,
            &self.expires_on,
            self.suspended_until.as_deref(),
            today,
        )
    }
}

pub async fn by_number(
    conn: &mut SqliteConnection,
    number: &str,
) -> Result<Option<CertificateRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE number = ?"
    ))
    .bind(number)
    .fetch_optional(conn)
    .await
}

pub async fn by_id(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<CertificateRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE id = ?"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// A change to a certificate, as an administrator asks for it.
pub struct ChangeRequest<'a> {
    pub change: certificate::Change,
    pub reason: &'a str,
    /// Suspension: the last day (YYYY-MM-DD), or until further notice.
    pub until: Option<&'a str>,
    /// Correction: the holder's name as it should read.
    pub corrected_name: Option<&'a str>,
    /// Renewal: the first day of the new validity period.
    pub renewed_on: Option<&'a str>,
    /// The administrator's address, for the audit log.
    pub ip: Option<String>,
}

/// Applies a lifecycle change in the caller's write transaction and records
/// it in the history; a renewal or a correction creates (and returns) the
/// new record. Refused changes write nothing.
pub async fn change_in(
    conn: &mut SqliteConnection,
    certificate_id: i64,
    request: &ChangeRequest<'_>,
    actor_id: i64,
    today: &str,
    now: i64,
) -> Result<Option<Issued>, AppError> {
    use certificate::Change;
    let row = by_id(conn, certificate_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let next = certificate::apply(row.shown(today), request.change).map_err(AppError::Conflict)?;
    let suspended =
        certificate::suspension_in_force(&row.status, row.suspended_until.as_deref(), today);
    // One renewal per certificate (the next one renews the renewal), and
    // none while a suspension is in force, even past the expiry date.
    if request.change == Change::Renew
        && (suspended || renewed_by(conn, certificate_id).await?.is_some())
    {
        return Err(AppError::Conflict(
            crate::error::Problem::CertificateChangeNotAllowed,
        ));
    }
    if request.reason.trim().is_empty() {
        return Err(AppError::field("reason", crate::error::Problem::Required));
    }
    let mut created = None;
    match request.change {
        Change::Suspend | Change::Reinstate | Change::Revoke => {
            sqlx::query("UPDATE certificates SET status = ?, suspended_until = ? WHERE id = ?")
                .bind(next.as_str())
                .bind(request.until.filter(|_| request.change == Change::Suspend))
                .bind(certificate_id)
                .execute(&mut *conn)
                .await?;
        }
        Change::Renew | Change::Correct => {
            let kind = certificate_type(conn, row.type_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let (issued_on, expires_on, name) = if request.change == Change::Renew {
                let from = request.renewed_on.unwrap_or(today);
                if from > today {
                    return Err(AppError::field(
                        "renewed_on",
                        crate::error::Problem::DateInFuture,
                    ));
                }
                // Renewed before it ran out, the new period follows on from
                // the old one's last day; after, it starts on the renewal.
                let until = if row.expires_on.as_str() >= from {
                    certificate::continued_expiry(&row.expires_on, kind.validity_months)
                } else {
                    certificate::expiry(from, kind.validity_months)
                }
                .ok_or_else(|| AppError::field("renewed_on", crate::error::Problem::DateInvalid))?;
                (from.to_owned(), until, row.holder_name.clone())
            } else {
                let name = request
                    .corrected_name
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .ok_or_else(|| {
                        AppError::field("corrected_name", crate::error::Problem::Required)
                    })?;
                (
                    row.issued_on.clone(),
                    row.expires_on.clone(),
                    name.to_owned(),
                )
            };
            // A correction replaces the record as it stands: a suspension
            // goes on, and a renewal stays linked to what it renewed.
            let (status, suspended_until, renews) = match request.change {
                Change::Renew => ("valid", None, Some(certificate_id)),
                _ if suspended => ("suspended", row.suspended_until.clone(), row.renews_id),
                _ => ("valid", None, row.renews_id),
            };
            let year: i64 = issued_on.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
            let number = next_number(conn, &kind.prefix, year).await?;
            // A new record is a new credential: its own place in the lists.
            let (status_list, status_index) = status_lists::allocate(conn, now).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO certificates (number, type_id, holder_id, holder_name, class_id, centre_id,
                                           issued_on, expires_on, status, suspended_until, renews_id,
                                           decided_by, created_at, status_list, status_index)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(number.to_string())
            .bind(row.type_id)
            .bind(row.holder_id)
            .bind(&name)
            .bind(row.class_id)
            .bind(row.centre_id)
            .bind(&issued_on)
            .bind(&expires_on)
            .bind(status)
            .bind(&suspended_until)
            .bind(renews)
            .bind(actor_id)
            .bind(now)
            .bind(status_list)
            .bind(status_index)
            .fetch_one(&mut *conn)
            .await?;
            if request.change == Change::Correct {
                sqlx::query(
                    "UPDATE certificates SET status = 'superseded', superseded_by = ? WHERE id = ?",
                )
                .bind(id)
                .bind(certificate_id)
                .execute(&mut *conn)
                .await?;
                // A renewal of the old record now continues the corrected one.
                sqlx::query("UPDATE certificates SET renews_id = ? WHERE renews_id = ?")
                    .bind(id)
                    .bind(certificate_id)
                    .execute(&mut *conn)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO certificate_events (certificate_id, action, reason, actor_id, at)
                 VALUES (?, 'issued', ?, ?, ?)",
            )
            .bind(id)
            .bind(format!("{} {}", request.change.as_str(), row.number))
            .bind(actor_id)
            .bind(now)
            .execute(&mut *conn)
            .await?;
            if status == "suspended" {
                // The new record's history says why it is suspended: the
                // same reason and end date as the suspension it continues.
                sqlx::query(
                    "INSERT INTO certificate_events (certificate_id, action, reason, until, actor_id, at)
                     SELECT ?, 'suspended', reason, until, ?, ? FROM certificate_events
                     WHERE certificate_id = ? AND action = 'suspended' ORDER BY id DESC LIMIT 1",
                )
                .bind(id)
                .bind(actor_id)
                .bind(now)
                .bind(certificate_id)
                .execute(&mut *conn)
                .await?;
            }
            created = Some(Issued {
                holder_id: row.holder_id,
                certificate_id: id,
                number,
            });
        }
    }
    // The status lists say what the records now say, in this transaction:
    // revoked and superseded (corrected) are revoked there, a suspension
    // in force is a suspension; a renewal leaves the old record as it was.
    status_lists::sync(conn, certificate_id, today, now).await?;
    if let Some(created) = &created {
        status_lists::sync(conn, created.certificate_id, today, now).await?;
    }
    let action = match request.change {
        Change::Suspend => "suspended",
        Change::Reinstate => "reinstated",
        Change::Revoke => "revoked",
        Change::Renew => "renewed",
        Change::Correct => "corrected",
    };
    sqlx::query(
        "INSERT INTO certificate_events (certificate_id, action, reason, until, actor_id, at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(certificate_id)
    .bind(action)
    .bind(request.reason.trim())
    .bind(request.until.filter(|_| request.change == Change::Suspend))
    .bind(actor_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        audit::Event {
            actor_id: Some(actor_id),
            action: "change_certificate",
            subject: format!("certificate:{certificate_id}"),
            detail: serde_json::json!({
                "change": request.change.as_str(),
                "reason": request.reason,
                "new": created.as_ref().map(|c| c.number.to_string()),
            }),
            ip: request.ip.clone(),
        },
        now,
    )
    .await?;
    Ok(created)
}

/// The number of the certificate that renewed `certificate_id`: the
/// current record of it, past any correction.
pub async fn renewed_by(
    conn: &mut SqliteConnection,
    certificate_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT number FROM certificates WHERE renews_id = ?
         ORDER BY status = 'superseded', id DESC LIMIT 1",
    )
    .bind(certificate_id)
    .fetch_optional(conn)
    .await
}

/// What a credential says beyond the public record: the certificate's
/// place in the status lists and what its type requires.
#[derive(Debug, Clone, FromRow)]
pub struct CredentialExtras {
    pub status_list: Option<i64>,
    pub status_index: Option<i64>,
    pub course_code: String,
    pub requires_exam: bool,
}

pub async fn credential_extras(
    conn: &mut SqliteConnection,
    number: &str,
) -> Result<Option<CredentialExtras>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.status_list, c.status_index, co.code AS course_code, t.requires_exam
         FROM certificates c
         JOIN certificate_types t ON t.id = c.type_id
         JOIN courses co ON co.id = t.course_id
         WHERE c.number = ?",
    )
    .bind(number)
    .fetch_optional(conn)
    .await
}

pub async fn history(
    conn: &mut SqliteConnection,
    certificate_id: i64,
) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    sqlx::query_as(
        "SELECT action, reason, until, at FROM certificate_events WHERE certificate_id = ? ORDER BY id",
    )
    .bind(certificate_id)
    .fetch_all(conn)
    .await
}

/// [`public`], from `cache` while nothing it is read from has changed and
/// the day is the same: what scanning a QR code asks for most, answered
/// without the database (see [`super::changes`]).
pub async fn public_cached(
    db: &super::Db,
    cache: &crate::ssr::context::Kept<PublicCertificate>,
    number: &str,
    today: &str,
) -> Result<Option<PublicCertificate>, sqlx::Error> {
    use super::changes::Topic;
    let version = db.changes.version(Topic::Certificates);
    let key = (number.to_owned(), today.to_owned(), version as i64);
    if let Some(found) = cache.get(&key) {
        return Ok(Some(found));
    }
    let mut conn = db.reader.acquire().await?;
    let found = public(&mut conn, number, today).await?;
    if let Some(record) = &found {
        if db.changes.unchanged_since(Topic::Certificates, version) {
            cache.put(key, record.clone());
        }
    }
    Ok(found)
}

pub async fn public(
    conn: &mut SqliteConnection,
    number: &str,
    today: &str,
) -> Result<Option<PublicCertificate>, sqlx::Error> {
    let Some(row) = by_number(conn, number).await? else {
        return Ok(None);
    };
    let (type_zh, type_en, centre_zh, centre_en): (String, String, String, String) =
        sqlx::query_as(
            "SELECT t.name_zh, t.name_en, c.name_zh, c.name_en
             FROM certificate_types t, centres c WHERE t.id = ? AND c.id = ?",
        )
        .bind(row.type_id)
        .bind(row.centre_id)
        .fetch_one(&mut *conn)
        .await?;
    let superseded_by = match row.superseded_by {
        Some(id) => by_id(conn, id).await?.map(|r| r.number),
        None => None,
    };
    let renews = match row.renews_id {
        Some(id) => by_id(conn, id).await?.map(|r| r.number),
        None => None,
    };
    let renewed_by = renewed_by(conn, row.id).await?;
    let history = history(conn, row.id).await?;
    Ok(Some(PublicCertificate {
        renewed_by,
        number: row.number.clone(),
        status: row.shown(today).as_str().to_owned(),
        holder_name: row.holder_name.clone(),
        type_name: crate::api::catalogue::Localized::new(type_zh, type_en),
        centre_name: crate::api::catalogue::Localized::new(centre_zh, centre_en),
        issued_on: row.issued_on.clone(),
        expires_on: row.expires_on.clone(),
        suspended_until: row.suspended_until.clone(),
        superseded_by,
        renews,
        history,
    }))
}

/// Every certificate type with its course and how many were issued.
pub async fn types(conn: &mut SqliteConnection) -> Result<Vec<CertificateTypeView>, sqlx::Error> {
    #[derive(FromRow)]
    struct Row {
        id: i64,
        prefix: String,
        name_zh: String,
        name_en: String,
        validity_months: i64,
        course_code: String,
        requires_exam: bool,
        issued: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT t.id, t.prefix, t.name_zh, t.name_en, t.validity_months, c.code AS course_code,
                t.requires_exam,
                (SELECT COUNT(*) FROM certificates x WHERE x.type_id = t.id) AS issued
         FROM certificate_types t JOIN courses c ON c.id = t.course_id
         ORDER BY t.prefix",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| CertificateTypeView {
            id: row.id,
            prefix: row.prefix,
            name: Localized::new(row.name_zh, row.name_en),
            validity_months: row.validity_months,
            course_code: row.course_code,
            requires_exam: row.requires_exam,
            issued: row.issued,
        })
        .collect())
}

pub async fn course_choices(conn: &mut SqliteConnection) -> Result<Vec<CourseChoice>, sqlx::Error> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT code, title_zh, title_en FROM courses ORDER BY code")
            .fetch_all(conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(code, zh, en)| CourseChoice {
            code,
            title: Localized::new(zh, en),
        })
        .collect())
}

pub async fn issued_count(conn: &mut SqliteConnection, type_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM certificates WHERE type_id = ?")
        .bind(type_id)
        .fetch_one(conn)
        .await
}

pub async fn update_type(
    conn: &mut SqliteConnection,
    id: i64,
    new: &NewType<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE certificate_types SET prefix = ?, name_zh = ?, name_en = ?, validity_months = ?,
                course_id = ?, requires_exam = ?
         WHERE id = ?",
    )
    .bind(new.prefix)
    .bind(new.name.0)
    .bind(new.name.1)
    .bind(new.validity_months)
    .bind(new.course_id)
    .bind(new.requires_exam)
    .bind(id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Classes of courses that lead to a certificate, those with completions
/// still to decide first, then latest first; at most 200, so the page stays
/// light when years of classes have piled up.
pub async fn classes_to_decide(
    conn: &mut SqliteConnection,
    admin_id: i64,
) -> Result<Vec<ClassToDecide>, sqlx::Error> {
    #[derive(FromRow)]
    struct Row {
        class_id: i64,
        course_code: String,
        name_zh: String,
        name_en: String,
        ends_on: String,
        completed: i64,
        certified: i64,
        taught_by_me: bool,
    }
    let rows: Vec<Row> = sqlx::query_as(
        // Counted once per class (as plain columns the counts were counted
        // again for the ORDER BY), the certified ones from their own
        // partial index (migration 0010) without reading a certificate.
        "WITH counted AS MATERIALIZED (
             SELECT k.id AS class_id, c.code AS course_code, k.name_zh, k.name_en, k.ends_on,
                    (SELECT COUNT(*) FROM enrolments e
                     WHERE e.class_id = k.id AND e.state = 'completed') AS completed,
                    (SELECT COUNT(*) FROM certificates x WHERE x.class_id = k.id
                       AND x.status != 'superseded' AND x.renews_id IS NULL) AS certified
             FROM classes k JOIN courses c ON c.id = k.course_id
             WHERE EXISTS (SELECT 1 FROM certificate_types t WHERE t.course_id = c.id))
         SELECT counted.*,
                EXISTS (SELECT 1 FROM class_instructors i
                        WHERE i.class_id = counted.class_id AND i.instructor_id = ?) AS taught_by_me
         FROM counted
         ORDER BY completed > certified DESC, ends_on DESC, class_id DESC
         LIMIT 200",
    )
    .bind(admin_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| ClassToDecide {
            class_id: row.class_id,
            course_code: row.course_code,
            name: Localized::new(row.name_zh, row.name_en),
            ends_on: row.ends_on,
            completed: row.completed,
            certified: row.certified,
            taught_by_me: row.taught_by_me,
        })
        .collect())
}

/// Certificates in force whose last valid day is within `days` of
/// `today`, soonest first, then those already past it that nobody renewed,
/// most recent first; at most 200 of each (a national register has
/// thousands due in any quarter: the soonest are the ones to act on). Revoked, superseded and suspended ones are not
/// expiring: something else already ended or stopped them.
pub async fn expiring(
    conn: &mut SqliteConnection,
    today: &str,
    days: i64,
) -> Result<Vec<ExpiringCertificate>, sqlx::Error> {
    const SELECT: &str = "SELECT x.number, x.holder_name, t.prefix, x.expires_on,
                CAST(julianday(x.expires_on) - julianday(?1) AS INTEGER) AS days_left
         FROM certificates x JOIN certificate_types t ON t.id = x.type_id
         WHERE (x.status = 'valid' OR (x.status = 'suspended' AND x.suspended_until < ?1))
           AND NOT EXISTS (SELECT 1 FROM certificates r WHERE r.renews_id = x.id)";
    // Two queries, so that years of lapsed certificates never crowd out
    // the ones falling due.
    let mut soon: Vec<ExpiringCertificate> = sqlx::query_as(&format!(
        "{SELECT} AND x.expires_on >= ?1 AND x.expires_on <= date(?1, '+' || ?2 || ' days')
         ORDER BY x.expires_on, x.number LIMIT 200"
    ))
    .bind(today)
    .bind(days)
    .fetch_all(&mut *conn)
    .await?;
    // Lapsed: the valid and the lapsed-suspended as two branches, each read
    // in the expiry index's order and merged, instead of one OR that sorts
    // every lapsed certificate (25 ms → 0.5 ms at 100,000).
    const LAPSED: &str = "SELECT x.number, x.holder_name, t.prefix, x.expires_on,
                CAST(julianday(x.expires_on) - julianday(?1) AS INTEGER) AS days_left
         FROM certificates x JOIN certificate_types t ON t.id = x.type_id
         WHERE x.expires_on < ?1
           AND NOT EXISTS (SELECT 1 FROM certificates r WHERE r.renews_id = x.id)";
    let lapsed: Vec<ExpiringCertificate> = sqlx::query_as(&format!(
        "{LAPSED} AND x.status = 'valid'
         UNION ALL
         {LAPSED} AND x.status = 'suspended' AND x.suspended_until < ?1
         ORDER BY 4 DESC, 1 LIMIT 200"
    ))
    .bind(today)
    .fetch_all(&mut *conn)
    .await?;
    soon.extend(lapsed);
    Ok(soon)
}

/// The decision page for `class_id`: its trainees (applicants who never
/// held a seat are left out) judged against the chosen type.
pub async fn decision_page(
    conn: &mut SqliteConnection,
    class_id: i64,
    type_id: Option<i64>,
    admin_id: i64,
    now: i64,
) -> Result<Option<DecisionPage>, sqlx::Error> {
    let class: Option<(i64, String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT c.id, c.code, k.name_zh, k.name_en, k.ends_on, n.name_zh, n.name_en
         FROM classes k JOIN courses c ON c.id = k.course_id JOIN centres n ON n.id = c.centre_id
         WHERE k.id = ?",
    )
    .bind(class_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((course_id, course_code, zh, en, ends_on, centre_zh, centre_en)) = class else {
        return Ok(None);
    };
    let rows: Vec<TypeRow> = sqlx::query_as(
        "SELECT id, prefix, name_zh, name_en, validity_months, course_id, requires_exam
         FROM certificate_types WHERE course_id = ? ORDER BY prefix",
    )
    .bind(course_id)
    .fetch_all(&mut *conn)
    .await?;
    let chosen = rows
        .iter()
        .find(|t| Some(t.id) == type_id)
        .or(rows.first())
        .cloned();
    let taught: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM class_instructors WHERE class_id = ? AND instructor_id = ?",
    )
    .bind(class_id)
    .bind(admin_id)
    .fetch_optional(&mut *conn)
    .await?;
    let mut candidates = Vec::new();
    if let Some(kind) = &chosen {
        let trainees: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT u.id, u.name, u.email FROM enrolments e JOIN users u ON u.id = e.trainee_id
             WHERE e.class_id = ? AND e.state IN ('approved', 'completed')
             ORDER BY u.name, u.id",
        )
        .bind(class_id)
        .fetch_all(&mut *conn)
        .await?;
        for (trainee_id, name, email) in trainees {
            let evidence = evidence(conn, kind, class_id, trainee_id, now).await?;
            let certificate: Option<String> = sqlx::query_scalar(
                "SELECT number FROM certificates WHERE type_id = ? AND class_id = ? AND holder_id = ?
                   AND status != 'superseded' AND renews_id IS NULL ORDER BY id DESC LIMIT 1",
            )
            .bind(kind.id)
            .bind(class_id)
            .bind(trainee_id)
            .fetch_optional(&mut *conn)
            .await?;
            candidates.push(Candidate {
                trainee_id,
                name,
                email,
                completed: evidence.completed,
                passed_exam: evidence.passed_exam,
                certificate,
                shortfalls: certificate::eligibility(evidence).err().unwrap_or_default(),
            });
        }
    }
    // Those who can be certified now first, then the rest, each by name.
    candidates.sort_by_key(|c| !c.shortfalls.is_empty());
    Ok(Some(DecisionPage {
        class_id,
        class_name: Localized::new(zh, en),
        course_code,
        centre: Localized::new(centre_zh, centre_en),
        ends_on,
        types: rows
            .iter()
            .map(|t| TypeChoice {
                id: t.id,
                prefix: t.prefix.clone(),
                name: Localized::new(t.name_zh.clone(), t.name_en.clone()),
                requires_exam: t.requires_exam,
                validity_months: t.validity_months,
            })
            .collect(),
        type_id: chosen.map(|t| t.id),
        taught_by_me: taught.is_some(),
        candidates,
        today: super::china_today(),
    }))
}

/// Users' names by id.
pub async fn names(
    conn: &mut SqliteConnection,
    ids: &[i64],
) -> Result<HashMap<i64, String>, sqlx::Error> {
    let mut names = HashMap::with_capacity(ids.len());
    for &id in ids {
        let name: Option<String> = sqlx::query_scalar("SELECT name FROM users WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        if let Some(name) = name {
            names.insert(id, name);
        }
    }
    Ok(names)
}

/// Whether `user` may have a copy (print page, PDF) of `row`: its holder
/// and administrators.
pub fn may_hold_copy(user: &SessionUser, row: &CertificateRow) -> bool {
    user.role == Role::Administrator || user.id == row.holder_id
}

/// A certificate with what only administrators see, and the changes its
/// status allows on `today`.
pub async fn admin_view(
    conn: &mut SqliteConnection,
    number: &str,
    today: &str,
) -> Result<Option<AdminCertificate>, sqlx::Error> {
    let Some(row) = by_number(conn, number).await? else {
        return Ok(None);
    };
    let Some(public) = public(conn, number, today).await? else {
        return Ok(None);
    };
    let holder_email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = ?")
        .bind(row.holder_id)
        .fetch_one(&mut *conn)
        .await?;
    let class: Option<(String, String)> = match row.class_id {
        Some(id) => {
            sqlx::query_as("SELECT name_zh, name_en FROM classes WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
        }
        None => None,
    };
    let decided_by: Option<String> = sqlx::query_scalar(
        "SELECT u.name FROM certificates x JOIN users u ON u.id = x.decided_by WHERE x.id = ?",
    )
    .bind(row.id)
    .fetch_optional(&mut *conn)
    .await?;
    let history: Vec<AdminHistoryEntry> = sqlx::query_as(
        "SELECT e.action, e.reason, e.until, e.at, u.name AS actor
         FROM certificate_events e LEFT JOIN users u ON u.id = e.actor_id
         WHERE e.certificate_id = ? ORDER BY e.id",
    )
    .bind(row.id)
    .fetch_all(&mut *conn)
    .await?;
    let shown = row.shown(today);
    let no_renewal = public.renewed_by.is_some()
        || certificate::suspension_in_force(&row.status, row.suspended_until.as_deref(), today);
    let allowed = certificate::Change::ALL
        .into_iter()
        .filter(|change| certificate::apply(shown, *change).is_ok())
        .filter(|change| !(no_renewal && *change == certificate::Change::Renew))
        .map(|change| change.as_str().to_owned())
        .collect();
    Ok(Some(AdminCertificate {
        public,
        holder_email,
        class_name: class.map(|(zh, en)| Localized::new(zh, en)),
        class_id: row.class_id,
        decided_by,
        history,
        allowed,
        today: today.to_owned(),
    }))
}

/// A page of the public register, and how many it holds in all (counted
/// unless `known_total` gives it: counting reads every certificate).
pub async fn register(
    conn: &mut SqliteConnection,
    query: &str,
    today: &str,
    limit: i64,
    offset: i64,
    known_total: Option<i64>,
) -> Result<(Vec<RegisterEntry>, i64), sqlx::Error> {
    // In force: valid and not past its date, or suspended until a day that
    // has passed (the suspension lapsed without a job to lift it); and not
    // renewed, so that a holder appears once, with the current record.
    // Most certificates are in force, so the page reads the name index in
    // order and stops at the page's end; the unary `+` keeps the planner
    // from the expiry index, which would sort them all first (34 ms, not
    // 0.3 ms, at 100,000 certificates).
    const IN_FORCE: &str = "FROM certificates x
         JOIN certificate_types t ON t.id = x.type_id
         JOIN centres n ON n.id = x.centre_id
         WHERE +x.expires_on >= ?1 AND x.issued_on <= ?1
           AND (+x.status = 'valid' OR (+x.status = 'suspended' AND x.suspended_until < ?1))
           AND NOT EXISTS (SELECT 1 FROM certificates r WHERE r.renews_id = x.id)
           AND (?2 = '' OR x.holder_name LIKE ?3 ESCAPE '\\' OR x.number LIKE ?3 ESCAPE '\\')";
    // LIKE ignores ASCII case, so "cpa-2000" finds CPA-2000-00070.
    let pattern = super::like_pattern(query);
    let total: i64 = match known_total {
        Some(total) => total,
        None => {
            sqlx::query_scalar(&format!("SELECT COUNT(*) {IN_FORCE}"))
                .bind(today)
                .bind(query)
                .bind(&pattern)
                .fetch_one(&mut *conn)
                .await?
        }
    };
    let rows: Vec<(String, String, String, String, String, String, String)> =
        sqlx::query_as(&format!(
            "SELECT x.holder_name, x.number, t.name_zh, t.name_en, n.name_zh, n.name_en, x.expires_on
             {IN_FORCE}
             ORDER BY x.holder_name, x.number LIMIT ?4 OFFSET ?5"
        ))
        .bind(today)
        .bind(query)
        .bind(&pattern)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?;
    let entries = rows
        .into_iter()
        .map(
            |(holder_name, number, type_zh, type_en, centre_zh, centre_en, expires_on)| {
                RegisterEntry {
                    holder_name,
                    number,
                    type_name: Localized::new(type_zh, type_en),
                    centre_name: Localized::new(centre_zh, centre_en),
                    expires_on,
                }
            },
        )
        .collect();
    Ok((entries, total))
}

/// Every certificate `holder_id` has had, newest first, with its status
/// today; read in place (`Db::read`).
pub fn of_holder(
    db: &rusqlite::Connection,
    holder_id: i64,
    today: &str,
) -> rusqlite::Result<Vec<MyCertificate>> {
    // The type's name in the same query, not one more per certificate.
    let mut statement = db.prepare_cached(&format!(
        "SELECT {CERTIFICATE_COLUMNS_OF_X}, t.name_zh AS type_zh, t.name_en AS type_en
         FROM certificates x JOIN certificate_types t ON t.id = x.type_id
         WHERE x.holder_id = ? ORDER BY x.id DESC"
    ))?;
    let rows = statement.query_map([holder_id], |row| {
        let certificate = CertificateRow::from_direct(row)?;
        Ok(MyCertificate {
            status: certificate.shown(today).as_str().to_owned(),
            type_name: Localized::new(
                row.get::<_, String>("type_zh")?,
                row.get::<_, String>("type_en")?,
            ),
            number: certificate.number,
            issued_on: certificate.issued_on,
            expires_on: certificate.expires_on,
        })
    })?;
    rows.collect()
}
