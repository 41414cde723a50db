//! `/teach` and `/teach/classes/{id}`: an instructor's classes and each
//! class's roster, with decisions on applications, attendance and completion.

use crate::api::grading::SetExtraTime;
use crate::api::teaching::{
    class_roster, taught_classes, DecideEnrolment, RosterEntry, SetAttendance, TaughtClass,
    REASON_MAX_CHARS,
};
use crate::components::{problem_of, FormMessage};
use crate::domain::enrolment::EnrolmentState;
use crate::domain::{Industry, Province};
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

/// Bumped after a decision, to reload the roster.
#[derive(Clone, Copy)]
struct Changed(RwSignal<u32>);

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
    let changed = Changed(RwSignal::new(0));
    provide_context(changed);
    let roster = Resource::new(
        move || (class_id(), changed.0.get()),
        |(id, _)| class_roster(id),
    );
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
    let changed = expect_context::<Changed>();
    let decide = ServerAction::<DecideEnrolment>::new();
    let attendance = ServerAction::<SetAttendance>::new();
    let extra_time = ServerAction::<SetExtraTime>::new();
    let decide_value = decide.value();
    let attendance_value = attendance.value();
    let extra_value = extra_time.value();
    Effect::new(move |_| {
        if matches!(decide_value.get(), Some(Ok(_)))
            || matches!(attendance_value.get(), Some(Ok(())))
            || matches!(extra_value.get(), Some(Ok(())))
        {
            changed.0.update(|n| *n += 1);
        }
    });
    let id = entry.enrolment_id;
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
        <article class="card roster-entry">
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
                    <ActionForm action=decide attr:class="inline-form">
                        <input type="hidden" name="enrolment_id" value=id/>
                        <input type="hidden" name="decision" value="approve"/>
                        <button type="submit" class="small">{t.approve}</button>
                    </ActionForm>
                })}
                {seated.then(|| view! {
                    <ActionForm action=attendance attr:class="inline-form">
                        <input type="hidden" name="enrolment_id" value=id/>
                        <input type="hidden" name="attended" value=(!entry.attended).to_string()/>
                        <button type="submit" class="secondary small">
                            {if entry.attended { t.unmark_attended } else { t.mark_attended }}
                        </button>
                    </ActionForm>
                    <ActionForm action=decide attr:class="inline-form">
                        <input type="hidden" name="enrolment_id" value=id/>
                        <input type="hidden" name="decision" value="complete"/>
                        <button type="submit" class="secondary small">{t.mark_completed}</button>
                    </ActionForm>
                })}
                {can_reject.then(|| view! {
                    <details class="reject">
                        <summary>{t.reject}</summary>
                        <ActionForm action=decide attr:novalidate=true attr:class="stack">
                            <input type="hidden" name="enrolment_id" value=id/>
                            <input type="hidden" name="decision" value="reject"/>
                            <div class="field">
                                <label for=reason_id.clone()>{t.reject_reason}</label>
                                <textarea id=reason_id.clone() name="reason" rows="2" maxlength=REASON_MAX_CHARS></textarea>
                                <p class="field-error" id=format!("{reason_id}-error")>
                                    {move || problem_of(decide_value, "reason").get().map(|p| lang.problem(p))}
                                </p>
                            </div>
                            <button type="submit" class="small danger">{t.reject}</button>
                        </ActionForm>
                    </details>
                })}
            </div>
            {sits_exams.then(|| view! {
                <ActionForm action=extra_time attr:class="inline-form extra-time">
                    <input type="hidden" name="enrolment_id" value=id/>
                    <label for=extra_id.clone()>{t.extra_time_label}</label>
                    <select id=extra_id.clone() name="percent">
                        {[100, 125, 150, 200].into_iter().map(|p| view! {
                            <option value=p selected=p == extra>{if p == 100 { t.extra_time_none.to_owned() } else { lang.extra_time(p) }}</option>
                        }).collect_view()}
                    </select>
                    <button type="submit" class="secondary small">{t.extra_time_save}</button>
                </ActionForm>
            })}
            <FormMessage value=decide_value/>
            <FormMessage value=attendance_value/>
            <FormMessage value=extra_value/>
        </article>
    }
}
