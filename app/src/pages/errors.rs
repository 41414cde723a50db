//! The pages for 404, 403 and 500, and the one place that turns an error from
//! a page's data into the right page (and HTTP status, when rendered on the server).

use crate::error::AppError;
use crate::i18n::{use_lang, use_text};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

/// Sets the response status of the page being rendered.
fn set_status(code: u16) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(code) {
            response.set_status(status);
        }
    }
}

#[component]
fn ErrorPanel(
    title: &'static str,
    #[prop(into)] body: String,
    #[prop(optional)] request_id: Option<String>,
) -> impl IntoView {
    let t = use_text();
    view! {
        <Title text=title/>
        <section class="error-page card">
            <h1>{title}</h1>
            <p>{body}</p>
            {request_id.map(|id| view! {
                <p class="request-id">{t.request_id} ": " <code>{id}</code></p>
            })}
            <p><a class="button" href="/">{t.back_home}</a></p>
        </section>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    let t = use_text();
    view! { <ErrorPanel title=t.not_found_title body=t.not_found_body/> }
}

#[component]
pub fn Forbidden() -> impl IntoView {
    set_status(403);
    let t = use_text();
    view! { <ErrorPanel title=t.forbidden_title body=t.forbidden_body/> }
}

/// Too many requests from this address (429), or the server cannot take
/// this now (503): how long to wait, in the page's language, and the same
/// in `Retry-After` for anything that reads headers.
#[component]
pub fn TryLater(error: AppError) -> impl IntoView {
    let retry_after = match error {
        AppError::Throttled { retry_after_secs } | AppError::Unavailable { retry_after_secs } => {
            retry_after_secs
        }
        _ => 60,
    };
    set_status(error.status_code());
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(http::header::RETRY_AFTER, retry_after.into());
    }
    let t = use_text();
    let body = use_lang().error(&error);
    view! { <ErrorPanel title=t.try_later_title body/> }
}

#[component]
pub fn ServerError(request_id: String) -> impl IntoView {
    set_status(500);
    let t = use_text();
    view! { <ErrorPanel title=t.error_title body=t.error_body request_id/> }
}

/// Percent-encodes a value for a query string.
fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What a page shows when loading its data failed: a visitor is sent to sign
/// in and brought back; refusals and failures get their own page.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    match error {
        AppError::Unauthorized => {
            let location = use_location();
            let here = location.pathname.get_untracked();
            let search = location.search.get_untracked();
            let back = if search.is_empty() {
                here
            } else {
                format!("{here}?{search}")
            };
            let path = format!("/login?next={}", encode_query_value(&back));
            view! { <Redirect path/> }.into_any()
        }
        AppError::Forbidden | AppError::AccountDisabled => view! { <Forbidden/> }.into_any(),
        AppError::NotFound => view! { <NotFound/> }.into_any(),
        AppError::Internal { request_id } => view! { <ServerError request_id/> }.into_any(),
        error @ (AppError::Throttled { .. } | AppError::Unavailable { .. }) => {
            view! { <TryLater error/> }.into_any()
        }
        other => {
            // A transport or validation failure while loading a page: show
            // the generic page, never the raw message.
            let _ = other;
            view! { <ServerError request_id="-".to_string()/> }.into_any()
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_paths_are_encoded_for_the_query_string() {
        assert_eq!(
            super::encode_query_value("/admin/users?q=a b&page=2"),
            "/admin/users%3Fq%3Da%20b%26page%3D2"
        );
    }
}
