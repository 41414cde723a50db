//! The HTTP surface: Leptos pages and server functions, `/healthz`, the
//! language switch, static files, and the middleware around them.

use crate::config::Config;
use anyhow::Context;
use app::app::{shell, App};
use app::domain::redirect;
use app::i18n::{Lang, LANG_COOKIE};
use app::ssr::db::{self, Db};
use app::ssr::passwords::Hasher;
use app::ssr::rate_limit::RateLimit;
use app::ssr::{AppState, Settings};
use axum::extract::{Form, State};
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Json, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Forms are small; anything bigger is refused before it is read.
const MAX_BODY_BYTES: usize = 256 * 1024;

/// The issuer key, loaded (or made on first start) before anything else:
/// a key file others may read stops the server before anything is created.
fn issuer_key(config: &Config) -> anyhow::Result<app::ssr::signing::IssuerKey> {
    app::ssr::signing::IssuerKey::load_or_create(&config.issuer_key).map_err(|e| {
        crate::config::ConfigError {
            variable: "ACADEMY_ISSUER_KEY".into(),
            message: e.to_string(),
        }
        .into()
    })
}

/// Opens and migrates the database and gathers what every handler shares.
pub async fn build_state(config: &Config) -> anyhow::Result<AppState> {
    let key = issuer_key(config)?;
    let db = Db::connect(&config.database_url, config.db_readers)
        .await
        .with_context(|| format!("opening the database {}", config.database_url))?;
    db.migrate().await.context("applying migrations")?;
    // Certificates issued before status lists existed get their entries;
    // suspensions that lapsed while the server was stopped are cleared.
    let mut tx = db.begin_write().await?;
    let today = app::ssr::db::china_today();
    let now = app::ssr::db::now();
    let given = app::ssr::db::status_lists::backfill(&mut tx, &today, now).await?;
    app::ssr::db::status_lists::sweep_lapsed(&mut tx, &today, now).await?;
    tx.commit().await?;
    if given > 0 {
        tracing::info!(given, "status list entries given to earlier certificates");
    }

    let mut leptos_options = get_configuration(None)
        .context("reading the Leptos configuration")?
        .leptos_options;
    if leptos_options.output_name.is_empty() {
        leptos_options.output_name = "academy".into();
    }
    leptos_options.site_addr = config.addr;
    leptos_options.site_root = config.site_root.to_string_lossy().into_owned().into();

    let mut issuer =
        app::ssr::credentials::Issuer::new(key, &config.public_url, &config.issuer_name);
    issuer.email = config.issuer_email.clone();
    Ok(AppState {
        leptos_options,
        issuer: Arc::new(issuer),
        lookups: RateLimit::per_minute(config.lookups_per_minute),
        registrations: RateLimit::per_hour(config.registrations_per_hour),
        password_links: RateLimit::per_hour(config.password_links_per_hour),
        progress: Default::default(),
        status_lists: Default::default(),
        register_totals: Default::default(),
        public_records: Default::default(),
        live_sessions: app::ssr::auth::LiveSessions::watching(&db.changes),
        db,
        hasher: Hasher::with_queue(config.hash_concurrency, config.hash_queue),
        settings: Arc::new(Settings {
            secure_cookies: config.secure_cookies,
            public_origin: config.public_origin(),
            https: config.public_url.starts_with("https://"),
            request_timeout_secs: config.request_timeout_secs,
            session_idle_minutes: config.session_idle_minutes,
            session_days: config.session_days,
            trust_proxy: config.trust_proxy,
        }),
    })
}

/// The app's routes, worked out once per process. Generating them runs the
/// app with resource loading suppressed by a process-wide flag, and a
/// resource that first polls while any thread does so waits forever
/// (leptos issue #4773): with one generation before any router exists, no
/// page can be rendering meanwhile — which matters where several servers
/// share a process, as in the integration tests.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// A route of our own beside the pages and server functions: its method
/// and path travel with the handler, so the list below is at once what the
/// router serves and what the authorisation matrix in the tests walks.
pub struct PlainRoute {
    pub method: axum::http::Method,
    pub path: &'static str,
    handler: axum::routing::MethodRouter<AppState>,
}

