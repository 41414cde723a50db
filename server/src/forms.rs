//! Page forms that work without JavaScript (the protocol is described in
//! `app::ssr::forms`).
//!
//! A form posts to its own page with the server function it calls. This
//! middleware calls that function through the router, exactly as the app
//! calls it (same cookies, JSON back), then answers the browser:
//! - success: `303 See Other` back to the page (or wherever the function
//!   redirected), with the form's key in a one-minute cookie so the page can
//!   say it is done — reloading never posts twice;
//! - success of a form that shows its answer (an import's report): the page
//!   rendered in answer to the post, with the answer;
//! - refusal: the page itself, rendered in answer to the post with the
//!   error and what was typed, under the error's status (422, 409, …);
//! - no session: to the sign-in page, and back here afterwards.

use app::domain::redirect;
use app::error::AppError;
use app::ssr::forms::{
    is_secret, is_valid_key, next_after, Posted, FLASH_COOKIE, FN_FIELD, KEY_FIELD, NEXT_FIELD,
    SHOW_FIELD,
};
use app::ssr::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Forms are small; the router's own body limit is the same.
const MAX_FORM_BYTES: usize = 256 * 1024;
/// A function's answer shown on the page (an import's report of every row).
const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;
/// A function's answer carried to the page in the flash cookie.
const MAX_FLASH_ANSWER_BYTES: usize = 1024;

/// What the form asked to be done with the function's answer.
#[derive(Clone, Copy, PartialEq)]
enum Show {
    /// Back to the page, which only hears that the form worked.
    Nothing,
    /// Back to the page with the (small) answer in the flash cookie.
    Flash,
    /// The page rendered in answer to the post, with the answer.
    Page,
}

