//! SQL for certificate types, issuing with gapless numbers, and the
//! history of every change.
//!
//! A number is taken from `certificate_sequences` in the same write
//! transaction that inserts the certificate: under BEGIN IMMEDIATE only one
//! issuer runs at a time, and a rolled-back issue gives its number back.

use super::audit;
use crate::api::certificates::{HistoryEntry, PublicCertificate};
use crate::domain::certificate::{self, CertificateNumber, Evidence, Shortfall};
use crate::error::AppError;
use sqlx::{FromRow, SqliteConnection};

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
    let certified: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM certificates WHERE type_id = ? AND class_id = ? AND holder_id = ?
           AND status IN ('valid', 'suspended')",
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
    let mut refused = Vec::new();
    for &holder in holders {
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
    for &holder in holders {
        let name: String = sqlx::query_scalar("SELECT name FROM users WHERE id = ?")
            .bind(holder)
            .fetch_one(&mut *conn)
            .await?;
        let number = next_number(conn, &kind.prefix, year).await?;
        let certificate_id: i64 = sqlx::query_scalar(
            "INSERT INTO certificates (number, type_id, holder_id, holder_name, class_id, centre_id,
                                       issued_on, expires_on, status, decided_by, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'valid', ?, ?) RETURNING id",
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

const CERTIFICATE_COLUMNS: &str = "id, number, type_id, holder_id, holder_name, class_id, \
     centre_id, issued_on, expires_on, status, suspended_until, renews_id, superseded_by";

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
                let until = certificate::expiry(from, kind.validity_months).ok_or_else(|| {
                    AppError::field("renewed_on", crate::error::Problem::DateInvalid)
                })?;
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
            let year: i64 = issued_on.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
            let number = next_number(conn, &kind.prefix, year).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO certificates (number, type_id, holder_id, holder_name, class_id, centre_id,
                                           issued_on, expires_on, status, renews_id, decided_by, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'valid', ?, ?, ?) RETURNING id",
            )
            .bind(number.to_string())
            .bind(row.type_id)
            .bind(row.holder_id)
            .bind(&name)
            .bind(row.class_id)
            .bind(row.centre_id)
            .bind(&issued_on)
            .bind(&expires_on)
            .bind((request.change == Change::Renew).then_some(certificate_id))
            .bind(actor_id)
            .bind(now)
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
            created = Some(Issued {
                holder_id: row.holder_id,
                certificate_id: id,
                number,
            });
        }
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
            ip: None,
        },
        now,
    )
    .await?;
    Ok(created)
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
    let history = history(conn, row.id).await?;
    Ok(Some(PublicCertificate {
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
