//! SQL for centres, courses and classes as the public catalogue shows them.

use crate::api::catalogue::{
    CentreOption, ClassInfo, CourseCard, CourseDetail, CoursePage, Localized, MyPlace,
};
use crate::domain::catalogue::{Category, CentreKind};
use crate::domain::enrolment::{Approval, EnrolmentState};
use sqlx::{FromRow, SqlitePool};

pub struct Filters {
    pub text: String,
    pub category: Option<Category>,
    /// Centre code.
    pub centre: Option<String>,
    pub city: Option<String>,
    pub open_now: bool,
}

#[derive(FromRow)]
struct CentreRow {
    code: String,
    kind: String,
    name_zh: String,
    name_en: String,
}

pub async fn centres(pool: &SqlitePool) -> Result<Vec<CentreOption>, sqlx::Error> {
    let rows: Vec<CentreRow> = sqlx::query_as(
        "SELECT code, kind, name_zh, name_en FROM centres
         ORDER BY CASE kind WHEN 'national' THEN 0 WHEN 'industry' THEN 1 ELSE 2 END, id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CentreOption {
            code: r.code,
            kind: CentreKind::parse(&r.kind).unwrap_or(CentreKind::Provincial),
            name: Localized::new(r.name_zh, r.name_en),
        })
        .collect())
}

#[derive(FromRow)]
struct CardRow {
    code: String,
    title_zh: String,
    title_en: String,
    summary_zh: String,
    summary_en: String,
    category: String,
    centre_zh: String,
    centre_en: String,
    hours: i64,
    next_start: Option<String>,
    open_classes: i64,
}

/// `?1` now, `?2` text pattern, `?3` category, `?4` centre code, `?5` city pattern, `?6` open only.
const SEARCH_FILTER: &str = "
    c.published = 1
    AND (c.code LIKE ?2 ESCAPE '\\' OR c.title_zh LIKE ?2 ESCAPE '\\' OR c.title_en LIKE ?2 ESCAPE '\\')
    AND (?3 IS NULL OR c.category = ?3)
    AND (?4 IS NULL OR ce.code = ?4)
    AND (?5 IS NULL OR EXISTS (SELECT 1 FROM classes k WHERE k.course_id = c.id
                               AND (k.city_zh LIKE ?5 ESCAPE '\\' OR k.city_en LIKE ?5 ESCAPE '\\')))
    AND (?6 = 0 OR EXISTS (SELECT 1 FROM classes k WHERE k.course_id = c.id
                           AND k.enrol_opens_at <= ?1 AND k.enrol_closes_at > ?1))";

pub async fn search(
    pool: &SqlitePool,
    filters: &Filters,
    now: i64,
    page: u32,
    per_page: u32,
) -> Result<CoursePage, sqlx::Error> {
    let text = super::like_pattern(&filters.text);
    let city = filters.city.as_deref().map(super::like_pattern);
    let category = filters.category.map(Category::as_str);
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM courses c JOIN centres ce ON ce.id = c.centre_id WHERE {SEARCH_FILTER}"
    ))
    .bind(now)
    .bind(&text)
    .bind(category)
    .bind(filters.centre.as_deref())
    .bind(city.as_deref())
    .bind(filters.open_now)
    .fetch_one(pool)
    .await?;
    let rows: Vec<CardRow> = sqlx::query_as(&format!(
        "SELECT c.code, c.title_zh, c.title_en, c.summary_zh, c.summary_en, c.category,
                ce.name_zh AS centre_zh, ce.name_en AS centre_en, c.hours,
                (SELECT MIN(k.starts_on) FROM classes k
                  WHERE k.course_id = c.id AND k.starts_on >= date(?1, 'unixepoch')) AS next_start,
                (SELECT COUNT(*) FROM classes k
                  WHERE k.course_id = c.id AND k.enrol_opens_at <= ?1 AND k.enrol_closes_at > ?1) AS open_classes
         FROM courses c JOIN centres ce ON ce.id = c.centre_id
         WHERE {SEARCH_FILTER}
         ORDER BY open_classes > 0 DESC, c.category, c.code
         LIMIT ?7 OFFSET ?8"
    ))
    .bind(now)
    .bind(&text)
    .bind(category)
    .bind(filters.centre.as_deref())
    .bind(city.as_deref())
    .bind(filters.open_now)
    .bind(per_page)
    .bind(i64::from(page.saturating_sub(1)) * i64::from(per_page))
    .fetch_all(pool)
    .await?;
    Ok(CoursePage {
        courses: rows
            .into_iter()
            .map(|r| CourseCard {
                code: r.code,
                title: Localized::new(r.title_zh, r.title_en),
                summary: Localized::new(r.summary_zh, r.summary_en),
                category: Category::parse(&r.category).unwrap_or(Category::Lecture),
                centre: Localized::new(r.centre_zh, r.centre_en),
                hours: r.hours,
                next_start: r.next_start,
                open_classes: r.open_classes,
            })
            .collect(),
        total,
        page: page.max(1),
        per_page,
    })
}

