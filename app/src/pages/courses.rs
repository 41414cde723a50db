//! `/courses`: the public catalogue — search, filters and pages, all in the
//! URL so every view can be bookmarked and read without JavaScript.

use crate::api::catalogue::{list_centres, search_courses, CourseCard, CoursePage};
use crate::components::Pager;
use crate::domain::catalogue::Category;
use crate::i18n::{use_lang, use_text};
use crate::pages::errors::ErrorPage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[derive(Clone, Default, PartialEq)]
struct Query {
    q: String,
    category: Option<String>,
    centre: Option<String>,
    city: Option<String>,
    open: bool,
    page: u32,
}

impl Query {
    /// The catalogue URL for this query on page `page`.
    fn href(&self, page: u32) -> String {
        let mut pairs = vec![];
        let mut push = |key: &str, value: &str| {
            if !value.is_empty() {
                pairs.push(format!("{key}={}", encode(value)));
            }
        };
        push("q", &self.q);
        push("category", self.category.as_deref().unwrap_or_default());
        push("centre", self.centre.as_deref().unwrap_or_default());
        push("city", self.city.as_deref().unwrap_or_default());
        if self.open {
            push("open", "1");
        }
        if page > 1 {
            push("page", &page.to_string());
        }
        if pairs.is_empty() {
            "/courses".into()
        } else {
            format!("/courses?{}", pairs.join("&"))
        }
    }
}

pub(crate) fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
pub fn CoursesPage() -> impl IntoView {
    let t = use_text();
    let params = use_query_map();
    let query = Memo::new(move |_| {
        params.with(|p| {
            let non_empty = |key: &str| p.get(key).filter(|v| !v.trim().is_empty());
            Query {
                q: p.get("q").unwrap_or_default(),
                category: non_empty("category"),
                centre: non_empty("centre"),
                city: non_empty("city"),
                open: p.get("open").is_some_and(|v| v == "1" || v == "on"),
                page: p.get("page").and_then(|v| v.parse().ok()).unwrap_or(1),
            }
        })
    });
    let results = Resource::new(
        move || query.get(),
        |q| search_courses(q.q, q.category, q.centre, q.city, q.open, q.page),
    );
    let centres = Resource::new(|| (), |_| list_centres());

    view! {
        <Title text=t.courses_title/>
        <h1>{t.courses_title}</h1>
        <p class="lead">{t.courses_lead}</p>
        <Suspense fallback=|| ()>
            {move || centres.get().map(|centres| {
                let centres = centres.unwrap_or_default();
                view! { <SearchForm query=query.get_untracked() centres/> }
            })}
        </Suspense>
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || results.get().map(|result| match result {
                Ok(page) => view! { <Results page query=query.get_untracked()/> }.into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn SearchForm(query: Query, centres: Vec<crate::api::catalogue::CentreOption>) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    view! {
        <form method="get" action="/courses" class="toolbar filters" role="search">
            <div class="field wide">
                <label for="courses-q">{t.courses_search}</label>
                <input id="courses-q" type="search" name="q" value=query.q.clone()/>
            </div>
            <div class="field">
                <label for="courses-category">{t.courses_category}</label>
                <select id="courses-category" name="category">
                    <option value="">{t.courses_all_categories}</option>
                    {Category::ALL
                        .into_iter()
                        .map(|c| {
                            let chosen = query.category.as_deref() == Some(c.as_str());
                            view! { <option value=c.as_str() selected=chosen>{lang.category(c)}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="courses-centre">{t.courses_centre}</label>
                <select id="courses-centre" name="centre">
                    <option value="">{t.courses_all_centres}</option>
                    {centres
                        .into_iter()
                        .map(|c| {
                            let chosen = query.centre.as_deref() == Some(c.code.as_str());
                            view! { <option value=c.code.clone() selected=chosen>{c.name.get(lang).to_owned()}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="courses-city">{t.courses_city}</label>
                <input id="courses-city" type="text" name="city" value=query.city.clone().unwrap_or_default()/>
            </div>
            <div class="field checkbox">
                <input id="courses-open" type="checkbox" name="open" value="1" checked=query.open/>
                <label for="courses-open">{t.courses_open_now}</label>
            </div>
            <button type="submit">{t.users_search_submit}</button>
        </form>
    }
}

#[component]
fn Results(page: CoursePage, query: Query) -> impl IntoView {
    let t = use_text();
    let pages = page.pages();
    let current = page.page;
    view! {
        <p class="count">{page.total} " " {t.courses_found}</p>
        {if page.courses.is_empty() {
            view! { <p class="empty">{t.courses_none}</p> }.into_any()
        } else {
            view! {
                <ul class="course-list">
                    {page.courses.into_iter().map(|course| view! { <CourseItem course/> }).collect_view()}
                </ul>
            }
            .into_any()
        }}
        <Pager page=current pages href=Box::new(move |n| query.href(n))/>
    }
}

#[component]
fn CourseItem(course: CourseCard) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let href = format!("/courses/{}", course.code);
    view! {
        <li class="card course-card">
            <div class="course-meta">
                <span class="code">{course.code.clone()}</span>
                <span class="badge">{lang.category(course.category)}</span>
                {(course.open_classes > 0).then(|| view! { <span class="badge ok">{t.course_open_badge}</span> })}
            </div>
            <h2><a href=href>{course.title.get(lang).to_owned()}</a></h2>
            <p>{course.summary.get(lang).to_owned()}</p>
            <p class="facts-inline">
                <span>{course.centre.get(lang).to_owned()}</span>
                <span>{course.hours} " " {t.course_hours}</span>
                {course.next_start.map(|d| view! { <span>{t.course_next_start} ": " {lang.iso_date(&d)}</span> })}
            </p>
        </li>
    }
}
