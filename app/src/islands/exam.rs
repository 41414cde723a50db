//! The exam runner: a trainee's paper while an attempt is open. Every
//! answer is saved as it is given; the countdown runs from the time the
//! server gave and, at zero, asks the server again (which has closed the
//! attempt by then); handing in waits for every answer to reach the server
//! and refuses to go ahead over one that did not.

use crate::api::exams::{save_answer, submit_attempt};
use crate::domain::exam::{letter, QuestionKind};
use crate::error::{AppError, Problem};
use crate::i18n::use_lang;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The runner's words in the page's language, filled in by the server: the
/// wasm carries no string tables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SittingText {
    pub time_left: String,
    pub not_saved: String,
    pub saving: String,
    pub saved: String,
    pub all_saved: String,
    /// "Attempt n · every answer is saved as you give it".
    pub intro: String,
    pub submit: String,
    pub submitting: String,
    pub submit_hint: String,
    pub true_word: String,
    pub false_word: String,
}

/// One question of the paper as the trainee sees it, in the page's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SittingQuestion {
    pub question_id: i64,
    pub kind: QuestionKind,
    /// "Question 2 of 8 · Single choice · 2 points".
    pub heading: String,
    pub prompt: String,
    /// The options in the order shown, each with its original index.
    pub options: Vec<(u32, String)>,
    /// What the trainee has saved so far.
    pub response: String,
}

#[cfg(feature = "ssr")]
impl SittingText {
    pub fn new(lang: crate::i18n::Lang, attempt_number: i64) -> Self {
        let t = lang.text();
        SittingText {
            time_left: t.exam_time_left.into(),
            not_saved: t.exam_not_saved.into(),
            saving: t.exam_saving.into(),
            saved: t.exam_saved.into(),
            all_saved: t.exam_all_saved.into(),
            intro: format!(
                "{} · {}",
                lang.attempt_number(attempt_number),
                t.exam_autosave_hint
            ),
            submit: t.exam_submit.into(),
            submitting: t.exam_submitting.into(),
            submit_hint: t.exam_submit_hint.into(),
            true_word: t.bank_true.into(),
            false_word: t.bank_false.into(),
        }
    }
}

#[cfg(feature = "ssr")]
impl SittingQuestion {
    /// The paper's questions in `lang`.
    pub fn paper(
        lang: crate::i18n::Lang,
        questions: &[crate::api::exams::PaperQuestion],
    ) -> Vec<SittingQuestion> {
        let total = questions.len();
        questions
            .iter()
            .enumerate()
            .map(|(i, q)| SittingQuestion {
                question_id: q.question_id,
                kind: q.kind,
                heading: format!(
                    "{} · {} · {}",
                    lang.question_of(i + 1, total),
                    lang.kind(q.kind),
                    lang.points(q.points)
                ),
                prompt: q.prompt.get(lang).to_owned(),
                options: q
                    .options
                    .iter()
                    .map(|(original, text)| (*original, text.get(lang).to_owned()))
                    .collect(),
                response: q.response.clone(),
            })
            .collect()
    }
}

