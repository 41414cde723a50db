//! `/courses/{code}`: one course, its upcoming classes with seats left, and
//! for a trainee the way to enrol, see their place and withdraw.

use crate::api::catalogue::{get_course, ClassInfo, CourseDetail};
use crate::api::enrolment::{Enrol, Withdraw, NOTE_MAX_CHARS};
use crate::app::UserResource;
use crate::components::{use_form, FieldError, Form, FormMessage};
use crate::domain::enrolment::{Approval, EnrolmentState};
use crate::domain::Role;
use crate::html::textarea_text;
use crate::i18n::{use_lang, use_text};
use crate::pages::errors::ErrorPage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CoursePage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let course = Resource::new(code, get_course);
    view! {
        <Transition fallback=move || view! { <p class="loading">{use_text().loading}</p> }>
            {move || course.get().map(|result| match result {
                Ok(course) => view! { <CourseView course/> }.into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn CourseView(course: CourseDetail) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let title = course.title.get(lang).to_owned();
    let code = course.code.clone();
    view! {
        <Title text=title.clone()/>
        <p class="breadcrumb"><a href="/courses">{t.course_back}</a></p>
        <section class="card">
            <div class="course-meta">
                <span class="code">{course.code.clone()}</span>
                <span class="badge">{lang.category(course.category)}</span>
            </div>
            <h1>{title}</h1>
            <p class="lead">{course.summary.get(lang).to_owned()}</p>
            <p class="facts-inline">
                <span>{course.centre.get(lang).to_owned()}</span>
                <span>{course.hours} " " {t.course_hours}</span>
            </p>
        </section>
        <h2>{t.course_classes}</h2>
        {if course.classes.is_empty() {
            view! { <p class="empty">{t.course_no_classes}</p> }.into_any()
        } else {
            view! {
                <div class="class-list">
                    {course.classes.into_iter().map(|class| view! { <ClassCard class code=code.clone()/> }).collect_view()}
                </div>
            }
            .into_any()
        }}
    }
}

#[component]
fn ClassCard(class: ClassInfo, code: String) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let user = expect_context::<UserResource>();
    // One key per class: the answer to a post shows beside this class only.
    let enrol = use_form::<Enrol>(format!("enrol-{}", class.id));
    let withdraw = use_form::<Withdraw>(format!("withdraw-{}", class.id));
    let heading_id = format!("class-{}", class.id);
    let full = class.seats_left() == 0;
    let place = format!(
        "{}{}",
        class.city.get(lang),
        if class.venue.is_empty() {
            String::new()
        } else {
            format!(" · {}", class.venue)
        }
    );
    let class_for_action = class.clone();
    let anchor = heading_id.clone();
    let action = move || {
        let class = class_for_action.clone();
        let anchor = anchor.clone();
        let viewer = user.get().and_then(|r| r.ok()).flatten();
        if let Some(mine) = class.mine.clone() {
            let can_withdraw = matches!(
                mine.state,
                EnrolmentState::Pending | EnrolmentState::Approved | EnrolmentState::Waitlisted
            );
            return view! {
                <div class="my-place">
                    <p>
                        {t.your_place} ": "
                        <strong class=format!("state state-{}", mine.state.as_str())>{lang.enrolment_state(mine.state)}</strong>
                        {mine.position.map(|n| view! { " — " {lang.waitlist_position(n)} })}
                    </p>
                    {can_withdraw.then(|| view! {
                        <Form form=withdraw anchor=anchor.clone() class="inline-form">
                            <input type="hidden" name="enrolment_id" value=mine.enrolment_id/>
                            <button type="submit" class="secondary small">{t.withdraw}</button>
                        </Form>
                    })}
                    <FormMessage form=withdraw/>
                </div>
            }
            .into_any();
        }
        if let Some(problem) = class.window {
            return view! { <p class="muted">{lang.problem(problem)}</p> }.into_any();
        }
        if full && !class.waitlist {
            return view! { <p class="muted">{t.enrol_full}</p> }.into_any();
        }
        match viewer {
            None => {
                let next = format!("/login?next=/courses/{}", code);
                view! { <a class="button" href=next>{t.enrol_sign_in}</a> }.into_any()
            }
            Some(viewer) if viewer.role != Role::Trainee => {
                view! { <p class="muted">{t.enrol_staff}</p> }.into_any()
            }
            Some(_) => {
                let note_id = format!("note-{}", class.id);
                view! {
                    <Form form=enrol anchor class="stack enrol-form">
                        <input type="hidden" name="class_id" value=class.id/>
                        <div class="field" class:has-error=enrol.problem("note").is_some()>
                            <label for=note_id.clone()>
                                {t.enrol_note} <span class="optional">" (" {t.optional} ")"</span>
                            </label>
                            <textarea id=note_id.clone() name="note" rows="2" maxlength=NOTE_MAX_CHARS
                                aria-describedby=format!("{note_id}-error")>{textarea_text(&enrol.value("note").unwrap_or_default())}</textarea>
                            <FieldError id=note_id.clone() problem=enrol.problem("note")/>
                        </div>
                        <FormMessage form=enrol/>
                        <button type="submit">
                            {if full { t.enrol_join_waitlist } else { t.enrol_submit }}
                        </button>
                    </Form>
                }
                .into_any()
            }
        }
    };
    view! {
        <article class="card class-card" aria-labelledby=heading_id.clone()>
            <h3 id=heading_id.clone()>{class.name.get(lang).to_owned()}</h3>
            <dl class="facts">
                <dt>{t.class_dates}</dt>
                <dd>{lang.iso_date(&class.starts_on)} " – " {lang.iso_date(&class.ends_on)}</dd>
                <dt>{t.class_place}</dt>
                <dd>{place}</dd>
                <dt>{t.class_seats}</dt>
                <dd>
                    {lang.seats_left(class.seats_left(), class.capacity)}
                    {(class.waiting > 0).then(|| view! { " · " {lang.waiting(class.waiting)} })}
                </dd>
                <dt>{t.class_window}</dt>
                <dd>
                    {lang.date_time(class.enrol_opens_at)} " – " {lang.date_time(class.enrol_closes_at)}
                    <br/>
                    <span class="muted">
                        {match class.approval {
                            Approval::Automatic => t.approval_automatic,
                            Approval::Manual => t.approval_manual,
                        }}
                    </span>
                </dd>
            </dl>
            <Transition fallback=|| ()>{action}</Transition>
        </article>
    }
}
