//! A grading card: points and feedback for one answer, saved in place so
//! that what is being typed in the other cards of the queue stays.

use super::form::{form_message, FieldErrorText, PostBack, PostBackFields};
use crate::api::grading::{grade_answer, QueueItem};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

/// A grading card's words in the page's language, filled in by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeText {
    pub graded: String,
    pub waiting: String,
    pub points: String,
    pub feedback: String,
    pub save: String,
    pub saved: String,
}

#[cfg(feature = "ssr")]
impl GradeText {
    pub fn new(lang: crate::i18n::Lang) -> Self {
        let t = lang.text();
        GradeText {
            graded: t.grading_graded.into(),
            waiting: t.grading_waiting.into(),
            points: t.grading_points.into(),
            feedback: t.grading_feedback.into(),
            save: t.grading_save.into(),
            saved: t.saved.into(),
        }
    }
}

#[island(lazy)]
pub fn GradeCard(
    item: QueueItem,
    /// The trainee's name, or "Candidate n" when names are hidden.
    who: String,
    /// The answer in words.
    response: String,
    max: i64,
    post_back: PostBack,
    text: GradeText,
) -> impl IntoView {
    let text = StoredValue::new(text);
    let word = move |pick: fn(&GradeText) -> &String| text.with_value(|t| pick(t).clone());
    let graded = RwSignal::new(item.points);
    let error = RwSignal::new(post_back.error.clone());
    let done = RwSignal::new(post_back.done);
    let pending = RwSignal::new(false);
    let points = RwSignal::new(
        post_back
            .value("points")
            .or_else(|| item.points.map(|p| p.to_string()))
            .unwrap_or_default(),
    );
    let feedback = RwSignal::new(
        post_back
            .value("feedback")
            .unwrap_or_else(|| item.feedback.clone()),
    );
    let (attempt_id, question_id) = (item.attempt_id, item.question_id);
    let prefix = format!("grade-{attempt_id}-{question_id}");
    let points_id = format!("{prefix}-points");
    let feedback_id = format!("{prefix}-feedback");
    let problem = move |field: &'static str| {
        move || error.with(|e| e.as_ref().and_then(|e| e.field_problem(field)))
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        done.set(false);
        spawn_local(async move {
            let result = grade_answer(
                attempt_id,
                question_id,
                points.get_untracked(),
                Some(feedback.get_untracked()),
            )
            .await;
            match result {
                Ok(recorded) => {
                    graded.set(Some(recorded));
                    error.set(None);
                    done.set(true);
                }
                Err(refused) => error.set(Some(refused)),
            }
            pending.set(false);
        });
    };
    view! {
        <article class="card grade-card" id=prefix.clone()>
            <div class="roster-head">
                <h3>{who}</h3>
                {move || match graded.get() {
                    Some(p) => view! { <span class="badge ok">{word(|t| &t.graded)} " " {p} " / " {max}</span> }.into_any(),
                    None => view! { <span class="badge warn">{word(|t| &t.waiting)}</span> }.into_any(),
                }}
            </div>
            <blockquote class="response">{response}</blockquote>
            <form method="post" action=post_back.action.clone() class="stack" novalidate on:submit=save>
                <PostBackFields post_back=post_back.clone()/>
                <input type="hidden" name="attempt_id" value=attempt_id/>
                <input type="hidden" name="question_id" value=question_id/>
                <div class="field" class:has-error=move || problem("points")().is_some()>
                    <label for=points_id.clone()>{word(|t| &t.points)} " (0–" {max} ")"</label>
                    <input id=points_id.clone() name="points" type="number" min="0" max=max
                        value=points.get_untracked()
                        prop:value=points
                        on:input=move |ev| points.set(event_target_value(&ev))
                        aria-describedby=format!("{points_id}-error")/>
                    <FieldErrorText id=format!("{points_id}-error") problem=Signal::derive(problem("points"))/>
                </div>
                <div class="field" class:has-error=move || problem("feedback")().is_some()>
                    <label for=feedback_id.clone()>{word(|t| &t.feedback)}</label>
                    <textarea id=feedback_id.clone() name="feedback" rows="3"
                        prop:value=feedback
                        on:input=move |ev| feedback.set(event_target_value(&ev))
                        aria-describedby=format!("{feedback_id}-error")>{crate::html::textarea_text(&feedback.get_untracked())}</textarea>
                    <FieldErrorText id=format!("{feedback_id}-error") problem=Signal::derive(problem("feedback"))/>
                </div>
                {move || form_message(error.get(), done.get(), word(|t| &t.saved))}
                <div class="actions">
                    <button type="submit" class="small" disabled=move || pending.get()>{word(|t| &t.save)}</button>
                </div>
            </form>
        </article>
    }
}
