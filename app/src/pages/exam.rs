//! `/exams/{id}`: a trainee's exam — start or continue an attempt, answer
//! with every answer saved as it is given, hand in, and read the released
//! result.
//!
//! The page renders on the server; the paper of an attempt in progress is
//! the `ExamSitting` island (autosave, the server's clock, the hand-in
//! guard).

use crate::api::catalogue::Localized;
use crate::api::exams::{exam_view, AttemptState, ExamForMe, ExamResult, ResultItem, StartAttempt};
use crate::components::{use_form, Form, FormMessage};
use crate::domain::exam::{letter, AnswerKey, QuestionKind};
use crate::i18n::{use_lang, use_text, Lang};
use crate::islands::{ExamSitting, SittingQuestion, SittingText};
use crate::pages::errors::ErrorPage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ExamPage() -> impl IntoView {
    let t = use_text();
    let params = use_params_map();
    let exam_id = move || {
        params.with(|p| {
            p.get("id")
                .and_then(|id| id.parse::<i64>().ok())
                .unwrap_or(0)
        })
    };
    let view_resource = Resource::new(exam_id, exam_view);
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || view_resource.get().map(|result| match result {
                Ok(view) => view! { <ExamView view/> }.into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn ExamView(view: ExamForMe) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let exam = view.exam.clone();
    let title = exam.title.get(lang).to_owned();
    let start = use_form::<StartAttempt>("start");
    let attempts_line = lang.attempts_used(view.attempts.len() as i64, exam.attempts_allowed);
    let facts = view! {
        <p class="facts-inline">
            <span>{exam.course_title.get(lang).to_owned()} " · " {exam.class_name.get(lang).to_owned()}</span>
            <span>{lang.minutes(exam.time_limit_minutes)}</span>
            <span>{lang.date_time(exam.opens_at)} " – " {lang.date_time(exam.closes_at)}</span>
            <span>{t.exam_pass_mark} " " {exam.pass_percent} "%"</span>
            <span>{attempts_line}</span>
        </p>
    };
    let body = match view.paper {
        Some(paper) => view! {
            <noscript><p class="form-message warn">{t.exam_needs_javascript}</p></noscript>
            <ExamSitting
                attempt_id=paper.attempt_id
                remaining_secs=paper.remaining_secs
                questions=SittingQuestion::paper(lang, &paper.questions)
                text=SittingText::new(lang, paper.number)
            />
        }
        .into_any(),
        None => {
            let can_start = view.cannot_start.is_none();
            let again = !view.attempts.is_empty();
            // Once a result is out and no attempt can start, the result says it all.
            let status = view.result.is_none() || can_start;
            view! {
                <section class="card exam-status" class:hidden=!status>
                    <p class="standing-line">
                        <span class=format!("state standing-{}", lang.standing_class(view.standing))>{lang.standing(view.standing)}</span>
                    </p>
                    {view.cannot_start.filter(|_| view.result.is_none()).map(|problem| view! { <p class="muted">{lang.problem(problem)}</p> })}
                    {can_start.then(|| view! {
                        <Form form=start class="inline-form">
                            <input type="hidden" name="exam_id" value=exam.id/>
                            <p class="muted">{t.exam_start_hint}</p>
                            <button type="submit">
                                {if again { t.exam_start_again } else { t.exam_start }}
                            </button>
                        </Form>
                    })}
                    <FormMessage form=start/>
                </section>
                {(!view.attempts.is_empty()).then(|| view! {
                    <section class="card">
                        <h2>{t.exam_attempts}</h2>
                        <ul class="attempt-list">
                            {view.attempts.iter().map(|a| {
                                let state = lang.attempt_state(a.state);
                                let when = a.submitted_at.map(|s| lang.date_time(s)).unwrap_or_default();
                                let by_deadline = a.closed_by.as_deref() == Some("deadline");
                                view! {
                                    <li>
                                        <strong>{lang.attempt_number(a.number)}</strong>
                                        " · " {state}
                                        {(!when.is_empty()).then(|| format!(" · {when}"))}
                                        {by_deadline.then(|| view! { " · " <span class="muted">{t.exam_closed_by_deadline}</span> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                })}
                {view.result.map(|result| view! { <ResultView result pass_percent=exam.pass_percent/> })}
            }
            .into_any()
        }
    };
    view! {
        <Title text=title.clone()/>
        <p class="breadcrumb"><a href="/me">{t.exam_back}</a></p>
        <h1>{title}</h1>
        {facts}
        {body}
    }
}

/// The letter option `original` had on the trainee's paper (`order` lists
/// the original indexes as shown; empty when unknown).
fn shown_letter(order: &[u32], original: usize) -> char {
    letter(
        order
            .iter()
            .position(|&o| o as usize == original)
            .unwrap_or(original),
    )
}

/// A response as words: options by letter and text, true/false, or the text.
pub fn describe_response(
    lang: Lang,
    kind: QuestionKind,
    options: &[Localized],
    order: &[u32],
    response: &str,
) -> String {
    let t = lang.text();
    if response.trim().is_empty() {
        return t.exam_no_answer.to_owned();
    }
    match kind {
        QuestionKind::Single | QuestionKind::Multiple => response
            .split(',')
            .filter_map(|p| p.trim().parse::<usize>().ok())
            .map(|i| {
                let text = options.get(i).map(|o| o.get(lang)).unwrap_or_default();
                format!("{}. {text}", shown_letter(order, i))
            })
            .collect::<Vec<_>>()
            .join("；"),
        QuestionKind::TrueFalse => match response {
            "true" => t.bank_true.to_owned(),
            _ => t.bank_false.to_owned(),
        },
        _ => response.to_owned(),
    }
}

/// The key as words.
pub fn describe_key(lang: Lang, key: &AnswerKey, options: &[Localized], order: &[u32]) -> String {
    let t = lang.text();
    match key {
        AnswerKey::Choices(set) => set
            .iter()
            .map(|&i| {
                let text = options
                    .get(i as usize)
                    .map(|o| o.get(lang))
                    .unwrap_or_default();
                format!("{}. {text}", shown_letter(order, i as usize))
            })
            .collect::<Vec<_>>()
            .join("；"),
        AnswerKey::Truth(true) => t.bank_true.to_owned(),
        AnswerKey::Truth(false) => t.bank_false.to_owned(),
        AnswerKey::Accepted(list) => list.join(" / "),
        AnswerKey::None => t.bank_graded_by_person.to_owned(),
    }
}

#[component]
fn ResultView(result: ExamResult, pass_percent: i64) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let verdict = if result.passed {
        t.exam_passed
    } else {
        t.exam_failed
    };
    view! {
        <section class="card result" aria-labelledby="result-heading">
            <h2 id="result-heading">{t.exam_result}</h2>
            <p class="result-score">
                <span class=if result.passed { "state state-approved big" } else { "state state-rejected big" }>{verdict}</span>
                <strong>{result.percent} "%"</strong>
                <span class="muted">
                    {(result.max_points > 0).then(|| format!("{} / {} · ", result.score, result.max_points))}
                    {t.exam_pass_mark} " " {pass_percent} "%"
                    {(result.attempt_number > 0).then(|| format!(" · {}", lang.attempt_number(result.attempt_number)))}
                </span>
            </p>
            {result.override_reason.map(|reason| view! { <p class="muted">{t.exam_overridden} {lang.colon()} {reason}</p> })}
            {result.answers_withheld.then(|| view! { <p class="muted">{t.exam_answers_withheld}</p> })}
            <ol class="paper results">
                {result.items.into_iter().map(|item| view! { <ResultItemView item/> }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn ResultItemView(item: ResultItem) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let full = item.points == Some(item.max_points);
    let points = item
        .points
        .map(|p| format!("{p} / {}", item.max_points))
        .unwrap_or_else(|| t.exam_not_graded.to_owned());
    let your = describe_response(lang, item.kind, &item.options, &item.order, &item.response);
    let key = describe_key(lang, &item.key, &item.options, &item.order);
    let explanation = item.explanation.get(lang).to_owned();
    view! {
        <li class="card exam-question" class:correct=full>
            <div class="question-head">
                <span class="muted">{lang.kind(item.kind)}</span>
                <span class=if full { "badge ok" } else { "badge" }>{points}</span>
            </div>
            <p class="prompt">{item.prompt.get(lang).to_owned()}</p>
            <dl class="facts">
                <dt>{t.exam_your_answer}</dt>
                <dd class="response">{your}</dd>
                <dt>{t.exam_correct_answer}</dt>
                <dd>{key}</dd>
                {(!item.feedback.is_empty()).then(|| view! {
                    <dt>{t.exam_feedback}</dt>
                    <dd class="feedback">{item.feedback.clone()}</dd>
                })}
                {(!explanation.is_empty()).then(|| view! {
                    <dt>{t.exam_explanation}</dt>
                    <dd>{explanation.clone()}</dd>
                })}
            </dl>
        </li>
    }
}

/// The state word for an attempt, used by other pages too.
pub fn attempt_state_class(state: AttemptState) -> &'static str {
    match state {
        AttemptState::InProgress => "state-pending",
        AttemptState::AwaitingGrading => "state-waitlisted",
        AttemptState::Graded => "state-approved",
    }
}
