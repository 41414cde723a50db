//! `/me`: the signed-in user's own page.

use crate::api::auth::SignOutEverywhere;
use crate::api::certificates::MyCertificate;
use crate::api::enrolment::{MyEnrolment, Withdraw};
use crate::api::exams::{MyExam, Standing};
use crate::api::users::{my_page, MyAccount, Profile};
use crate::components::{use_form, Form, FormMessage};
use crate::domain::enrolment::EnrolmentState;
use crate::domain::{Industry, Province};
use crate::i18n::{use_lang, use_text};
use crate::pages::errors::ErrorPage;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MePage() -> impl IntoView {
    let t = use_text();
    let page = Resource::new(|| (), |_| my_page());
    view! {
        <Title text=t.me_title/>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || page.get().map(|result| match result {
                Ok(MyAccount { profile, trainee }) => view! {
                    <ProfileView profile/>
                    {trainee.map(|record| view! {
                        <MyCertificates list=record.certificates/>
                        <MyExams list=record.exams/>
                        <MyClasses list=record.enrolments/>
                    })}
                }
                .into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn ProfileView(profile: Profile) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let province = profile
        .province
        .as_deref()
        .and_then(|code| Province::parse(code).ok())
        .map(|p| p.label(lang))
        .unwrap_or(t.not_given);
    let industry = profile
        .industry
        .as_deref()
        .and_then(|code| Industry::parse(code).ok())
        .map(|i| i.label(lang))
        .unwrap_or(t.not_given);
    let organisation = if profile.organisation.is_empty() {
        t.not_given.to_string()
    } else {
        profile.organisation.clone()
    };
    view! {
        <section class="card">
            <h1>{t.me_title}</h1>
            <p class="lead">{t.me_welcome} ", " {profile.user.name.clone()}</p>
            <dl class="facts">
                <dt>{t.field_name}</dt>
                <dd>{profile.user.name.clone()}</dd>
                <dt>{t.field_email}</dt>
                <dd>{profile.user.email.clone()}</dd>
                <dt>{t.me_role}</dt>
                <dd>{lang.role(profile.user.role)}</dd>
                <dt>{t.field_organisation}</dt>
                <dd>{organisation}</dd>
                <dt>{t.field_province}</dt>
                <dd>{province}</dd>
                <dt>{t.field_industry}</dt>
                <dd>{industry}</dd>
                <dt>{t.me_member_since}</dt>
                <dd>{lang.date(profile.created_at)}</dd>
            </dl>
            <SignOutEverywhereForm/>
        </section>
    }
}

/// Ends every session of the account, on every device.
#[component]
fn SignOutEverywhereForm() -> impl IntoView {
    let t = use_text();
    let form = use_form::<SignOutEverywhere>("sign-out-everywhere");
    view! {
        <Form form class="inline-form sessions">
            <p class="hint">{t.me_sign_out_everywhere_hint}</p>
            <button type="submit" class="secondary small">{t.me_sign_out_everywhere}</button>
        </Form>
        <FormMessage form/>
    }
}

/// The trainee's certificates with their status today, to print or
/// download (PDF and the signed credential).
#[component]
fn MyCertificates(list: Vec<MyCertificate>) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    (!list.is_empty()).then(|| view! {
        <section class="card" aria-labelledby="my-certificates">
            <h2 id="my-certificates">{t.me_certificates}</h2>
            <ul class="certificate-list">
                {list.into_iter().map(|c| view! {
                    <li class="certificate-item">
                        <div>
                            <p class="certificate-name">{c.type_name.get(lang).to_owned()}</p>
                            <p class="muted">
                                <span class="code">{c.number.clone()}</span> " · "
                                {lang.iso_date(&c.issued_on)} " – " {lang.iso_date(&c.expires_on)}
                            </p>
                            <p class="actions">
                                <a href=format!("/certificates/{}", c.number)>{t.cert_print}</a>
                                <a href=format!("/certificates/{}/pdf", c.number) download>{t.cert_pdf}</a>
                                {(!matches!(c.status.as_str(), "revoked" | "superseded")).then(|| view! {
                                    <a href=format!("/api/v1/certificates/{}/credential", c.number) download=format!("{}.json", c.number)>{t.cert_credential}</a>
                                })}
                                <a href=format!("/verify/{}", c.number)>{t.cert_public_page}</a>
                            </p>
                        </div>
                        <span class=format!("state certificate-{}", c.status)>{lang.certificate_status(&c.status)}</span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    })
}

#[component]
fn MyClasses(list: Vec<MyEnrolment>) -> impl IntoView {
    let t = use_text();
    view! {
        <section class="card" aria-labelledby="my-classes">
            <h2 id="my-classes">{t.me_enrolments}</h2>
            {if list.is_empty() {
                view! {
                    <p class="empty">{t.me_no_enrolments} " " <a href="/courses">{t.me_browse}</a></p>
                }
                .into_any()
            } else {
                view! {
                    <ul class="enrolment-list">
                        {list.into_iter().map(|enrolment| view! { <EnrolmentItem enrolment/> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn EnrolmentItem(enrolment: MyEnrolment) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let withdraw = use_form::<Withdraw>(format!("withdraw-{}", enrolment.id));
    let anchor = format!("enrolment-{}", enrolment.id);
    let item_id = anchor.clone();
    let can_withdraw = matches!(
        enrolment.state,
        EnrolmentState::Pending | EnrolmentState::Approved | EnrolmentState::Waitlisted
    );
    let course_href = format!("/courses/{}", enrolment.course_code);
    view! {
        <li class="enrolment" id=item_id>
            <div>
                <a href=course_href class="enrolment-title">{enrolment.course_title.get(lang).to_owned()}</a>
                <p class="muted">
                    {enrolment.class_name.get(lang).to_owned()} " · "
                    {enrolment.city.get(lang).to_owned()} " · "
                    {lang.iso_date(&enrolment.starts_on)} " – " {lang.iso_date(&enrolment.ends_on)}
                </p>
                {(!enrolment.decision_reason.is_empty()).then(|| view! {
                    <p class="muted">{t.reason} ": " {enrolment.decision_reason.clone()}</p>
                })}
            </div>
            <div class="enrolment-state">
                <span class=format!("state state-{}", enrolment.state.as_str())>{lang.enrolment_state(enrolment.state)}</span>
                {enrolment.position.map(|n| view! { <span class="position">{lang.waitlist_position(n)}</span> })}
                {can_withdraw.then(|| view! {
                    <Form form=withdraw anchor class="inline-form">
                        <input type="hidden" name="enrolment_id" value=enrolment.id/>
                        <button type="submit" class="secondary small">{t.withdraw}</button>
                    </Form>
                })}
                <FormMessage form=withdraw/>
            </div>
        </li>
    }
}

#[component]
fn MyExams(list: Vec<MyExam>) -> impl IntoView {
    let t = use_text();
    (!list.is_empty()).then(|| {
        view! {
            <section class="card" aria-labelledby="my-exams">
                <h2 id="my-exams">{t.me_exams}</h2>
                <ul class="enrolment-list">
                    {list.into_iter().map(|exam| view! { <ExamItem exam/> }).collect_view()}
                </ul>
            </section>
        }
    })
}

#[component]
fn ExamItem(exam: MyExam) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let href = format!("/exams/{}", exam.exam.id);
    let action = match exam.standing {
        Standing::Open => Some(t.exam_start),
        Standing::InProgress => Some(t.exam_continue),
        Standing::Passed | Standing::Failed => Some(t.exam_see_result),
        _ => None,
    };
    view! {
        <li class="enrolment">
            <div>
                <a href=href.clone() class="enrolment-title">{exam.exam.title.get(lang).to_owned()}</a>
                <p class="muted">
                    {exam.exam.course_title.get(lang).to_owned()} " · "
                    {exam.exam.class_name.get(lang).to_owned()} " · "
                    {lang.date_time(exam.exam.opens_at)} " – " {lang.date_time(exam.exam.closes_at)}
                </p>
            </div>
            <div class="enrolment-state">
                <span class=format!("state standing-{}", lang.standing_class(exam.standing))>{lang.standing(exam.standing)}</span>
                {exam.percent.map(|p| view! { <strong>{p} "%"</strong> })}
                {action.map(|label| view! { <a class="button small" href=href.clone()>{label}</a> })}
            </div>
        </li>
    }
}