#[derive(FromRow)]
struct CourseRow {
    id: i64,
    code: String,
    title_zh: String,
    title_en: String,
    summary_zh: String,
    summary_en: String,
    category: String,
    centre_zh: String,
    centre_en: String,
    hours: i64,
}

#[derive(FromRow)]
struct ClassRow {
    id: i64,
    name_zh: String,
    name_en: String,
    starts_on: String,
    ends_on: String,
    city_zh: String,
    city_en: String,
    venue: String,
    capacity: i64,
    waitlist: bool,
    approval: String,
    enrol_opens_at: i64,
    enrol_closes_at: i64,
    seats_taken: i64,
    waiting: i64,
    my_id: Option<i64>,
    my_state: Option<String>,
    my_position: Option<i64>,
}

/// A published course and its classes that have not ended; `viewer`'s live
/// enrolment in each, with their waiting-list position.
pub async fn course_detail(
    pool: &SqlitePool,
    code: &str,
    viewer: Option<i64>,
    now: i64,
) -> Result<Option<CourseDetail>, sqlx::Error> {
    let course: Option<CourseRow> = sqlx::query_as(
        "SELECT c.id, c.code, c.title_zh, c.title_en, c.summary_zh, c.summary_en, c.category,
                ce.name_zh AS centre_zh, ce.name_en AS centre_en, c.hours
         FROM courses c JOIN centres ce ON ce.id = c.centre_id
         WHERE c.code = ? AND c.published = 1",
    )
    .bind(code)
    .fetch_optional(pool)
    .await?;
    let Some(course) = course else {
        return Ok(None);
    };
    let classes: Vec<ClassRow> = sqlx::query_as(
        "SELECT k.id, k.name_zh, k.name_en, k.starts_on, k.ends_on, k.city_zh, k.city_en, k.venue,
                k.capacity, k.waitlist, k.approval, k.enrol_opens_at, k.enrol_closes_at,
                (SELECT COUNT(*) FROM enrolments e WHERE e.class_id = k.id
                   AND e.state IN ('pending', 'approved', 'completed')) AS seats_taken,
                (SELECT COUNT(*) FROM enrolments e WHERE e.class_id = k.id
                   AND e.state = 'waitlisted') AS waiting,
                m.id AS my_id, m.state AS my_state,
                CASE WHEN m.state = 'waitlisted' THEN
                    (SELECT COUNT(*) FROM enrolments w WHERE w.class_id = k.id
                       AND w.state = 'waitlisted' AND w.id <= m.id)
                END AS my_position
         FROM classes k
         LEFT JOIN enrolments m ON m.class_id = k.id AND m.trainee_id = ?2
              AND m.state IN ('pending', 'approved', 'waitlisted', 'completed')
         WHERE k.course_id = ?1 AND k.ends_on >= date(?3, 'unixepoch')
         ORDER BY k.starts_on, k.id",
    )
    .bind(course.id)
    .bind(viewer.unwrap_or(-1))
    .bind(now)
    .fetch_all(pool)
    .await?;
    Ok(Some(CourseDetail {
        code: course.code,
        title: Localized::new(course.title_zh, course.title_en),
        summary: Localized::new(course.summary_zh, course.summary_en),
        category: Category::parse(&course.category).unwrap_or(Category::Lecture),
        centre: Localized::new(course.centre_zh, course.centre_en),
        hours: course.hours,
        classes: classes
            .into_iter()
            .map(|k| ClassInfo {
                id: k.id,
                name: Localized::new(k.name_zh, k.name_en),
                starts_on: k.starts_on,
                ends_on: k.ends_on,
                city: Localized::new(k.city_zh, k.city_en),
                venue: k.venue,
                capacity: k.capacity,
                seats_taken: k.seats_taken,
                waitlist: k.waitlist,
                waiting: k.waiting,
                approval: Approval::parse(&k.approval).unwrap_or(Approval::Manual),
                window: crate::domain::enrolment::window_problem(
                    k.enrol_opens_at,
                    k.enrol_closes_at,
                    now,
                ),
                enrol_opens_at: k.enrol_opens_at,
                enrol_closes_at: k.enrol_closes_at,
                mine: match (
                    k.my_id,
                    k.my_state.as_deref().and_then(EnrolmentState::parse),
                ) {
                    (Some(enrolment_id), Some(state)) => Some(MyPlace {
                        enrolment_id,
                        state,
                        position: k.my_position,
                    }),
                    _ => None,
                },
            })
            .collect(),
    }))
}