fn plain<H, T>(method: axum::http::Method, path: &'static str, handler: H) -> PlainRoute
where
    H: axum::handler::Handler<T, AppState>,
    T: 'static,
{
    let filter = axum::routing::MethodFilter::try_from(method.clone())
        .expect("a plain route uses a standard method");
    PlainRoute {
        method,
        path,
        handler: axum::routing::on(filter, handler),
    }
}

/// Every route that is neither a page nor a server function.
pub fn plain_routes() -> Vec<PlainRoute> {
    use axum::http::Method;
    vec![
        plain(Method::GET, "/healthz", healthz),
        plain(Method::POST, "/lang", switch_language),
        plain(Method::GET, "/.well-known/did.json", did_document),
        plain(
            Method::GET,
            "/api/v1/openapi.json",
            crate::public_api::openapi,
        ),
        plain(
            Method::GET,
            "/api/v1/certificates/{number}",
            crate::public_api::certificate,
        ),
        plain(
            Method::GET,
            "/api/v1/certificates/{number}/credential",
            crate::public_api::credential,
        ),
        plain(
            Method::GET,
            "/api/v1/status-lists/{list}/{purpose}",
            crate::public_api::status_list,
        ),
        plain(Method::GET, "/certificates/{number}/pdf", certificate_pdf),
        plain(Method::GET, "/teach/classes/{id}/roster.csv", roster_csv),
        plain(
            Method::GET,
            "/teach/classes/{id}/gradebook.csv",
            gradebook_csv,
        ),
        plain(Method::GET, "/teach/courses/{code}/questions.csv", bank_csv),
        plain(
            Method::GET,
            "/teach/courses/{code}/questions.json",
            bank_json,
        ),
    ]
}

/// The paths of the pages the router serves (GET, and POST for page forms).
pub fn page_paths() -> Vec<String> {
    route_list()
        .iter()
        .map(|listing| listing.path().to_owned())
        .collect()
}

pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let request_id = header::HeaderName::from_static(app::ssr::context::REQUEST_ID_HEADER);
    let routes = plain_routes()
        .into_iter()
        .fold(Router::new(), |router, route| {
            router.route(route.path, route.handler)
        })
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || provide_context(state.clone())
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state.clone());
    // The middleware runs around the whole router, not each route: the form
    // middleware calls a server function and renders a page through it.
    Router::new()
        .fallback_service(routes)
        .layer(axum::middleware::from_fn_with_state(
            (state.clone(), crate::page_cache::PageCache::default()),
            crate::page_cache::keep_public_pages,
        ))
        .layer(axum::middleware::from_fn(malformed_calls_are_bad_requests))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::forms::page_forms,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::security::refuse_cross_site,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::security::security_headers,
        ))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(server_timing))
        // No request holds a connection and a database slot for ever: past
        // the limit the caller gets 503 and may try again, and the work
        // stops (the limit is inside the task below, so it ends the task).
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(state.settings.request_timeout_secs),
        ))
        .layer(axum::middleware::from_fn(finish_even_if_abandoned))
        .layer(CompressionLayer::new())
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                let id = request
                    .headers()
                    .get(app::ssr::context::REQUEST_ID_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", method = %request.method(), uri = %request.uri().path(), request_id = %id)
            }),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

