//! SQL for instructors' work on their classes: rosters and decisions.

use super::direct::direct_row;
use super::{audit, enrolments, Db};
use crate::api::catalogue::Localized;
use crate::api::teaching::{RosterEntry, TaughtClass};
use crate::domain::enrolment::{self, EnrolmentState, Transition};
use crate::error::AppError;
use rusqlite::OptionalExtension;
use sqlx::{FromRow, SqlitePool};

/// Whether `instructor_id` teaches `class_id`, read in place (`Db::read`).
pub fn teaches(
    db: &rusqlite::Connection,
    instructor_id: i64,
    class_id: i64,
) -> rusqlite::Result<bool> {
    db.prepare_cached("SELECT 1 FROM class_instructors WHERE instructor_id = ? AND class_id = ?")?
        .exists([instructor_id, class_id])
}

/// Whether `instructor_id` teaches any class of `course_id`, read in place.
pub fn teaches_course(
    db: &rusqlite::Connection,
    instructor_id: i64,
    course_id: i64,
) -> rusqlite::Result<bool> {
    db.prepare_cached(
        "SELECT 1 FROM class_instructors ci JOIN classes k ON k.id = ci.class_id
         WHERE ci.instructor_id = ? AND k.course_id = ? LIMIT 1",
    )?
    .exists([instructor_id, course_id])
}

#[derive(FromRow)]
struct ClassRow {
    id: i64,
    course_code: String,
    title_zh: String,
    title_en: String,
    name_zh: String,
    name_en: String,
    starts_on: String,
    ends_on: String,
    city_zh: String,
    city_en: String,
    capacity: i64,
    seats_taken: i64,
    waiting: i64,
    pending: i64,
}

direct_row!(ClassRow {
    id,
    course_code,
    title_zh,
    title_en,
    name_zh,
    name_en,
    starts_on,
    ends_on,
    city_zh,
    city_en,
    capacity,
    seats_taken,
    waiting,
    pending,
});

const CLASS_SELECT: &str = "
    SELECT k.id, c.code AS course_code, c.title_zh, c.title_en, k.name_zh, k.name_en,
           k.starts_on, k.ends_on, k.city_zh, k.city_en, k.capacity,
           (SELECT COUNT(*) FROM enrolments e WHERE e.class_id = k.id
              AND e.state IN ('pending', 'approved', 'completed')) AS seats_taken,
           (SELECT COUNT(*) FROM enrolments e WHERE e.class_id = k.id AND e.state = 'waitlisted') AS waiting,
           (SELECT COUNT(*) FROM enrolments e WHERE e.class_id = k.id AND e.state = 'pending') AS pending
    FROM classes k JOIN courses c ON c.id = k.course_id";

impl From<ClassRow> for TaughtClass {
    fn from(r: ClassRow) -> Self {
        TaughtClass {
            id: r.id,
            course_code: r.course_code,
            course_title: Localized::new(r.title_zh, r.title_en),
            name: Localized::new(r.name_zh, r.name_en),
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            city: Localized::new(r.city_zh, r.city_en),
            capacity: r.capacity,
            seats_taken: r.seats_taken,
            waiting: r.waiting,
            pending: r.pending,
        }
    }
}

/// The classes `instructor_id` teaches (every class for `None`, an
/// administrator), those still to run first.
pub async fn classes(
    pool: &SqlitePool,
    instructor_id: Option<i64>,
) -> Result<Vec<TaughtClass>, sqlx::Error> {
    let rows: Vec<ClassRow> = sqlx::query_as(&format!(
        "{CLASS_SELECT}
         WHERE ?1 IS NULL OR k.id IN (SELECT class_id FROM class_instructors WHERE instructor_id = ?1)
         ORDER BY k.ends_on < date('now') ASC, k.starts_on ASC, k.id"
    ))
    .bind(instructor_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(TaughtClass::from).collect())
}

/// Classes whose last day is `today` or later, soonest first: what an
/// import may enrol trainees in (no counts: a choice, not a report).
pub async fn classes_not_over(
    pool: &SqlitePool,
    today: &str,
) -> Result<Vec<crate::api::import::ImportClass>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String, String, String)> = sqlx::query_as(
        "SELECT k.id, c.title_zh, c.title_en, k.name_zh, k.name_en, k.starts_on
         FROM classes k JOIN courses c ON c.id = k.course_id
         WHERE k.ends_on >= ?
         ORDER BY k.starts_on, k.id
         LIMIT 500",
    )
    .bind(today)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, title_zh, title_en, name_zh, name_en, starts_on)| {
            crate::api::import::ImportClass {
                id,
                course_title: Localized::new(title_zh, title_en),
                name: Localized::new(name_zh, name_en),
                starts_on,
            }
        })
        .collect())
}

/// A class with its seats, read in place (`Db::read`).
pub fn class(db: &rusqlite::Connection, class_id: i64) -> rusqlite::Result<Option<TaughtClass>> {
    db.prepare_cached(&format!("{CLASS_SELECT} WHERE k.id = ?"))?
        .query_row([class_id], ClassRow::from_direct)
        .optional()
        .map(|row| row.map(TaughtClass::from))
}

