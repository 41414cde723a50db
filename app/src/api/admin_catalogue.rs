//! Administrators manage the catalogue: courses (draft or published) and
//! their classes with instructors.

// A server function's arguments are its form's fields, one each; the
// `#[server]` expansion repeats them, so the lint cannot be silenced per fn.
#![allow(clippy::too_many_arguments)]

use crate::api::catalogue::{CentreOption, Localized};
use crate::domain::catalogue::Category;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminCourse {
    pub id: i64,
    pub code: String,
    pub centre_code: String,
    pub centre: Localized,
    pub category: Category,
    pub title: Localized,
    pub summary: Localized,
    pub hours: i64,
    pub published: bool,
    pub classes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminClass {
    pub id: i64,
    pub course_code: String,
    pub name: Localized,
    pub starts_on: String,
    pub ends_on: String,
    pub city: Localized,
    pub venue: String,
    pub capacity: i64,
    pub waitlist: bool,
    pub approval: crate::domain::enrolment::Approval,
    pub enrol_opens_at: i64,
    pub enrol_closes_at: i64,
    pub seats_taken: i64,
    pub instructors: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffOption {
    pub id: i64,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminCatalogue {
    pub centres: Vec<CentreOption>,
    pub courses: Vec<AdminCourse>,
    pub classes: Vec<AdminClass>,
    pub staff: Vec<StaffOption>,
}

#[server(endpoint = "admin/catalogue")]
pub async fn load_admin_catalogue() -> Result<AdminCatalogue, AppError> {
    use crate::domain::Role;
    use crate::ssr::db::catalogue;
    use crate::ssr::{auth, context, respond};
    respond(
        async {
            let state = context::state()?;
            auth::require_role(&state, &[Role::Administrator]).await?;
            let pool = &state.db.reader;
            Ok(AdminCatalogue {
                centres: catalogue::centres(pool).await?,
                courses: catalogue::admin_courses(pool).await?,
                classes: catalogue::admin_classes(pool).await?,
                staff: catalogue::staff(pool)
                    .await?
                    .into_iter()
                    .map(|(id, name, email)| StaffOption { id, name, email })
                    .collect(),
            })
        }
        .await,
    )
}

/// Creates a course, or with `id` updates it (code, texts, publication).
#[server(endpoint = "admin/save_course")]
pub async fn save_course(
    id: Option<String>,
    code: String,
    centre: String,
    category: String,
    title_zh: String,
    title_en: String,
    summary_zh: String,
    summary_en: String,
    hours: String,
    published: Option<String>,
) -> Result<String, AppError> {
    use crate::domain::catalogue::{parse_count, parse_course_code};
    use crate::domain::Role;
    use crate::error::{FieldErrors, Problem};
    use crate::ssr::db::{self, audit, catalogue};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let admin = auth::require_role(&state, &[Role::Administrator]).await?;
            let mut errors = FieldErrors::new();
            let code = errors.check("code", parse_course_code(&code));
            let centre_id = catalogue::centre_id(&state.db.reader, centre.trim()).await?;
            let centre_id = errors.check(
                "centre",
                centre_id.ok_or(if centre.trim().is_empty() {
                    Problem::Required
                } else {
                    Problem::NotInList
                }),
            );
            let category = errors.check(
                "category",
                Category::parse(&category).ok_or(Problem::NotInList),
            );
            let text = |value: &str, max: usize, required: bool| {
                let value = value.trim().to_owned();
                if required && value.is_empty() {
                    Err(Problem::Required)
                } else if value.chars().count() > max {
                    Err(Problem::TooLong { max: max as u32 })
                } else {
                    Ok(value)
                }
            };
            let title_zh = errors.check("title_zh", text(&title_zh, 200, true));
            let title_en = errors.check("title_en", text(&title_en, 200, true));
            let summary_zh = errors.check("summary_zh", text(&summary_zh, 2000, false));
            let summary_en = errors.check("summary_en", text(&summary_en, 2000, false));
            let hours = errors.check("hours", parse_count(&hours, 1, 2000));
            let id = id
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| v.parse::<i64>().map_err(|_| AppError::NotFound))
                .transpose()?;
            errors.into_result()?;
            let code = code.expect("checked");
            let (title_zh, title_en, summary_zh, summary_en) = (
                title_zh.expect("checked"),
                title_en.expect("checked"),
                summary_zh.expect("checked"),
                summary_en.expect("checked"),
            );
            let course = catalogue::NewCourse {
                code: &code,
                centre_id: centre_id.expect("checked"),
                category: category.expect("checked"),
                title: (&title_zh, &title_en),
                summary: (&summary_zh, &summary_en),
                hours: hours.expect("checked"),
                published: published.is_some_and(|p| p == "true" || p == "on"),
            };
            let now = db::now();
            let mut tx = state.db.begin_write().await?;
            let saved = match id {
                Some(id) => catalogue::update_course(&mut tx, id, &course, now)
                    .await
                    .map(|found| found.then_some(id)),
                None => catalogue::insert_course(&mut tx, &course, now)
                    .await
                    .map(Some),
            };
            let course_id = match saved {
                Ok(Some(id)) => id,
                Ok(None) => return Err(AppError::NotFound),
                Err(error) if db::unique_violation(&error).as_deref() == Some("courses.code") => {
                    return Err(AppError::field("code", Problem::CodeTaken));
                }
                Err(error) => return Err(error.into()),
            };
            audit::record(
                &mut tx,
                audit::Event {
                    actor_id: Some(admin.id),
                    action: if id.is_some() {
                        "update_course"
                    } else {
                        "create_course"
                    },
                    subject: format!("course:{course_id}"),
                    detail: serde_json::json!({ "code": code, "published": course.published }),
                    ip: context::client_address(&state.settings),
                },
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(code)
        }
        .await,
    )
}

/// Adds a class (one run) to a course, or with `id` changes one, with one
/// or two instructors. Raising the capacity seats the waiting list at once;
/// it can never drop below the seats already taken.
#[server(endpoint = "admin/save_class")]
pub async fn save_class(
    id: Option<String>,
    course: String,
    name_zh: String,
    name_en: String,
    starts_on: String,
    ends_on: String,
    city_zh: String,
    city_en: String,
    venue: String,
    capacity: String,
    waitlist: Option<String>,
    approval: String,
    opens_at: String,
    closes_at: String,
    instructor: String,
    co_instructor: Option<String>,
) -> Result<i64, AppError> {
    use crate::domain::account::bounded_text;
    use crate::domain::catalogue::{parse_china_time, parse_count, parse_date};
    use crate::domain::enrolment::Approval;
    use crate::domain::Role;
    use crate::error::{FieldErrors, Problem};
    use crate::ssr::db::{self, audit, catalogue, enrolments};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let admin = auth::require_role(&state, &[Role::Administrator]).await?;
            let pool = &state.db.reader;
            let id = id
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| v.parse::<i64>().map_err(|_| AppError::NotFound))
                .transpose()?;
            let mut errors = FieldErrors::new();
            let course_id = catalogue::course_id(pool, course.trim()).await?;
            let course_id = errors.check(
                "course",
                course_id.ok_or(if course.trim().is_empty() {
                    Problem::Required
                } else {
                    Problem::NotInList
                }),
            );
            let required = |value: &str, max: usize| bounded_text(value, max, true);
            let name_zh = errors.check("name_zh", required(&name_zh, 100));
            let name_en = errors.check("name_en", required(&name_en, 100));
            let city_zh = errors.check("city_zh", required(&city_zh, 50));
            let city_en = errors.check("city_en", required(&city_en, 50));
            let venue: String = venue.trim().chars().take(200).collect();
            let starts = errors.check("starts_on", parse_date(&starts_on));
            let ends = errors.check("ends_on", parse_date(&ends_on));
            if let (Some(s), Some(e)) = (&starts, &ends) {
                if e.1 < s.1 {
                    errors.add("ends_on", Problem::EndsBeforeStart);
                }
            }
            let capacity = errors.check("capacity", parse_count(&capacity, 1, 10_000));
            let approval = errors.check(
                "approval",
                Approval::parse(&approval).ok_or(Problem::NotInList),
            );
            let opens = errors.check("opens_at", parse_china_time(&opens_at));
            let closes = errors.check("closes_at", parse_china_time(&closes_at));
            if let (Some(o), Some(c)) = (opens, closes) {
                if c <= o {
                    errors.add("closes_at", Problem::ClosesBeforeOpens);
                }
            }
            let mut teachers = Vec::new();
            for (field, value) in [
                ("instructor", Some(instructor)),
                ("co_instructor", co_instructor),
            ] {
                let value = value.unwrap_or_default();
                if value.trim().is_empty() {
                    if field == "instructor" {
                        errors.add(field, Problem::Required);
                    }
                    continue;
                }
                match value.trim().parse::<i64>() {
                    Ok(id) if catalogue::is_staff(pool, id).await? => teachers.push(id),
                    _ => errors.add(field, Problem::NotInList),
                }
            }
            errors.into_result()?;
            let (starts, ends) = (starts.expect("checked"), ends.expect("checked"));
            let (name_zh, name_en, city_zh, city_en) = (
                name_zh.expect("checked"),
                name_en.expect("checked"),
                city_zh.expect("checked"),
                city_en.expect("checked"),
            );
            let now = db::now();
            let mut tx = state.db.begin_write().await?;
            let class = catalogue::NewClass {
                course_id: course_id.expect("checked"),
                name: (&name_zh, &name_en),
                starts_on: &starts.0,
                ends_on: &ends.0,
                city: (&city_zh, &city_en),
                venue: &venue,
                capacity: capacity.expect("checked"),
                waitlist: waitlist.is_some_and(|w| w == "true" || w == "on"),
                approval: approval.expect("checked"),
                enrol_opens_at: opens.expect("checked"),
                enrol_closes_at: closes.expect("checked"),
            };
            let class_id = match id {
                None => catalogue::insert_class(&mut tx, &class, now).await?,
                Some(id) => {
                    let seats = catalogue::seats_held(&mut tx, id).await?;
                    if class.capacity < seats {
                        return Err(AppError::field(
                            "capacity",
                            Problem::CapacityBelowSeats { seats },
                        ));
                    }
                    if !catalogue::update_class(&mut tx, id, &class).await? {
                        return Err(AppError::NotFound);
                    }
                    catalogue::clear_instructors(&mut tx, id).await?;
                    enrolments::promote_waiting(&mut tx, id, now).await?;
                    id
                }
            };
            for teacher in teachers {
                catalogue::add_instructor(&mut tx, class_id, teacher).await?;
            }
            audit::record(
                &mut tx,
                audit::Event {
                    actor_id: Some(admin.id),
                    action: if id.is_some() {
                        "update_class"
                    } else {
                        "create_class"
                    },
                    subject: format!("class:{class_id}"),
                    detail: serde_json::json!({ "course": course.trim() }),
                    ip: context::client_address(&state.settings),
                },
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(class_id)
        }
        .await,
    )
}