/// Runs each request to its end on a task of its own, even when its client
/// goes away. Leptos renders a page's resources and views on tasks of their
/// own; when hyper dropped the request's future mid-render (a closed tab, a
/// load generator stopping), the page's reactive owner was disposed under
/// those tasks and they panicked on what it owned ("already disposed";
/// leptos-rs/leptos#4829, #3595): a backtrace each, and a worker held for
/// it — after a benchmark run stopped mid-render, the next one's p99 was
/// 102 ms for half a second. Every page renders whole before its answer
/// (`SsrMode::Async`), so finishing one nobody will read costs one render,
/// what it would have cost had the client waited; the request timeout runs
/// inside the task and still ends it.
async fn finish_even_if_abandoned(
    request: Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> Response {
    use tracing::Instrument;
    let task = tokio::spawn(next.run(request).instrument(tracing::Span::current()));
    match task.await {
        Ok(response) => response,
        // The panic goes on to the panic layer outside, as if not moved.
        Err(error) => match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            // Cancelled: only when the runtime shuts down.
            Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        },
    }
}

/// `Server-Timing: app;dur=…` on every response: the milliseconds the
/// server took to its answer's headers (a page renders whole before them),
/// for browsers' developer tools and the benchmark's page budget.
async fn server_timing(
    request: Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> Response {
    let started = std::time::Instant::now();
    let mut response = next.run(request).await;
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    if let Ok(value) = HeaderValue::from_str(&format!("app;dur={millis:.2}")) {
        response.headers_mut().insert("server-timing", value);
    }
    response
}

/// A server-function call whose arguments could not be read never reached
/// our code; the framework answers 500, but it is the caller's mistake: 400.
async fn malformed_calls_are_bad_requests(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let server_fn = request
        .uri()
        .path()
        .starts_with(app::ssr::context::SERVER_FN_PREFIX);
    let response = next.run(request).await;
    if !server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    if let Ok(app::error::AppError::Transport(_)) = serde_json::from_slice(&bytes) {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// A handler that panicked: log it, answer 500 with no detail.
fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => Json(serde_json::json!({
            "status": "ok",
            "database": "ok",
            "version": env!("CARGO_PKG_VERSION"),
        }))
        .into_response(),
        Err(error) => {
            tracing::error!(%error, "health check: database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "error", "database": "unavailable" })),
            )
                .into_response()
        }
    }
}

#[derive(serde::Deserialize)]
struct LanguageChoice {
    lang: String,
    next: Option<String>,
}

/// Remembers the chosen language for a year and goes back where the user was.
async fn switch_language(
    State(state): State<AppState>,
    Form(choice): Form<LanguageChoice>,
) -> Response {
    let lang = Lang::from_tag(&choice.lang).unwrap_or(Lang::En);
    let back = choice
        .next
        .as_deref()
        .and_then(redirect::local_path)
        .unwrap_or("/")
        .to_owned();
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
        lang.tag()
    );
    let mut response = Redirect::to(&back).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// The issuer's DID document: the public key certificates are signed with.
async fn did_document(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/did+json")],
        state.issuer.did_document().to_string(),
    )
        .into_response()
}

/// A download refused: the status of the error and its words.
fn refusal(error: &app::error::AppError) -> Response {
    let status =
        StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Lang::En.error(error)).into_response()
}