pub async fn page_forms(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() == Method::GET {
        return clear_flash_once_shown(request, next).await;
    }
    if !is_page_form_post(&request) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let fields: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let Some(fn_path) = field(FN_FIELD).map(str::to_owned) else {
        // An ordinary post to a page route (none takes one): let the router answer.
        return next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
    };
    // Only a server function, never another route under /api/.
    if !is_server_function(&fn_path) {
        return StatusCode::BAD_REQUEST.into_response();
    }
    // The page is where the browser goes back to: a path on this site only
    // (a post to `//evil.example/` must not send it there).
    let raw_page = parts
        .uri
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/");
    let Some(page) = redirect::local_path(raw_page).map(str::to_owned) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let key = field(KEY_FIELD)
        .filter(|k| is_valid_key(k))
        .unwrap_or("form")
        .to_owned();
    let show = match field(SHOW_FIELD) {
        Some("output") => Show::Page,
        Some("flash") => Show::Flash,
        _ => Show::Nothing,
    };
    let next_template = field(NEXT_FIELD).map(str::to_owned);

    // Call the function as the app does, with everything that says who is
    // asking (cookies, address, request id) carried over.
    let Ok(mut call) = Request::builder()
        .method(Method::POST)
        .uri(&fn_path)
        .body(Body::from(bytes.clone()))
    else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    *call.headers_mut() = parts.headers.clone();
    call.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    call.headers_mut()
        .insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    call.headers_mut().remove(header::CONTENT_LENGTH);
    call.headers_mut().remove(header::ACCEPT_ENCODING);
    *call.extensions_mut() = parts.extensions.clone();
    let answer = next.clone().run(call).await;

    let cookies: Vec<HeaderValue> = answer
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    let status = answer.status();
    let location = answer.headers().get(header::LOCATION).cloned();
    let body = axum::body::to_bytes(answer.into_body(), MAX_ANSWER_BYTES).await;

    let outcome = match body {
        Ok(body) if status.is_success() || status.is_redirection() => Ok(body),
        Ok(body) => Err(serde_json::from_slice::<AppError>(&body)
            .unwrap_or_else(|_| unreadable(&parts, &fn_path, status))),
        Err(_) => Err(unreadable(&parts, &fn_path, status)),
    };
    let mut response = match outcome {
        Ok(body) => {
            let answer = String::from_utf8_lossy(&body).into_owned();
            let mut response = match (location, show) {
                (Some(location), _) => see_other(location),
                (None, Show::Page) => {
                    let posted = Posted {
                        key: key.clone(),
                        outcome: Ok(Some(answer.clone())),
                        values: typed(&fields),
                    };
                    render(&parts, posted, next, StatusCode::OK).await
                }
                (None, _) => {
                    let target = next_template
                        .as_deref()
                        .and_then(|template| next_after(template, &answer))
                        .unwrap_or(page);
                    match HeaderValue::from_str(&target) {
                        Ok(target) => see_other(target),
                        Err(_) => Redirect::to("/").into_response(),
                    }
                }
            };
            // After a redirect the page hears that the form worked, and
            // what it answered when the form asks and it is small.
            if response.status() == StatusCode::SEE_OTHER {
                let mut flash = key.clone();
                if show == Show::Flash && body.len() <= MAX_FLASH_ANSWER_BYTES {
                    flash.push('.');
                    flash.push_str(&URL_SAFE_NO_PAD.encode(&body));
                }
                let secure = if state.settings.secure_cookies {
                    "; Secure"
                } else {
                    ""
                };
                if let Ok(value) = HeaderValue::from_str(&format!(
                    "{FLASH_COOKIE}={flash}; Path=/; Max-Age=60; HttpOnly; SameSite=Lax{secure}"
                )) {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
            }
            response
        }
        Err(AppError::Unauthorized) => {
            let back = format!("/login?next={}", encode(&page));
            Redirect::to(&back).into_response()
        }
        Err(error) => {
            let retry_after = match &error {
                AppError::Throttled { retry_after_secs } => Some(*retry_after_secs),
                _ => None,
            };
            let posted = Posted {
                key: key.clone(),
                outcome: Err(error),
                values: typed(&fields),
            };
            let mut page = render(&parts, posted, next, status).await;
            if let Some(secs) = retry_after {
                if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
                    page.headers_mut().insert(header::RETRY_AFTER, value);
                }
            }
            page
        }
    };
    for cookie in cookies {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// One of the server functions the app registers (exactly, not by prefix).
fn is_server_function(path: &str) -> bool {
    server_fn::axum::server_fn_paths()
        .any(|(registered, method)| registered == path && method == Method::POST)
}

/// The function answered with something that is not an `AppError`: logged
/// with the request id, shown only as that id.
fn unreadable(parts: &axum::http::request::Parts, fn_path: &str, status: StatusCode) -> AppError {
    let request_id = parts
        .headers
        .get(app::ssr::context::REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    tracing::error!(%request_id, %fn_path, %status, "form post: unreadable answer");
    AppError::Internal { request_id }
}

/// A form post from a page: POST, form-encoded, not addressed to a server
/// function directly (the app's own calls go there).
fn is_page_form_post(request: &Request) -> bool {
    request.method() == Method::POST
        && !request
            .uri()
            .path()
            .starts_with(app::ssr::context::SERVER_FN_PREFIX)
        && request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

fn see_other(location: HeaderValue) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    response.headers_mut().insert(header::LOCATION, location);
    response
}

/// What the user typed, minus the form's own fields and anything secret.
fn typed(fields: &[(String, String)]) -> Vec<(String, String)> {
    fields
        .iter()
        .filter(|(name, _)| !name.starts_with("__") && !is_secret(name))
        .cloned()
        .collect()
}

/// The page again, rendered in answer to the post with what became of it.
async fn render(
    parts: &axum::http::request::Parts,
    posted: Posted,
    next: Next,
    status: StatusCode,
) -> Response {
    let mut request = Request::new(Body::empty());
    *request.method_mut() = Method::GET;
    *request.uri_mut() = parts.uri.clone();
    *request.headers_mut() = parts.headers.clone();
    request.headers_mut().remove(header::CONTENT_TYPE);
    request.headers_mut().remove(header::CONTENT_LENGTH);
    *request.extensions_mut() = parts.extensions.clone();
    request.extensions_mut().insert(posted);
    let mut response = next.run(request).await;
    // The page keeps its own status if it is itself an error (gone, say).
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

/// After a redirect the page shows the flash once; this forgets it on the
/// page's answer so a reload or the next page does not say it again.
async fn clear_flash_once_shown(request: Request, next: Next) -> Response {
    let had_flash = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains(FLASH_COOKIE));
    let mut response = next.run(request).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if had_flash && is_page {
        if let Ok(value) = HeaderValue::from_str(&format!(
            "{FLASH_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"
        )) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Percent-encodes a path for the `next` parameter of the sign-in page.
fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
