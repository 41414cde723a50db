//! What an island needs to render a form that also works without
//! JavaScript: the page's address to post to, the form's key, and what
//! became of its last plain post (see `ssr::forms`).

use crate::error::{AppError, Problem};
use crate::i18n::use_lang;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A form's post-back state, made on the server for an island's props.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PostBack {
    /// Where the form posts: the page's own address and an anchor.
    pub action: String,
    /// The server function the form calls without JavaScript.
    pub call: String,
    pub key: String,
    /// What the page needs of the answer (`ssr::forms::SHOW_FIELD`).
    pub show: String,
    /// Why the last plain post was refused.
    pub error: Option<AppError>,
    /// What was typed into that post (never secrets).
    pub values: Vec<(String, String)>,
    /// The last plain post succeeded.
    pub done: bool,
}

impl PostBack {
    pub fn value(&self, field: &str) -> Option<String> {
        self.values
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, value)| value.clone())
    }
}

/// The hidden fields that route a plain post through the form middleware.
#[component]
pub fn PostBackFields(post_back: PostBack) -> impl IntoView {
    view! {
        <input type="hidden" name="__fn" value=post_back.call/>
        <input type="hidden" name="__form" value=post_back.key/>
        {(!post_back.show.is_empty()).then(|| view! { <input type="hidden" name="__show" value=post_back.show/> })}
    }
}

/// The message for a whole form inside an island: the error of the last
/// call, or `done_text` once it worked.
pub fn form_message(error: Option<AppError>, done: bool, done_text: String) -> impl IntoView {
    let lang = use_lang();
    match (error, done) {
        (Some(error), _) => Some(
            view! { <div class="form-message error" role="alert">{lang.error(&error)}</div> }
                .into_any(),
        ),
        (None, true) => {
            Some(view! { <p class="form-message ok" role="status">{done_text}</p> }.into_any())
        }
        _ => None,
    }
}

/// The message beside a field inside an island, updated as calls return.
#[component]
pub fn FieldErrorText(id: String, problem: Signal<Option<Problem>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <p class="field-error" id=id aria-live="polite">
            {move || problem.get().map(|p| lang.problem(p))}
        </p>
    }
}