/// The certificate as a PDF, for its holder and administrators; anyone
/// else gets 404 whatever the number (the public record is at /verify).
async fn certificate_pdf(
    State(state): State<AppState>,
    axum::extract::Path(number): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    use app::domain::certificate::CertificateNumber;
    use app::error::AppError;
    use app::ssr::{auth, db, db::certificates};
    let result = async {
        let user = auth::user_for_headers(&state, &headers)
            .await?
            .ok_or(AppError::Unauthorized)?;
        let parsed = CertificateNumber::parse(&number).map_err(|_| AppError::NotFound)?;
        let mut conn = state.db.reader.acquire().await?;
        let row = certificates::by_number(&mut conn, &parsed.to_string())
            .await?
            .ok_or(AppError::NotFound)?;
        if !certificates::may_hold_copy(&user, &row) {
            return Err(AppError::NotFound);
        }
        certificates::public(&mut conn, &row.number, &db::china_today())
            .await?
            .ok_or(AppError::NotFound)
    }
    .await;
    let public = match result {
        Ok(public) => public,
        // A download link followed after the session ended: sign in and
        // come back to the certificate, rather than save an error as a PDF.
        Err(AppError::Unauthorized) => match CertificateNumber::parse(&number) {
            Ok(number) => {
                return axum::response::Redirect::to(&format!("/login?next=/certificates/{number}"))
                    .into_response()
            }
            Err(_) => return refusal(&AppError::NotFound),
        },
        Err(error) => return refusal(&error),
    };
    let stamp = (public.status != "valid").then(|| {
        (
            Lang::Zh.certificate_status(&public.status).to_owned(),
            Lang::En.certificate_status(&public.status).to_uppercase(),
        )
    });
    let document = crate::certificate_pdf::CertificateDocument {
        verify_url: format!("{}/verify/{}", state.issuer.public_url, public.number),
        number: public.number.clone(),
        holder_name: public.holder_name,
        type_zh: public.type_name.zh,
        type_en: public.type_name.en,
        centre_zh: public.centre_name.zh,
        centre_en: public.centre_name.en,
        issued_on: public.issued_on,
        expires_on: public.expires_on,
        status_stamp: stamp,
    };
    // Subsetting the font is CPU work: keep it off the request threads.
    let rendered = tokio::task::spawn_blocking(move || {
        let fonts = crate::certificate_pdf::fonts()?;
        crate::certificate_pdf::render(&document, fonts).map_err(|e| e.to_string())
    })
    .await;
    match rendered {
        Ok(Ok(bytes)) => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}.pdf\"", public.number),
                ),
                (header::CACHE_CONTROL, "private, no-store".to_owned()),
            ],
            bytes,
        )
            .into_response(),
        Ok(Err(error)) => internal_error(&headers, format!("rendering a certificate PDF: {error}")),
        Err(error) => internal_error(&headers, format!("rendering a certificate PDF: {error}")),
    }
}

