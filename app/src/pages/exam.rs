//! `/exams/{id}`: a trainee's exam — start or continue an attempt, answer
//! with every answer saved as it is given, hand in, and read the released
//! result.
//!
//! The time left comes from the server; when the page's countdown reaches
//! zero it asks the server again, which has closed the attempt by then.

use crate::api::catalogue::Localized;
use crate::api::exams::{
    exam_view, save_answer, submit_attempt, AttemptState, ExamForMe, ExamResult, Paper,
    PaperQuestion, ResultItem, StartAttempt,
};
use crate::components::FormMessage;
use crate::domain::exam::{letter, AnswerKey, QuestionKind};
use crate::error::{AppError, Problem};
use crate::i18n::{use_lang, use_text, Lang};
use crate::pages::errors::ErrorPage;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use std::collections::BTreeSet;

/// Bumped to ask the server for the exam again.
#[derive(Clone, Copy)]
struct Reload(RwSignal<u32>);

impl Reload {
    fn bump(self) {
        self.0.update(|n| *n += 1);
    }
}

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
    let reload = Reload(RwSignal::new(0));
    provide_context(reload);
    let view_resource = Resource::new(move || (exam_id(), reload.0.get()), |(id, _)| exam_view(id));
    view! {
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || view_resource.get().map(|result| match result {
                Ok(view) => view! { <ExamView view/> }.into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn ExamView(view: ExamForMe) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let reload = expect_context::<Reload>();
    let exam = view.exam.clone();
    let title = exam.title.get(lang).to_owned();
    let start = ServerAction::<StartAttempt>::new();
    let start_value = start.value();
    Effect::new(move |_| {
        if matches!(start_value.get(), Some(Ok(_))) {
            reload.bump();
        }
    });
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
        Some(paper) => view! { <Sitting paper/> }.into_any(),
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
                        <ActionForm action=start attr:class="inline-form">
                            <input type="hidden" name="exam_id" value=exam.id/>
                            <p class="muted">{t.exam_start_hint}</p>
                            <button type="submit" disabled=move || start.pending().get()>
                                {if again { t.exam_start_again } else { t.exam_start }}
                            </button>
                        </ActionForm>
                    })}
                    <FormMessage value=start_value/>
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

/// What the page knows about one question's answer.
#[derive(Clone, Debug, PartialEq)]
enum SaveStatus {
    Unchanged,
    Saving,
    Saved,
    Failed(AppError),
}

/// Saves one question's answer: at most one request in flight, and whatever
/// was typed meanwhile is sent when it returns, so the last value always
/// wins and never arrives before an older one.
#[derive(Clone, Copy)]
struct Saver {
    question_id: i64,
    latest: StoredValue<String>,
    saved: StoredValue<String>,
    busy: StoredValue<bool>,
    status: RwSignal<SaveStatus>,
}

impl Saver {
    fn new(question_id: i64, response: String) -> Self {
        Saver {
            question_id,
            latest: StoredValue::new(response.clone()),
            saved: StoredValue::new(response),
            busy: StoredValue::new(false),
            status: RwSignal::new(SaveStatus::Unchanged),
        }
    }

    fn set(self, attempt_id: i64, value: String, reload: Reload) {
        self.latest.set_value(value);
        spawn_local(self.push(attempt_id, reload));
    }

    async fn push(self, attempt_id: i64, reload: Reload) {
        if self.busy.get_value() {
            return;
        }
        self.busy.set_value(true);
        loop {
            let value = self.latest.get_value();
            if value == self.saved.get_value() {
                break;
            }
            self.status.set(SaveStatus::Saving);
            match save_answer(attempt_id, self.question_id, value.clone()).await {
                Ok(_) => {
                    self.saved.set_value(value);
                    self.status.set(SaveStatus::Saved);
                }
                Err(error) => {
                    let closed = error == AppError::Conflict(Problem::AttemptClosed);
                    self.status.set(SaveStatus::Failed(error));
                    if closed {
                        reload.bump();
                    }
                    break;
                }
            }
        }
        self.busy.set_value(false);
    }