/// Loads the page again: the server then shows what the attempt has become
/// (handed in, closed at the deadline).
fn reload_page() {
    let _ = window().location().reload();
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

    fn set(self, attempt_id: i64, value: String) {
        self.latest.set_value(value);
        spawn_local(self.push(attempt_id));
    }

    async fn push(self, attempt_id: i64) {
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
                        reload_page();
                    }
                    break;
                }
            }
        }
        self.busy.set_value(false);
    }

    /// Waits for the request in flight, then sends anything still unsaved.
    async fn flush(self, attempt_id: i64) {
        while self.busy.get_value() {
            sleep_ms(50).await;
        }
        self.push(attempt_id).await;
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

fn clock(secs: i64) -> String {
    let secs = secs.max(0);
    if secs >= 3600 {
        format!("{}:{:02}:{:02}", secs / 3600, secs % 3600 / 60, secs % 60)
    } else {
        format!("{:02}:{:02}", secs / 60, secs % 60)
    }
}

#[island(lazy)]
pub fn ExamSitting(
    attempt_id: i64,
    /// Seconds left when the server rendered the page.
    remaining_secs: i64,
    questions: Vec<SittingQuestion>,
    text: SittingText,
) -> impl IntoView {
    let lang = use_lang();
    let text = StoredValue::new(text);
    let word = move |pick: fn(&SittingText) -> &String| text.with_value(|t| pick(t).clone());
    let remaining = RwSignal::new(remaining_secs);
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
                    reload_page();
                }
            },
            std::time::Duration::from_secs(1),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    let savers: Vec<Saver> = questions
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
                saver.flush(attempt_id).await;
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
                Ok(_) => reload_page(),
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
    view! {
        <div class="exam-bar" role="status">
            <span class="timer" class:timer-low=move || remaining.get() < 300>
                {word(|t| &t.time_left)} " " <strong data-testid="time-left">{move || clock(remaining.get())}</strong>
            </span>
            <span class="save-state">
                {move || if failed() { word(|t| &t.not_saved) } else if saving() { word(|t| &t.saving) } else { word(|t| &t.all_saved) }}
            </span>
        </div>
        <p class="muted">{word(|t| &t.intro)}</p>
        <ol class="paper">
            {questions.into_iter().zip(savers).map(|(question, saver)| {
                view! { <QuestionCard question saver attempt_id text/> }
            }).collect_view()}
        </ol>
        <div class="actions exam-submit">
            <button type="button" on:click=submit disabled=move || submitting.get()>
                {move || if submitting.get() { word(|t| &t.submitting) } else { word(|t| &t.submit) }}
            </button>
            <p class="muted">{word(|t| &t.submit_hint)}</p>
        </div>
        {move || submit_error.get().map(|e| view! { <div class="form-message error" role="alert">{lang.error(&e)}</div> })}
    }
}

#[component]
fn QuestionCard(
    question: SittingQuestion,
    saver: Saver,
    attempt_id: i64,
    text: StoredValue<SittingText>,
) -> impl IntoView {
    let lang = use_lang();
    let word = move |pick: fn(&SittingText) -> &String| text.with_value(|t| pick(t).clone());
    let qid = question.question_id;
    let name = format!("q{qid}");
    let heading_id = format!("q{qid}-prompt");
    let chosen: BTreeSet<u32> = question
        .response
        .split(',')
        .filter_map(|p| p.trim().parse().ok())
        .collect();
    let picked = RwSignal::new(chosen.clone());
    let save = move |value: String| saver.set(attempt_id, value);
    let input = match question.kind {
        QuestionKind::Single | QuestionKind::Multiple => {
            let multiple = question.kind == QuestionKind::Multiple;
            view! {
                <div class="answer-options" role=if multiple { "group" } else { "radiogroup" } aria-labelledby=heading_id.clone()>
                    {question.options.iter().enumerate().map(|(shown, (original, label))| {
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
                                <span>{label.clone()}</span>
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
                    {[("true", word(|t| &t.true_word)), ("false", word(|t| &t.false_word))].into_iter().map(|(value, label)| view! {
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
                on:input=move |ev| save(event_target_value(&ev))>{crate::html::textarea_text(&question.response)}</textarea>
        }
        .into_any(),
    };
    view! {
        <li class="card exam-question" data-question=qid>
            <div class="question-head">
                <span class="muted">{question.heading.clone()}</span>
                <span class="save-mark" aria-live="polite">
                    {move || match saver.status.get() {
                        SaveStatus::Unchanged => String::new(),
                        SaveStatus::Saving => word(|t| &t.saving),
                        SaveStatus::Saved => word(|t| &t.saved),
                        SaveStatus::Failed(error) => lang.error(&error),
                    }}
                </span>
            </div>
            <p class="prompt" id=heading_id.clone()>{question.prompt.clone()}</p>
            {input}
        </li>
    }
}
