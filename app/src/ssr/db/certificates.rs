//! SQL for certificate types, issuing with gapless numbers, and the
//! history of every change.
//!
//! A number is taken from `certificate_sequences` in the same write
//! transaction that inserts the certificate: under BEGIN IMMEDIATE only one
//! issuer runs at a time, and a rolled-back issue gives its number back.

use super::audit;
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