pub struct NewCentre<'a> {
    pub code: &'a str,
    pub kind: CentreKind,
    pub name_zh: &'a str,
    pub name_en: &'a str,
}

pub async fn insert_centre(
    conn: &mut sqlx::SqliteConnection,
    centre: &NewCentre<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO centres (code, kind, name_zh, name_en, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(centre.code)
    .bind(centre.kind.as_str())
    .bind(centre.name_zh)
    .bind(centre.name_en)
    .bind(now)
    .fetch_one(conn)
    .await
}

pub struct NewCourse<'a> {
    pub code: &'a str,
    pub centre_id: i64,
    pub category: Category,
    pub title: (&'a str, &'a str),
    pub summary: (&'a str, &'a str),
    pub hours: i64,
    pub published: bool,
}

pub async fn insert_course(
    conn: &mut sqlx::SqliteConnection,
    course: &NewCourse<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO courses (code, centre_id, category, title_zh, title_en, summary_zh, summary_en,
                              hours, published, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(course.code)
    .bind(course.centre_id)
    .bind(course.category.as_str())
    .bind(course.title.0)
    .bind(course.title.1)
    .bind(course.summary.0)
    .bind(course.summary.1)
    .bind(course.hours)
    .bind(course.published)
    .bind(now)
    .bind(now)
    .fetch_one(conn)
    .await
}

pub struct NewClass<'a> {
    pub course_id: i64,
    pub name: (&'a str, &'a str),
    pub starts_on: &'a str,
    pub ends_on: &'a str,
    pub city: (&'a str, &'a str),
    pub venue: &'a str,
    pub capacity: i64,
    pub waitlist: bool,
    pub approval: Approval,
    pub enrol_opens_at: i64,
    pub enrol_closes_at: i64,
}

pub async fn insert_class(
    conn: &mut sqlx::SqliteConnection,
    class: &NewClass<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO classes (course_id, name_zh, name_en, starts_on, ends_on, city_zh, city_en, venue,
                              capacity, waitlist, approval, enrol_opens_at, enrol_closes_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(class.course_id)
    .bind(class.name.0)
    .bind(class.name.1)
    .bind(class.starts_on)
    .bind(class.ends_on)
    .bind(class.city.0)
    .bind(class.city.1)
    .bind(class.venue)
    .bind(class.capacity)
    .bind(class.waitlist)
    .bind(class.approval.as_str())
    .bind(class.enrol_opens_at)
    .bind(class.enrol_closes_at)
    .bind(now)
    .fetch_one(conn)
    .await
}

pub async fn add_instructor(
    conn: &mut sqlx::SqliteConnection,
    class_id: i64,
    instructor_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT OR IGNORE INTO class_instructors (class_id, instructor_id) VALUES (?, ?)")
        .bind(class_id)
        .bind(instructor_id)
        .execute(conn)
        .await
        .map(|_| ())
}

#[derive(FromRow)]
struct AdminCourseRow {
    id: i64,
    code: String,
    centre_code: String,
    centre_zh: String,
    centre_en: String,
    category: String,
    title_zh: String,
    title_en: String,
    summary_zh: String,
    summary_en: String,
    hours: i64,
    published: bool,
    classes: i64,
}

/// Every course, drafts included, for administrators.
pub async fn admin_courses(
    pool: &SqlitePool,
) -> Result<Vec<crate::api::admin_catalogue::AdminCourse>, sqlx::Error> {
    let rows: Vec<AdminCourseRow> = sqlx::query_as(
        "SELECT c.id, c.code, ce.code AS centre_code, ce.name_zh AS centre_zh, ce.name_en AS centre_en,
                c.category, c.title_zh, c.title_en, c.summary_zh, c.summary_en, c.hours, c.published,
                (SELECT COUNT(*) FROM classes k WHERE k.course_id = c.id) AS classes
         FROM courses c JOIN centres ce ON ce.id = c.centre_id ORDER BY c.code",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| crate::api::admin_catalogue::AdminCourse {
            id: r.id,
            code: r.code,
            centre_code: r.centre_code,
            centre: Localized::new(r.centre_zh, r.centre_en),
            category: Category::parse(&r.category).unwrap_or(Category::Lecture),
            title: Localized::new(r.title_zh, r.title_en),
            summary: Localized::new(r.summary_zh, r.summary_en),
            hours: r.hours,
            published: r.published,
            classes: r.classes,
        })
        .collect())
}

pub async fn centre_id(pool: &SqlitePool, code: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM centres WHERE code = ?")
        .bind(code)
        .fetch_optional(pool)
        .await
}

pub async fn course_id(pool: &SqlitePool, code: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM courses WHERE code = ?")
        .bind(code)
        .fetch_optional(pool)
        .await
}

