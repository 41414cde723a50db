//! SQL for enrolments. Each change is one write transaction that checks the
//! rules and writes together, so capacity holds under any concurrency.

use super::audit;
use super::direct::direct_row;
use super::Db;
use crate::api::catalogue::Localized;
use crate::api::enrolment::MyEnrolment;
use crate::domain::enrolment::{self, Approval, EnrolmentState, Transition};
use crate::error::AppError;
use sqlx::{FromRow, SqliteConnection, SqlitePool};

#[derive(FromRow)]
struct ClassRules {
    capacity: i64,
    waitlist: bool,
    approval: String,
    enrol_opens_at: i64,
    enrol_closes_at: i64,
    published: bool,
}

const LIVE: &str = "('pending', 'approved', 'waitlisted', 'completed')";
const SEATED: &str = "('pending', 'approved', 'completed')";

async fn seats_held(conn: &mut SqliteConnection, class_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM enrolments WHERE class_id = ? AND state IN {SEATED}"
    ))
    .bind(class_id)
    .fetch_one(conn)
    .await
}

/// Enrols `trainee_id` in `class_id`: a seat if one is free, else the waiting
/// list (if the class keeps one). Returns the new enrolment's id.
pub async fn enrol(
    db: &Db,
    trainee_id: i64,
    class_id: i64,
    note: &str,
    ip: Option<String>,
    now: i64,
) -> Result<i64, AppError> {
    let mut tx = db.begin_write().await?;
    let (id, state) = admit_into(&mut tx, trainee_id, class_id, note, true, now).await?;
    audit::record(
        &mut tx,
        audit::Event {
            actor_id: Some(trainee_id),
            action: "enrol",
            subject: format!("enrolment:{id}"),
            detail: serde_json::json!({ "class": class_id, "state": state.as_str() }),
            ip,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The admission rules and the insert, inside the caller's write
/// transaction. `check_window` is false when an administrator enrols people
/// outside the public enrolment window; capacity always holds.
pub async fn admit_into(
    conn: &mut SqliteConnection,
    trainee_id: i64,
    class_id: i64,
    note: &str,
    check_window: bool,
    now: i64,
) -> Result<(i64, EnrolmentState), AppError> {
    let rules: ClassRules = sqlx::query_as(
        "SELECT k.capacity, k.waitlist, k.approval, k.enrol_opens_at, k.enrol_closes_at, c.published
         FROM classes k JOIN courses c ON c.id = k.course_id WHERE k.id = ?",
    )
    .bind(class_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    if !rules.published {
        return Err(AppError::Conflict(
            crate::error::Problem::CourseNotPublished,
        ));
    }
    if check_window {
        if let Some(problem) =
            enrolment::window_problem(rules.enrol_opens_at, rules.enrol_closes_at, now)
        {
            return Err(AppError::Conflict(problem));
        }
    }
    let already: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM enrolments WHERE class_id = ? AND trainee_id = ? AND state IN {LIVE}"
    ))
    .bind(class_id)
    .bind(trainee_id)
    .fetch_optional(&mut *conn)
    .await?;
    if already.is_some() {
        return Err(AppError::Conflict(crate::error::Problem::AlreadyEnrolled));
    }
    let held = seats_held(conn, class_id).await?;
    let approval = Approval::parse(&rules.approval).unwrap_or(Approval::Manual);
    let state = enrolment::admit(held, rules.capacity, rules.waitlist, approval)
        .map_err(AppError::Conflict)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO enrolments (class_id, trainee_id, state, note, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(class_id)
    .bind(trainee_id)
    .bind(state.as_str())
    .bind(note)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok((id, state))
}

/// Seats free in a class and whether it keeps a waiting list, for previews.
pub async fn room(pool: &SqlitePool, class_id: i64) -> Result<Option<(i64, bool)>, sqlx::Error> {
    let row: Option<(i64, bool)> = sqlx::query_as(&format!(
        "SELECT k.capacity - (SELECT COUNT(*) FROM enrolments e WHERE e.class_id = k.id AND e.state IN {SEATED}),
                k.waitlist
         FROM classes k WHERE k.id = ?"
    ))
    .bind(class_id)
    .fetch_optional(pool)
    .await?;
    Ok(row)
}

/// Fills free seats of `class_id` from the head of its waiting list.
pub async fn promote_waiting(
    conn: &mut SqliteConnection,
    class_id: i64,
    now: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let (capacity, approval): (i64, String) =
        sqlx::query_as("SELECT capacity, approval FROM classes WHERE id = ?")
            .bind(class_id)
            .fetch_one(&mut *conn)
            .await?;
    let approval = Approval::parse(&approval).unwrap_or(Approval::Manual);
    let mut promoted = Vec::new();
    while seats_held(conn, class_id).await? < capacity {
        let next: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM enrolments WHERE class_id = ? AND state = 'waitlisted' ORDER BY id LIMIT 1",
        )
        .bind(class_id)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(id) = next else { break };
        let state = approval.seated_state();
        sqlx::query("UPDATE enrolments SET state = ?, updated_at = ? WHERE id = ?")
            .bind(state.as_str())
            .bind(now)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        audit::record(
            conn,
            audit::Event {
                actor_id: None,
                action: "promote_from_waiting_list",
                subject: format!("enrolment:{id}"),
                detail: serde_json::json!({ "class": class_id, "state": state.as_str() }),
                ip: None,
            },
            now,
        )
        .await?;
        promoted.push(id);
    }
    Ok(promoted)
}

/// The trainee withdraws from their own enrolment; another trainee's looks
/// exactly like one that does not exist.
pub async fn withdraw(
    db: &Db,
    trainee_id: i64,
    enrolment_id: i64,
    ip: Option<String>,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let row: Option<(String, i64)> =
        sqlx::query_as("SELECT state, class_id FROM enrolments WHERE id = ? AND trainee_id = ?")
            .bind(enrolment_id)
            .bind(trainee_id)
            .fetch_optional(&mut *tx)
            .await?;
    let (state, class_id) = row.ok_or(AppError::NotFound)?;
    let state = EnrolmentState::parse(&state).ok_or(AppError::NotFound)?;
    let next = enrolment::next_state(state, Transition::Withdraw).map_err(AppError::Conflict)?;
    sqlx::query("UPDATE enrolments SET state = ?, updated_at = ? WHERE id = ?")
        .bind(next.as_str())
        .bind(now)
        .bind(enrolment_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        audit::Event {
            actor_id: Some(trainee_id),
            action: "withdraw",
            subject: format!("enrolment:{enrolment_id}"),
            detail: serde_json::json!({ "class": class_id, "from": state.as_str() }),
            ip,
        },
        now,
    )
    .await?;
    if state.holds_seat() {
        promote_waiting(&mut tx, class_id, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[derive(FromRow)]
struct MineRow {
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
    state: String,
    position: Option<i64>,
    decision_reason: String,
}

direct_row!(MineRow {
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
    state,
    position,
    decision_reason,
});

const MINE_SELECT: &str = "
    SELECT e.id, c.code AS course_code, c.title_zh, c.title_en, k.name_zh, k.name_en,
           k.starts_on, k.ends_on, k.city_zh, k.city_en, e.state, e.decision_reason,
           CASE WHEN e.state = 'waitlisted' THEN
               (SELECT COUNT(*) FROM enrolments w WHERE w.class_id = e.class_id
                  AND w.state = 'waitlisted' AND w.id <= e.id)
           END AS position
    FROM enrolments e
    JOIN classes k ON k.id = e.class_id
    JOIN courses c ON c.id = k.course_id";

impl From<MineRow> for MyEnrolment {
    fn from(r: MineRow) -> Self {
        MyEnrolment {
            id: r.id,
            course_code: r.course_code,
            course_title: Localized::new(r.title_zh, r.title_en),
            class_name: Localized::new(r.name_zh, r.name_en),
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            city: Localized::new(r.city_zh, r.city_en),
            state: EnrolmentState::parse(&r.state).unwrap_or(EnrolmentState::Pending),
            position: r.position,
            decision_reason: r.decision_reason,
        }
    }
}

/// Every enrolment of one trainee, newest classes first; read in place
/// (`Db::read`).
pub fn mine(db: &rusqlite::Connection, trainee_id: i64) -> rusqlite::Result<Vec<MyEnrolment>> {
    db.prepare_cached(&format!(
        "{MINE_SELECT} WHERE e.trainee_id = ? ORDER BY k.starts_on DESC, e.id DESC"
    ))?
    .query_map([trainee_id], |row| {
        MineRow::from_direct(row).map(MyEnrolment::from)
    })?
    .collect()
}

pub async fn one_of_mine(
    pool: &SqlitePool,
    trainee_id: i64,
    id: i64,
) -> Result<Option<MyEnrolment>, sqlx::Error> {
    let row: Option<MineRow> = sqlx::query_as(&format!(
        "{MINE_SELECT} WHERE e.trainee_id = ? AND e.id = ?"
    ))
    .bind(trainee_id)
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(MyEnrolment::from))
}

/// Writes an enrolment in a given state as it stands, without the admission
/// rules: for loading history (the demo world, imports of past classes).
pub async fn insert_as_is(
    conn: &mut SqliteConnection,
    class_id: i64,
    trainee_id: i64,
    state: EnrolmentState,
    decision_reason: &str,
    at: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO enrolments (class_id, trainee_id, state, decision_reason, attended, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(class_id)
    .bind(trainee_id)
    .bind(state.as_str())
    .bind(decision_reason)
    .bind(state == EnrolmentState::Completed)
    .bind(at)
    .bind(at)
    .fetch_one(conn)
    .await
}