    /// Waits for the request in flight, then sends anything still unsaved.
    async fn flush(self, attempt_id: i64, reload: Reload) {
        while self.busy.get_value() {
            sleep_ms(50).await;
        }
        self.push(attempt_id, reload).await;
    }
}

async fn sleep_ms(ms: u32) {
    let (done, wait) = futures::channel::oneshot::channel::<()>();
    set_timeout(
        move || {
            let _ = done.send(());
        },
        std::time::Duration::from_millis(ms.into()),
    );
    let _ = wait.await;
}

#[component]
fn Sitting(paper: Paper) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let reload = expect_context::<Reload>();
    let attempt_id = paper.attempt_id;
    let remaining = RwSignal::new(paper.remaining_secs);
    let asked = StoredValue::new(false);
    // The countdown runs in the browser only; the server keeps the real clock.
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || {
                let before = remaining.get_untracked();
                remaining.set((before - 1).max(0));
                // Once, when time runs out (also if it arrived at zero).
                if before == 1 || (before <= 0 && !asked.get_value()) {
                    asked.set_value(true);
                    reload.bump();
                }
            },
            std::time::Duration::from_secs(1),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    let savers: Vec<Saver> = paper
        .questions
        .iter()
        .map(|q| Saver::new(q.question_id, q.response.clone()))
        .collect();
    let all = StoredValue::new(savers.clone());
    let submitting = RwSignal::new(false);
    let submit_error = RwSignal::new(None::<AppError>);
    let submit = move |_| {
        if submitting.get_untracked() {
            return;
        }
        submitting.set(true);
        submit_error.set(None);
        spawn_local(async move {
            for saver in all.get_value() {
                saver.flush(attempt_id, reload).await;
            }
            // Never hand in over an answer the server has not got.
            let unsaved = all.with_value(|savers| {
                savers
                    .iter()
                    .filter_map(|s| match s.status.get_untracked() {
                        SaveStatus::Failed(error)
                            if s.latest.get_value() != s.saved.get_value() =>
                        {
                            Some(error)
                        }
                        _ => None,
                    })
                    .next()
            });
            if let Some(error) = unsaved {
                submit_error.set(Some(error));
                submitting.set(false);
                return;
            }
            match submit_attempt(attempt_id).await {
                Ok(_) => reload.bump(),
                Err(error) => {
                    submit_error.set(Some(error));
                    submitting.set(false);
                }
            }
        });
    };
    let failed = move || {
        all.with_value(|s| {
            s.iter()
                .any(|s| matches!(s.status.get(), SaveStatus::Failed(_)))
        })
    };
    let saving = move || all.with_value(|s| s.iter().any(|s| s.status.get() == SaveStatus::Saving));
    let total = paper.questions.len();
    view! {
        <div class="exam-bar" role="status">
            <span class="timer" class:timer-low=move || remaining.get() < 300>
                {t.exam_time_left} " " <strong data-testid="time-left">{move || clock(remaining.get())}</strong>
            </span>
            <span class="save-state">
                {move || if failed() { t.exam_not_saved } else if saving() { t.exam_saving } else { t.exam_all_saved }}
            </span>
        </div>
        <p class="muted">{lang.attempt_number(paper.number)} " · " {t.exam_autosave_hint}</p>
        <ol class="paper">
            {paper.questions.into_iter().zip(savers).enumerate().map(|(i, (question, saver))| {
                view! { <QuestionCard index=i + 1 total question saver attempt_id/> }
            }).collect_view()}
        </ol>
        <div class="actions exam-submit">
            <button type="button" on:click=submit disabled=move || submitting.get()>
                {move || if submitting.get() { t.exam_submitting } else { t.exam_submit }}
            </button>
            <p class="muted">{t.exam_submit_hint}</p>
        </div>
        {move || submit_error.get().map(|e| view! { <div class="form-message error" role="alert">{lang.error(&e)}</div> })}
    }
}

