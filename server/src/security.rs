//! What every request and response goes through: state changes only from
//! our own pages (cross-site request forgery), and the security headers.

use app::ssr::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The policy for everything that is not a page (JSON, PDF, CSV, files);
/// a page's own is `app::ssr::policy::page_policy`.
const OTHER_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// Refuses a state-changing request (anything but GET, HEAD, OPTIONS) that
/// a browser says came from another site, or that names no origin we know.
///
/// Browsers send `Sec-Fetch-Site` with every request: `same-origin` for our
/// pages and `none` when the user typed the address; a sibling subdomain is
/// `same-site`, and refused too. Without it (an older browser, a script),
/// `Origin` must be the configured public address. `SameSite=Lax` cookies
/// stop most forgeries already; this also stops forged sign-in and sign-out
/// and anything a sibling subdomain could send.
pub async fn refuse_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let allowed = match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => matches!(site, "same-origin" | "none"),
        None => headers
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|origin| origin.eq_ignore_ascii_case(&state.settings.public_origin)),
    };
    if allowed {
        next.run(request).await
    } else {
        tracing::warn!(
            method = %request.method(),
            path = %request.uri().path(),
            "cross-site request refused"
        );
        (StatusCode::FORBIDDEN, "cross-site request refused").into_response()
    }
}

/// The headers every response gets. A page sets its own
/// Content-Security-Policy (with its scripts' nonce, see `app::app::shell`);
/// anything else gets one that allows nothing.
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(OTHER_POLICY),
        );
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static(
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), \
             interest-cohort=()",
        ),
    );
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if state.settings.https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}