#[server(endpoint = "admin/create_centre")]
pub async fn create_centre(
    centre_code: String,
    kind: String,
    centre_name_zh: String,
    centre_name_en: String,
) -> Result<(), AppError> {
    use crate::domain::account::bounded_text;
    use crate::domain::catalogue::{parse_course_code, CentreKind};
    use crate::domain::Role;
    use crate::error::{FieldErrors, Problem};
    use crate::ssr::db::{self, audit, catalogue};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            let admin = auth::require_role(&state, &[Role::Administrator]).await?;
            let mut errors = FieldErrors::new();
            let code = errors.check("centre_code", parse_course_code(&centre_code));
            let kind = errors.check("kind", CentreKind::parse(&kind).ok_or(Problem::NotInList));
            let name = |value: &str| bounded_text(value, 100, true);
            let name_zh = errors.check("centre_name_zh", name(&centre_name_zh));
            let name_en = errors.check("centre_name_en", name(&centre_name_en));
            errors.into_result()?;
            let code = code.expect("checked");
            let now = db::now();
            let mut tx = state.db.begin_write().await?;
            let centre = catalogue::NewCentre {
                code: &code,
                kind: kind.expect("checked"),
                name_zh: &name_zh.expect("checked"),
                name_en: &name_en.expect("checked"),
            };
            let id = match catalogue::insert_centre(&mut tx, &centre, now).await {
                Ok(id) => id,
                Err(error) if db::unique_violation(&error).as_deref() == Some("centres.code") => {
                    return Err(AppError::field("centre_code", Problem::CodeTaken));
                }
                Err(error) => return Err(error.into()),
            };
            audit::record(
                &mut tx,
                audit::Event {
                    actor_id: Some(admin.id),
                    action: "create_centre",
                    subject: format!("centre:{id}"),
                    detail: serde_json::json!({ "code": code }),
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
