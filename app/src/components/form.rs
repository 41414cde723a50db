//! Forms on server-rendered pages: each posts to its own page and calls one
//! server function (see `ssr::forms` for the protocol). A page asks
//! [`use_form`] what became of a form's last post and gets the error, what
//! was typed, and whether it just succeeded.

use crate::error::{AppError, Problem};
use crate::i18n::use_lang;
use crate::ssr::forms::{Posted, FLASH_COOKIE, FN_FIELD, KEY_FIELD, SHOW_FIELD};
use http::request::Parts;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use serde::de::DeserializeOwned;

#[derive(Debug, Clone, Default)]
struct State {
    fn_path: &'static str,
    key: String,
    error: Option<AppError>,
    values: Vec<(String, String)>,
    output: Option<String>,
    done: bool,
    /// The page's own address, where the form posts.
    action: String,
}

/// One form on the page being rendered: a cheap handle to what its last
/// post left behind.
#[derive(Debug, Clone, Copy)]
pub struct FormState(StoredValue<State>);

/// The state of the form `key` (unique on its page) that calls `S`.
pub fn use_form<S: ServerFn>(key: impl Into<String>) -> FormState {
    let key = key.into();
    let parts = use_context::<Parts>();
    let posted = parts
        .as_ref()
        .and_then(|p| p.extensions.get::<Posted>())
        .filter(|posted| posted.key == key)
        .cloned();
    let flash = parts.as_ref().and_then(flash).filter(|(k, _)| *k == key);
    let action = parts
        .as_ref()
        .and_then(|p| p.uri.path_and_query())
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    let mut state = State {
        fn_path: S::PATH,
        key,
        action,
        ..State::default()
    };
    if let (None, Some((_, output))) = (&posted, flash) {
        state.done = true;
        state.output = output;
    }
    if let Some(posted) = posted {
        state.values = posted.values;
        match posted.outcome {
            Ok(output) => {
                state.output = output;
                state.done = true;
            }
            Err(error) => state.error = Some(error),
        }
    }
    FormState(StoredValue::new(state))
}

/// The form that succeeded just before this page was asked for: its key,
/// and the function's answer if it was small enough to come along.
fn flash(parts: &Parts) -> Option<(String, Option<String>)> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let value = parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == FLASH_COOKIE)
        .map(|c| c.value().to_owned())?;
    Some(match value.split_once('.') {
        Some((key, answer)) => (
            key.to_owned(),
            URL_SAFE_NO_PAD
                .decode(answer)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok()),
        ),
        None => (value, None),
    })
}

impl FormState {
    /// Why the last post was refused, if it was.
    pub fn error(self) -> Option<AppError> {
        self.0.with_value(|s| s.error.clone())
    }

    /// The problem with one field in the last post.
    pub fn problem(self, field: &str) -> Option<Problem> {
        self.0
            .with_value(|s| s.error.as_ref().and_then(|e| e.field_problem(field)))
    }

    /// What the user typed into `field` before the post was refused.
    pub fn value(self, field: &str) -> Option<String> {
        self.0.with_value(|s| {
            s.values
                .iter()
                .find(|(name, _)| name == field)
                .map(|(_, value)| value.clone())
        })
    }

    /// Every value typed into `field` (checkboxes sharing a name).
    pub fn values(self, field: &str) -> Vec<String> {
        self.0.with_value(|s| {
            s.values
                .iter()
                .filter(|(name, _)| name == field)
                .map(|(_, value)| value.clone())
                .collect()
        })
    }

    /// Whether the form was posted and refused (its values are the user's).
    pub fn was_refused(self) -> bool {
        self.0.with_value(|s| s.error.is_some())
    }

    /// The last post succeeded (this is the page it came back to).
    pub fn done(self) -> bool {
        self.0.with_value(|s| s.done)
    }

    /// The function's answer: for a form that asked to see it, or a small
    /// one carried over the redirect.
    pub fn output<T: DeserializeOwned>(self) -> Option<T> {
        self.0.with_value(|s| {
            s.output
                .as_deref()
                .and_then(|json| serde_json::from_str(json).ok())
        })
    }

    /// What an island needs to render this form with its last outcome;
    /// `show` as for [`Form`]'s (`""`, `"flash"` or `"output"`).
    pub fn post_back(self, anchor: Option<&str>, show: &str) -> crate::islands::PostBack {
        let action = self.action(anchor);
        self.0.with_value(|s| crate::islands::PostBack {
            action,
            call: s.fn_path.to_owned(),
            key: s.key.clone(),
            show: show.to_owned(),
            error: s.error.clone(),
            values: s.values.clone(),
            done: s.done,
        })
    }

    /// The page's address plus an anchor, where the form posts: the answer
    /// (the page again) opens at the form rather than at the top.
    fn action(self, anchor: Option<&str>) -> String {
        self.0.with_value(|s| match anchor {
            Some(anchor) => format!("{}#{anchor}", s.action),
            None => s.action.clone(),
        })
    }
}

/// A form that posts to its page and calls the server function of `form`.
#[component]
pub fn Form(
    form: FormState,
    /// The id of the element the answer should open at.
    #[prop(optional)]
    anchor: Option<String>,
    #[prop(optional, into)] class: Option<String>,
    /// Render the function's answer on the page instead of redirecting.
    #[prop(optional)]
    show_output: bool,
    /// Bring the function's (small) answer over the redirect, for
    /// [`FormState::output`].
    #[prop(optional)]
    keep_answer: bool,
    children: Children,
) -> impl IntoView {
    let (fn_path, key) = form.0.with_value(|s| (s.fn_path, s.key.clone()));
    let show = if show_output {
        Some("output")
    } else {
        keep_answer.then_some("flash")
    };
    view! {
        <form method="post" action=form.action(anchor.as_deref()) class=class novalidate>
            <input type="hidden" name=FN_FIELD value=fn_path/>
            <input type="hidden" name=KEY_FIELD value=key/>
            {show.map(|show| view! { <input type="hidden" name=SHOW_FIELD value=show/> })}
            {children()}
        </form>
    }
}

/// The message for a whole form: what went wrong that is not one field's
/// fault, or (given `done`) that it worked.
#[component]
pub fn FormMessage(
    form: FormState,
    /// Said when the last post succeeded.
    #[prop(optional)]
    done: Option<&'static str>,
) -> impl IntoView {
    let lang = use_lang();
    match (form.error(), done) {
        (Some(error), _) => Some(
            view! { <div class="form-message error" role="alert">{lang.error(&error)}</div> }
                .into_any(),
        ),
        (None, Some(text)) if form.done() => {
            Some(view! { <p class="form-message ok" role="status">{text}</p> }.into_any())
        }
        _ => None,
    }
}
