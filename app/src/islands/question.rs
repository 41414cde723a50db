//! The question editor: the form that adds or edits a bank question. It
//! posts like any page form; in the browser it follows the chosen kind,
//! saying how to write that kind's answer and leaving out the options where
//! the kind has none.

use super::form::{form_message, PostBack, PostBackFields};
use crate::domain::exam::{QuestionDraft, QuestionKind};
use crate::error::Problem;
use crate::i18n::use_lang;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The editor's words in the page's language, filled in by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorText {
    pub kind: String,
    pub choose: String,
    /// Each kind's name, in `QuestionKind::ALL` order.
    pub kinds: Vec<String>,
    pub kind_fixed: String,
    /// "Kind: " with the page's colon.
    pub kind_is: String,
    pub prompt_zh: String,
    pub prompt_en: String,
    pub options: String,
    pub options_hint: String,
    pub answer: String,
    /// How to write the answer: before a kind is chosen, then per kind in
    /// `QuestionKind::ALL` order.
    pub answer_hints: Vec<String>,
    pub points: String,
    pub tags: String,
    pub tags_hint: String,
    pub explanation_zh: String,
    pub explanation_en: String,
    pub explanation_hint: String,
    pub regrade_note: String,
    pub add: String,
    pub save: String,
}

#[cfg(feature = "ssr")]
impl EditorText {
    pub fn new(lang: crate::i18n::Lang) -> Self {
        let t = lang.text();
        EditorText {
            kind: t.bank_field_kind.into(),
            choose: t.choose.into(),
            kinds: QuestionKind::ALL
                .iter()
                .map(|k| crate::domain::bank::kind_label(lang, *k).to_owned())
                .collect(),
            kind_fixed: t.bank_kind_fixed.into(),
            kind_is: format!("{}{}", t.bank_field_kind, lang.colon()),
            prompt_zh: t.bank_field_prompt_zh.into(),
            prompt_en: t.bank_field_prompt_en.into(),
            options: t.bank_field_options.into(),
            options_hint: t.bank_options_hint.into(),
            answer: t.bank_field_answer.into(),
            answer_hints: [
                t.bank_answer_hint_any,
                t.bank_answer_hint_single,
                t.bank_answer_hint_multiple,
                t.bank_answer_hint_true_false,
                t.bank_answer_hint_short_answer,
                t.bank_answer_hint_essay,
            ]
            .map(str::to_owned)
            .to_vec(),
            points: t.bank_field_points.into(),
            tags: t.bank_field_tags.into(),
            tags_hint: t.bank_tags_hint.into(),
            explanation_zh: t.bank_field_explanation_zh.into(),
            explanation_en: t.bank_field_explanation_en.into(),
            explanation_hint: t.bank_explanation_hint.into(),
            regrade_note: t.bank_regrade_note.into(),
            add: t.bank_add_submit.into(),
            save: t.bank_save_submit.into(),
        }
    }
}

/// The position of `kind` in `QuestionKind::ALL` (and so in the texts).
fn kind_index(kind: QuestionKind) -> usize {
    QuestionKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or_default()
}