/// Logs `detail` under the request's id and answers with the id only.
fn internal_error(headers: &axum::http::HeaderMap, detail: String) -> Response {
    let request_id = headers
        .get(app::ssr::context::REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    tracing::error!(request_id = %request_id, error = %detail, "internal error");
    refusal(&app::error::AppError::Internal { request_id })
}

/// A CSV file to save, never cached (it holds personal data).
fn csv_download(file: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// The gradebook of a class: one row per trainee, per exam the counted
/// percentage and the outcome.
async fn gradebook_csv(
    State(state): State<AppState>,
    axum::extract::Path(class_id): axum::extract::Path<i64>,
    headers: axum::http::HeaderMap,
) -> Response {
    use app::api::exams::AttemptState;
    use app::domain::csv;
    use app::error::AppError;
    use app::ssr::{auth, db::exams};
    let result = async {
        let user = auth::user_for_headers(&state, &headers)
            .await?
            .ok_or(AppError::Unauthorized)?;
        auth::require_teacher_of(&state, &user, class_id).await?;
        exams::close_overdue(&state.db, db::now()).await?;
        state
            .db
            .read(|db| exams::gradebook(db, class_id))?
            .ok_or(AppError::NotFound)
    }
    .await;
    let book = match result {
        Ok(book) => book,
        Err(error) => return refusal(&error),
    };
    let lang = app::ssr::context::lang_of(&headers);
    let t = lang.text();
    let mut header_row = vec![t.field_name.to_owned(), t.field_email.to_owned()];
    for exam in &book.exams {
        let title = exam.title.get(lang);
        header_row.push(format!("{title} (%)"));
        header_row.push(title.to_owned());
    }
    let mut body = String::from(csv::BOM);
    body.push_str(&csv::record(&header_row));
    for row in &book.rows {
        let mut fields = vec![row.name.clone(), row.email.clone()];
        for cell in &row.cells {
            fields.push(cell.percent.map(|p| p.to_string()).unwrap_or_default());
            let outcome = match (cell.passed, cell.state) {
                (Some(true), _) => t.exam_passed,
                (Some(false), _) => t.exam_failed,
                (None, Some(AttemptState::AwaitingGrading)) => t.grading_waiting,
                (None, Some(AttemptState::InProgress)) => t.attempt_in_progress,
                _ => "",
            };
            let outcome = if cell.overridden {
                format!("{outcome} ({})", t.gradebook_overridden)
            } else {
                outcome.to_owned()
            };
            fields.push(outcome);
        }
        body.push_str(&csv::record(&fields));
    }
    csv_download(
        &format!("gradebook-{}-{}.csv", book.class.course_code, book.class.id),
        body,
    )
}

/// The roster of a class as CSV, for the class's instructors and administrators.
async fn roster_csv(
    State(state): State<AppState>,
    axum::extract::Path(class_id): axum::extract::Path<i64>,
    headers: axum::http::HeaderMap,
) -> Response {
    use app::domain::{csv, Industry, Province};
    use app::error::AppError;
    use app::ssr::{auth, db::teaching};
    let result = async {
        let user = auth::user_for_headers(&state, &headers)
            .await?
            .ok_or(AppError::Unauthorized)?;
        auth::require_teacher_of(&state, &user, class_id).await?;
        let class = state
            .db
            .read(|db| teaching::class(db, class_id))?
            .ok_or(AppError::NotFound)?;
        let entries = teaching::roster(&state.db.reader, class_id).await?;
        Ok::<_, AppError>((class, entries))
    }
    .await;
    let (class, entries) = match result {
        Ok(found) => found,
        Err(error) => return refusal(&error),
    };
    let lang = app::ssr::context::lang_of(&headers);
    let t = lang.text();
    let mut body = String::from(csv::BOM);
    body.push_str(&csv::record(&[
        t.field_name,
        t.field_email,
        t.field_organisation,
        t.field_province,
        t.field_industry,
        t.users_col_status,
        t.roster_position,
        t.roster_attended,
        t.enrol_note,
    ]));
    for entry in &entries {
        let province = entry
            .province
            .as_deref()
            .and_then(|c| Province::parse(c).ok())
            .map(|p| p.label(lang))
            .unwrap_or_default();
        let industry = entry
            .industry
            .as_deref()
            .and_then(|c| Industry::parse(c).ok())
            .map(|i| i.label(lang))
            .unwrap_or_default();
        body.push_str(&csv::record(&[
            entry.name.as_str(),
            &entry.email,
            &entry.organisation,
            province,
            industry,
            lang.enrolment_state(entry.state),
            &entry.position.map(|p| p.to_string()).unwrap_or_default(),
            if entry.attended { t.yes } else { t.no },
            &entry.note,
        ]));
    }
    csv_download(
        &format!("roster-{}-{}.csv", class.course_code, class.id),
        body,
    )
}

/// A course's questions in use, for its instructors and administrators.
async fn bank_questions(
    state: &AppState,
    code: &str,
    headers: &axum::http::HeaderMap,
) -> Result<(String, Vec<app::domain::exam::Question>), app::error::AppError> {
    use app::error::AppError;
    use app::ssr::{auth, db::questions};
    let user = auth::user_for_headers(state, headers)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let course = app::api::bank::authorised_course(state, &user, code).await?;
    let questions = questions::in_use(&state.db.reader, course.id).await?;
    Ok((course.code, questions))
}

/// The bank as CSV (what the bank page's import reads back).
async fn bank_csv(
    State(state): State<AppState>,
    axum::extract::Path(code): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    match bank_questions(&state, &code, &headers).await {
        Ok((code, questions)) => csv_download(
            &format!("questions-{code}.csv"),
            app::domain::bank::to_csv(&questions),
        ),
        Err(error) => refusal(&error),
    }
}

/// The bank as JSON: an array of question drafts (keys included, so never cached).
async fn bank_json(
    State(state): State<AppState>,
    axum::extract::Path(code): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    match bank_questions(&state, &code, &headers).await {
        Ok((code, questions)) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/json; charset=utf-8".to_owned(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"questions-{code}.json\""),
                ),
                (header::CACHE_CONTROL, "private, no-store".to_owned()),
            ],
            app::domain::bank::to_json(&questions),
        )
            .into_response(),
        Err(error) => refusal(&error),
    }
}

