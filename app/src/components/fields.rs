//! Form fields. Every input has a visible label; an error appears right
//! beside its field, is announced to screen readers, and a refused post
//! comes back with what the user typed still in the field.

use super::form::FormState;
use crate::error::Problem;
use crate::i18n::{use_lang, use_text};
use leptos::prelude::*;

fn field_id(name: &str) -> String {
    format!("field-{name}")
}

/// The `aria-describedby` of a field: its error, then its hint.
fn described_by(id: &str, hint: bool) -> String {
    if hint {
        format!("{id}-error {id}-hint")
    } else {
        format!("{id}-error")
    }
}

/// The message beside a field (an empty, live region when all is well).
#[component]
pub fn FieldError(id: String, problem: Option<Problem>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <p class="field-error" id=format!("{id}-error") aria-live="polite">
            {problem.map(|p| lang.problem(p))}
        </p>
    }
}

/// A field's frame: the label (with "optional"), the control, the hint and
/// the error beside it.
#[component]
fn Labelled(
    id: String,
    label: &'static str,
    optional: bool,
    hint: Option<&'static str>,
    problem: Option<Problem>,
    children: Children,
) -> impl IntoView {
    let t = use_text();
    view! {
        <div class="field" class:has-error=problem.is_some()>
            <label for=id.clone()>
                {label}
                {optional.then(|| view! { <span class="optional">" (" {t.optional} ")"</span> })}
            </label>
            {children()}
            {hint.map(|hint| view! { <p class="hint" id=format!("{id}-hint")>{hint}</p> })}
            <FieldError id problem/>
        </div>
    }
}

fn invalid(problem: Option<Problem>) -> &'static str {
    if problem.is_some() {
        "true"
    } else {
        "false"
    }
}

#[component]
pub fn TextField(
    name: &'static str,
    label: &'static str,
    /// The form whose last post fills the value and the error.
    #[prop(optional)]
    form: Option<FormState>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] optional: bool,
    /// The value shown unless the user just typed another.
    #[prop(optional, into)]
    value: Option<String>,
    /// Needed when the same form appears more than once on a page.
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| field_id(name));
    let problem = form.and_then(|f| f.problem(name));
    let value = form.and_then(|f| f.value(name)).or(value);
    view! {
        <Labelled id=id.clone() label optional hint problem>
            <input
                id=id.clone()
                name=name
                type=kind
                autocomplete=autocomplete
                value=value
                aria-invalid=invalid(problem)
                aria-describedby=described_by(&id, hint.is_some())
            />
        </Labelled>
    }
}

/// A password input. What was typed is never sent back into the page. The
/// show/hide button is a few lines of plain JavaScript
/// (`public/password-reveal.js`): the pages with a password field are the
/// ones a visitor opens first, and a button is not worth the wasm. Without
/// JavaScript the button stays hidden and the field is an ordinary one.
#[component]
pub fn PasswordField(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] form: Option<FormState>,
    #[prop(default = "current-password")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    /// Needed when the same form appears more than once on a page.
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    let t = use_text();
    let id = id.unwrap_or_else(|| field_id(name));
    let problem = form.and_then(|f| f.problem(name));
    view! {
        <div class="field" class:has-error=problem.is_some()>
            <label for=id.clone()>{label}</label>
            <div class="password-row">
                <input
                    id=id.clone()
                    name=name
                    type="password"
                    autocomplete=autocomplete
                    aria-invalid=invalid(problem)
                    aria-describedby=described_by(&id, hint.is_some())
                />
                <button
                    type="button"
                    class="secondary toggle-password"
                    hidden=true
                    data-for=id.clone()
                    data-show=t.show_password
                    data-hide=t.hide_password
                    aria-controls=id.clone()
                    aria-pressed="false"
                >
                    {t.show_password}
                </button>
                // A module runs once however many fields include it.
                <script type="module" src="/password-reveal.js"></script>
            </div>
            {hint.map(|hint| view! { <p class="hint" id=format!("{id}-hint")>{hint}</p> })}
            <FieldError id=id.clone() problem/>
        </div>
    }
}

#[component]
pub fn SelectField(
    name: &'static str,
    label: &'static str,
    /// (value, visible text) pairs.
    options: Vec<(String, String)>,
    #[prop(optional)] form: Option<FormState>,
    #[prop(optional, into)] selected: Option<String>,
    /// Needed when the same form appears more than once on a page.
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    let t = use_text();
    let id = id.unwrap_or_else(|| field_id(name));
    let problem = form.and_then(|f| f.problem(name));
    let selected = form.and_then(|f| f.value(name)).or(selected);
    view! {
        <div class="field" class:has-error=problem.is_some()>
            <label for=id.clone()>{label}</label>
            <select
                id=id.clone()
                name=name
                aria-invalid=invalid(problem)
                aria-describedby=format!("{id}-error")
            >
                <option value="">{t.choose}</option>
                {options
                    .into_iter()
                    .map(|(code, text)| {
                        let chosen = selected.as_deref() == Some(code.as_str());
                        view! { <option value=code selected=chosen>{text}</option> }
                    })
                    .collect_view()}
            </select>
            <FieldError id=id.clone() problem/>
        </div>
    }
}

/// A multi-line text field.
#[component]
pub fn TextArea(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] form: Option<FormState>,
    #[prop(default = 3)] rows: u32,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] optional: bool,
    #[prop(optional)] maxlength: Option<usize>,
    #[prop(optional)] mono: bool,
    #[prop(optional, into)] value: Option<String>,
    /// Needed when the same form appears more than once on a page.
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| field_id(name));
    let problem = form.and_then(|f| f.problem(name));
    let value = form
        .and_then(|f| f.value(name))
        .or(value)
        .unwrap_or_default();
    view! {
        <Labelled id=id.clone() label optional hint problem>
            <textarea
                id=id.clone()
                name=name
                rows=rows
                maxlength=maxlength
                class:mono=mono
                aria-invalid=invalid(problem)
                aria-describedby=described_by(&id, hint.is_some())
            >{crate::html::textarea_text(&value)}</textarea>
        </Labelled>
    }
}