#[island(lazy)]
pub fn QuestionEditor(
    course_code: String,
    /// `None` adds a question.
    question_id: Option<i64>,
    /// A question keeps its kind: the edit form shows it instead of asking.
    fixed_kind: Option<QuestionKind>,
    /// What the fields show: the question, or what was just typed.
    draft: QuestionDraft,
    post_back: PostBack,
    text: EditorText,
) -> impl IntoView {
    let text = StoredValue::new(text);
    let word = move |pick: fn(&EditorText) -> &String| text.with_value(|t| pick(t).clone());
    let kind_name = move |kind: QuestionKind| {
        text.with_value(|t| t.kinds.get(kind_index(kind)).cloned().unwrap_or_default())
    };
    let answer_hint = move |kind: Option<QuestionKind>| {
        let at = kind.map(|k| kind_index(k) + 1).unwrap_or(0);
        text.with_value(|t| t.answer_hints.get(at).cloned().unwrap_or_default())
    };
    let is_new = question_id.is_none();
    let kind = RwSignal::new(fixed_kind.or_else(|| QuestionKind::parse(&draft.kind)));
    let prefix = question_id
        .map(|id| format!("q{id}"))
        .unwrap_or_else(|| "new".into());
    let id = move |name: &str| format!("{prefix}-{name}");
    let error = post_back.error.clone();
    let problem = move |field: &str| error.as_ref().and_then(|e| e.field_problem(field));
    let kind_field = match fixed_kind {
        None => {
            let kind_id = id("kind");
            let chosen = QuestionKind::parse(&draft.kind);
            view! {
                <div class="field" class:has-error=problem("kind").is_some()>
                    <label for=kind_id.clone()>{word(|t| &t.kind)}</label>
                    <select
                        id=kind_id.clone()
                        name="kind"
                        aria-describedby=format!("{kind_id}-error")
                        on:change=move |ev| kind.set(QuestionKind::parse(&event_target_value(&ev)))
                    >
                        <option value="">{word(|t| &t.choose)}</option>
                        {QuestionKind::ALL.into_iter().map(|k| view! {
                            <option value=k.as_str() selected=chosen == Some(k)>{kind_name(k)}</option>
                        }).collect_view()}
                    </select>
                    <FieldProblem id=format!("{kind_id}-error") problem=problem("kind")/>
                </div>
            }
            .into_any()
        }
        Some(k) => view! {
            <div class="field">
                <input type="hidden" name="kind" value=k.as_str()/>
                <p class="fixed-kind">
                    <strong>{word(|t| &t.kind_is)}</strong>{kind_name(k)}
                </p>
                <p class="hint">{word(|t| &t.kind_fixed)}</p>
                <FieldProblem id=id("kind-error") problem=problem("kind")/>
            </div>
        }
        .into_any(),
    };
    // Options only matter for choices (and before a kind is chosen). A
    // question that is not one is never asked for options (the server
    // ignores them), so until the island is live — and without JavaScript,
    // where the kind can change with no one to show the field again — the
    // field stays in sight; an edit form of a fixed kind leaves it out.
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let fixed_without_options = fixed_kind.is_some_and(|k| !k.has_options());
    let show_options = move || {
        !fixed_without_options && (!live.get() || kind.get().is_none_or(QuestionKind::has_options))
    };
    let options_id = id("options");
    view! {
        <form method="post" action=post_back.action.clone() class="stack question-form" novalidate>
            <PostBackFields post_back=post_back.clone()/>
            <input type="hidden" name="course_code" value=course_code/>
            <input type="hidden" name="question_id" value=question_id.map(|id| id.to_string()).unwrap_or_default()/>
            {form_message(post_back.error.clone(), false, String::new())}
            {kind_field}
            <Area id=id("prompt_zh") name="prompt_zh" label=word(|t| &t.prompt_zh) value=draft.prompt_zh.clone() problem=problem("prompt_zh")/>
            <Area id=id("prompt_en") name="prompt_en" label=word(|t| &t.prompt_en) value=draft.prompt_en.clone() problem=problem("prompt_en")/>
            <fieldset class="plain" hidden=move || !show_options()>
                <Area id=options_id name="options" label=word(|t| &t.options) rows=4 mono=true
                    hint=Signal::stored(word(|t| &t.options_hint)) value=draft.options.clone() problem=problem("options")/>
            </fieldset>
            <Area
                id=id("answer")
                name="answer"
                label=word(|t| &t.answer)
                hint=Signal::derive(move || answer_hint(kind.get()))
                value=draft.answer.clone()
                problem=problem("answer")
            />
            <div class="field-pair">
                <Line id=id("points") name="points" label=word(|t| &t.points) kind="number" value=draft.points.clone() problem=problem("points")/>
                <Line id=id("tags") name="tags" label=word(|t| &t.tags) hint=word(|t| &t.tags_hint) value=draft.tags.clone() problem=problem("tags")/>
            </div>
            <Area id=id("explanation_zh") name="explanation_zh" label=word(|t| &t.explanation_zh)
                hint=Signal::stored(word(|t| &t.explanation_hint)) value=draft.explanation_zh.clone() problem=problem("explanation_zh")/>
            <Area id=id("explanation_en") name="explanation_en" label=word(|t| &t.explanation_en) value=draft.explanation_en.clone() problem=problem("explanation_en")/>
            {(!is_new).then(|| view! { <p class="hint">{word(|t| &t.regrade_note)}</p> })}
            <button type="submit">{if is_new { word(|t| &t.add) } else { word(|t| &t.save) }}</button>
        </form>
    }
}

#[component]
fn FieldProblem(id: String, problem: Option<Problem>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <p class="field-error" id=id aria-live="polite">{problem.map(|p| lang.problem(p))}</p>
    }
}

/// A field's frame inside the editor: label, control, hint, error.
#[component]
fn Framed(
    id: String,
    label: String,
    hint: Option<Signal<String>>,
    problem: Option<Problem>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field" class:has-error=problem.is_some()>
            <label for=id.clone()>{label}</label>
            {children()}
            {hint.map(|hint| view! { <p class="hint" id=format!("{id}-hint")>{move || hint.get()}</p> })}
            <FieldProblem id=format!("{id}-error") problem/>
        </div>
    }
}

fn described_by(id: &str, hint: bool) -> String {
    if hint {
        format!("{id}-error {id}-hint")
    } else {
        format!("{id}-error")
    }
}

/// A multi-line field; `id` is unique on the page (each question has its
/// own edit form).
#[component]
fn Area(
    id: String,
    name: &'static str,
    label: String,
    #[prop(optional)] hint: Option<Signal<String>>,
    #[prop(default = 2)] rows: u32,
    #[prop(optional)] mono: bool,
    #[prop(into)] value: String,
    problem: Option<Problem>,
) -> impl IntoView {
    let described = described_by(&id, hint.is_some());
    view! {
        <Framed id=id.clone() label hint problem>
            <textarea
                id=id.clone()
                name=name
                rows=rows
                class:mono=mono
                aria-invalid=if problem.is_some() { "true" } else { "false" }
                aria-describedby=described
            >{crate::html::textarea_text(&value)}</textarea>
        </Framed>
    }
}

#[component]
fn Line(
    id: String,
    name: &'static str,
    label: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] hint: Option<String>,
    #[prop(into)] value: String,
    problem: Option<Problem>,
) -> impl IntoView {
    let described = described_by(&id, hint.is_some());
    view! {
        <Framed id=id.clone() label hint=hint.map(Signal::stored) problem>
            <input
                id=id.clone()
                name=name
                type=kind
                value=value
                aria-invalid=if problem.is_some() { "true" } else { "false" }
                aria-describedby=described
            />
        </Framed>
    }
}
