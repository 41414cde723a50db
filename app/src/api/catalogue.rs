//! The public course catalogue: centres, courses and their classes.

use crate::domain::catalogue::{Category, CentreKind};
use crate::domain::enrolment::{Approval, EnrolmentState};
use crate::error::AppError;
use crate::i18n::Lang;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A text kept in both languages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Localized {
    pub zh: String,
    pub en: String,
}

impl Localized {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`, falling back to the other language when empty.
    pub fn get(&self, lang: Lang) -> &str {
        let (first, second) = match lang {
            Lang::Zh => (&self.zh, &self.en),
            Lang::En => (&self.en, &self.zh),
        };
        if first.is_empty() {
            second
        } else {
            first
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CentreOption {
    pub code: String,
    pub kind: CentreKind,
    pub name: Localized,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseCard {
    pub code: String,
    pub title: Localized,
    pub summary: Localized,
    pub category: Category,
    pub centre: Localized,
    pub hours: i64,
    /// Start date of the next class that has not started yet.
    pub next_start: Option<String>,
    /// Classes open for enrolment right now.
    pub open_classes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoursePage {
    pub courses: Vec<CourseCard>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

impl CoursePage {
    pub fn pages(&self) -> u32 {
        let per_page = i64::from(self.per_page.max(1));
        ((self.total + per_page - 1) / per_page).max(1) as u32
    }
}

pub const COURSES_PER_PAGE: u32 = 10;

/// The signed-in trainee's place in a class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyPlace {
    pub enrolment_id: i64,
    pub state: EnrolmentState,
    /// 1-based position on the waiting list.
    pub position: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassInfo {
    pub id: i64,
    pub name: Localized,
    pub starts_on: String,
    pub ends_on: String,
    pub city: Localized,
    pub venue: String,
    pub capacity: i64,
    pub seats_taken: i64,
    pub waitlist: bool,
    pub waiting: i64,
    pub approval: Approval,
    pub enrol_opens_at: i64,
    pub enrol_closes_at: i64,
    /// Why enrolment is not possible now (not open yet, closed), or `None` when open.
    pub window: Option<crate::error::Problem>,
    pub mine: Option<MyPlace>,
}

impl ClassInfo {
    pub fn seats_left(&self) -> i64 {
        (self.capacity - self.seats_taken).max(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseDetail {
    pub code: String,
    pub title: Localized,
    pub summary: Localized,
    pub category: Category,
    pub centre: Localized,
    pub hours: i64,
    pub classes: Vec<ClassInfo>,
}

#[server(endpoint = "catalogue/centres")]
pub async fn list_centres() -> Result<Vec<CentreOption>, AppError> {
    use crate::ssr::db::catalogue;
    use crate::ssr::{auth, context, respond};
    respond(
        async {
            let state = context::state()?;
            auth::allow_visitors();
            Ok(catalogue::centres(&state.db.reader).await?)
        }
        .await,
    )
}

/// Published courses matching the search (code or title in either language)
/// and filters, a page at a time.
#[server(endpoint = "catalogue/search")]
pub async fn search_courses(
    q: String,
    category: Option<String>,
    centre: Option<String>,
    city: Option<String>,
    open_now: bool,
    page: u32,
) -> Result<CoursePage, AppError> {
    use crate::ssr::db::{self, catalogue};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            auth::allow_visitors();
            let filters = catalogue::Filters {
                text: q.trim().chars().take(100).collect(),
                category: category.as_deref().and_then(Category::parse),
                centre: centre.filter(|c| !c.is_empty()),
                city: city
                    .map(|c| c.trim().chars().take(50).collect::<String>())
                    .filter(|c| !c.is_empty()),
                open_now,
            };
            Ok(catalogue::search(
                &state.db.reader,
                &filters,
                db::now(),
                page.clamp(1, 10_000),
                COURSES_PER_PAGE,
            )
            .await?)
        }
        .await,
    )
}

/// A published course with its classes; for a signed-in trainee, their place in each.
#[server(endpoint = "catalogue/course")]
pub async fn get_course(code: String) -> Result<CourseDetail, AppError> {
    use crate::ssr::db::{self, catalogue};
    use crate::ssr::{auth, context, respond};
    respond(
        async move {
            let state = context::state()?;
            auth::allow_visitors();
            let viewer = auth::current_user(&state).await?;
            catalogue::course_detail(
                &state.db.reader,
                code.trim(),
                viewer.map(|u| u.id),
                db::now(),
            )
            .await?
            .ok_or(AppError::NotFound)
        }
        .await,
    )
}
