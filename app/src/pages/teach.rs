//! `/teach` and `/teach/classes/{id}`: an instructor's classes and each
//! class's roster, with decisions on applications, attendance and completion.

use crate::api::grading::SetExtraTime;
use crate::api::teaching::{
    class_roster, taught_classes, DecideEnrolment, RosterEntry, SetAttendance, TaughtClass,
    REASON_MAX_CHARS,
};
use crate::components::{use_form, FieldError, Form, FormMessage};
use crate::domain::enrolment::EnrolmentState;
use crate::domain::{Industry, Province};
use crate::html::textarea_text;
use crate::i18n::{use_lang, use_text};
use crate::pages::errors::ErrorPage;
use crate::pages::teach_exams::ClassTabs;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn TeachPage() -> impl IntoView {
    let t = use_text();
    let classes = Resource::new(|| (), |_| taught_classes());
    view! {
        <Title text=t.teach_title/>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || classes.get().map(|result| match result {
                Ok(classes) => view! {
                    <h1>{t.teach_title}</h1>
                    {if classes.is_empty() {
                        view! { <p class="empty">{t.teach_none}</p> }.into_any()
                    } else {
                        view! {
                            <div class="class-list">
                                {classes.into_iter().map(|class| view! { <TaughtClassCard class/> }).collect_view()}
                            </div>
                        }
                        .into_any()
                    }}
                }
                .into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn TaughtClassCard(class: TaughtClass) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let href = format!("/teach/classes/{}", class.id);
    let heading = format!(
        "{} · {}",
        class.course_title.get(lang),
        class.name.get(lang)
    );
    view! {
        <article class="card class-card">
            <h3><a href=href>{heading}</a></h3>
            <p class="muted">
                {class.city.get(lang).to_owned()} " · "
                {lang.iso_date(&class.starts_on)} " – " {lang.iso_date(&class.ends_on)}
            </p>
            <p>
                {lang.seats_left((class.capacity - class.seats_taken).max(0), class.capacity)}
                {(class.waiting > 0).then(|| view! { " · " {lang.waiting(class.waiting)} })}
            </p>
            {(class.pending > 0).then(|| view! {
                <p><span class="state state-pending">{class.pending} " " {t.teach_pending}</span></p>
            })}
        </article>
    }
}

#[component]
pub fn RosterPage() -> impl IntoView {
    let t = use_text();
    let params = use_params_map();
    let class_id = move || {
        params.with(|p| {
            p.get("id")
                .and_then(|id| id.parse::<i64>().ok())
                .unwrap_or(0)
        })
    };
    let roster = Resource::new(class_id, class_roster);
    view! {
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || roster.get().map(|result| match result {
                Ok(roster) => {
                    let lang = use_lang();
                    let class = roster.class;
                    let title = format!("{} · {}", class.course_title.get(lang), class.name.get(lang));
                    let csv = format!("/teach/classes/{}/roster.csv", class.id);
                    view! {
                        <Title text=title.clone()/>
                        <p class="breadcrumb"><a href="/teach">{t.teach_back}</a></p>
                        <h1>{title}</h1>
                        <p class="facts-inline">
                            <span>{class.city.get(lang).to_owned()}</span>
                            <span>{lang.iso_date(&class.starts_on)} " – " {lang.iso_date(&class.ends_on)}</span>
                            <span>{lang.seats_left((class.capacity - class.seats_taken).max(0), class.capacity)}</span>
                            {(class.waiting > 0).then(|| view! { <span>{lang.waiting(class.waiting)}</span> })}
                        </p>
                        <ClassTabs class_id=class.id course_code=class.course_code.clone()/>
                        <p><a class="button secondary" href=csv download="" rel="external">{t.teach_export}</a></p>
                        <h2>{t.teach_roster}</h2>
                        {if roster.entries.is_empty() {
                            view! { <p class="empty">{t.roster_empty}</p> }.into_any()
                        } else {
                            view! {
                                <div class="roster">
                                    {roster.entries.into_iter().map(|entry| view! { <RosterCard entry/> }).collect_view()}
                                </div>
                            }
                            .into_any()
                        }}
                    }
                    .into_any()
                }
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn RosterCard(entry: RosterEntry) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let id = entry.enrolment_id;
    // Keys per enrolment: an answer shows on this trainee's card only.
    let approve = use_form::<DecideEnrolment>(format!("approve-{id}"));
    let complete = use_form::<DecideEnrolment>(format!("complete-{id}"));
    let reject = use_form::<DecideEnrolment>(format!("reject-{id}"));
    let attendance = use_form::<SetAttendance>(format!("attendance-{id}"));
    let extra_time = use_form::<SetExtraTime>(format!("extra-{id}"));
    let anchor = format!("enrolment-{id}");
    let reason_id = format!("reason-{id}");
    let province = entry
        .province
        .as_deref()
        .and_then(|c| Province::parse(c).ok())
        .map(|p| p.label(lang));
    let industry = entry
        .industry
        .as_deref()
        .and_then(|c| Industry::parse(c).ok())
        .map(|i| i.label(lang));
    let details = [
        Some(entry.organisation.as_str()).filter(|o| !o.is_empty()),
        province,
        industry,
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let can_approve = entry.state == EnrolmentState::Pending;
    let can_reject = matches!(
        entry.state,
        EnrolmentState::Pending | EnrolmentState::Waitlisted
    );
    let seated = entry.state == EnrolmentState::Approved;
    let sits_exams = matches!(
        entry.state,
        EnrolmentState::Approved | EnrolmentState::Completed
    );
    let extra = entry.extra_time_percent.unwrap_or(100);
    let extra_id = format!("extra-{id}");
    view! {
        <article class="card roster-entry" id=anchor.clone()>
            <div class="roster-head">
                <h3>{entry.name.clone()}</h3>
                <span class=format!("state state-{}", entry.state.as_str())>{lang.enrolment_state(entry.state)}</span>
                {entry.position.map(|n| view! { <span class="position">{lang.waitlist_position(n)}</span> })}
                {(entry.attended && entry.state != EnrolmentState::Completed).then(|| view! { <span class="badge ok">{t.roster_attended}</span> })}
                {(extra > 100).then(|| view! { <span class="badge">{lang.extra_time(extra)}</span> })}
            </div>
            <p class="muted">{entry.email.clone()} {(!details.is_empty()).then(|| format!(" · {details}"))}</p>
            <p class="muted">{t.roster_applied} ": " {lang.date_time(entry.applied_at)}</p>
            {(!entry.note.is_empty()).then(|| view! { <blockquote class="note">{entry.note.clone()}</blockquote> })}
            {(!entry.decision_reason.is_empty()).then(|| view! { <p class="muted">{t.reason} ": " {entry.decision_reason.clone()}</p> })}
            <div class="row-actions">
                {can_approve.then(|| view! {
                    <Form form=approve anchor=anchor.clone() class="inline-form">
                        <input type="hidden" name="enrolment_id" value=id/>
                        <input type="hidden" name="decision" value="approve"/>
                        <button type="submit" class="small">{t.approve}</button>
                    </Form>
                })}
                {seated.then(|| view! {
                    <Form form=attendance anchor=anchor.clone() class="inline-form">
                        <input type="hidden" name="enrolment_id" value=id/>
                        <input type="hidden" name="attended" value=(!entry.attended).to_string()/>
                        <button type="submit" class="secondary small">
                            {if entry.attended { t.unmark_attended } else { t.mark_attended }}
                        </button>
                    </Form>
                    <Form form=complete anchor=anchor.clone() class="inline-form">
                        <input type="hidden" name="enrolment_id" value=id/>
                        <input type="hidden" name="decision" value="complete"/>
                        <button type="submit" class="secondary small">{t.mark_completed}</button>
                    </Form>
                })}
                {can_reject.then(|| view! {
                    <details class="reject" open=reject.was_refused()>
                        <summary>{t.reject}</summary>
                        <Form form=reject anchor=anchor.clone() class="stack">
                            <input type="hidden" name="enrolment_id" value=id/>
                            <input type="hidden" name="decision" value="reject"/>
                            <div class="field" class:has-error=reject.problem("reason").is_some()>
                                <label for=reason_id.clone()>{t.reject_reason}</label>
                                <textarea id=reason_id.clone() name="reason" rows="2" maxlength=REASON_MAX_CHARS
                                    aria-describedby=format!("{reason_id}-error")>{textarea_text(&reject.value("reason").unwrap_or_default())}</textarea>
                                <FieldError id=reason_id.clone() problem=reject.problem("reason")/>
                            </div>
                            <button type="submit" class="small danger">{t.reject}</button>
                        </Form>
                    </details>
                })}
            </div>
            {sits_exams.then(|| view! {
                <Form form=extra_time anchor=anchor.clone() class="inline-form extra-time">
                    <input type="hidden" name="enrolment_id" value=id/>
                    <label for=extra_id.clone()>{t.extra_time_label}</label>
                    <select id=extra_id.clone() name="percent">
                        {[100, 125, 150, 200].into_iter().map(|p| view! {
                            <option value=p selected=p == extra>{if p == 100 { t.extra_time_none.to_owned() } else { lang.extra_time(p) }}</option>
                        }).collect_view()}
                    </select>
                    <button type="submit" class="secondary small">{t.extra_time_save}</button>
                </Form>
            })}
            <FormMessage form=approve/>
            <FormMessage form=complete/>
            <FormMessage form=reject/>
            <FormMessage form=attendance/>
            <FormMessage form=extra_time/>
        </article>
    }
}