#[derive(FromRow)]
struct EntryRow {
    id: i64,
    trainee_name: String,
    email: String,
    organisation: String,
    province: Option<String>,
    industry: Option<String>,
    state: String,
    position: Option<i64>,
    note: String,
    decision_reason: String,
    attended: bool,
    created_at: i64,
    extra_time: Option<i64>,
}

/// Everyone who applied to the class: seats first, then the waiting list in
/// order, then the history (rejected, withdrawn).
pub async fn roster(pool: &SqlitePool, class_id: i64) -> Result<Vec<RosterEntry>, sqlx::Error> {
    let rows: Vec<EntryRow> = sqlx::query_as(
        "SELECT e.id, u.name AS trainee_name, u.email, u.organisation, u.province, u.industry,
                e.state, e.note, e.decision_reason, e.attended, e.created_at,
                (SELECT time_factor_percent FROM accommodations a WHERE a.trainee_id = e.trainee_id) AS extra_time,
                CASE WHEN e.state = 'waitlisted' THEN
                    (SELECT COUNT(*) FROM enrolments w WHERE w.class_id = e.class_id
                       AND w.state = 'waitlisted' AND w.id <= e.id)
                END AS position
         FROM enrolments e JOIN users u ON u.id = e.trainee_id
         WHERE e.class_id = ?
         ORDER BY CASE e.state WHEN 'pending' THEN 0 WHEN 'approved' THEN 1 WHEN 'completed' THEN 1
                               WHEN 'waitlisted' THEN 2 ELSE 3 END, e.id",
    )
    .bind(class_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| RosterEntry {
            enrolment_id: r.id,
            name: r.trainee_name,
            email: r.email,
            organisation: r.organisation,
            province: r.province,
            industry: r.industry,
            state: EnrolmentState::parse(&r.state).unwrap_or(EnrolmentState::Pending),
            position: r.position,
            note: r.note,
            decision_reason: r.decision_reason,
            attended: r.attended,
            applied_at: r.created_at,
            extra_time_percent: r.extra_time,
        })
        .collect())
}

/// The class an enrolment belongs to (for the authorisation check).
pub async fn class_of(pool: &SqlitePool, enrolment_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT class_id FROM enrolments WHERE id = ?")
        .bind(enrolment_id)
        .fetch_optional(pool)
        .await
}

/// Applies a reviewer's transition (approve, reject, complete) in one
/// transaction; a seat given up by a rejection goes to the waiting list.
pub async fn transition(
    db: &Db,
    actor_id: i64,
    enrolment_id: i64,
    transition: Transition,
    reason: &str,
    ip: Option<String>,
    now: i64,
) -> Result<EnrolmentState, AppError> {
    let mut tx = db.begin_write().await?;
    let (state, class_id): (String, i64) =
        sqlx::query_as("SELECT state, class_id FROM enrolments WHERE id = ?")
            .bind(enrolment_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(AppError::NotFound)?;
    let state = EnrolmentState::parse(&state).ok_or(AppError::NotFound)?;
    let next = enrolment::next_state(state, transition).map_err(AppError::Conflict)?;
    sqlx::query(
        "UPDATE enrolments SET state = ?, decision_reason = ?, decided_by = ?, updated_at = ?,
                attended = CASE WHEN ? = 'completed' THEN 1 ELSE attended END
         WHERE id = ?",
    )
    .bind(next.as_str())
    .bind(reason)
    .bind(actor_id)
    .bind(now)
    .bind(next.as_str())
    .bind(enrolment_id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        audit::Event {
            actor_id: Some(actor_id),
            action: match transition {
                Transition::Approve => "approve_enrolment",
                Transition::Reject => "reject_enrolment",
                Transition::Complete => "complete_enrolment",
                Transition::Withdraw => "withdraw",
                Transition::Promote(_) => "promote_from_waiting_list",
            },
            subject: format!("enrolment:{enrolment_id}"),
            detail: serde_json::json!({ "class": class_id, "from": state.as_str(), "reason": reason }),
            ip,
        },
        now,
    )
    .await?;
    if state.holds_seat() && !next.holds_seat() {
        enrolments::promote_waiting(&mut tx, class_id, now).await?;
    }
    tx.commit().await?;
    Ok(next)
}

pub async fn set_attended(
    db: &Db,
    actor_id: i64,
    enrolment_id: i64,
    attended: bool,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let state: String = sqlx::query_scalar("SELECT state FROM enrolments WHERE id = ?")
        .bind(enrolment_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    if !matches!(
        EnrolmentState::parse(&state),
        Some(EnrolmentState::Approved)
    ) {
        return Err(AppError::Conflict(
            crate::error::Problem::TransitionNotAllowed,
        ));
    }
    sqlx::query("UPDATE enrolments SET attended = ?, updated_at = ? WHERE id = ?")
        .bind(attended)
        .bind(now)
        .bind(enrolment_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        audit::Event {
            actor_id: Some(actor_id),
            action: if attended {
                "mark_attended"
            } else {
                "unmark_attended"
            },
            subject: format!("enrolment:{enrolment_id}"),
            detail: serde_json::json!({}),
            ip: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