pub async fn update_course(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
    course: &NewCourse<'_>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE courses SET code = ?, centre_id = ?, category = ?, title_zh = ?, title_en = ?,
                summary_zh = ?, summary_en = ?, hours = ?, published = ?, updated_at = ?
         WHERE id = ?",
    )
    .bind(course.code)
    .bind(course.centre_id)
    .bind(course.category.as_str())
    .bind(course.title.0)
    .bind(course.title.1)
    .bind(course.summary.0)
    .bind(course.summary.1)
    .bind(course.hours)
    .bind(course.published)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Instructors and administrators who can be put in charge of a class.
pub async fn staff(pool: &SqlitePool) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, email FROM users WHERE role IN ('instructor', 'administrator') AND active = 1
         ORDER BY role = 'administrator', name",
    )
    .fetch_all(pool)
    .await
}

pub async fn is_staff(pool: &SqlitePool, user_id: i64) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM users WHERE id = ? AND role IN ('instructor', 'administrator') AND active = 1",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    Ok(found.is_some())
}

#[derive(FromRow)]
struct AdminClassRow {
    id: i64,
    course_code: String,
    name_zh: String,
    name_en: String,
    starts_on: String,
    ends_on: String,
    city_zh: String,
    city_en: String,
    venue: String,
    capacity: i64,
    waitlist: bool,
    approval: String,
    enrol_opens_at: i64,
    enrol_closes_at: i64,
    seats_taken: i64,
    instructors: Option<String>,
}

/// The 500 latest classes with what their edit forms need, newest first
/// (a national catalogue holds thousands; old classes are not edited).
pub async fn admin_classes(
    pool: &SqlitePool,
) -> Result<Vec<crate::api::admin_catalogue::AdminClass>, sqlx::Error> {
    let rows: Vec<AdminClassRow> = sqlx::query_as(
        "SELECT k.id, c.code AS course_code, k.name_zh, k.name_en, k.starts_on, k.ends_on, k.city_zh, k.city_en,
                k.venue, k.capacity, k.waitlist, k.approval, k.enrol_opens_at, k.enrol_closes_at,
                (SELECT COUNT(*) FROM enrolments e WHERE e.class_id = k.id
                   AND e.state IN ('pending', 'approved', 'completed')) AS seats_taken,
                (SELECT group_concat(instructor_id) FROM class_instructors ci WHERE ci.class_id = k.id) AS instructors
         FROM classes k JOIN courses c ON c.id = k.course_id
         ORDER BY k.starts_on DESC, k.id DESC
         LIMIT 500",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| crate::api::admin_catalogue::AdminClass {
            id: r.id,
            course_code: r.course_code,
            name: Localized::new(r.name_zh, r.name_en),
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            city: Localized::new(r.city_zh, r.city_en),
            venue: r.venue,
            capacity: r.capacity,
            waitlist: r.waitlist,
            approval: Approval::parse(&r.approval).unwrap_or(Approval::Manual),
            enrol_opens_at: r.enrol_opens_at,
            enrol_closes_at: r.enrol_closes_at,
            seats_taken: r.seats_taken,
            instructors: r
                .instructors
                .unwrap_or_default()
                .split(',')
                .filter_map(|id| id.trim().parse().ok())
                .collect(),
        })
        .collect())
}

/// Changes a class; returns the seats held so the caller can refuse a
/// capacity below them (checked in the same transaction).
pub async fn update_class(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
    class: &NewClass<'_>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE classes SET course_id = ?, name_zh = ?, name_en = ?, starts_on = ?, ends_on = ?,
                city_zh = ?, city_en = ?, venue = ?, capacity = ?, waitlist = ?, approval = ?,
                enrol_opens_at = ?, enrol_closes_at = ?
         WHERE id = ?",
    )
    .bind(class.course_id)
    .bind(class.name.0)
    .bind(class.name.1)
    .bind(class.starts_on)
    .bind(class.ends_on)
    .bind(class.city.0)
    .bind(class.city.1)
    .bind(class.venue)
    .bind(class.capacity)
    .bind(class.waitlist)
    .bind(class.approval.as_str())
    .bind(class.enrol_opens_at)
    .bind(class.enrol_closes_at)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn seats_held(
    conn: &mut sqlx::SqliteConnection,
    class_id: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM enrolments WHERE class_id = ? AND state IN ('pending', 'approved', 'completed')",
    )
    .bind(class_id)
    .fetch_one(conn)
    .await
}

pub async fn clear_instructors(
    conn: &mut sqlx::SqliteConnection,
    class_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM class_instructors WHERE class_id = ?")
        .bind(class_id)
        .execute(conn)
        .await
        .map(|_| ())
}