/// Deletes expired and idle sessions every hour, so the table does not
/// grow forever.
fn spawn_housekeeping(db: Db, idle_secs: i64) {
    let exams_db = db.clone();
    tokio::spawn(async move {
        let mut every_hour = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            let result = async {
                let mut conn = db.writer.acquire().await?;
                db::sessions::delete_expired(&mut conn, db::now(), idle_secs).await
            }
            .await;
            if let Err(error) = result {
                tracing::warn!(%error, "could not delete expired sessions");
            }
        }
    });
    // Attempts are also closed whenever anyone reads or writes them after
    // their deadline; this sweep makes the grading queue complete even when
    // nobody looks.
    tokio::spawn(async move {
        let mut every_quarter_minute = tokio::time::interval(Duration::from_secs(15));
        loop {
            every_quarter_minute.tick().await;
            match db::exams::close_overdue(&exams_db, db::now()).await {
                Ok(0) => {}
                Ok(closed) => tracing::info!(closed, "closed attempts past their deadline"),
                Err(error) => tracing::warn!(?error, "could not close overdue attempts"),
            }
        }
    });
}

/// Binds, prints the address it listens on, and serves until Ctrl-C / SIGTERM.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    issuer_key(&config)?;
    // One server per database; a restore waits for it to stop.
    let _lock = crate::backup::lock_database(&crate::config::database_file(&config.database_url))?;
    let state = build_state(&config).await?;
    spawn_housekeeping(state.db.clone(), config.session_idle_minutes * 60);
    let app = router(state);
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("binding {}", config.addr))?;
    let addr = listener.local_addr()?;
    // Tests and scripts read this line to find the port.
    println!("listening on http://{addr}");
    tracing::info!(%addr, site_root = %config.site_root.display(), "serving");
    serve_on(listener, app, shutdown_signal())
        .await
        .context("serving")
}

/// Serves `app` on `listener` until `shutdown` resolves.
///
/// Every accepted connection gets `TCP_NODELAY`. Without it, a response
/// written in more than one segment on a kept-alive connection waits for the
/// client's delayed ACK (Nagle's algorithm): about 40 ms per response, which
/// capped a browser's reused connection at 50 stylesheets a second.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "TCP_NODELAY could not be set on a connection");
        }
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: no new connections, in-flight requests may finish");
    // Requests in flight get a grace period, then the process ends. The
    // deadline runs on its own thread: a shutdown once hung for good with
    // a worker stuck dropping a half-rendered page (a lock in Leptos's
    // reactive owner cleanup, seen by the benchmark's SIGTERM under load).
    std::thread::spawn(|| {
        std::thread::sleep(SHUTDOWN_GRACE);
        tracing::warn!("requests still running after the grace period; exiting");
        std::process::exit(0);
    });
}

/// How long in-flight requests may run after a shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

#[cfg(test)]
mod tests {
    use super::*;
    use tower::ServiceExt;

    async fn panics() -> &'static str {
        panic!("a bug in a handler")
    }

    #[tokio::test]
    async fn a_panic_on_the_request_s_own_task_still_answers_500() {
        let app = Router::new()
            .route("/", axum::routing::get(panics))
            .route("/fine", axum::routing::get(|| async { "fine" }))
            .layer(axum::middleware::from_fn(finish_even_if_abandoned))
            .layer(CatchPanicLayer::custom(panic_response));
        let request = |path: &str| Request::get(path).body(axum::body::Body::empty()).unwrap();
        let answer = app.clone().oneshot(request("/")).await.unwrap();
        assert_eq!(answer.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let answer = app.oneshot(request("/fine")).await.unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
    }
}
