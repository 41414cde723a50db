//! Form fields. Every input has a visible label; an error appears right
//! beside its field, is announced to screen readers, and never clears what
//! the user typed.

use crate::error::{AppError, Problem};
use crate::i18n::{use_lang, use_text};
use leptos::prelude::*;

/// The problem a server action reported for `field`, as a signal for that field.
pub fn problem_of<T, V>(value: V, field: &'static str) -> Signal<Option<Problem>>
where
    T: Send + Sync + 'static,
    V: With<Value = Option<Result<T, AppError>>> + Clone + Send + Sync + 'static,
{
    Signal::derive(move || {
        value.with(|v| match v {
            Some(Err(error)) => error.field_problem(field),
            _ => None,
        })
    })
}

fn field_id(name: &str) -> String {
    format!("field-{name}")
}

#[component]
fn FieldError(id: String, problem: Signal<Option<Problem>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <p class="field-error" id=format!("{id}-error") aria-live="polite">
            {move || problem.get().map(|p| lang.problem(p))}
        </p>
    }
}

#[component]
pub fn TextField(
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] optional: bool,
    #[prop(optional, into)] value: Option<String>,
    #[prop(into)] problem: Signal<Option<Problem>>,
) -> impl IntoView {
    let t = use_text();
    let id = field_id(name);
    let described = format!(
        "{id}-error{}",
        if hint.is_some() {
            format!(" {id}-hint")
        } else {
            String::new()
        }
    );
    view! {
        <div class="field" class:has-error=move || problem.get().is_some()>
            <label for=id.clone()>
                {label}
                {optional.then(|| view! { <span class="optional">" (" {t.optional} ")"</span> })}
            </label>
            <input
                id=id.clone()
                name=name
                type=kind
                autocomplete=autocomplete
                value=value
                aria-invalid=move || if problem.get().is_some() { "true" } else { "false" }
                aria-describedby=described
            />
            {hint.map(|hint| view! { <p class="hint" id=format!("{id}-hint")>{hint}</p> })}
            <FieldError id=id.clone() problem/>
        </div>
    }
}

/// A password input with a show/hide button (the button needs the page to be
/// hydrated; without JavaScript the field is an ordinary password field).
#[component]
pub fn PasswordField(
    name: &'static str,
    label: &'static str,
    #[prop(default = "current-password")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    /// Needed when the same form appears more than once on a page.
    #[prop(optional, into)]
    id: Option<String>,
    #[prop(into)] problem: Signal<Option<Problem>>,
) -> impl IntoView {
    let t = use_text();
    let visible = RwSignal::new(false);
    let id = id.unwrap_or_else(|| field_id(name));
    let described = format!(
        "{id}-error{}",
        if hint.is_some() {
            format!(" {id}-hint")
        } else {
            String::new()
        }
    );
    view! {
        <div class="field" class:has-error=move || problem.get().is_some()>
            <label for=id.clone()>{label}</label>
            <div class="password-row">
                <input
                    id=id.clone()
                    name=name
                    type=move || if visible.get() { "text" } else { "password" }
                    autocomplete=autocomplete
                    aria-invalid=move || if problem.get().is_some() { "true" } else { "false" }
                    aria-describedby=described
                />
                <button
                    type="button"
                    class="secondary toggle-password"
                    aria-controls=id.clone()
                    aria-pressed=move || if visible.get() { "true" } else { "false" }
                    on:click=move |_| visible.update(|v| *v = !*v)
                >
                    {move || if visible.get() { t.hide_password } else { t.show_password }}
                </button>
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
    #[prop(optional, into)] selected: Option<String>,
    #[prop(into)] problem: Signal<Option<Problem>>,
) -> impl IntoView {
    let t = use_text();
    let id = field_id(name);
    view! {
        <div class="field" class:has-error=move || problem.get().is_some()>
            <label for=id.clone()>{label}</label>
            <select
                id=id.clone()
                name=name
                aria-invalid=move || if problem.get().is_some() { "true" } else { "false" }
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

/// The message for a whole form: what went wrong that is not one field's fault.
#[component]
pub fn FormMessage<T, V>(value: V) -> impl IntoView
where
    T: Send + Sync + 'static,
    V: With<Value = Option<Result<T, AppError>>> + Clone + Send + Sync + 'static,
{
    let lang = use_lang();
    move || {
        value.with(|v| match v {
            Some(Err(error)) => Some(view! {
                <div class="form-message error" role="alert">{lang.error(error)}</div>
            }),
            _ => None,
        })
    }
}