fn clock(secs: i64) -> String {
    let secs = secs.max(0);
    if secs >= 3600 {
        format!("{}:{:02}:{:02}", secs / 3600, secs % 3600 / 60, secs % 60)
    } else {
        format!("{:02}:{:02}", secs / 60, secs % 60)
    }
}

#[component]
fn QuestionCard(
    index: usize,
    total: usize,
    question: PaperQuestion,
    saver: Saver,
    attempt_id: i64,
) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let reload = expect_context::<Reload>();
    let qid = question.question_id;
    let name = format!("q{qid}");
    let heading_id = format!("q{qid}-prompt");
    let chosen: BTreeSet<u32> = question
        .response
        .split(',')
        .filter_map(|p| p.trim().parse().ok())
        .collect();
    let picked = RwSignal::new(chosen.clone());
    let save = move |value: String| saver.set(attempt_id, value, reload);
    let input = match question.kind {
        QuestionKind::Single | QuestionKind::Multiple => {
            let multiple = question.kind == QuestionKind::Multiple;
            view! {
                <div class="answer-options" role=if multiple { "group" } else { "radiogroup" } aria-labelledby=heading_id.clone()>
                    {question.options.iter().enumerate().map(|(shown, (original, text))| {
                        let original = *original;
                        let checked = chosen.contains(&original);
                        let on_change = move |_| {
                            picked.update(|set| {
                                if multiple {
                                    if !set.remove(&original) {
                                        set.insert(original);
                                    }
                                } else {
                                    set.clear();
                                    set.insert(original);
                                }
                            });
                            let encoded = picked.with_untracked(|s| s.iter().map(u32::to_string).collect::<Vec<_>>().join(","));
                            save(encoded);
                        };
                        view! {
                            <label class="option">
                                <input
                                    type=if multiple { "checkbox" } else { "radio" }
                                    name=name.clone()
                                    value=original
                                    checked=checked
                                    on:change=on_change
                                />
                                <span class="option-letter">{letter(shown)} "."</span>
                                <span>{text.get(lang).to_owned()}</span>
                            </label>
                        }
                    }).collect_view()}
                </div>
            }
            .into_any()
        }
        QuestionKind::TrueFalse => {
            let current = question.response.clone();
            view! {
                <div class="answer-options" role="radiogroup" aria-labelledby=heading_id.clone()>
                    {[("true", t.bank_true), ("false", t.bank_false)].into_iter().map(|(value, label)| view! {
                        <label class="option">
                            <input type="radio" name=name.clone() value=value checked=current == value
                                on:change=move |_| save(value.to_owned())/>
                            <span>{label}</span>
                        </label>
                    }).collect_view()}
                </div>
            }
            .into_any()
        }
        QuestionKind::ShortAnswer => view! {
            <input type="text" class="short-answer" name=name.clone() aria-labelledby=heading_id.clone()
                value=question.response.clone() autocomplete="off"
                on:input=move |ev| save(event_target_value(&ev))/>
        }
        .into_any(),
        QuestionKind::Essay => view! {
            <textarea class="essay" name=name.clone() rows="8" aria-labelledby=heading_id.clone()
                on:input=move |ev| save(event_target_value(&ev))>{question.response.clone()}</textarea>
        }
        .into_any(),
    };
    view! {
        <li class="card exam-question" data-question=qid>
            <div class="question-head">
                <span class="muted">{lang.question_of(index, total)} " · " {lang.kind(question.kind)} " · " {lang.points(question.points)}</span>
                <span class="save-mark" aria-live="polite">
                    {move || match saver.status.get() {
                        SaveStatus::Unchanged => String::new(),
                        SaveStatus::Saving => t.exam_saving.to_owned(),
                        SaveStatus::Saved => t.exam_saved.to_owned(),
                        SaveStatus::Failed(error) => lang.error(&error),
                    }}
                </span>
            </div>
            <p class="prompt" id=heading_id.clone()>{question.prompt.get(lang).to_owned()}</p>
            {input}
        </li>
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
